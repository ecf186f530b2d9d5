"""Load only content cache files that a build finished writing, with the same settings and code.

Pelican saves its content cache with a plain ``pickle.dump`` into the file
itself. A build killed while saving (Ctrl-C, a preview server stopping), or
a save that fails halfway (an object that cannot be pickled: Pelican logs a
warning and goes on), leaves a broken file, and Pelican recovers from some
broken files but not from an empty or truncated one (``EOFError``): every
later build with the cache on crashes. Nor does Pelican notice that the
settings, the plugins or a library changed, which change what reading a
source gives (typography, summaries, checks…).

So once a generator has saved its cache (``*_generator_finalized`` comes
right after), each file it wrote is loaded back once, and the stamps of the
good ones are recorded with a fingerprint of the settings and code. Before
the next build loads them (``get_generators``, before any generator exists),
a file that is not the one recorded, or every file if the fingerprint
changed, is removed: its sources are read again.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import pickle
import re

from newsroom import buildstate
from newsroom.build import BuildOnly, plain_settings

from .document import file_stamp
from .memo import code_digest

logger = logging.getLogger(__name__)

#: The record of complete cache files, in CACHE_PATH.
RECORD = "complete.json"
#: Pelican's cache files: ``<Generator class>`` and ``<Generator class>-Readers``.
PELICAN_NAME = re.compile(r"[A-Za-z_]\w*(-Readers)?")
#: Settings that do not change what reading a source gives (and the cache itself).
NOT_READING = frozenset({"CACHE_CONTENT", "LOAD_CONTENT_CACHE", "CACHE_PATH", "PIPELINE",
                         "CHECK_MODIFIED_METHOD", "CONTENT_CACHING_LAYER"})


def reading_settings(settings):
    """The plain settings that reading depends on, the same before and after Pelican's
    Markdown reader adds its extensions list to ``MARKDOWN`` (autoreload builds)."""
    plain = {k: v for k, v in plain_settings(settings).items() if k not in NOT_READING}
    markdown = plain.get("MARKDOWN")
    if isinstance(markdown, dict):
        extensions = set(markdown.get("extensions") or ()) | set(
            markdown.get("extension_configs") or ())
        plain["MARKDOWN"] = {**markdown, "extensions": sorted(map(str, extensions))}
    return plain


class CacheRecord(BuildOnly):
    """The cache files of this build and its reading fingerprint, taken before
    any generator adds its state to the settings."""

    def __init__(self, settings):
        self.folder = settings["CACHE_PATH"]
        self.open = gzip.open if settings.get("GZIP_CACHE") else open  # as Pelican saves
        # Not the theme: it changes pages, not what reading a source gives.
        self.fingerprint = code_digest(settings, reading_settings(settings)).hexdigest()
        self.files = {}  # name -> stamp, of the files known to be whole

    def pelican_files(self):
        # Only Pelican's files: the folder may hold others (another cache in a
        # subfolder, our JSON memos, which their readers take as empty if broken).
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        return sorted(n for n in names if PELICAN_NAME.fullmatch(n)
                      and os.path.isfile(os.path.join(self.folder, n)))

    def _remove(self, name):
        try:
            os.remove(os.path.join(self.folder, name))
        except FileNotFoundError:
            pass
        except OSError as exc:  # a read-only cache folder: Pelican only warns too
            logger.warning("pipeline: cannot remove the content cache file %s (%s)",
                           os.path.join(self.folder, name), exc)

    def drop_incomplete(self):
        try:
            with open(os.path.join(self.folder, RECORD), encoding="utf-8") as fh:
                record = json.load(fh)
        except (OSError, ValueError):
            record = {}
        record = record if isinstance(record, dict) else {}
        names = self.pelican_files()
        if names and record.get("fingerprint") != self.fingerprint:
            if record:
                logger.info("pipeline: settings, plugins or libraries changed since the content "
                            "cache was saved; every source is read again")
            for name in names:
                self._remove(name)
            return
        recorded = record.get("files") or {}
        for name in names:
            stamp = file_stamp(os.path.join(self.folder, name))
            if stamp is not None and list(stamp) == recorded.get(name):
                self.files[name] = stamp
            else:
                logger.warning("pipeline: the content cache file %s is not one a build finished "
                               "writing (an interrupted build?); it is removed and its sources "
                               "are read again", os.path.join(self.folder, name))
                self._remove(name)

    def check_saved(self):
        """Load back each cache file saved since the last check; remove a broken one."""
        for name in self.pelican_files():
            path = os.path.join(self.folder, name)
            stamp = file_stamp(path)
            if stamp is None or self.files.get(name) == stamp:
                continue
            try:
                with self.open(path, "rb") as fh:
                    pickle.load(fh)
            except Exception as exc:  # noqa: BLE001 - whatever Pelican would choke on
                logger.warning("pipeline: the content cache file %s was not saved whole (%s: %s); "
                               "it is removed", path, type(exc).__name__, exc)
                self._remove(name)
                self.files.pop(name, None)
                continue
            self.files[name] = stamp
        temporary = os.path.join(self.folder, f".{RECORD}.{os.getpid()}")
        try:
            with open(temporary, "w", encoding="utf-8") as fh:
                json.dump({"fingerprint": self.fingerprint,
                           "files": {name: list(stamp) for name, stamp in self.files.items()}},
                          fh, sort_keys=True)
            os.replace(temporary, os.path.join(self.folder, RECORD))
        except OSError as exc:  # the next build then reads every source again
            logger.warning("pipeline: cannot record the content cache in %s (%s)",
                           self.folder, exc)


def drop_incomplete(pelican):
    """``get_generators``: remove cache files the last build did not finish writing,
    or wrote with other settings or code."""
    settings = pelican.settings
    if not (settings.get("LOAD_CONTENT_CACHE") or settings.get("CACHE_CONTENT")):
        return
    state = buildstate.of(settings).put(CacheRecord(settings))
    if settings.get("LOAD_CONTENT_CACHE"):
        state.drop_incomplete()


def record_complete(generator):
    """``article_generator_finalized`` and ``page_generator_finalized``: check and
    record the cache files just saved."""
    state = buildstate.of(generator.settings).get(CacheRecord)
    if state is not None and generator.settings.get("CACHE_CONTENT") \
            and os.path.isdir(state.folder):
        state.check_saved()
