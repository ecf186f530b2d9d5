"""French typography rules: no-break spaces before high punctuation and inside « ».

* U+202F (narrow no-break space) before ``;`` ``!`` ``?`` and inside ``« »``;
* U+00A0 (no-break space) before ``:``.

The space an editor typed (a plain space, a no-break space of the wrong kind,
a line break) is replaced; a missing one is added. Left alone: ``12:30`` (digit
on both sides), ``::``, ``://``, a sign followed by a letter or ``=`` (``a?b``,
``!=``), a sign at the start of a block or after an opening bracket, and words
that look like URLs (``https://…?a=1``, ``www.…``, ``mailto:…``). A run of signs
gets one space before it (``?!`` → ``\u202f?!``). Running the rules twice
changes nothing.

Text is handled as one stream across inline elements, so ``<em>Bonjour</em>!``
gets its space too; block elements start a new stream. In HTML, ``code``,
``pre``, ``kbd``, ``samp``, ``var``, ``script``, ``style``, ``textarea``, ``math``
and ``svg`` are never changed (nor are attributes), and neither is an element
whose ``lang`` attribute is another language.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

NNBSP = "\u202f"
NBSP = "\u00a0"
#: What an editor may have typed where a no-break space belongs.
SPACES = frozenset(" \t\n\r\f\u00a0\u2009\u202f")
#: After a sign, only these (or a space, or the end) mean it ends a phrase.
ENDERS = frozenset(")]}»›\"'’”.,…*")
#: A sign right after one of these gets no space: "(?)".
OPENERS = frozenset("([{«‹“‘")
HIGH_RUN = re.compile(r"[;:!?]+")
GUILLEMET = re.compile("[«»]")
SIGNS = re.compile("[;:!?«»]")
URL_LIKE = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.\-]*://|\bwww\.|\bmailto:|\btel:)[^\s«»<>]*")

SKIP_TAGS = frozenset({"code", "pre", "kbd", "samp", "var", "tt", "script", "style",
                       "textarea", "math", "svg", "template"})
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})


def retype(segments):
    """Apply the rules to a stream of segments; return their new texts.

    ``segments`` is a list of ``(text, editable)`` pairs, or ``None`` for a
    block boundary. Non-editable text (code, another language) is context only:
    it is never changed, but a sign right after it still gets its space.
    """
    # Per-character bookkeeping is built with list repetition (C speed), not
    # one Python step per character: this runs on every French article.
    chars, owner, editable = [], [], []
    for index, segment in enumerate(segments):
        if segment is None:
            chars.append("\n")
            owner.append(None)
            editable.append(False)
            continue
        text, can_edit = segment
        chars.append(text)
        owner.extend([index] * len(text))
        if can_edit and URL_LIKE.search(text):
            editable.extend([not protected for protected in _url_mask(text)])
        else:
            editable.extend([can_edit] * len(text))
    joined = "".join(chars)
    if not SIGNS.search(joined):
        return [None if segment is None else segment[0] for segment in segments]
    stream = _Stream(joined, owner, editable)
    stream.high_punctuation()
    stream.guillemets()
    return stream.rebuild(segments)


def french_text(text: str) -> str:
    """The rules applied to plain text (a title)."""
    return retype([(text, True)])[0]


def french_html(html: str, languages=("fr",)) -> str:
    """The rules applied to the text of an HTML fragment; markup is kept as it is."""
    soup = BeautifulSoup(html, "html.parser")
    # Serialise only when something changed, so untouched HTML stays byte-identical.
    return str(soup) if french_soup(soup, languages) else html


def french_soup(soup, languages=("fr",)) -> bool:
    """The rules applied in place to a parsed fragment; True if a text changed."""
    nodes, segments = [], []

    def walk(parent, french):
        for child in parent.children:
            if isinstance(child, Tag):
                lang = child.get("lang")
                child_french = french if lang is None else primary(lang) in languages
                if child.name in SKIP_TAGS:
                    child_french = False
                block = child.name in BLOCK_TAGS
                if block:
                    segments.append(None)
                    nodes.append(None)
                walk(child, child_french)
                if block:
                    segments.append(None)
                    nodes.append(None)
            elif type(child) is NavigableString:  # not comments, CDATA, doctypes
                segments.append((str(child), french))
                nodes.append(child)

    walk(soup, True)
    changed = False
    for node, segment, text in zip(nodes, segments, retype(segments)):
        if node is not None and text != segment[0]:
            node.replace_with(NavigableString(text))
            changed = True
    return changed


def primary(code) -> str:
    """Primary language subtag: "fr" for "fr-CA" or "fr_BE"."""
    return str(code).replace("_", "-").split("-")[0].lower()


def _url_mask(text):
    mask = [False] * len(text)
    for match in URL_LIKE.finditer(text):
        for position in range(match.start(), match.end()):
            mask[position] = True
    return mask


class _Stream:
    """Characters of all segments, with the edits the rules decide on."""

    def __init__(self, text, owner, editable):
        self.text = text
        self.owner = owner
        self.editable = editable
        self.before = {}  # index -> text inserted before that character
        self.after = {}  # index -> text inserted after it
        self.replace = {}  # index -> replacement character
        self.delete = set()

    def _is_boundary(self, index):
        return index < 0 or index >= len(self.text) or self.owner[index] is None

    def _spaces_back(self, index):
        """Index of the last character before ``index`` that is not an editable space."""
        j = index - 1
        while j >= 0 and self.editable[j] and self.text[j] in SPACES:
            j -= 1
        return j

    def _spaces_forward(self, index):
        k = index + 1
        while k < len(self.text) and self.editable[k] and self.text[k] in SPACES:
            k += 1
        return k

    def _put_space(self, start, end, space, insert_at, side):
        """Make the spaces in [start, end) one ``space``, or insert one if there are none."""
        if start < end:
            self.replace[start] = space
            self.delete.update(range(start + 1, end))
        elif side == "before":
            self.before[insert_at] = space
        else:
            self.after[insert_at] = space

    def high_punctuation(self):
        text = self.text
        for match in HIGH_RUN.finditer(text):
            start, end = match.span()
            run = match.group()
            if not all(self.editable[start:end]):
                continue
            if "::" in run or (run[0] == ":" and text.startswith("//", end)):
                continue
            following = "" if self._is_boundary(end) else text[end]
            if following and not (following.isspace() or following in ENDERS):
                continue  # "a?b", "!=", "x:y": not the end of a phrase
            previous = self._spaces_back(start)
            if self._is_boundary(previous):
                continue
            prev_char = text[previous]
            if prev_char.isspace() or prev_char in OPENERS:
                continue
            if run[0] == ":" and prev_char.isdigit() and following.isdigit():
                continue
            space = NBSP if run[0] == ":" else NNBSP
            self._put_space(previous + 1, start, space, start, "before")

    def guillemets(self):
        text = self.text
        for match in GUILLEMET.finditer(text):
            index = match.start()
            if not self.editable[index]:
                continue
            if match.group() == "«":
                nxt = self._spaces_forward(index)
                if self._is_boundary(nxt) or text[nxt].isspace() or text[nxt] == "»":
                    continue
                self._put_space(index + 1, nxt, NNBSP, index, "after")
            else:
                previous = self._spaces_back(index)
                if (self._is_boundary(previous) or text[previous].isspace()
                        or text[previous] == "«"):
                    continue
                self._put_space(previous + 1, index, NNBSP, index, "before")

    def rebuild(self, segments):
        """New texts of the segments; only segments with an edit are rebuilt."""
        edited = set(self.before) | set(self.after) | set(self.replace) | self.delete
        touched = {self.owner[index] for index in edited} - {None}
        result = [None if segment is None else segment[0] for segment in segments]
        if not touched:
            return result
        starts, offset = {}, 0
        for n, segment in enumerate(segments):
            starts[n] = offset
            offset += 1 if segment is None else len(segment[0])
        by_owner = {}
        for index in edited:
            by_owner.setdefault(self.owner[index], []).append(index)
        for n in touched:
            # Copy the untouched stretches as slices; only edited places are
            # handled one by one.
            out, start = [], starts[n]
            position = start
            for index in sorted(by_owner[n]):
                out.append(self.text[position:index])
                out.append(self.before.get(index, ""))
                if index not in self.delete:
                    out.append(self.replace.get(index, self.text[index]))
                out.append(self.after.get(index, ""))
                position = index + 1
            out.append(self.text[position:start + len(segments[n][0])])
            result[n] = "".join(out)
        return result
