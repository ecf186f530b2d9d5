"""The reading workers: processes that read sources with the document steps while
Pelican makes its generators (see ``Prefetch``); results travel back light."""

from __future__ import annotations

import collections
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from pelican.readers import MarkdownReader
from pelican.urlwrappers import URLWrapper

from newsroom import compat, phases
from newsroom.build import BuildOnly, plain_settings

from . import writing
from .reading import read_source

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
            context.set_forkserver_preload(["markdown", "pelican.readers"])
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

    #: A pool a failed build left behind (newsroom/buildstate.py).
    abandon = close
