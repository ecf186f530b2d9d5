"""Load only content cache files that a build finished writing, with the same settings and code.

Pelican saves its content cache with a plain ``pickle.dump`` into the file
itself, and on loading recovers from some errors but not from an empty or
truncated file (``EOFError``): a build killed while saving (Ctrl-C, a preview
server stopping) makes every later build with the cache on crash. Nor does
it notice that the settings, the plugins or a library changed, which change
what reading a source gives (typography, summaries, checks…).

So once a generator has saved its cache (``*_generator_finalized`` comes
right after), the stamps of the cache files are recorded with a fingerprint
of the settings and code; before the next build loads them
(``get_generators``, before any generator exists), a file that is not the
one recorded, or every file if the fingerprint changed, is removed: its
sources are read again.
"""

from __future__ import annotations

import json
import logging
import os

from newsroom.build import BuildOnly, plain_settings

from .document import file_stamp
from .memo import code_digest

logger = logging.getLogger(__name__)

#: The record of complete cache files, in CACHE_PATH.
RECORD = "complete.json"
STATE_KEY = "PIPELINE_CACHE_STATE"


class CacheRecord(BuildOnly):
    """This build's reading fingerprint, taken before any generator changes the settings."""

    def __init__(self, settings):
        self.folder = settings["CACHE_PATH"]
        # Not the theme: it changes pages, not what reading a source gives.
        self.fingerprint = code_digest(settings, plain_settings(settings), theme=False).hexdigest()

    def pelican_files(self):
        # Pelican's cache files are pickles named after their generator; ours (the
        # render and search memos, this record) are JSON, and an unreadable one is
        # taken as empty by whoever reads it.
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        return sorted(n for n in names if not n.endswith(".json") and not n.startswith("."))

    def load(self):
        try:
            with open(os.path.join(self.folder, RECORD), encoding="utf-8") as fh:
                record = json.load(fh)
            return record if isinstance(record, dict) else {}
        except (OSError, ValueError):
            return {}

    def drop_incomplete(self):
        record = self.load()
        names = self.pelican_files()
        if names and record.get("fingerprint") != self.fingerprint:
            if record:
                logger.info("pipeline: settings, plugins or libraries changed since the content "
                            "cache was saved; every source is read again")
            for name in names:
                os.remove(os.path.join(self.folder, name))
            return
        files = record.get("files") or {}
        for name in names:
            path = os.path.join(self.folder, name)
            if list(file_stamp(path) or ()) != files.get(name):
                logger.warning("pipeline: the content cache file %s is not the one the last "
                               "build finished writing (an interrupted build?); it is removed "
                               "and its sources are read again", path)
                os.remove(path)

    def save(self):
        if not os.path.isdir(self.folder):
            return
        files = {name: list(stamp) for name in self.pelican_files()
                 if (stamp := file_stamp(os.path.join(self.folder, name))) is not None}
        temporary = os.path.join(self.folder, f".{RECORD}.{os.getpid()}")
        with open(temporary, "w", encoding="utf-8") as fh:
            json.dump({"fingerprint": self.fingerprint, "files": files}, fh, sort_keys=True)
        os.replace(temporary, os.path.join(self.folder, RECORD))


def drop_incomplete(pelican):
    """``get_generators``: remove cache files the last build did not finish writing,
    or wrote with other settings or code."""
    settings = pelican.settings
    settings.pop(STATE_KEY, None)
    if not (settings.get("LOAD_CONTENT_CACHE") or settings.get("CACHE_CONTENT")):
        return
    state = settings[STATE_KEY] = CacheRecord(settings)
    if settings.get("LOAD_CONTENT_CACHE"):
        state.drop_incomplete()


def record_complete(generator):
    """``article_generator_finalized`` and ``page_generator_finalized``: the caches
    just saved are complete."""
    state = generator.settings.get(STATE_KEY)
    if state is not None and generator.settings.get("CACHE_CONTENT"):
        state.save()
