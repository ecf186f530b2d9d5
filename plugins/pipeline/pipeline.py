"""The build engine: sends the phases (``newsroom/phases.py``), reads sources in
parallel processes with the document steps inside Python-Markdown, renders pages
in parallel.

Pelican reads sources one after the other; on a 2-core machine half the CPU
waits. This plugin starts a process pool just before the generators are
created (see ``Prefetch``), reads every Markdown source there (Markdown → tree
→ document steps → HTML, metadata). Pelican's reader (``StepsMarkdownReader``)
then gets the prepared result instead of reading the file again, so each
source is still read and converted exactly once.

Pages are rendered on every core too: each generator's writes are queued and
shared with forked processes (``writing.py``), and still written in order by
Pelican's writer in this process, so the output is the same byte for byte.

Steps are module-level functions ``step(doc)`` (see ``document.Document``,
whose ``root`` is Markdown's element tree); plugins connect theirs in
``register()`` with an explicit priority::

    phases.connect_step(my_step, phases.PRIORITY["reading_time"])

``PIPELINE = {"workers": 0}`` reads and renders in the main process (no
pool, no fork); the default uses every core (reading once there are at least
``min_files`` (60) sources; rendering a generator's pages once it has at least
``writing.MIN_JOBS`` of them).

By concern: this module wires Pelican's signals to the phases and the readers;
``reading.py`` reads one source; ``workers.py`` is the reading pool;
``writing.py`` renders pages on every core; ``memo.py`` keeps unchanged pages on
warm builds; ``cache.py`` keeps Pelican's content cache safe.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures.process import BrokenProcessPool

from pelican.readers import HTMLReader, MarkdownReader, RstReader

from newsroom import buildstate, compat, htmltree, phases, sources
from newsroom.build import plain_settings
from newsroom.changes import dependencies_changed, items_of

from . import cache, writing
from .document import DEPENDS_KEY, Document, file_stamp
from .memo import RenderMemo
from .reading import read_source
from .workers import Prefetch, _unpack

logger = logging.getLogger(__name__)

# workers: None = os.cpu_count(), 0 = read in this process.
# min_files: below this many sources, starting workers costs more than it saves.
DEFAULTS = {"workers": None, "min_files": 60}
MARKDOWN_SUFFIXES = tuple("." + ext for ext in MarkdownReader.file_extensions)


class PipelineError(ValueError):
    pass


def configure(pelican):
    value = pelican.settings.get("PIPELINE") or {}
    if not isinstance(value, dict) or set(value) - set(DEFAULTS):
        raise PipelineError(f"PIPELINE must be a dict with keys among {sorted(DEFAULTS)}")
    config = {**DEFAULTS, **value}
    workers = config["workers"]
    if workers is not None and (not isinstance(workers, int) or workers < 0):
        raise PipelineError("PIPELINE['workers'] must be a whole number ≥ 0 (0: no pool)")
    pelican.settings["PIPELINE"] = config
    use_steps_reader(pelican)


#: Metadata key of what the steps found in a source: logged when its article or
#: page is created, not as it is read, so that a source the content cache holds
#: (and Pelican does not read again) still reports its problems every build.
NOTES_KEY = "pipeline_notes"


def log_notes(instance):
    """``content_object_init``: log the notes the steps left on a source."""
    metadata = getattr(instance, "metadata", None) or {}
    for level, message in metadata.get(NOTES_KEY) or ():
        logger.log(level, "%s", message)


def _register(settings, source):
    """Keep ``source`` among the sources this build read (``BuildState.sources``)."""
    if source is not None:
        buildstate.of(settings).sources[source.path] = source


def keep_source(instance):
    """``content_object_init``: the item carries its content model
    (``sources.of_item``), not its metadata (what pages show of an item)."""
    metadata = getattr(instance, "metadata", None)
    source = metadata.pop(sources.ITEM_KEY, None) if metadata else None
    if source is not None:
        setattr(instance, sources.ITEM_KEY, source)


def register_read(generator, metadata):
    """``*_generator_context``: a source read now or taken from the content cache
    (its reader's result) is among the sources this build read."""
    _register(generator.settings, metadata.get(sources.ITEM_KEY))


def register_items(generator):
    """``*_generator_finalized``: so is the source of an item the content cache kept
    whole (``CONTENT_CACHING_LAYER = "generator"``)."""
    for _, item in items_of([generator]):
        _register(generator.settings, getattr(item, sources.ITEM_KEY, None))


class StepsMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, with the document steps inside Markdown, or the
    result a worker process prepared. Installed through the ``READERS`` setting
    (so whatever wraps readers at ``readers_init`` wraps this one). The content
    model travels in the metadata (``sources.ITEM_KEY``) onto the item."""

    def read(self, source_path):
        build = buildstate.of(self.settings)
        state = build.get(Prefetch)
        try:
            prepared = state.take(source_path) if state is not None else None
            if prepared is not None:
                content, packed, notes, source = prepared
                metadata = {key: _unpack(value, self.settings) for key, value in packed.items()}
            else:
                content, metadata, notes, source = read_source(self, source_path,
                                                               phases.document_steps())
        except Exception as exc:  # a source that fails to read is in the translation status
            _register(self.settings, sources.of_error(exc))
            raise
        _register(self.settings, source)
        metadata[sources.ITEM_KEY] = source
        if notes:
            metadata[NOTES_KEY] = [tuple(note) for note in notes]
        return content, metadata


def steps_on_html(reader, path, content, metadata, steps):
    """The document steps on a source another reader (HTML, reST) made: its HTML is
    parsed once (standard library parser) and written by Python-Markdown's serialiser."""
    settings = reader.settings
    depends = {os.path.abspath(path): file_stamp(path)}
    root = htmltree.parse(content)
    named = sources.file_name_metadata(os.path.relpath(path, settings["PATH"]), settings)
    lang = sources.language(metadata.get("lang"), named, settings.get("DEFAULT_LANG", "en"))
    doc = Document(path, root, metadata, lang, settings, depends=depends)
    for step in steps:
        step(doc)
    if depends[os.path.abspath(path)] is not None:
        metadata[DEPENDS_KEY] = tuple(sorted(depends.items()))
    return htmltree.serialize(root), metadata, doc.notes


class _StepsAfterRead:
    """Mixin: a reader (not Markdown's) followed by the document steps."""

    def read(self, source_path):
        content, metadata = super().read(source_path)
        if isinstance(content, str):
            content, metadata, notes = steps_on_html(self, source_path, content, metadata,
                                                     phases.document_steps())
            if notes:
                metadata[NOTES_KEY] = [tuple(note) for note in notes]
        return content, metadata


# Module-level classes: the settings (READERS) are pickled with every cached article.
class StepsHTMLReader(_StepsAfterRead, HTMLReader):
    pass


class StepsRstReader(_StepsAfterRead, RstReader):
    pass


def use_steps_reader(pelican):
    """``build_started``: Markdown sources are read by ``StepsMarkdownReader``, other
    sources by their reader followed by the steps (metadata as text applies to all)."""
    compat.install_readers(pelican.settings, {
        ext: cls for cls in (StepsMarkdownReader, StepsHTMLReader, StepsRstReader)
        if cls.enabled for ext in cls.file_extensions})


def _cacher(generator):
    """Where Pelican's content cache keeps what it read: the generator or its readers."""
    if generator.settings.get("CONTENT_CACHING_LAYER") == "generator":
        return generator
    return generator.readers


def _cached_metadata(cached):
    """Readers cache (content, metadata); a generator caches the article or page."""
    return cached[1] if isinstance(cached, tuple) else getattr(cached, "metadata", None)


def _stale(metadata):
    """True if a file the source's result depends on changed since it was read."""
    return dependencies_changed(metadata)


def _sources(generator, paths_key, excludes_key):
    """The sources this build reads: those the content cache does not hold, and
    those it holds but whose result depends on a file that changed since (the
    cache only watches the source itself); their cache entries are dropped."""
    cacher = _cacher(generator)
    extensions = tuple(generator.readers.extensions)
    files = generator.get_files(generator.settings[paths_key],
                                exclude=generator.settings[excludes_key], extensions=extensions)
    result = []
    for rel in files:
        path = os.path.abspath(os.path.join(generator.path, rel))
        # The keys Pelican uses: a generator caches by the name get_files gave.
        key = rel if cacher is generator else path
        cached = cacher.get_cached_data(key, None)
        if cached is not None and _stale(_cached_metadata(cached)):
            logger.debug("pipeline: %s is read again: it or a file it uses changed", path)
            compat.forget_reading(generator, path)
            cached = None
        if cached is None:
            result.append(path)
    return result


def _workers(settings):
    workers = settings["PIPELINE"]["workers"]
    if workers is None:  # the cores this process may use
        cores = getattr(os, "sched_getaffinity", None)
        return len(cores(0)) if cores else (os.cpu_count() or 1)
    return workers


def _enough_sources(settings, threshold):
    """True if the content folder holds at least ``threshold`` files a reader takes
    (a quick count, before any generator exists)."""
    extensions = {ext for ext, cls in (settings.get("READERS") or {}).items()
                  if cls is StepsMarkdownReader}
    count = 0
    for _, dirs, files in os.walk(settings["PATH"]):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        count += sum(os.path.splitext(name)[1][1:] in extensions for name in files)
        if count >= threshold:
            return True
    return False


def fork_workers(pelican):
    """``get_generators``: fork the reading workers before the build starts any thread."""
    settings = pelican.settings
    # (a pool a failed build left is closed as this build starts: Prefetch.abandon)
    workers = _workers(settings)
    if not workers or not hasattr(os, "fork") or not writing.safe_to_fork() \
            or not _enough_sources(settings, max(settings["PIPELINE"]["min_files"], 1)):
        return
    try:
        buildstate.of(settings).put(Prefetch(settings, workers, fork=True))
    except BrokenProcessPool as exc:  # a worker failed to start: read here, which says why
        logger.debug("pipeline: no reading workers (%s)", exc)
        return
    logger.debug("pipeline: %d reading worker(s) forked", workers)


def prefetch(generator, paths_key, excludes_key):
    settings = generator.settings
    workers = _workers(settings)
    if not workers and not settings.get("LOAD_CONTENT_CACHE"):
        return
    paths = _sources(generator, paths_key, excludes_key)
    if not workers:
        return
    # Only Markdown sources are read with the steps (and so by the workers).
    paths = [p for p in paths if p.lower().endswith(MARKDOWN_SUFFIXES)]
    if len(paths) < max(settings["PIPELINE"]["min_files"], 1):
        return  # starting workers costs more than it saves on a small site
    buildstate.of(settings).slot(Prefetch, settings, workers).submit(paths)


def articles_init(generator):
    prefetch(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")


def pages_init(generator):
    prefetch(generator, "PAGE_PATHS", "PAGE_EXCLUDES")


def finish(generators):
    """Stop the pool once every generator has read its sources."""
    for generator in generators:
        state = buildstate.of(generator.settings).pop(Prefetch)
        if state is not None:
            state.close()


def render_on_every_core(generators):
    """Have each generator's pages rendered in parallel (and kept, on warm rebuilds)."""
    if not generators:
        return
    settings = generators[0].settings
    workers = _workers(settings)
    memo = None
    record = buildstate.of(settings).get(cache.CacheRecord)  # made at get_generators when
    # the cache is on
    if settings.get("CACHE_CONTENT") and settings.get("LOAD_CONTENT_CACHE") and record:
        memo = RenderMemo(settings, generators, plain_settings(settings), record.fingerprint)
    if workers < 2 and memo is None:
        return
    for generator in generators:
        if hasattr(generator, "generate_output"):
            # Pelican has no signal around a generator's output (see compat, writing.py).
            compat.wrap_generate_output(
                generator, lambda method: writing.deferring(method, workers, memo))


# -- the phases (newsroom/phases.py), sent from Pelican's signals ---------------

def _build_started(pelican):
    configure(pelican)
    phases.build_started.send(pelican)


def _items_ready(generators):
    """``item_ready`` for every article and page, ``items_ready``, then the generators that write from what every page used
    (``phase = "pages_written"``: assets, search index, sitemap, headers) are moved
    after all the others, whatever their plugin's place in ``PLUGINS``."""
    if generators:
        settings = generators[0].settings
        for _, item in items_of(generators):
            phases.item_ready.send(item, settings=settings)
    phases.items_ready.send(generators)
    # Pelican writes with this very list, in this order (see compat.run_last).
    compat.run_last(generators, [g for g in generators
                                 if getattr(g, "phase", None) == phases.pages_written.name])


def _finalized(pelican):
    phases.pages_written.send(pelican)
    phases.build_finished.send(pelican)


def register():
    phases.engine_registered()
    phases.on("initialized", _build_started)
    phases.on("all_generators_finalized", _items_ready)
    phases.on("finalized", _finalized)
    phases.on("get_generators", cache.drop_incomplete)
    phases.on("get_generators", fork_workers)
    phases.on("article_generator_finalized", cache.record_complete)
    phases.on("page_generator_finalized", cache.record_complete)
    phases.on("content_object_init", log_notes)
    phases.on("content_object_init", keep_source)
    phases.on("article_generator_context", register_read)
    phases.on("page_generator_context", register_read)
    phases.on("article_generator_finalized", register_items)
    phases.on("page_generator_finalized", register_items)
    phases.on("article_generator_init", articles_init)
    phases.on("page_generator_init", pages_init)
    phases.on("all_generators_finalized", finish)
    phases.on("all_generators_finalized", render_on_every_core)
