"""What typography each language gets: data, not code.

* Quotation marks: CLDR's, for every language (``cldr.quotes``), or
  ``TYPOGRAPHY["quotes"][lang]`` (four characters, e.g. ``"«»‹›"``).
* Apostrophe: ``’`` (U+2019) for every language, or ``TYPOGRAPHY["apostrophe"][lang]``
  (``None``: leave ``'`` as typed).
* Spacing: ``SPACING`` below (French), extended or replaced per language by
  ``TYPOGRAPHY["spacing"][lang]``. ``before`` maps a punctuation sign to the
  no-break space that goes before it; ``inside`` maps a pair of marks (opening
  and closing, e.g. ``"«»"``) to the space that goes inside them.

A language that needs no code of its own gets its rules here, e.g. Swiss
French has no space before ``; ! ?``::

    TYPOGRAPHY = {"spacing": {"fr-CH": {"before": {":": "\\u00a0"}, "inside": {}}}}
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .cldr import Quotes, quotes

NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"  # no-break space
APOSTROPHE = "\u2019"

#: Spacing rules per language (primary subtag or full tag: ``fr-CH`` is looked
#: up before ``fr``). French: Imprimerie nationale / Lexique des règles
#: typographiques: fine no-break space before ; ! ? and inside « », no-break
#: space before the colon.
SPACING = {
    "fr": {
        "before": {";": NNBSP, "!": NNBSP, "?": NNBSP, ":": NBSP},
        "inside": {"«»": NNBSP, "‹›": NNBSP},
    },
}


@dataclass(frozen=True)
class Rules:
    """The typography of one language."""

    lang: str
    quotes: Quotes
    apostrophe: str | None = APOSTROPHE
    before: dict = field(default_factory=dict)  # sign -> space
    inside: dict = field(default_factory=dict)  # "«»" -> space

    @property
    def has_spacing(self) -> bool:
        return bool(self.before or self.inside)


def normal(code) -> str:
    """``fr-ca``/``fr_CA`` → ``fr-CA``: how language tags are compared here."""
    parts = str(code).replace("_", "-").split("-")
    return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])


def primary(code) -> str:
    """Primary language subtag: "fr" for "fr-CA" or "fr_BE"."""
    return str(code).replace("_", "-").split("-")[0].lower()


def _lookup(table, code, default=None):
    """``table[code]``, else ``table[primary(code)]``, with keys compared as ``normal``."""
    by_tag = {normal(key): value for key, value in (table or {}).items()}
    for key in (normal(code), primary(code)):
        if key in by_tag:
            return by_tag[key]
    return default


def rules_for(code, config=None) -> Rules:
    """The rules of language ``code`` under a validated ``TYPOGRAPHY`` setting."""
    config = config or {}
    # Called for every text of every document: memoised on the language and the
    # parts of the setting that make the rules (small dicts, usually empty).
    spacing = tuple((lang, tuple(sorted(value.get("before", {}).items())),
                     tuple(sorted(value.get("inside", {}).items())))
                    for lang, value in sorted((config.get("spacing") or {}).items()))
    return _rules_for(str(code), tuple(sorted((config.get("quotes") or {}).items())),
                      tuple(sorted((config.get("apostrophe") or {}).items())), spacing)


@functools.lru_cache(maxsize=256)
def _rules_for(code, quotes_setting, apostrophe_setting, spacing_setting) -> Rules:
    marks = _lookup(dict(quotes_setting), code)
    spacing = _lookup({lang: {"before": dict(before), "inside": dict(inside)}
                       for lang, before, inside in spacing_setting}, code)
    if spacing is None:
        spacing = _lookup(SPACING, code, {})
    return Rules(
        lang=normal(code),
        quotes=Quotes.from_string(marks) if marks else quotes(normal(code)),
        apostrophe=_lookup(dict(apostrophe_setting), code, APOSTROPHE),
        before=dict(spacing.get("before", {})),
        inside=dict(spacing.get("inside", {})),
    )
