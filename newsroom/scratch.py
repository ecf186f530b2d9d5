"""Scratch folders for files a build writes only to read them back soon after."""

from __future__ import annotations

import os
import tempfile

SHM = "/dev/shm"


def scratch_folder(prefix: str) -> str:
    """A new temporary folder, memory-backed where the system has one (Linux's
    /dev/shm): creating thousands of small files on disk costs more than writing
    the pages themselves. The caller removes it."""
    usable = os.path.isdir(SHM) and os.access(SHM, os.W_OK)
    return tempfile.mkdtemp(prefix=prefix, dir=SHM if usable else None)
