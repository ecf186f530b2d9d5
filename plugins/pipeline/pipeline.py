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
"""

from __future__ import annotations

import collections
import gc
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from markdown import Markdown
from markdown.serializers import to_html_string
from pelican import signals
from pelican.readers import HTMLReader, MarkdownReader, RstReader
from pelican.urlwrappers import URLWrapper

from newsroom import compat, phases, sources
from newsroom.build import BuildOnly, plain_settings
from newsroom.changes import items_of

from . import cache, writing
from .memo import RenderMemo
from .document import DEPENDS_KEY, Document, StepRunner, file_stamp, parse_fragment

logger = logging.getLogger(__name__)

# workers: None = os.cpu_count(), 0 = read in this process.
# min_files: below this many sources, starting workers costs more than it saves.
DEFAULTS = {"workers": None, "min_files": 60}
STATE_KEY = "PIPELINE_STATE"
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
    pelican.settings[SOURCES_KEY] = SourcesRead()
    use_steps_reader(pelican)


def source_lang(path, metadata, settings):
    """A source's language as Pelican will see it: Lang: line, file name, default."""
    lang = metadata.get("lang")
    if not lang and settings.get("FILENAME_METADATA"):
        base = os.path.splitext(os.path.basename(path))[0]
        match = re.match(settings["FILENAME_METADATA"], base)
        if match:
            lang = match.groupdict().get("lang")
    return str(lang or settings.get("DEFAULT_LANG", "en"))


def read_source(reader, path, steps):
    """Read one Markdown source with the document steps run inside Python-Markdown.

    Returns (content, metadata, notes, content model). The source's own stamp is taken before
    it is read: Pelican's content cache stamps it only once the result is back,
    so an edit saved in between would otherwise be taken for already read.
    """
    settings = reader.settings
    depends = {os.path.abspath(path): file_stamp(path)}
    # One read of the file: the content model (newsroom.sources) and Markdown's text.
    with open(path, "rb") as fh:
        source = sources.source_from_bytes(path, fh.read(), settings, settings["PATH"],
                                           sources.kind_of(path, settings))
    md = Markdown(**settings["MARKDOWN"])
    runner = StepRunner(md, steps, path, lambda md: compat.parse_metadata(reader, md),
                        lambda metadata: source_lang(path, metadata, settings), settings, depends,
                        source)
    md.treeprocessors.register(runner, "newsroom_steps", phases.TREEPROCESSOR_PRIORITY)
    if source.unreadable is None:
        content = compat.markdown_convert(reader, path, md, source.text)
    else:  # not UTF-8 text: Pelican's own read raises, and strict says why
        content = compat.markdown_convert(reader, path, md)
    doc = runner.doc
    metadata = doc.metadata if doc is not None else compat.parse_metadata(reader, md)
    if depends[os.path.abspath(path)] is not None:
        metadata[DEPENDS_KEY] = tuple(sorted(depends.items()))
    source.text = source.body_lines_memo = None  # the model travels light
    return content, metadata, (doc.notes if doc is not None else []), source


class SourcesRead(BuildOnly):
    """Per-build: ``by_path`` {absolute path: newsroom.sources.Source} of every source
    the engine read (here or in a worker). The translation status uses them instead
    of reading the content folder again (``sources.scan(settings, known=…)``)."""

    def __init__(self):
        self.by_path = {}


SOURCES_KEY = "NEWSROOM_SOURCES"


#: Metadata key of what the steps found in a source: logged when its article or
#: page is created, not as it is read, so that a source the content cache holds
#: (and Pelican does not read again) still reports its problems every build.
NOTES_KEY = "pipeline_notes"


def log_notes(instance):
    """``content_object_init``: log the notes the steps left on a source."""
    metadata = getattr(instance, "metadata", None) or {}
    for level, message in metadata.get(NOTES_KEY) or ():
        logger.log(level, "%s", message)


class StepsMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, with the document steps inside Markdown, or the
    result a worker process prepared. Installed through the ``READERS`` setting
    (so whatever wraps readers at ``readers_init`` wraps this one)."""

    def read(self, source_path):
        state = self.settings.get(STATE_KEY)
        prepared = state.take(source_path) if state is not None else None
        if prepared is not None:
            content, packed, notes, source = prepared
            metadata = {key: _unpack(value, self.settings) for key, value in packed.items()}
        else:
            content, metadata, notes, source = read_source(self, source_path,
                                                           phases.document_steps())
        registry = self.settings.get(SOURCES_KEY)
        if registry is not None:
            registry.by_path[source.path] = source
        if notes:
            metadata[NOTES_KEY] = [tuple(note) for note in notes]
        return content, metadata


def steps_on_html(reader, path, content, metadata, steps):
    """The document steps on a source another reader (HTML, reST) made: its HTML is
    parsed once (standard library parser) and written by Python-Markdown's serialiser."""
    settings = reader.settings
    depends = {os.path.abspath(path): file_stamp(path)}
    root = parse_fragment(content)
    doc = Document(path, root, metadata, source_lang(path, metadata, settings), settings,
                   depends=depends)
    for step in steps:
        step(doc)
    html = to_html_string(root)
    if depends[os.path.abspath(path)] is not None:
        metadata[DEPENDS_KEY] = tuple(sorted(depends.items()))
    return html[len("<div>"):-len("</div>")], metadata, doc.notes


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


# -- worker processes ----------------------------------------------------------

_WORKER = {}  # per worker process: its readers (never used in the main process)


def _worker_init(settings, steps):
    from pelican.log import FatalLogger

    # A worker's log records go back with each result (see NOTES_KEY): strict
    # builds count them, and only the build process writes to the console.
    _WORKER["log"] = writing.collect_logs()
    # ... and raises for them (`pelican --fatal warnings`), with their text.
    FatalLogger.fatal_lvl = logging.CRITICAL + 1
    # Ctrl-C stops the build process, which stops the pool; a worker whose
    # build process was killed outright stops by itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    # The steps of the build that started the pool (a fork-server worker has
    # imported the plugins to unpickle them, but not registered them).
    _WORKER["steps"] = steps
    # A plain Markdown reader: its read is ``read_source``'s, whatever wrapped
    # the build's readers (those wrappers run in the build process).
    _WORKER["reader"] = MarkdownReader(settings)


def _worker_ready():
    return os.getpid()


def _exit_with_parent(parent):
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _pack(value):
    """Categories, tags and authors travel as (class, name): each carries the whole
    settings dict, which would make every result hundreds of kB to pickle."""
    if isinstance(value, URLWrapper):
        return _Wrapped(type(value), value.name)
    if isinstance(value, list) and value and all(isinstance(v, URLWrapper) for v in value):
        return [_Wrapped(type(v), v.name) for v in value]
    return value


def _unpack(value, settings):
    if isinstance(value, _Wrapped):
        return value.cls(value.name, settings)
    if isinstance(value, list) and value and all(isinstance(v, _Wrapped) for v in value):
        return [v.cls(v.name, settings) for v in value]
    return value


@dataclass(frozen=True)
class _Wrapped:
    cls: type
    name: str


def _worker_read(path):
    collector = _WORKER["log"]
    try:
        content, metadata, notes, source = read_source(_WORKER["reader"], path, _WORKER["steps"])
    except BaseException as exc:
        for _, _, message in collector.records:  # what was logged before it failed
            exc.add_note(message)
        raise
    finally:
        logged, collector.records = collector.records, []
    notes = [(level, message) for _, level, message in logged] + notes
    # Pelican marks empty fields ("Tags:" with nothing after it) with a sentinel
    # object that Readers.read_file drops by identity; a pickled copy would not
    # be that object any more, so drop them here, as read_file would.
    packed = {key: _pack(value) for key, value in metadata.items() if not compat.is_discarded(value)}
    return content, packed, notes, source


class Prefetch(BuildOnly):
    """Futures of the sources being read by the pool, taken once each.

    Workers are forked from this process when nothing else could hold a lock
    they need: at ``get_generators``, before any generator (or the editorial
    scan thread) starts, and only if no other non-daemon thread runs (see
    ``writing.safe_to_fork``). They share its memory and start at once.

    Otherwise (a dev server, a test runner with helper threads) they come
    from a fork server: a clean single-threaded process that preloads the
    heavy modules once and must not import ``__main__`` (with ``python -m
    pelican`` that would start a second build). It costs a process and its
    imports, so it is started only once a generator has enough sources.
    """

    def __init__(self, settings, workers, fork=False):
        # Pelican imports plugins from PLUGIN_PATHS without putting them on
        # sys.path; fork-server workers unpickle the steps by module name.
        for folder in settings.get("PLUGIN_PATHS", []):
            folder = os.path.abspath(folder)
            if folder not in sys.path:
                sys.path.append(folder)
        if fork:
            context = multiprocessing.get_context("fork")
        else:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["markdown", "bs4", "pelican.readers"])
        plain = plain_settings(settings)
        self.pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_worker_init,
            initargs=(plain, phases.document_steps()),
        )
        if fork:
            # A forked pool starts all its workers at the first submit: do it
            # now, while this is the only thread. Objects that exist now are
            # never collected in the workers, so their memory stays shared.
            gc.freeze()
            try:
                self.pool.submit(_worker_ready).result()
            except BaseException:
                self.pool.shutdown(wait=True, cancel_futures=True)
                raise
            finally:
                gc.unfreeze()
        self.futures = {}
        self.queued = collections.deque()  # paths not submitted yet
        # Only a window of results waits in memory: the workers stay ahead of
        # Pelican without holding every page of a large site at once.
        self.window = 16 * workers

    def submit(self, paths):
        known = set(self.futures) | set(self.queued)
        self.queued.extend(p for p in paths if p not in known)
        self._refill()

    def _refill(self):
        while self.queued and len(self.futures) < self.window:
            path = self.queued.popleft()
            self.futures[path] = self.pool.submit(_worker_read, path)

    def take(self, path):
        future = self.futures.pop(path, None)
        if future is None:
            if path not in self.queued:
                return None
            self.queued.remove(path)  # asked out of order: read it now
            future = self.pool.submit(_worker_read, path)
        self._refill()
        return future.result()  # re-raises the worker's exception, if any

    def close(self):
        self.queued.clear()
        for future in self.futures.values():
            future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)


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
    return any(file_stamp(path) != stamp for path, stamp in (metadata or {}).get(DEPENDS_KEY, ()))


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
            cacher.cache_data(key, None if cacher is generator else (None, None))
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
    stale = settings.pop(STATE_KEY, None)  # left by a failed build (autoreload)
    if stale is not None:
        stale.close()
    workers = _workers(settings)
    if not workers or not hasattr(os, "fork") or not writing.safe_to_fork() \
            or not _enough_sources(settings, max(settings["PIPELINE"]["min_files"], 1)):
        return
    try:
        settings[STATE_KEY] = Prefetch(settings, workers, fork=True)
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
    state = settings.get(STATE_KEY)
    if state is None:
        state = settings[STATE_KEY] = Prefetch(settings, workers)
    state.submit(paths)


def articles_init(generator):
    prefetch(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")


def pages_init(generator):
    prefetch(generator, "PAGE_PATHS", "PAGE_EXCLUDES")


def finish(generators):
    """Stop the pool once every generator has read its sources."""
    for generator in generators:
        state = generator.settings.pop(STATE_KEY, None)
        if state is not None:
            state.close()


def render_on_every_core(generators):
    """Have each generator's pages rendered in parallel (and kept, on warm rebuilds)."""
    if not generators:
        return
    settings = generators[0].settings
    workers = _workers(settings)
    memo = None
    record = settings.get(cache.STATE_KEY)  # made at get_generators when the cache is on
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
    signals.initialized.connect(_build_started)
    signals.all_generators_finalized.connect(_items_ready)
    signals.finalized.connect(_finalized)
    signals.get_generators.connect(cache.drop_incomplete)
    signals.get_generators.connect(fork_workers)
    signals.article_generator_finalized.connect(cache.record_complete)
    signals.page_generator_finalized.connect(cache.record_complete)
    signals.content_object_init.connect(log_notes)
    signals.article_generator_init.connect(articles_init)
    signals.page_generator_init.connect(pages_init)
    signals.all_generators_finalized.connect(finish)
    signals.all_generators_finalized.connect(render_on_every_core)
