"""What a pipeline step sees: one source's parsed HTML and metadata."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bs4 import BeautifulSoup


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
    _soup: BeautifulSoup | None = None

    @property
    def soup(self) -> BeautifulSoup:
        if self._soup is None:
            self._soup = BeautifulSoup(self.html, "html.parser")
        return self._soup

    def error(self, message: str):
        self.notes.append((logging.ERROR, message))

    def warning(self, message: str):
        self.notes.append((logging.WARNING, message))

    def result(self) -> str:
        return str(self._soup) if self.changed and self._soup is not None else self.html
