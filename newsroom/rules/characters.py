"""Rules on a file's bytes and characters: not UTF-8 text, empty, no text, too large,
control characters, invisible and bidirectional characters in names."""

from __future__ import annotations

import re
import unicodedata

from .. import sources as src_mod
from .base import ERROR, WARNING, _problem

#: Larger sources slow every build down and are not articles (a pasted book,
#: inline data: images): warned about.
MAX_SOURCE_BYTES = 1_000_000


def not_text(source, ctx=None):
    """A file that is not UTF-8 text: binary, or saved in another encoding."""
    if source.unreadable is None:
        return []
    line, byte = source.unreadable
    if byte == 0 or source.body.count("\ufffd") > 8:
        return [_problem(
            source, line, "this is a binary file, not Markdown text",
            "move it out of content/; images go in content/images/ and are shown with "
            "![description]({static}/images/<name>)", ERROR, "not_text")]
    return [_problem(
        source, line, f"not UTF-8 text: byte 0x{byte:02x} on this line cannot be read",
        "save the file as UTF-8 in your editor, e.g. Save with Encoding → UTF-8; "
        "it was probably saved as Latin-1 or Windows-1252", ERROR, "not_text")]


def empty_file(source, ctx=None):
    if not source.empty or source.unreadable is not None:
        return []
    return [_problem(
        source, None, "the file is empty",
        "write the metadata lines Title:, Date: and Category:, a blank line and the text, "
        "or delete the file; `make article TITLE=\"…\"` creates a filled-in one", ERROR,
        "empty_file")]


def no_text(source, ctx=None):
    """Metadata and nothing else: an empty page would be published."""
    if source.empty or source.status == "draft" or source.unreadable is not None:
        return []
    text, _ = src_mod.split_marker(source.body)
    if text.strip():
        return []
    last = max((f.line for f in [*source.fields.values(), *source.duplicates]), default=1)
    return [_problem(
        source, last, "no text after the metadata",
        "write the article below the metadata, after one blank line, or mark it "
        "'Status: draft' until it is written", WARNING, "no_text")]


def too_large(source, ctx=None):
    if source.size <= MAX_SOURCE_BYTES:
        return []
    return [_problem(
        source, None, f"the file is {source.size / 1_000_000:.1f} MB, more than "
        f"{MAX_SOURCE_BYTES / 1_000_000:g} MB", "split it into several articles; put images "
        "and data in content/images/ rather than inside the text", WARNING, "too_large")]


def control_characters(source, ctx=None):
    """Invisible characters HTML and XML forbid (pasted from a PDF or a word processor)."""
    if source.unreadable is not None:
        return []  # not_text says what is wrong with the whole file
    fields = [*source.fields.values(), *source.duplicates]
    forbidden = src_mod.find_forbidden
    if not forbidden(source.body) and not any(forbidden(raw) for f in fields for raw in f.lines):
        return []  # the usual case, found without splitting the file into lines
    problems = []
    lines = [(f.line + n, raw) for f in fields for n, raw in enumerate(f.lines)]
    lines += [(source.body_line + n, line) for n, line in enumerate(source.body.split("\n"))]
    for number, line in sorted(lines):
        match = src_mod.find_forbidden(line)
        if match:
            problems.append(_problem(
                source, number, f"invisible control character U+{ord(match.group()):04X}, "
                "which the build removes", "delete it: retype the text around it; such "
                "characters come from copying out of a PDF or a word processor", WARNING,
                "control_characters"))
    return problems


# -- invisible and bidirectional characters in names ---------------------------------
#
# A title, slug, category, tag or author is a name readers see and URLs are made of. In
# these fields (``NAME_KEYS``), precisely:
#
# * always refused: the bidirectional embeddings, overrides and isolates U+202A–U+202E and
#   U+2066–U+2069 (they reorder what follows: "Facture\u202egpj.exe" shows as
#   "Facturexe.jpg"), and invisible characters with no use in a name: U+200B ZERO WIDTH
#   SPACE, U+2060 WORD JOINER, U+FEFF ZERO WIDTH NO-BREAK SPACE, U+180E, the invisible
#   operators U+2061–U+2064, the deprecated format characters U+206A–U+206F and the
#   interlinear annotation characters U+FFF9–U+FFFB;
# * U+200C ZERO WIDTH NON-JOINER and U+200D ZERO WIDTH JOINER are allowed between two
#   letters, marks (a virama, a variation selector) or symbols (emoji, skin-tone
#   modifiers), which is where Persian, Indic scripts and emoji sequences need them;
#   elsewhere (alone, at an end, next to a space or a digit) they are refused;
# * everything else is allowed: Arabic and Hebrew text (the page sets its direction),
#   U+200E/U+200F/U+061C direction marks, which cannot reorder text around them.
#
# The build removes the refused characters from these fields (plugins/security; a slug
# holding one is not a safe slug: ``sources.safe_slug`` makes one, ``invalid_slug`` says
# which); the rule ``invisible_characters`` reports each, in `make lint` and in the build.

NAME_KEYS = ("title", "slug", "category", "tags", "author", "authors")
JOINERS = "\u200c\u200d"
_INVISIBLE_RE = re.compile(
    "[\u180e\u200b\u200c\u200d\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def _joinable(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LM" or category in ("So", "Sk")


def invisible_in(text: str):
    """(index, character) of each character ``NAME_KEYS`` fields refuse in ``text``."""
    for match in _INVISIBLE_RE.finditer(text):
        char, i = match.group(), match.start()
        if char in JOINERS and 0 < i < len(text) - 1 \
                and _joinable(text[i - 1]) and _joinable(text[i + 1]):
            continue
        yield i, char


def strip_invisible(text: str) -> str:
    """``text`` without the characters ``invisible_in`` finds."""
    found = {i for i, _ in invisible_in(text)}
    return "".join(c for i, c in enumerate(text) if i not in found) if found else text


def character_name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}"


def invisible_characters(source, ctx=None):
    """Invisible or bidirectional control characters in a title, slug, category, tag or
    author (see ``NAME_KEYS`` above for what is refused and what is allowed)."""
    problems = []
    for key in NAME_KEYS:
        field = source.fields.get(key)
        if field is None:
            continue
        seen = set()
        for index, char in invisible_in(field.value):
            number = field.line + field.value.count("\n", 0, index)
            if (number, char) in seen:
                continue
            seen.add((number, char))
            if char in JOINERS:
                what = "outside a word or an emoji sequence, where it joins nothing"
            elif "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
                what = "an invisible character that reorders the text shown after it"
            else:
                what = "an invisible character"
            problems.append(_problem(
                source, number, f"{field.key}: {character_name(char)}, {what}",
                f"delete it: retype the {field.key.lower()} around it; right-to-left text "
                "is written as is, the page sets its direction", ERROR, "invisible_characters"))
    return problems
