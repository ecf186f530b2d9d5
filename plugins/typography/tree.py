"""Typography on a document tree: every text node, in its own language.

``typeset_tree(root, lang, config)`` is the body typesetter: a pure function
over an ``xml.etree.ElementTree.Element`` as Python-Markdown builds it (text in
``.text`` and ``.tail``), for a Markdown tree processor. It never changes
attributes (``href``, ``src``, ``title`` …), nor the text of ``code``, ``pre``,
``kbd``, ``samp``, ``var``, ``script``, ``style`` and the like; an element with a
``lang`` attribute gets that language's rules (``<span lang="en">`` in a French
article gets English quotes, no French spaces). Placeholders of Markdown's
stash (inline raw HTML, entities, escapes: ``\\x02…\\x03``) are kept as they are, so
an editor who wants a straight quote in text types ``&quot;``.

``typeset_html`` applies the same function to an HTML fragment that is not in
the body's tree (a ``Summary:``): parsed into the same tree shape
(``newsroom.htmltree``), typeset, and written again if a text changed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from newsroom import htmltree

from .rules import normal, primary, rules_for
from .text import retype, typeset_text

SKIP_TAGS = frozenset({"code", "pre", "kbd", "samp", "var", "tt", "script", "style",
                       "textarea", "math", "svg", "template", "#opaque"})
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
#: Python-Markdown's placeholders: STX ... ETX (raw HTML stash, escaped characters).
PLACEHOLDER = re.compile("\x02[^\x02\x03]*\x03")


def enabled(lang, config) -> bool:
    """Typography is on for ``lang`` (``TYPOGRAPHY["languages"]``: None means every language)."""
    languages = (config or {}).get("languages")
    if languages is None:
        return True
    return normal(lang) in languages or primary(lang) in languages


def typeset_plain(text: str, lang, config=None) -> str:
    """The rules of ``lang`` applied to plain text (a title, a catalog string).

    The result is text: escape it where it lands (Jinja's autoescape does).
    """
    if not text or not enabled(lang, config):
        return text
    return typeset_text(text, rules_for(lang, config))


def typeset_tree(root: ET.Element, lang, config=None, raw_html=None) -> bool:
    """Typeset the text of ``root`` and its descendants in place; True if a text changed.

    ``lang`` is the document's language; ``config`` the validated ``TYPOGRAPHY``
    setting (see ``typography.validate``). ``raw_html(i)``, if given, returns the
    HTML Markdown stashed as placeholder ``i``: an inline start or end tag the
    editor wrote (``<span lang="en">``, ``<kbd>``) then sets the language, or
    protects the text, up to its end tag, as an element of the tree would.
    """
    segments, slots = [], []  # slots: (element, "text"|"tail", [segment indices])
    raw_open = _OpenTags()  # the stashed start tags still open

    def add(element, attr, text, lang_here):
        if not text:
            return
        indices = []
        for piece, opaque in _pieces(text):
            piece_lang = None if opaque else lang_here
            if opaque and raw_html is not None:
                _raw_tag(raw_html, piece, raw_open, segments)
            elif piece_lang is not None and raw_open:
                piece_lang = None if raw_open.protected else raw_open.lang or lang_here
            indices.append(len(segments))
            segments.append((piece, piece_lang))
        slots.append((element, attr, indices))

    def walk(element, lang_here):
        tag = element.tag if isinstance(element.tag, str) else "#opaque"  # comments, PIs
        own = element.get("lang") if tag != "#opaque" else None
        if own:
            lang_here = normal(own)
        text_lang = None if tag in SKIP_TAGS or lang_here is None else lang_here
        block = tag in BLOCK_TAGS
        if block:
            segments.append(None)
        add(element, "text", element.text, text_lang)
        for child in element:
            walk(child, None if tag in SKIP_TAGS else lang_here)
            add(child, "tail", child.tail, text_lang)
        if block:
            segments.append(None)

    walk(root, normal(lang))
    texts = [None if s is None else s[0] for s in segments]
    languages = {s[1] for s in segments if s is not None and s[1] is not None}
    for code in sorted(languages):
        if not enabled(code, config):
            continue
        if len(languages) == 1:  # the usual case: one language, editable = not protected
            view = [s if s is None or s[1] is None else (s[0], True) for s in segments]
        else:
            view = [None if s is None else (texts[i], s[1] == code)
                    for i, s in enumerate(segments)]
        texts = retype(view, rules_for(code, config))
    changed = False
    for element, attr, indices in slots:
        new = "".join(texts[i] for i in indices)
        if new != getattr(element, attr):
            setattr(element, attr, new)
            changed = True
    return changed


START_TAG = re.compile(r"<([a-zA-Z][\w-]*)((?:\s[^<>]*)?)>\Z")
END_TAG = re.compile(r"</([a-zA-Z][\w-]*)\s*>\Z")
LANG_ATTR = re.compile(r"""\blang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
STASH_INDEX = re.compile("\x02wzxhzdk:(\\d+)\x03")


class _OpenTags:
    """The stack of stashed start tags still open, each entry knowing at once whether
    it or one below is a protected tag (``SKIP_TAGS``) and the nearest ``lang``:
    a document with thousands of inline tags never rescans the stack."""

    def __init__(self):
        self.stack = []  # (tag, protected, lang or None)
        self.count = {}  # tag -> how many are open

    def __bool__(self):
        return bool(self.stack)

    @property
    def protected(self):
        return self.stack[-1][1]

    @property
    def lang(self):
        return self.stack[-1][2]

    def push(self, tag, code):
        below = self.stack[-1] if self.stack else (None, False, None)
        self.stack.append((tag, below[1] or tag in SKIP_TAGS, code or below[2]))
        self.count[tag] = self.count.get(tag, 0) + 1

    def close(self, tag):
        """Pop up to the last open ``tag`` (and what it holds); nothing if none is open."""
        if not self.count.get(tag):
            return
        while True:
            popped = self.stack.pop()[0]
            self.count[popped] -= 1
            if popped == tag:
                return


def _raw_tag(raw_html, placeholder, raw_open, segments):
    """Follow a stashed inline tag: push a start tag, pop at its end tag."""
    match = STASH_INDEX.fullmatch(placeholder)
    html = raw_html(int(match.group(1))) if match else None
    if not isinstance(html, str):
        return
    html = html.strip()
    start, end = START_TAG.match(html), END_TAG.match(html)
    if start and not html.endswith("/>"):
        tag = start.group(1).lower()
        found = LANG_ATTR.search(start.group(2) or "")
        code = next((g for g in found.groups() if g), None) if found else None
        raw_open.push(tag, normal(code) if code else None)
        if tag in BLOCK_TAGS:
            segments.append(None)
    elif end:
        tag = end.group(1).lower()
        raw_open.close(tag)
        if tag in BLOCK_TAGS:
            segments.append(None)


def _pieces(text):
    """(piece, is_placeholder) of a text, placeholders kept whole."""
    if "\x02" not in text:
        return [(text, False)]
    pieces, position = [], 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > position:
            pieces.append((text[position:match.start()], False))
        pieces.append((match.group(), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def typeset_html(html: str, lang, config=None) -> str:
    """The rules applied to the text of an HTML fragment (a summary), parsed into the
    same element tree as a body (``newsroom.htmltree``) and typeset by
    ``typeset_tree``; written again only when a text changed, so that untouched
    HTML stays byte-identical."""
    if not html or not enabled(lang, config):
        return html
    root = htmltree.parse(html)
    return htmltree.serialize(root) if typeset_tree(root, lang, config) else html
