"""Which files in the output folder the build owns, and removing the stale ones.

A preview build writes into an ``output/`` that already holds the previous
build: without care, the page of a deleted article, an old fingerprinted
stylesheet or a Pagefind shard of a previous index would stay there (and be
served, and found by `make check`). Ownership is a manifest,
``output/.newsroom-output.json``, listing every file the last build produced
(paths relative to the output folder). At the end of each build:

* *produced* = every file of the output folder this build created or changed
  (its inode-change time, ``st_ctime``, is not older than the build's start:
  Pelican's writer, static copies, Pagefind, every plugin, with no list to keep
  up to date) plus the files the build *claims* it keeps unchanged (a Pagefind
  language that did not need indexing again, static files Pelican did not copy
  again because they were up to date);
* *stale* = the previous manifest minus *produced*: removed, then the folders
  that emptied;
* the manifest becomes *produced*.

A file the build never wrote (put there by hand, a ``.git`` folder, the
hosting's files) is in no manifest and is never removed; nothing outside the
output folder is ever touched: a manifest entry that is absolute, goes up
(``..``) or leads through a symbolic link out of the folder is ignored, and
folders are never removed recursively. A build that fails removes nothing at
the end (its files join the manifest, so the next good build can remove them if
it does not write them again). A missing or unreadable manifest owns nothing.

One exception to "at the end": Pagefind does not write a content-addressed
shard it finds already there, so before a language is indexed again, the
search plugin has its previous shards removed (``release_matching``, only
files the manifest lists): what Pagefind then writes is this build's.

The manifest's name starts with a dot: GitHub Pages' artifact action leaves
such files out, and `make deploy-rsync` excludes it.

A write that fails (a full disk, a read-only or unwritable output folder) ends
the build: one ``path: cannot be written: reason (what to do)`` line, no
traceback, exit status 1 (``write_errors_end_the_build``). ``make publish``
builds into ``output.new/``, so the previous ``output/`` is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import posixpath
import stat
import tempfile
import threading

from . import buildstate
from .build import BuildOnly

logger = logging.getLogger(__name__)

MANIFEST = ".newsroom-output.json"
VERSION = 1
#: Names of the ledger's own temporary files in the output folder.
TEMPORARY = ".newsroom-output-tmp-"
MARKER = ".newsroom-start-"


#: A write that fails with one of these fails the build, with what to do.
FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
NOT_WRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}


class WriteFailed(SystemExit):
    """Ends a build whose output could not be written: exit status 1, no traceback
    (a SystemExit: Pelican's command line prints one for any Exception); the
    message is logged first."""


def write_error(exc, root) -> str | None:
    """The ``path: cannot be written: reason (what to do)`` line of write error
    ``exc`` in output folder ``root``, or None if ``exc`` is no write error."""
    if not isinstance(exc, OSError) or exc.errno not in FULL | NOT_WRITABLE:
        return None
    path = os.fspath(exc.filename) if exc.filename is not None else os.fspath(root)
    if os.path.basename(path).startswith((TEMPORARY, MARKER)):  # the ledger's own files
        path = os.fspath(root)
    if exc.errno in FULL:
        fix = (f"the disk holding {os.path.abspath(root)} is full: free space on it "
               "(df -h shows it), then build again")
    else:
        fix = (f"{os.path.abspath(root)} is not writable: fix its permissions (or mount it "
               "read-write), or build into another folder: OUTPUTDIR=…")
    return (f"{path}: cannot be written: {exc.strerror or os.strerror(exc.errno)} ({fix}; "
            "a failed `make publish` leaves output/ as it was)")


@contextlib.contextmanager
def write_errors_end_the_build(root):
    """Turn a write error raised inside into one logged line and ``WriteFailed``."""
    try:
        yield
    except OSError as exc:
        message = write_error(exc, root)
        if message is None:
            raise
        logger.error("%s", message)
        raise WriteFailed(1) from None


def claim(settings, path):
    """Tell this build's ledger (if any) that it keeps ``path`` without writing it again."""
    ledger = buildstate.of(settings).outputs if settings else None
    if ledger is not None:
        ledger.claim(path)


def late_writes(settings):
    """A function ``add(paths)`` for files written into this build's output after it
    ended (the preview's image derivatives, copied once its pages are served): they
    join its manifest, so the next build owns them as it owns what this one wrote."""
    ledger = buildstate.of(settings).outputs if settings else None
    if ledger is None:
        return lambda paths: None
    root, manifest = ledger.root, ledger.manifest

    def add(paths):
        record = OutputLedger.existing(root, manifest)
        with OutputLedger.manifest_lock:  # (a build of the same process may be ending)
            files = record._read_manifest()
            record.save(files | {rel for rel in map(record.relative, paths) if rel})

    return add


def claim_matching(settings, folder, accept):
    ledger = buildstate.of(settings).outputs if settings else None
    if ledger is not None:
        ledger.claim_matching(folder, accept)


def release_matching(settings, folder, accept):
    """Before a tool that skips files it finds already written (Pagefind does, for
    its content-addressed shards) writes into ``folder``: remove the files there
    whose name ``accept(name)`` *and* that the last build wrote, so that every file
    the tool produces is written, and so seen as this build's."""
    ledger = buildstate.of(settings).outputs if settings else None
    if ledger is not None:
        ledger.release_matching(folder, accept)


class OutputLedger(BuildOnly):
    """One build's record of the output folder (``outputs`` of its ``newsroom.buildstate``)."""

    #: Held while a manifest is read and written again: by a build's end, and by the
    #: preview's files written after it (``late_writes``, from another thread).
    manifest_lock = threading.Lock()

    def __init__(self, output_path, manifest=MANIFEST):
        self.root = os.path.realpath(output_path)
        self.manifest = manifest
        self.claimed = set()
        self._previous = None
        os.makedirs(self.root, exist_ok=True)
        self._remove_leftovers()
        # The start, on the file system's own clock (coarser than time.time()):
        # a file written from now on has a ctime no older than this marker's.
        fd, marker = tempfile.mkstemp(prefix=MARKER, dir=self.root)
        try:
            self.start = os.fstat(fd).st_ctime_ns
        finally:
            os.close(fd)
            os.remove(marker)

    def _remove_leftovers(self):
        """Our own temporary files that a killed build left behind (by their names)."""
        try:
            names = os.listdir(self.root)
        except OSError:
            return
        for name in names:
            if name.startswith((TEMPORARY, MARKER)):
                try:
                    os.remove(os.path.join(self.root, name))
                except OSError:
                    pass

    @classmethod
    def existing(cls, output_path, manifest=MANIFEST):
        """The ledger of a folder a build wrote, to read or extend its manifest (no
        build starts: no marker, nothing removed)."""
        ledger = cls.__new__(cls)
        ledger.root, ledger.manifest = os.path.realpath(output_path), manifest
        ledger.claimed, ledger._previous = set(), None
        return ledger

    # -- what the build keeps without writing it again --------------------------

    def claim(self, path):
        """This build produces ``path`` (absolute, or relative to the output folder)
        even though it does not write it again."""
        rel = self.relative(path)
        if rel is not None:
            self.claimed.add(rel)

    def claim_matching(self, folder, accept):
        """Claim the files below ``folder`` (in the output) whose name ``accept(name)``."""
        base = os.path.join(self.root, folder) if not os.path.isabs(folder) else folder
        for dirpath, _, files in os.walk(base):
            for name in files:
                if accept(name):
                    self.claim(os.path.join(dirpath, name))

    def release_matching(self, folder, accept):
        base = os.path.join(self.root, folder) if not os.path.isabs(folder) else folder
        owned = self.previous()
        for dirpath, _, files in os.walk(base):
            for name in files:
                rel = self.relative(os.path.join(dirpath, name))
                if rel in owned and accept(name):
                    self.remove(rel)

    def relative(self, path):
        """``path`` as a manifest entry (posix, relative), or None if outside the folder."""
        absolute = os.path.join(self.root, path) if not os.path.isabs(path) else path
        parent = os.path.realpath(os.path.dirname(os.path.abspath(absolute)))
        if os.path.commonpath([parent, self.root]) != self.root:
            return None
        rel = os.path.relpath(os.path.join(parent, os.path.basename(absolute)), self.root)
        return rel.replace(os.sep, "/") if rel != "." else None

    # -- at the end of the build ------------------------------------------------

    def produced(self):
        """Files written or changed since the start, and the claimed ones that exist."""
        found = set()
        for dirpath, dirs, files in os.walk(self.root):
            # A symbolic link to a folder is one entry (never followed).
            links = [d for d in dirs if os.path.islink(os.path.join(dirpath, d))]
            dirs[:] = [d for d in dirs if d not in links]
            for name in files + links:
                path = os.path.join(dirpath, name)
                try:
                    changed = os.lstat(path).st_ctime_ns
                except OSError:
                    continue
                if changed >= self.start:
                    found.add(os.path.relpath(path, self.root).replace(os.sep, "/"))
        found.update(rel for rel in self.claimed if os.path.lexists(os.path.join(self.root, rel)))
        found.discard(self.manifest)
        return found

    def previous(self):
        """The last build's manifest (empty if missing, unreadable, or not ours), as
        it was when this build started."""
        if self._previous is None:
            self._previous = self._read_manifest()
        return self._previous

    def _read_manifest(self):
        try:
            with open(os.path.join(self.root, self.manifest), encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return set()
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return set()
        files = data.get("files")
        return {f for f in files if isinstance(f, str)} if isinstance(files, list) else set()

    def _safe_path(self, rel):
        """The absolute path of manifest entry ``rel``, or None if it could leave the folder."""
        if (not rel or rel.startswith("/") or "\\" in rel or "\0" in rel
                or posixpath.normpath(rel) != rel or rel in (".", "..")
                or rel.startswith("../")):
            return None
        path = os.path.join(self.root, *rel.split("/"))
        parent = os.path.realpath(os.path.dirname(path))
        if os.path.commonpath([parent, self.root]) != self.root:
            return None
        return path

    def remove(self, rel):
        """Remove one stale file (never a folder); True if it was removed."""
        path = self._safe_path(rel)
        if path is None:
            return False
        try:
            if stat.S_ISDIR(os.lstat(path).st_mode):
                return False
            os.remove(path)
        except OSError:
            return False
        # The folders it leaves empty, up to (never including) the output folder.
        folder = os.path.dirname(path)
        while folder != self.root and os.path.commonpath([folder, self.root]) == self.root:
            try:
                os.rmdir(folder)  # only if empty
            except OSError:
                break
            folder = os.path.dirname(folder)
        return True

    def save(self, files):
        data = {"version": VERSION,
                "about": "files the last build wrote; the next build removes those it does "
                         "not write again (newsroom/outputs.py)",
                "files": sorted(files)}
        fd, temporary = tempfile.mkstemp(prefix=TEMPORARY, dir=self.root)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=0, ensure_ascii=False)
            fh.write("\n")
        os.chmod(temporary, 0o644)
        os.replace(temporary, os.path.join(self.root, self.manifest))

    def finish(self, succeeded=True, remove=True):
        """Remove the stale files (after a successful build) and write the manifest."""
        with self.manifest_lock:
            return self._finish(succeeded, remove)

    def _finish(self, succeeded, remove):
        previous = self.previous()
        produced = self.produced()
        if not succeeded:
            kept = {rel for rel in previous
                    if (path := self._safe_path(rel)) and os.path.lexists(path)}
            self.save(kept | produced)
            return []
        removed = []
        if remove:
            removed = [rel for rel in sorted(previous - produced) if self.remove(rel)]
        self.save(produced)
        if removed:
            logger.info("outputs: removed %d stale file(s) the previous build wrote and this "
                        "one did not (e.g. %s)", len(removed), removed[0])
        return removed


def refresh_manifest(output_path, manifest, folders):
    """After a build that wrote no new file outside ``folders`` and ran no ledger (the
    preview's page builds: pages at the paths of the last build, and the search
    index again), the manifest lists the files it listed that still exist and
    every file below ``folders`` (relative to the output folder)."""
    ledger = OutputLedger(output_path, manifest)
    with OutputLedger.manifest_lock:
        files = {rel for rel in ledger.previous()
                 if (path := ledger._safe_path(rel)) and os.path.lexists(path)}
        for folder in folders:
            for root, _, names in os.walk(os.path.join(ledger.root, folder)):
                files |= {ledger.relative(os.path.join(root, name)) for name in names}
        ledger.save({rel for rel in files if rel})
