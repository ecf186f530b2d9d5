"""Plain text from HTML, cutting on a word boundary, and JSON safe inside <script>."""

from __future__ import annotations

import html as htmllib
import json
import re

from newsroom.htmltree import Fragment

#: Elements whose text does not run on into their neighbours' text.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div",
    "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
})
HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript"})
#: A paragraph in one of these is not the article's opening paragraph.
NOT_LEAD = frozenset({"nav", "aside", "figure", "figcaption", "table", "details", "blockquote",
                      "header", "footer"})
#: No-break spaces are typography (French "OpenAI :"), kept when they stand alone.
KEPT_SPACES = frozenset("\u00a0\u202f")
WHITESPACE = re.compile(r"\s+")
#: Trailing characters that look wrong before an ellipsis.
DANGLING = " \u00a0\u202f,;:.–—-"

# json.dumps leaves these as they are; inside <script> they could end the
# element (</script>, <!--) or, for U+2028/U+2029, break older JS parsers.
# They only occur inside JSON strings, where \uXXXX means the same character.
SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def collapse(text: str) -> str:
    """Runs of whitespace become one space; a lone no-break space stays."""
    return WHITESPACE.sub(lambda m: m.group() if m.group() in KEPT_SPACES else " ", text).strip()


def text_of_tree(tree) -> str:
    """The text of a tree (``events()``: a ``Document`` or ``htmltree.Fragment``): no
    scripts or styles, blocks apart from their neighbours, whitespace collapsed."""
    parts = []
    for kind, value in tree.events(HIDDEN_TAGS):
        if kind == "text":
            parts.append(value)
        elif kind != "skip" and value.tag in BLOCK_TAGS:
            parts.append(" ")
    return collapse("".join(parts))


#: A paragraph of text with no markup: the summaries the security step makes.
PLAIN_PARAGRAPH = re.compile(r"<p>([^<>]*)</p>")


def plain_text(html: str) -> str:
    """The text of an HTML fragment: tags stripped, entities decoded, whitespace collapsed."""
    plain = PLAIN_PARAGRAPH.fullmatch(html or "")
    if plain is not None:  # no parse needed: the usual summary
        return collapse(htmllib.unescape(plain.group(1)))
    return text_of_tree(Fragment.of(html))


def first_paragraph(html: str) -> str:
    """Plain text of the first non-empty ``<p>`` of a body, outside figures, asides, tables."""
    return first_paragraph_of_doc(Fragment.of(html))


def first_paragraph_of_doc(doc) -> str:
    """``first_paragraph`` of a document step's tree (``doc.events()``), in one pass."""
    stack, parts, current = [], [], None
    for kind, value in doc.events(HIDDEN_TAGS):
        if kind == "text":
            if current is not None:
                parts.append(value)
        elif kind == "start":
            if current is None:
                if value.tag == "p" and not any(e.tag in NOT_LEAD for e in stack):
                    current, parts = value, []
            elif value.tag in BLOCK_TAGS:
                parts.append(" ")
            stack.append(value)
        elif kind == "end":
            stack.pop()
            if value is current:
                current, text = None, collapse("".join(parts))
                if text:
                    return text
            elif current is not None and value.tag in BLOCK_TAGS:
                parts.append(" ")
    return ""


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """``text`` if it fits in ``limit`` characters, else cut at a space and ended by ``ellipsis``.

    Only a plain space is a break: a no-break space joins what it separates.
    """
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    cut = text[:room]
    if text[room] != " ":
        space = cut.rfind(" ")
        if space > room // 2:  # else one very long "word": cut inside it
            cut = cut[:space]
    return cut.rstrip(DANGLING) + ellipsis


def script_json(data) -> str:
    """``data`` as JSON that cannot end or break the ``<script>`` element it is put in."""
    return json.dumps(data, ensure_ascii=False).translate(SCRIPT_ESCAPES)
