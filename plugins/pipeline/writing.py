"""Render pages on every core: each generator's writes are rendered in forked processes.

Pelican renders and writes every page in one process. Here each generator's
``write_file`` calls are queued while its ``generate_output`` runs; then the
queue is shared out: forked children render their share of the jobs into a
spool folder while this process renders its own, and this process then
replays every job, in the original order, through the real writer. A job a
child rendered is replayed with a stand-in template that returns the spooled
page, so Pelican's own code still writes each file, runs its overwrite checks
and sends ``content_written`` (sitemaps, security headers…) in this process,
exactly as in a serial build: the output is byte-identical.

Why fork (not the reading pool): rendering needs the whole context (every
article, its translations, neighbours, taxonomies), which a forked child has
for free and a pool worker would need pickled. Forking is only done when this
is the only thread running Python code besides ones that never touch what the
child uses (see ``safe_to_fork``), and the child never writes to the console:
its log records travel back and are logged here.

If a child fails, its remaining jobs are rendered here, so a template error
is raised by Pelican in the build process, as in a serial build.
"""

from __future__ import annotations

import gc
import json
import logging
import mmap
import multiprocessing
import os
import shutil
import signal
import struct
import sys
import threading
import time

from pelican import signals as pelican_signals

from newsroom.build import scratch_folder

from .memo import Recording

logger = logging.getLogger(__name__)

#: Below this many jobs in one generator, forking costs more than it saves.
MIN_JOBS = 8


class DeferredWriter:
    """Stands for the writer during one generator's output: queues ``write_file``."""

    def __init__(self, writer):
        self._writer = writer
        self.jobs = []

    def __getattr__(self, name):
        return getattr(self._writer, name)

    def write_file(self, name, template, context, *args, **kwargs):
        self.jobs.append((name, template, context, args, kwargs))


class _Spooled:
    """A template stand-in: the page a child rendered, or a real render if there is none."""

    def __init__(self, template, folder, kept=False):
        self.template = template
        self.folder = folder
        self.kept = kept  # the page is read back from the output (memo.py), not rendered

    def render(self, localcontext):
        path = os.path.join(self.folder, localcontext["output_file"])
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read()
        except OSError:
            return self.template.render(localcontext)


def spooled(template, folder):
    """``template`` reading its pages from ``folder``, inside any wrapper it has (memo.Recording)."""
    wrap = getattr(template, "wrap", None)
    return wrap(lambda inner: _Spooled(inner, folder)) if wrap else _Spooled(template, folder)


class Collect(logging.Handler):
    """A child's log records (name, level, message), kept to be logged by the build process."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.setFormatter(logging.Formatter("%(message)s"))  # and the traceback, if any
        self.records = []

    def emit(self, record):
        try:
            message = self.format(record)
        except Exception:  # noqa: BLE001 - a broken log call must not lose the child's work
            message = str(record.msg)
        self.records.append((record.name, record.levelno, message))


def collect_logs():
    """In a child process: send every log record (and warning) to one collector only,
    and nothing to the console.

    The handlers it inherited may write to a console that another thread of
    the build held when it forked; the build process logs the records instead.
    """
    collector = Collect()
    # The console too: the build's spinner thread may have held its lock when
    # this process was forked. Any output a library prints is dropped.
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for logger_ in [logging.getLogger()] + [
            lg for lg in logging.Logger.manager.loggerDict.values()
            if isinstance(lg, logging.Logger)]:
        for handler in list(logger_.handlers):
            logger_.removeHandler(handler)
    logging.getLogger().addHandler(collector)
    logging.captureWarnings(True)
    return collector


def safe_to_fork():
    # Threads that may hold a lock the child needs make fork unsafe. Pelican's
    # command line runs a console spinner thread (rich); the child never writes
    # to the console, so that one is harmless. Any other thread (a dev server,
    # a test runner's helpers) and we render serially.
    others = [t for t in threading.enumerate()
              if t is not threading.current_thread() and t.daemon is False]
    return not others


class _Queue:
    """The jobs, shared with forked children: this process takes them from the
    front, children from the back, until they meet, so every process stays busy
    however unequal the jobs are (a paginated tag is many pages).

    Two counters and a done flag per job, in an anonymous shared mapping.
    """

    def __init__(self, count):
        self.memory = mmap.mmap(-1, 16 + count)
        self.lock = multiprocessing.get_context("fork").Lock()
        struct.pack_into("qq", self.memory, 0, 0, count - 1)

    def _take(self, front):
        with self.lock:
            low, high = struct.unpack_from("qq", self.memory, 0)
            if low > high:
                return None
            if front:
                struct.pack_into("qq", self.memory, 0, low + 1, high)
                return low
            struct.pack_into("qq", self.memory, 0, low, high - 1)
            return high

    def take_front(self):
        return self._take(True)

    def take_back(self):
        return self._take(False)

    def mark_done(self, index):
        self.memory[16 + index] = 1

    def is_done(self, index):
        return self.memory[16 + index] == 1


def _child(writer, jobs, pending, queue, spool):
    """In a forked child: render jobs from the back of the queue into ``spool/<job>/``."""
    collector = collect_logs()
    status = 0
    try:
        with pelican_signals.content_written.muted():
            while (position := queue.take_back()) is not None:
                index = pending[position]
                name, template, context, args, kwargs = jobs[index]
                writer.output_path = os.path.join(spool, str(index))
                writer.write_file(name, template, context, *args, **kwargs)
                queue.mark_done(position)
    except BaseException:  # noqa: BLE001 - the build process renders it again and reports
        status = 1
    finally:
        try:
            with open(os.path.join(spool, f"log-{os.getpid()}.json"), "w",
                      encoding="utf-8") as fh:
                json.dump(collector.records, fh)
        finally:
            os._exit(status)


def flush(writer, jobs, workers):
    """Render and write ``jobs`` (queued ``write_file`` calls) with ``workers`` processes.

    Jobs marked ``kept`` (pages read back from the output, see memo.py) need no
    rendering: only the others are shared with the children.
    """
    pending = [i for i, job in enumerate(jobs) if not getattr(job[1], "kept", False)]
    if workers < 2 or len(pending) < MIN_JOBS or not hasattr(os, "fork") or not safe_to_fork():
        for name, template, context, args, kwargs in jobs:
            writer.write_file(name, template, context, *args, **kwargs)
        return
    spool = scratch_folder("pelican-render-")
    queue = _Queue(len(pending))  # positions in ``pending``
    children = {}  # pid -> exit status (None: running)

    def write(index, template=None):
        name, original, context, args, kwargs = jobs[index]
        writer.write_file(name, template or original, context, *args, **kwargs)

    # Objects that exist now are never collected by a child, so its garbage
    # collector does not copy every page of memory it would otherwise touch.
    gc.freeze()
    finished = False
    try:
        for _ in range(workers - 1):
            pid = os.fork()
            if pid == 0:
                _child(writer, jobs, pending, queue, spool)
            children[pid] = None
        # Our jobs come from the front: written as soon as rendered, in order
        # (with the kept pages before them).
        written = 0
        while (position := queue.take_front()) is not None:
            index = pending[position]
            for earlier in range(written, index):
                write(earlier)
            write(index)
            written = index + 1
        # Then the children's, in order, as they are done.
        position_of = {index: position for position, index in enumerate(pending)}
        from_children = 0
        for index in range(written, len(jobs)):
            position = position_of.get(index)
            if position is not None and _wait(queue, position, children):
                write(index, spooled(jobs[index][1], os.path.join(spool, str(index))))
                from_children += 1
            else:
                write(index)
        finished = True
        logger.info("pipeline: %d of %d writes rendered by %d other process(es)",
                    from_children, len(jobs), len(children))
    finally:
        gc.unfreeze()
        for pid, status in children.items():
            if status is None:
                if not finished:  # this process failed: the children's work is moot
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        if finished:
            _relog(spool)
        shutil.rmtree(spool, ignore_errors=True)


def _wait(queue, index, children):
    """Wait until a child has rendered job ``index``; False if no child will."""
    delay = 0.0005
    while not queue.is_done(index):
        for pid, status in children.items():
            if status is None:
                done, code = os.waitpid(pid, os.WNOHANG)
                if done:
                    children[pid] = code
        # A child that failed left its job undone; one that exited cleanly had
        # finished all it took. Either way, once none is running, we render.
        if any(children.values()) or all(code is not None for code in children.values()):
            return queue.is_done(index)
        time.sleep(delay)
        delay = min(delay * 2, 0.01)
    return True


def _relog(spool):
    for entry in sorted(os.listdir(spool)):
        if entry.startswith("log-") and entry.endswith(".json"):
            with open(os.path.join(spool, entry), encoding="utf-8") as fh:
                for name, levelno, message in json.load(fh):
                    logging.getLogger(name).log(levelno, "%s", message)


def deferring(generate_output, workers, memo=None):
    """``generate_output`` with its writes queued, then rendered on ``workers`` processes
    (pages still current in the output are read back instead, when ``memo`` is given)."""

    def run(writer):
        deferred = DeferredWriter(writer)
        generate_output(deferred)
        jobs = deferred.jobs
        if memo is not None:
            jobs = [_remembered(memo, job, writer.output_path) for job in jobs]
        flush(writer, jobs, workers)
        if memo is not None and jobs:
            memo.save()
            kept = sum(getattr(job[1], "kept", False) for job in jobs)
            logger.info("pipeline: %d page job(s) kept from the last build, %d rendered",
                        kept, len(jobs) - kept)

    return run


def _remembered(memo, job, output_path):
    name, template, context, args, kwargs = job
    key = memo.key(name, template, kwargs)
    if memo.is_current(name, key, output_path):
        memo.keep(name)
        return name, _Spooled(template, output_path, kept=True), context, args, kwargs
    return name, Recording(template, memo, name, key), context, args, kwargs
