"""``Correction:`` metadata: one reading for lint, the build, the page and JSON-LD.

Editors write one line per correction, optionally starting with its date::

    Correction: 2026-11-12: Le chiffre était 40 %, pas 14 %.
    Correction: 2026-11-13T09:30+01:00: Le nom de l’entreprise était mal orthographié.
    Correction: Une légende d’image était fausse.

Several ``Correction:`` lines are allowed (each is one correction; an indented
continuation line is one more). The date is ISO 8601: a day (``2026-11-12``)
or a day and time, with or without offset (without one, it is read in
``TIMEZONE``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

KEY = "correction"
EXAMPLE = "Correction: 2026-11-12: Le chiffre était 40 %, pas 14 %."
#: A leading date and the colon after it (the typography plugin may have put a
#: no-break space before that colon: ``\s`` takes it).
DATED_RE = re.compile(
    r"^(?P<date>\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)?)\s*:(?:\s+|$)(?P<text>.*)$", re.DOTALL)


@dataclass(frozen=True)
class Correction:
    text: str
    date: datetime.datetime | None = None  # aware
    has_time: bool = False

    @property
    def iso(self) -> str | None:
        """``2026-11-12`` or ``2026-11-12T16:45:00+01:00``, for ``<time datetime>`` and JSON-LD."""
        if self.date is None:
            return None
        return self.date.isoformat(timespec="seconds") if self.has_time \
            else self.date.date().isoformat()


def values(raw) -> list[str]:
    """The correction lines of a metadata value: a string, a list, or lines joined by newlines."""
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    return [line for item in items for line in str(item).split("\n")]


def parse(value: str, tz) -> tuple[Correction | None, str | None, str | None]:
    """(correction, problem, fix) of one line; ``problem`` is None when it is valid."""
    from .sources import parse_date

    text = value.strip()
    if not text:
        return None, "Correction is empty", f"write what was wrong and what is right, e.g. '{EXAMPLE}'"
    match = DATED_RE.match(text)
    if match is None:
        return Correction(text), None, None
    written = match.group("date")
    try:
        date, _ = parse_date(written.replace(" ", "T", 1) if "T" not in written else written, tz)
    except (ValueError, OverflowError):
        return None, f"invalid date {written!r} in Correction", (
            f"write a real date, ISO 8601: '{EXAMPLE}' (the date may be left out)")
    body = match.group("text").strip()
    if not body:
        return None, f"Correction of {written} has no text", (
            f"write what was wrong and what is right after the date: '{EXAMPLE}'")
    return Correction(body, date, has_time=bool(re.search(r"[T ]\d", written))), None, None


def of_metadata(metadata, tz) -> list[Correction]:
    """The valid corrections of an article's metadata, in the order written
    (the invalid ones are reported by ``newsroom.rules.invalid_correction``)."""
    found = []
    for line in values((metadata or {}).get(KEY)):
        correction, problem, _ = parse(line, tz)
        if problem is None and correction is not None:
            found.append(correction)
    return found


def latest(corrections, default=None):
    """Date of the most recent dated correction (``default`` when none is dated)."""
    dates = [c.date for c in corrections if c.date is not None]
    return max(dates) if dates else default
