"""HTML that is not in a document's tree yet, as the element tree the document steps use.

Python-Markdown gives the document steps a source's body as
``xml.etree.ElementTree`` elements under a ``div`` (plugins/pipeline/document.py).
HTML that Markdown did not build that tree for — its stash of raw HTML, an HTML
or reST source's body, a ``Summary:`` (Pelican converts it with a Markdown of
its own), a summary Pelican cut from a body — is parsed here into the same
shape, with the standard library's HTML parser, so that the same tree
functions (typography, reading time, SEO text) read it, and written back with
Python-Markdown's serialiser, as a body is.

* :func:`parse` — a fragment as elements under a ``div`` (text in ``.text`` and
  ``.tail``, comments as ``Comment`` elements, character references decoded);
* :func:`serialize` — the fragment again (the ``div`` left out);
* :class:`Fragment` — ``events()``, the walk in document order the text
  functions take (a ``Document`` is one, which also walks Markdown's stash).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from html.parser import HTMLParser

from markdown.serializers import to_html_string
from markdown.util import STX  # Python-Markdown's placeholders start with it
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "param", "source", "track", "wbr"})


class _Builder(HTMLParser):
    """HTML -> an element tree under a ``div`` (no second HTML library)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = etree.Element("div")
        self.stack = [self.root]

    def _append_text(self, data):
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data

    def handle_starttag(self, tag, attrs):
        el = etree.SubElement(self.stack[-1], tag, {k: (v or "") for k, v in attrs})
        if tag not in VOID_TAGS:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        etree.SubElement(self.stack[-1], tag, {k: (v or "") for k, v in attrs})

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self._append_text(data)

    def handle_comment(self, data):
        self.stack[-1].append(etree.Comment(data))


def parse(html: str) -> etree.Element:
    """An HTML fragment as elements under a ``div`` (Markdown's placeholders stay text)."""
    builder = _Builder()
    builder.feed(html or "")
    builder.close()
    return builder.root


def serialize(root: etree.Element) -> str:
    """The fragment under ``root`` (a ``div`` from :func:`parse`) as HTML, by
    Python-Markdown's serialiser, as a body is written."""
    return to_html_string(root)[len("<div>"):-len("</div>")]


class Fragment:
    """A tree to read in document order (``root``: the ``div`` of :func:`parse`)."""

    def __init__(self, root: etree.Element):
        self.root = root

    @classmethod
    def of(cls, html: str) -> Fragment:
        return cls(parse(html))

    def events(self, skip=frozenset(), el=None):
        """The fragment in document order: ``("start", el)``, ``("text", str)``,
        ``("end", el)``, and ``("skip", el)`` for an element whose tag is in ``skip``
        (not entered); comments are left out."""
        yield from self._walk(self.root if el is None else el, skip)

    def _walk(self, el, skip):
        text = el.text
        if text:
            if STX in text:
                yield from self._text(text, skip)
            else:
                yield ("text", text)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):  # comment, processing instruction
                pass
            elif tag in skip:
                yield ("skip", child)
            else:
                index = None
                if tag == "p" and child.text and STX in child.text:
                    index = self._block_placeholder(child)
                if index is not None:
                    yield from self._walk(self.fragment(index), skip)
                else:
                    yield ("start", child)
                    if child.text or len(child):
                        yield from self._walk(child, skip)
                    yield ("end", child)
            tail = child.tail
            if tail:
                if STX in tail:
                    yield from self._text(tail, skip)
                else:
                    yield ("text", tail)

    # Markdown's stash (a Document's): none in a fragment, whose text is all text.

    def _block_placeholder(self, el):
        """Index of the stashed block HTML a ``<p>`` stands for, or None."""
        return None

    def fragment(self, index: int):
        """Stashed HTML ``index`` parsed (None: no stash)."""
        return None

    def _text(self, text, skip):
        yield ("text", text)
