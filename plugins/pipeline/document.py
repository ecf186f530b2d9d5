"""What a pipeline step sees: one source's parsed HTML and metadata."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from bs4 import BeautifulSoup

#: Metadata key of the other files a source's result depends on, with their
#: stamps: the content cache's entry for a source is dropped when one changed.
DEPENDS_KEY = "pipeline_depends"


@dataclass
class Document:
    """A source being read: its HTML (parsed once), metadata, language and settings.

    Steps change ``soup`` and ``metadata`` in place, set ``changed`` when the
    HTML must be serialised again, and report problems with ``error``/``warning``
    (logged by the main process, so strict builds count them even when the
    step ran in a worker process).
    """

    path: str
    html: str
    metadata: dict
    lang: str
    settings: dict
    changed: bool = False
    notes: list = field(default_factory=list)  # [(levelno, message)]
    depends: dict = field(default_factory=dict)  # path -> file_stamp(path)
    _soup: BeautifulSoup | None = None

    @property
    def soup(self) -> BeautifulSoup:
        if self._soup is None:
            self._soup = BeautifulSoup(self.html, "html.parser")
        return self._soup

    def depends_on(self, path: str):
        """Say the result depends on file ``path`` (an image, a link target), so the
        content cache reads the source again when that file changes or appears."""
        path = os.path.abspath(path)
        if path not in self.depends:
            self.depends[path] = file_stamp(path)

    def error(self, message: str):
        self.notes.append((logging.ERROR, message))

    def warning(self, message: str):
        self.notes.append((logging.WARNING, message))

    def result(self) -> str:
        return str(self._soup) if self.changed and self._soup is not None else self.html


def file_stamp(path):
    """What tells that a file changed: (modification time in ns, size), or None if missing."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)
