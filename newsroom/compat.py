"""Pelican internals we still need, in one place, behind a version guard.

Everything here uses a name Pelican does not document (underscore names, a
method's body we reproduce). Each shim has its own test in
``tests/test_compat.py`` (``precompress_files``, a pelican-precompress shim with
its own version guard: ``tests/test_hardening2_faults.py``); when Pelican is
upgraded, run those first. A Pelican
outside ``SUPPORTED`` stops the build at import with what to check.
"""

from __future__ import annotations

import logging
import os

import pelican

#: Pelican versions these shims were checked against (major.minor).
SUPPORTED = ("4.12",)


class UnsupportedPelican(ImportError):
    pass


def _check_version(version: str):
    if not any(version == v or version.startswith(v + ".") for v in SUPPORTED):
        raise UnsupportedPelican(
            f"newsroom.compat: Pelican {version} is not one of {list(SUPPORTED)}; check each "
            "shim in newsroom/compat.py against it (tests/test_compat.py), then add it to "
            "SUPPORTED")


_check_version(pelican.__version__)

from pelican.log import LimitFilter  # noqa: E402
from pelican.readers import _DISCARD  # noqa: E402,F401  Pelican's marker of an empty field


def is_discarded(value) -> bool:
    """True for the value Pelican gives an empty field (``Tags:`` with nothing after
    it); ``Readers.read_file`` drops such fields by identity."""
    return value is _DISCARD


def forget_logged_messages():
    """Pelican's LimitFilter logs a message once per process; every build must report
    its own problems (autoreload, several builds in one process)."""
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def markdown_metadata(reader, meta, source_path) -> dict:
    """Pelican's metadata of a Markdown header: what ``MarkdownReader.read`` makes of
    ``md.Meta``, here of ``meta`` (``newsroom.sources.Source.meta()``: the header parsed
    once, never by Markdown again).

    Reason: the rules are the body of the private ``MarkdownReader._parse_metadata``
    (4.12), reproduced over Pelican's public API: each field through
    ``reader.process_metadata``; a formatted field (``FORMATTED_FIELDS``: its lines
    joined) converted by a Markdown instance of the ``MARKDOWN`` setting without the
    ``meta`` extension, reset before each; a field that may not be repeated
    (``DUPLICATES_DEFINITIONS_ALLOWED``) takes its first value, with Pelican's warning;
    any other field written on several lines is given as a list.
    """
    from markdown import Markdown
    from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED

    settings = reader.settings
    formatted = settings["FORMATTED_FIELDS"]
    output, md = {}, None
    for name, values in meta.items():
        if name in formatted:
            if md is None:
                md = Markdown(**settings["MARKDOWN"])
                md.preprocessors.deregister("meta", strict=False)
            md.reset()
            output[name] = reader.process_metadata(name, md.convert("\n".join(values)))
        elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
            if len(values) > 1:
                _PELICAN_READERS_LOG.warning(
                    "Duplicate definition of `%s` for %s. Using first one.", name, source_path)
            output[name] = reader.process_metadata(name, values[0])
        elif len(values) > 1:
            output[name] = reader.process_metadata(name, values)
        else:
            output[name] = reader.process_metadata(name, values[0])
    return output


#: The logger Pelican's readers warn with (a strict build counts it the same).
_PELICAN_READERS_LOG = logging.getLogger("pelican.readers")


def forget_memoised(item=None):
    """Drop what Pelican memoised of ``item`` (every item if None).

    ``Content.get_content`` and ``get_summary`` are ``pelican.utils.memoized``:
    one class-level dict keyed by (object, siteurl), never emptied. A process
    that builds more than once (the preview's build process) would keep every
    article of every build alive, and an item whose body is replaced in place
    would keep its old content.
    """
    from pelican.contents import Content

    for value in vars(Content).values():
        cache = getattr(value, "cache", None)
        if not isinstance(cache, dict):
            continue
        if item is None:
            cache.clear()
        else:
            for key in [k for k in cache if k and k[0] is item]:
                del cache[key]


def forget_reading(generator, path):
    """Drop the content cache's reading of the source at ``path`` (absolute), so that
    the next ``read_file`` reads it again.

    Reason: Pelican's cache checks the source file's own stamp only; a reading that
    depends on other files (``newsroom.changes.DEPENDS_KEY``: images, their
    derivatives) is dropped here when one of them changed. The readers' cache is
    keyed by absolute path, a generator's by the name ``get_files`` gave."""
    path = os.path.abspath(path)
    if generator.settings.get("CONTENT_CACHING_LAYER") == "generator":
        generator.cache_data(os.path.relpath(path, generator.path), None)
    else:
        generator.readers.cache_data(path, (None, None))


def writer_of(pelican_instance):
    """The writer ``Pelican.run`` uses (a ``get_writer`` receiver's, or Pelican's own)."""
    return pelican_instance._get_writer()


def discard_writes(writer, discard):
    """Have ``writer`` open nothing for an output path ``discard(path)`` accepts.

    Pelican's ``Writer.write_file`` renders each page of a paginated listing and
    opens its file through the private ``_open_w``; the preview keeps the pages of
    a listing that do not show a changed item (their files stay untouched).
    """
    import contextlib
    import io

    original = writer._open_w

    def open_w(filename, encoding, override=False):
        if discard(os.path.abspath(filename)):
            return contextlib.nullcontext(io.StringIO())
        return original(filename, encoding, override=override)

    writer._open_w = open_w
    return writer


def pelican_instance(args, editorial=None):
    """Pelican's ``get_instance(args)``, with ``editorial`` merged into the settings
    file's ``EDITORIAL`` (``-e EDITORIAL=…`` would replace the whole dict).

    Reproduces the body of ``pelican.get_instance`` (read the settings with the
    command line's overrides, then ``PELICAN_CLASS``): the preview's build process
    adds its live settings to the file's as it reads them, so an edit to the
    file is seen by the next build process.
    """
    from pelican import DEFAULT_CONFIG_NAME, get_config
    from pelican.settings import read_settings

    if args.settings is None and os.path.isfile(DEFAULT_CONFIG_NAME):
        args.settings = DEFAULT_CONFIG_NAME
    settings = read_settings(args.settings, override=get_config(args))
    if editorial:
        settings["EDITORIAL"] = {**(settings.get("EDITORIAL") or {}), **editorial}
    cls = settings["PELICAN_CLASS"]
    if isinstance(cls, str):
        module, name = cls.rsplit(".", 1)
        cls = getattr(__import__(module, fromlist=[name]), name)
    return cls(settings), settings


#: pelican-precompress versions ``precompress_files`` was checked against (major.minor).
PRECOMPRESS_SUPPORTED = ("2.4",)


def _precompress():
    """pelican-precompress's module, once its version is one the shim was checked against."""
    from importlib.metadata import version

    from pelican.plugins import precompress

    found = version("pelican-precompress")
    if not any(found == v or found.startswith(v + ".") for v in PRECOMPRESS_SUPPORTED):
        raise UnsupportedPelican(
            f"newsroom.compat: pelican-precompress {found} is not one of "
            f"{list(PRECOMPRESS_SUPPORTED)}; check precompress_files against its "
            "compress_files (tests/test_hardening2_faults.py), then add it to "
            "PRECOMPRESS_SUPPORTED")
    return precompress


def precompress_files(instance):
    """pelican-precompress's ``compress_files``, with its workers' results read.

    Reason: 2.4 hands every (file, format) to ``Pool.apply_async`` and never reads
    the results, so a worker's write error (a full disk) is lost: an empty or
    truncated ``.gz``/``.br`` is left and the build ends well. This is the same
    loop over the same settings, compressors and ``worker``; once every worker has
    ended, the copies of the failed ones are removed and the first failure is
    raised (an ``OSError`` with its file name: ``newsroom.outputs`` reports it).
    """
    precompress = _precompress()
    import multiprocessing

    settings = precompress.get_settings(instance)
    formats = [fmt for enabled, fmt in (
        (settings["PRECOMPRESS_BROTLI"], ("brotli", ".br", precompress.compress_with_brotli,
                                          precompress.decompress_with_brotli)),
        (settings["PRECOMPRESS_GZIP"], ("gzip", ".gz", precompress.compress_with_gzip,
                                        precompress.decompress_with_gzip)),
        (settings["PRECOMPRESS_ZOPFLI"], ("zopfli", ".gz", precompress.compress_with_zopfli,
                                          precompress.decompress_with_gzip)),
        (settings["PRECOMPRESS_ZSTANDARD"], ("zstandard", ".zst",
                                             precompress.compress_with_zstandard,
                                             precompress.decompress_with_zstandard)),
    ) if enabled]
    if not formats:
        return
    minimum_size = settings["PRECOMPRESS_MIN_SIZE"]
    jobs = []
    with multiprocessing.Pool() as pool:
        for path in precompress.get_paths_to_compress(settings):
            if minimum_size and path.stat().st_size < minimum_size:
                continue
            data = path.read_bytes()
            for fmt in formats:
                destination = path.with_name(path.name + fmt[1])
                jobs.append((destination, pool.apply_async(
                    precompress.worker, (data, path, fmt, settings))))
        pool.close()
        pool.join()
    failures = []
    for destination, result in jobs:
        try:
            result.get()
        except Exception as exc:  # noqa: BLE001 - every failure is handled below
            if isinstance(exc, OSError) and exc.filename is None:  # a write() names no file
                exc = OSError(exc.errno, exc.strerror, os.fspath(destination))
            failures.append(exc)
            try:
                destination.unlink()
            except OSError:
                pass
    if failures:
        raise failures[0]


def read_precompress_results():
    """Connect ``precompress_files`` in place of pelican-precompress's own driver, if
    a build loaded it (its ``register`` connects ``compress_files`` to the
    ``compress`` signal of pelican-granular-signals, sent after ``finalized``)."""
    import sys

    precompress = sys.modules.get("pelican.plugins.precompress")
    if precompress is None:
        return
    import blinker

    signal = blinker.signal("compress")
    if any(receiver is precompress.compress_files for receiver in signal.receivers_for(None)):
        _precompress()  # the version guard
        signal.disconnect(precompress.compress_files)
        signal.connect(precompress_files)


# -- the build engine's hooks into Pelican's run (plugins/pipeline/) --------------
#
# Pelican 4.12 has no signal around a generator's output, no way to order its
# generators and reads READERS once per generator. The engine needs all three;
# each is done here only.

def install_readers(settings, readers):
    """Have Pelican read each extension of ``readers`` ({ext: reader class}) with
    that class, unless the user's ``READERS`` says otherwise for it (a reader of
    their own, or None: off).

    Reason: Pelican's ``Readers`` takes ``READERS`` from the settings when each
    generator starts (its ``readers_init`` receivers then wrap what it made), so the
    engine's readers are given there, before any generator, rather than swapped
    into ``Readers.readers`` afterwards.
    """
    merged = dict(settings.get("READERS") or {})
    for ext, cls in readers.items():
        merged.setdefault(ext, cls)
    settings["READERS"] = merged


def wrap_generate_output(generator, wrap):
    """Replace ``generator.generate_output`` on this instance by ``wrap(method)``.

    Reason: Pelican's ``run()`` calls ``generator.generate_output(writer)`` for each
    generator with no signal before or after it; the engine queues a generator's
    writes there to render them on every core (``plugins/pipeline/writing.py``).
    Only this instance is changed, for this build.
    """
    generator.generate_output = wrap(generator.generate_output)


def run_last(generators, late):
    """Move the generators ``late`` to the end of ``generators``, in place.

    Reason: ``all_generators_finalized`` receives the very list ``Pelican.run``
    then writes with, in order; generators that write from every page (assets,
    search index, sitemaps, headers) must come after all the others, whatever
    their plugin's place in ``PLUGINS``.
    """
    if late:
        generators[:] = [g for g in generators if g not in late] + list(late)


def wrap_run(pelican, wrap):
    """Replace ``pelican.run`` on this instance by ``wrap(method)``.

    Reason: Pelican sends no signal after the last ``finalized`` receiver, and
    blinker calls one signal's receivers in no fixed order; what must see the whole
    build's output (pelican-precompress's ``.gz`` files included) and end it with one
    clean line on a write error (``plugins/outputs``) runs around ``run()`` itself.
    Only this instance is changed.
    """
    pelican.run = wrap(pelican.run)
