"""What every content rule returns and knows: a ``Problem`` (``path:line: message
(how to fix)``) and the site as the rules see it (``RuleContext``)."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .. import media

ERROR = "error"
WARNING = "warning"

DATE_KEYS = ("date", "modified")
STATUSES = ("published", "draft", "hidden", "skip")
ISO_EXAMPLE = "2026-11-24T09:30:00+01:00"


@dataclass(frozen=True)
class Problem:
    path: str  # as shown: relative to the working directory
    line: int | None
    message: str
    fix: str
    severity: str = ERROR
    rule: str = ""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.location}: {self.message} ({self.fix})"


@dataclass
class RuleContext:
    """What the rules need to know about the site (from the Pelican settings)."""

    languages: tuple
    default_lang: str
    taxonomy: dict  # I18N_TAXONOMY: {default-language name: {lang: name}}
    categories: tuple | None
    summary_max: int | None
    root: str
    now: datetime.datetime
    tz: ZoneInfo
    article_paths: tuple = ()
    page_paths: tuple = ()
    static_paths: tuple = ()
    images: dict = None  # IMAGES (newsroom.media.validate)

    @classmethod
    def from_settings(cls, settings, editorial, root=None):
        from ..config import now, timezone

        return cls(
            languages=tuple(settings.get("LANGUAGES") or [settings.get("DEFAULT_LANG", "en")]),
            default_lang=settings.get("DEFAULT_LANG", "en"),
            taxonomy=dict(settings.get("I18N_TAXONOMY") or {}),
            categories=editorial.get("categories"),
            summary_max=editorial.get("summary_max"),
            root=os.path.abspath(root or settings["PATH"]),
            now=now(editorial),
            tz=timezone(settings),
            article_paths=tuple(settings.get("ARTICLE_PATHS") or ()),
            page_paths=tuple(settings.get("PAGE_PATHS") or ()),
            static_paths=tuple(settings.get("STATIC_PATHS") or ()),
            images=media.validate(settings),
        )

    def taxonomy_key(self, lang: str, name: str) -> str:
        """Default-language name of a category or tag written in ``lang``."""
        folded = name.casefold()
        for canonical, names in self.taxonomy.items():
            if canonical.casefold() == folded:
                return canonical
            if any(n.casefold() == folded for code, n in names.items() if code == lang):
                return canonical
        return name

    def taxonomy_name(self, lang: str, name: str) -> str:
        """The name a (default-language) category or tag has in ``lang``."""
        key = self.taxonomy_key(self.default_lang, name)
        if lang == self.default_lang:
            return key
        return self.taxonomy.get(key, {}).get(lang, name)


def _problem(source, line, message, fix, severity=ERROR, rule=""):
    return Problem(source.display, line, message, fix, severity, rule)
