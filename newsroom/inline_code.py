"""Inline code in HTML, found the way a browser finds it: on elements, never in text.

What a Content-Security-Policy without ``'unsafe-inline'`` blocks: a ``<script>`` without
``src`` that runs (JSON data blocks do not), a ``<style>`` element, an event-handler
attribute (``onclick=``, ``onerror=`` …) and a ``style=`` attribute. ``find`` reads the
HTML with Python's ``html.parser`` (the standard library's HTML tokenizer; a text or an
attribute value that *mentions* ``onclick=`` — an escaped summary, an alt text — is not
code). Shared by the lint rule ``newsroom.rules.inline_code`` (the editor's raw HTML in
Markdown) and the security plugin's check of every written page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

#: ``type`` values of a ``<script>`` the browser runs (the HTML standard's JavaScript MIME
#: types, ``module``, and import maps and speculation rules, which the policy also governs).
SCRIPT_TYPES = {"", "module", "importmap", "speculationrules", "text/javascript",
                "application/javascript", "application/ecmascript", "application/x-ecmascript",
                "application/x-javascript", "text/ecmascript", "text/javascript1.0",
                "text/javascript1.1", "text/javascript1.2", "text/javascript1.3",
                "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
                "text/x-ecmascript", "text/x-javascript"}

#: Cheap test for text that may hold inline code: every finding of ``find`` matches it
#: (a handler or style attribute follows a blank, a quote or ``/``), so text it does not
#: match is not parsed at all. Pages have ``<script src=…>`` and JSON-LD: only a script
#: tag with neither ``src=`` nor a JSON ``type=`` before its first ``>`` is a candidate.
_CANDIDATE_RE = re.compile(
    r"""[\s"'/](?:on[^\s/=>]*|style)\s*=|<style"""
    r"""|<script(?![^>]*[\s"'/](?:src\s*=|type\s*=\s*["']?application/(?:ld\+)?json))""",
    re.IGNORECASE)


@dataclass(frozen=True)
class Inline:
    """One piece of inline code: ``what`` it is, on ``line`` (1-based), in start tag ``tag``."""

    line: int
    kind: str  # "script", "style", "handler" or "style-attribute"
    name: str  # the attribute ("onclick") or the element ("script")
    tag: str  # the start tag as written

    @property
    def what(self) -> str:
        if self.kind == "handler":
            return f"the {self.name}= attribute"
        return "inline <script>" if self.kind == "script" else "inline style"

    @property
    def key(self):
        return self.kind, self.name


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        text = self.get_starttag_text() or f"<{tag}>"
        names = {name.lower(): (value or "") for name, value in attrs}
        if tag == "script" and "src" not in names \
                and names.get("type", "").strip().lower() in SCRIPT_TYPES:
            self.found.append(Inline(line, "script", "script", text))
        elif tag == "style":
            self.found.append(Inline(line, "style", "style", text))
        for name in names:
            if name.startswith("on") and len(name) > 2:
                self.found.append(Inline(line, "handler", name, text))
            elif name == "style":
                self.found.append(Inline(line, "style-attribute", name, text))

    handle_startendtag = handle_starttag


def find(html: str) -> list[Inline]:
    """Every piece of inline code in ``html``, in document order."""
    if "<" not in html or _CANDIDATE_RE.search(html) is None:  # no element: no code
        return []
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found


def not_in(found: list[Inline], other: list[Inline]) -> list[Inline]:
    """``found`` but as many of each piece as ``other`` holds (the editor's own raw HTML)."""
    left = Counter(i.key for i in other)
    kept = []
    for item in found:
        if left[item.key] > 0:
            left[item.key] -= 1
        else:
            kept.append(item)
    return kept
