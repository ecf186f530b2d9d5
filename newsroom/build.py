"""Small helpers the build plugins share: scratch folders, state the content
cache must not save, plain settings, digests of folders."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import shutil
import socket
import tempfile

SHM = "/dev/shm"


def scratch_folder(prefix: str) -> str:
    """A new temporary folder, memory-backed where the system has one (Linux's
    /dev/shm): creating thousands of small files on disk costs more than writing
    the pages themselves. The caller removes it.

    Its name carries this machine's name (hashed) and this process's id, so that
    the folders a killed build left behind (in memory, until the machine
    restarts) are removed by the next build on the same machine.
    """
    usable = os.path.isdir(SHM) and os.access(SHM, os.W_OK)
    parent = SHM if usable else tempfile.gettempdir()
    host = _host_tag()
    _remove_orphans(parent, prefix, host)
    return tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-{host}-", dir=parent)


def _host_tag():
    # Containers sharing /dev/shm or /tmp have their own process ids (and names).
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _remove_orphans(parent, prefix, host):
    try:
        names = [n for n in os.listdir(parent) if n.startswith(prefix)]
    except OSError:
        return
    for name in names:
        pid, _, rest = name[len(prefix):].partition("-")
        if pid.isdigit() and rest.startswith(host + "-") and not _running(int(pid)):
            shutil.rmtree(os.path.join(parent, name), ignore_errors=True)


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class Problems(logging.Handler):
    """The warnings and errors logged while it is attached (their messages), as
    `newsroom serve` shows them in /__build.json and over the open page."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.errors, self.warnings = [], []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not break the build
            message = str(record.msg)
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(message)


class BuildOnly:
    """Per-build state (a pool, a thread, a scratch folder): the build state
    (newsroom/buildstate.py) and its slots, which the settings and the context
    hold. The content cache pickles both with every article; such an object is
    saved as None."""

    def __reduce__(self):
        return (type(None), ())


class Pending(BuildOnly):
    """Work a preview build left running after its pages were served (image
    derivatives being encoded), whose progress asks for pages to be built again:
    the worker calls ``ready(paths)`` (sources whose pages can now show its files)
    and ``finish()``; the preview's build process waits on ``fileno()`` with its
    commands and ``take()``s the paths (``newsroom.phases.work_left``)."""

    def __init__(self, what: str):
        import threading

        self.what = what
        self._lock = threading.Lock()
        self._paths = set()
        self.finished = False
        self._read, self._write = os.pipe()

    def fileno(self) -> int:
        return self._read

    def ready(self, paths):
        with self._lock:
            if self.finished:
                return
            self._paths |= set(paths)
            os.write(self._write, b".")

    def finish(self):
        """No more paths (the worker's last call; a new build's when it stops the work)."""
        with self._lock:
            if self.finished:
                return
            self.finished = True
            os.write(self._write, b".")
            os.close(self._write)

    def take(self) -> set:
        """The paths made ready since the last call (clears the wake-up)."""
        os.read(self._read, 1 << 16)
        with self._lock:
            paths, self._paths = self._paths, set()
        return paths

    @property
    def waiting(self) -> bool:
        """True until it is finished and every ready path was taken."""
        with self._lock:
            return not self.finished or bool(self._paths)

    def close(self):
        """The reader's end, once it is no longer ``waiting``."""
        os.close(self._read)


def update_with_folder(digest, folder):
    """Feed ``digest`` every file below ``folder``: relative path and bytes, in a
    fixed order (``__pycache__`` left out)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(root, name)
            digest.update(os.path.relpath(path, folder).encode() + b"\0")
            with open(path, "rb") as fh:
                digest.update(fh.read() + b"\0")


def _plain(value):
    """True for plain data: strings, numbers, dates and containers of them."""
    if isinstance(value, (str, int, float, bool, type(None), datetime.date, datetime.timedelta,
                          datetime.tzinfo)):
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def plain_settings(settings) -> dict:
    """The settings that are plain data (what worker processes get, and what
    fingerprints hash): no handlers, pools or plugin state objects."""
    return {k: v for k, v in settings.items() if _plain(v)}
