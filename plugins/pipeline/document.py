"""What a document step sees: one source's element tree (Python-Markdown's), metadata, language.

Steps run inside Python-Markdown, as one tree processor (``StepRunner``,
priority ``phases.TREEPROCESSOR_PRIORITY``: after Markdown's own, before the
tree is serialised), so the body is parsed once, by Markdown, and written once.

What ``doc.root`` holds: the body as ``xml.etree.ElementTree`` elements under
a ``div`` that is not written out. Two things are not elements there:

* raw HTML the editor wrote, code blocks (highlighted HTML) and character
  references (``&nbsp;``) are in Markdown's stash: the tree holds a
  placeholder (``\\x02wzxhzdk:N\\x03``), alone in a ``<p>`` for a block, which
  Markdown's ``raw_html`` postprocessor replaces with the HTML. Steps that
  read text use ``doc.events()``, which parses those fragments (on demand,
  with the standard library's HTML parser) and walks them in place; changes
  to those fragments are not written back (the editor's raw HTML is kept as
  written).
* backslash escapes are already restored (Markdown's ``unescape`` ran).
"""

from __future__ import annotations

import logging
import os
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import util
from markdown.treeprocessors import Treeprocessor

from newsroom import htmltree
from newsroom.htmltree import VOID_TAGS, Fragment

#: Metadata key of the other files a source's result depends on, with their
#: stamps: the content cache's entry for a source is dropped when one changed.
from newsroom.changes import DEPENDS_KEY, file_stamp  # noqa: F401,E402  (the change model's)

PLACEHOLDER_RE = re.compile(util.HTML_PLACEHOLDER % r"([0-9]+)")
BLOCK_LEVEL_RE = re.compile(r"^\</?([^ >]+)")
TAG_RE = re.compile(r"<(/?)([A-Za-z][\w:-]*)(?:\s[^<>]*)?>\Z")


@dataclass
class Document(Fragment):
    """A source being read: its element tree, metadata, language and settings.

    Steps change ``root`` and ``metadata`` in place, and report problems with
    ``error``/``warning`` (logged by the build process, so strict builds count
    them even when the step ran in a worker process).
    """

    path: str
    root: etree.Element
    metadata: dict
    lang: str
    settings: dict
    md: object = None  # the Markdown instance (its htmlStash holds the raw HTML)
    #: newsroom.sources.Source of the same bytes (metadata with line numbers), or None.
    source: object = None
    notes: list = field(default_factory=list)  # [(levelno, message)]
    depends: dict = field(default_factory=dict)  # path -> file_stamp(path)
    _fragments: dict = field(default_factory=dict)

    def depends_on(self, path: str):
        """Say the result depends on file ``path`` (an image, a link target), so the
        content cache reads the source again when that file changes or appears."""
        path = os.path.abspath(path)
        if path not in self.depends:
            self.depends[path] = file_stamp(path)

    def error(self, message: str):
        self.notes.append((logging.ERROR, message))

    def warning(self, message: str):
        self.notes.append((logging.WARNING, message))

    # -- Markdown's stash (walked in place by events(): htmltree.Fragment's hooks) --

    @property
    def has_raw_html(self) -> bool:
        return bool(self.md is not None and self.md.htmlStash.html_counter)

    def raw_html(self, index: int):
        """The HTML Markdown stashed under placeholder ``index`` (str), or None."""
        stash = self.md.htmlStash if self.md is not None else None
        if stash is None or index >= stash.html_counter:
            return None
        return str(stash.rawHtmlBlocks[index])

    def set_raw_html(self, index: int, html: str):
        self.md.htmlStash.rawHtmlBlocks[index] = html

    def fragment(self, index: int):
        """Stashed HTML ``index`` parsed into a ``div`` element (cached), or None."""
        if index not in self._fragments:
            html = self.raw_html(index)
            self._fragments[index] = htmltree.parse(html) if html is not None else None
        return self._fragments[index]

    def inline_tag(self, index: int):
        """What inline raw HTML placeholder ``index`` is, when it is one tag (Markdown
        stashes ``<span lang="en">`` and ``</span>`` separately): ``(tag, attrs)`` for
        an opening tag, ``("/" + tag, {})`` for a closing one, else None."""
        html = self.raw_html(index)
        match = TAG_RE.match(html) if html is not None else None
        if match is None:
            return None
        if match.group(1):
            return "/" + match.group(2).lower(), {}
        fragment = self.fragment(index)
        if not len(fragment) or match.group(2).lower() in VOID_TAGS:
            return None
        return fragment[0].tag, dict(fragment[0].attrib)

    def split_placeholders(self, text):
        """``text`` cut around Markdown's stash placeholders: [(piece, index or None)]."""
        if not text or "\x02" not in text:
            return [(text, None)]
        parts, pos = [], 0
        for match in PLACEHOLDER_RE.finditer(text):
            if match.start() > pos:
                parts.append((text[pos:match.start()], None))
            parts.append((match.group(), int(match.group(1))))
            pos = match.end()
        if pos < len(text):
            parts.append((text[pos:], None))
        return parts

    def _block_placeholder(self, el):
        """Index of the stashed block HTML a ``<p>`` stands for, or None.

        As Markdown's ``raw_html`` postprocessor: a ``<p>`` holding only a
        placeholder for block-level HTML is replaced by that HTML.
        """
        if el.tag != "p" or len(el) or not el.text or "\x02" not in el.text:
            return None
        match = PLACEHOLDER_RE.fullmatch(el.text)
        if match is None:
            return None
        html = self.raw_html(int(match.group(1)))
        if html is None:
            return None
        block = BLOCK_LEVEL_RE.match(html)
        if block and (block.group(1)[0] in "!?@%" or self.md.is_block_level(block.group(1))):
            return int(match.group(1))
        return None

    def _text(self, text, skip):
        """Text with placeholders: the stashed HTML walked in place."""
        pos = 0
        for match in PLACEHOLDER_RE.finditer(text):
            if match.start() > pos:
                yield ("text", text[pos:match.start()])
            fragment = self.fragment(int(match.group(1)))
            if fragment is None:
                yield ("text", match.group())
            else:
                yield from self._walk(fragment, skip)
            pos = match.end()
        if pos < len(text):
            yield ("text", text[pos:])


class StepRunner(Treeprocessor):
    """Runs the document steps on Markdown's tree, before it is serialised.

    ``metadata`` is the source's, as Pelican's reader makes it, and ``lang`` its
    language (both from the content model); the Document is kept in ``self.doc``.
    """

    def __init__(self, md, steps, path, metadata, lang, settings, depends, source=None):
        super().__init__(md)
        self.steps, self.path, self.settings, self.source = steps, path, settings, source
        self.metadata, self.lang, self.depends = metadata, lang, depends
        self.doc = None

    def run(self, root):
        doc = Document(self.path, root, self.metadata, self.lang, self.settings,
                       md=self.md, depends=self.depends, source=self.source)
        self.doc = doc
        for step in self.steps:
            step(doc)
        return None


