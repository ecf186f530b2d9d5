"""Quotation marks of every language, from CLDR's ``<delimiters>``.

Babel is our CLDR library (dates, plurals, language names, text direction),
but its data import skips CLDR's ``<delimiters>`` element: ``babel.Locale`` has
no quotation marks (checked with Babel 2.18). Rather than a 60 MB ICU binding
for four characters per language, ``cldr_quotes.json`` next to this file holds
exactly that element of CLDR's ``common/main/*.xml`` (Unicode License v3, see
the file's ``license``), and this module resolves a language through CLDR's
inheritance with Babel's own locale parsing and parent table, so ``fr_CA`` gets
French marks and ``de_CH`` German ones without code.

Regenerate the file from a CLDR release (Debian: ``apt-get install
unicode-cldr-core``)::

    python plugins/typography/cldr.py /usr/share/unicode/cldr/common 41
"""

from __future__ import annotations

import functools
import json
import os
import sys
from dataclasses import dataclass

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cldr_quotes.json")
FIELDS = ("quotationStart", "quotationEnd", "alternateQuotationStart", "alternateQuotationEnd")


@dataclass(frozen=True)
class Quotes:
    """A language's quotation marks: primary and nested (alternate)."""

    start: str
    end: str
    alternate_start: str
    alternate_end: str

    @classmethod
    def from_string(cls, marks: str) -> "Quotes":
        """``"«»“”"``: start, end, alternate start, alternate end."""
        if len(marks) != 4:
            raise ValueError(f"quotation marks are 4 characters (start, end, nested start, "
                             f"nested end), e.g. '«»“”'; got {marks!r}")
        return cls(*marks)


@functools.lru_cache(maxsize=1)
def _table() -> dict:
    with open(DATA, encoding="utf-8") as fh:
        return json.load(fh)["locales"]


def _chain(code: str):
    """``fr_CA``, ``fr``, ``root``: where CLDR looks for a locale's data, in order."""
    from babel.core import Locale, UnknownLocaleError, get_global

    try:
        name = str(Locale.parse(str(code).replace("-", "_")))
    except (ValueError, UnknownLocaleError, TypeError):
        name = str(code).replace("-", "_").split("_")[0].lower()
    parents = get_global("parent_exceptions")
    chain = []
    while name and name != "root" and name not in chain:
        chain.append(name)
        name = parents.get(name) or (name.rsplit("_", 1)[0] if "_" in name else "root")
    return [*chain, "root"]


@functools.lru_cache(maxsize=None)
def quotes(code: str) -> Quotes:
    """The quotation marks of language ``code`` (``fr``, ``de-CH``, ``pt_BR`` …)."""
    table = _table()
    found = {}
    for name in _chain(code):
        for key, value in table.get(name, {}).items():
            found.setdefault(key, value)
        if len(found) == len(FIELDS):
            break
    return Quotes(*(found[key] for key in FIELDS))


def extract(common: str, version: str = "?") -> dict:
    """The ``<delimiters>`` of every locale file of a CLDR ``common`` folder."""
    import xml.etree.ElementTree as ET

    main = os.path.join(common, "main")
    locales = {}
    for name in sorted(os.listdir(main)):
        if not name.endswith(".xml"):
            continue
        # CLDR's files are trusted, but entity expansion stays off all the same:
        # ElementTree does not expand external entities, and the DTD is not read.
        root = ET.parse(os.path.join(main, name)).getroot()
        delimiters = root.find("delimiters")
        if delimiters is None:
            continue
        marks = {key: delimiters.findtext(key) for key in FIELDS
                 if delimiters.findtext(key)}
        if marks:
            locales[name[:-4]] = marks
    return {"source": f"Unicode CLDR {version}, common/main/*.xml <delimiters>",
            "license": "Unicode License (https://www.unicode.org/copyright.html)",
            "locales": locales}


if __name__ == "__main__":  # pragma: no cover - run by hand to update the data
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python plugins/typography/cldr.py <CLDR common folder> [CLDR version]")
    data = extract(*sys.argv[1:])
    locales = data.pop("locales")
    with open(DATA, "w", encoding="utf-8") as fh:  # one locale a line: readable diffs
        head = json.dumps(data, ensure_ascii=False, sort_keys=True)[:-1]
        rows = ",\n".join(f"  {json.dumps(name)}: {json.dumps(marks, ensure_ascii=False)}"
                           for name, marks in locales.items())
        fh.write(f'{head}, "locales": {{\n{rows}\n}}}}\n')
    print(f"{DATA}: {len(locales)} locales ({data['source']})")
