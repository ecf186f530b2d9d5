"""The Markdown file of one imported post: metadata header and body.

Metadata values are one line of plain text each (the build shows them as
text, escaped where they land): line breaks and the characters HTML forbids
are removed, nothing else, so a title with quotes, ``<``, ``&`` or emoji reads
back exactly (``newsroom.sources.parse``). Lists (tags, authors) are separated
by commas, or by semicolons when a name holds a comma, as Pelican splits them.
"""

from __future__ import annotations

import re

from .. import sources as src_mod


def one_line(value) -> str:
    """``value`` on one line: line breaks become spaces; every other character is kept
    (no-break spaces included)."""
    text = src_mod.strip_forbidden(str(value or ""))
    return re.sub(r"[ \t]*[\r\n\t\v\f\u2028\u2029]+[ \t]*", " ", text).strip()


def name_list(names) -> str:
    names = [one_line(n) for n in names if one_line(n)]
    names = list(dict.fromkeys(names))
    if any("," in n for n in names):
        return "; ".join(n.replace(";", ",") for n in names)
    return ", ".join(names)


def render(fields: list, body: str) -> str:
    """``Key: value`` lines (empty values left out), a blank line, the body."""
    lines = [f"{key}: {one_line(value)}" for key, value in fields if one_line(value)]
    return "\n".join(lines) + "\n\n" + body.strip("\n") + "\n"


def set_field(text: str, key: str, value: str, after: str) -> str:
    """``text`` with ``Key: value`` in its header (replacing one, or after ``After:``)."""
    fields, _, _, _, header_end = src_mod.parse(text)
    lines = text.split("\n")
    line = f"{key}: {one_line(value)}"
    if key.lower() in fields:
        lines[fields[key.lower()].line - 1] = line
    elif after.lower() in fields:
        lines.insert(fields[after.lower()].line, line)
    else:
        lines.insert(max(header_end - 1, 0), line)
    return "\n".join(lines)
