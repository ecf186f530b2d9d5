"""The rules applied to a stream of text: quotes, apostrophes, no-break spaces.

Text comes as *segments*: the ``(text, editable)`` pieces of one document in
reading order, ``None`` between blocks (a paragraph, a list item). Quotes are
matched across segments, so ``"<em>exascale</em>"`` gets its marks; text that is
not editable (code, another language, a placeholder of Markdown's raw HTML
stash) is never changed, but still counts as text around a sign.

* Apostrophes: ``'`` between two letters or digits (``L'Europe``, ``It's``), or a
  single quote that closes nothing (``'90s``, ``students'``) → the language's
  apostrophe.
* Quotes: straight ``"…"`` pairs → the language's quotation marks (CLDR), nested
  pairs → its alternate marks; ``'…'`` pairs → the alternate marks. A ``"``
  that is not part of a pair (``12"``) stays as typed.
* Spacing (languages with ``Rules.before``/``Rules.inside``, French): the space
  the editor typed before ``; : ! ?`` or inside ``« »`` (plain, no-break of the
  wrong kind, a line break) becomes the right no-break space; a missing one is
  added. Left alone: ``12:30``, ``::``, ``://``, a sign followed by a letter or
  ``=`` (``a?b``, ``!=``), a sign at the start of a block or after an opening
  bracket, and URL-like words (``https://…?a=1``, ``www.…``, ``mailto:…``). A run
  of signs gets one space (``?!`` → ``\u202f?!``).

Running the rules twice changes nothing.
"""

from __future__ import annotations

import re

from .rules import Rules

#: What an editor may have typed where a no-break space belongs.
SPACES = frozenset(" \t\n\r\f\u00a0\u2009\u202f")
#: After a sign, only these (or a space, or the end) mean it ends a phrase.
ENDERS = frozenset(")]}»›\"'’”“‘.,…*")
#: A sign right after one of these gets no space: "(?)".
OPENERS = frozenset("([{«‹“‘„‚")
#: Before an opening quote: a space, the start, or one of these.
QUOTE_OPEN_CONTEXT = frozenset("([{«‹“‘„‚—–-/\"'’\x03")  # \x03: end of a Markdown placeholder
#: After a closing quote: a space, the end, or one of these.
QUOTE_CLOSE_CONTEXT = frozenset(")]}»›”“’.,;:!?…—–-/*\"'\x02")  # \x02: start of one
URL_LIKE = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.\-]*://|\bwww\.|\bmailto:|\btel:)[^\s«»<>]*")
STRAIGHT = re.compile("[\"']")
#: After an apostrophe between a letter and one of these: "l'« exascale »".
APOSTROPHE_BEFORE = frozenset("«“„‹")
#: "'90s": an apostrophe, not an opening quote.
DECADE = re.compile(r"\d\d(?!\d)")


def retype(segments, rules: Rules):
    """Apply ``rules`` to the editable text of ``segments``; return their new texts
    (``None`` for the block boundaries)."""
    texts = [None if segment is None else segment[0] for segment in segments]
    probe = "".join(t for t, editable in filter(None, segments) if editable)
    wants_quotes = "'" in probe or '"' in probe
    wants_spacing = rules.has_spacing and any(
        sign in probe for sign in (*rules.before, *"".join(rules.inside)))
    if not wants_quotes and not wants_spacing:
        return texts
    stream = _Stream(segments)
    if wants_quotes:
        stream.quotes(rules)
    if rules.before:
        stream.high_punctuation(rules.before)
    if rules.inside:
        stream.inside_marks(rules.inside)
    return stream.rebuild(texts)


def typeset_text(text: str, rules: Rules) -> str:
    """The rules applied to plain text (a title, a catalog string)."""
    return retype([(text, True)], rules)[0]


def _maybe_url(text):
    """A cheap test before URL_LIKE (a slow search over every word)."""
    if "://" in text:
        return True
    if ":" not in text and "." not in text:
        return False
    low = text.lower()
    return "www." in low or "mailto:" in low or "tel:" in low


def _url_mask(text):
    mask = [False] * len(text)
    for match in URL_LIKE.finditer(text):
        mask[match.start():match.end()] = [True] * (match.end() - match.start())
    return mask


class _Stream:
    """Characters of all segments, with the edits the rules decide on."""

    def __init__(self, segments):
        # Per-character bookkeeping is built with list repetition (C speed), not
        # one Python step per character: this runs on every article.
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
            if can_edit and _maybe_url(text) and URL_LIKE.search(text):
                editable.extend([not protected for protected in _url_mask(text)])
            else:
                editable.extend([can_edit] * len(text))
        self.text = "".join(chars)
        self.owner = owner
        self.editable = editable
        self.before = {}  # index -> text inserted before that character
        self.after = {}  # index -> text inserted after it
        self.replace = {}  # index -> replacement space (spacing rules)
        self.delete = set()
        self.retyped = set()  # segments whose characters the quote rules replaced (in self.text)
        self.starts = {}
        self.boundaries = []  # indices of the block boundaries, in order
        offset = 0
        for n, segment in enumerate(segments):
            self.starts[n] = offset
            if segment is None:
                self.boundaries.append(offset)
            offset += 1 if segment is None else len(segment[0])

    # -- helpers -----------------------------------------------------------
    def _is_boundary(self, index):
        return index < 0 or index >= len(self.text) or self.owner[index] is None

    def _char(self, index):
        """The character at ``index``, or None at a block boundary or the ends."""
        return None if self._is_boundary(index) else self.text[index]

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

    def _set(self, changes):
        """Replace single characters ({index: char}); later rules see the new text."""
        changes = {i: c for i, c in changes.items() if self.text[i] != c}
        if changes:
            chars = list(self.text)
            for index, char in changes.items():
                chars[index] = char
            self.text = "".join(chars)
            self.retyped.update(self.owner[index] for index in changes)

    # -- quotes and apostrophes ---------------------------------------------
    def quotes(self, rules: Rules):
        tokens = []  # (index, kind, role)
        apostrophes = []
        for match in STRAIGHT.finditer(self.text):
            index = match.start()
            if not self.editable[index]:
                continue
            kind = match.group()
            prev, nxt = self._char(index - 1), self._char(index + 1)
            opens = prev is None or prev.isspace() or prev in QUOTE_OPEN_CONTEXT
            closes = nxt is None or nxt.isspace() or nxt in QUOTE_CLOSE_CONTEXT
            if kind == "'" and prev is not None and nxt is not None and prev.isalnum() \
                    and (nxt.isalnum() or nxt in APOSTROPHE_BEFORE):
                apostrophes.append(index)  # L'Europe, it's, l'« exascale »
            elif kind == "'" and opens and DECADE.match(self.text, index + 1):
                apostrophes.append(index)  # the '90s
            elif opens or closes:
                # both: '"' after "'" (l'"exascale") or before it ('hi'"): the
                # quotes still open decide.
                tokens.append((index, kind, "either" if opens and closes
                               else "open" if opens else "close"))
        # Linear in the number of quotes: ``open_count`` says at once whether a
        # quote of a kind is open (no scan of the stack), and a scan down the
        # stack always ends at a match, whose scanned entries are then dropped.
        pairs, unmatched, stack = [], [], []
        open_count = {'"': 0, "'": 0}
        block = 0
        for index, kind, role in tokens:
            while block < len(self.boundaries) and self.boundaries[block] < index:
                block += 1  # a quote never spans two blocks
                unmatched.extend(stack)
                stack = []
                open_count = {'"': 0, "'": 0}
            if role == "either":
                role = "close" if open_count[kind] else "open"
            if role == "open":
                stack.append((index, kind))
                open_count[kind] += 1
                continue
            if not open_count[kind]:
                unmatched.append((index, kind))
                continue
            j = len(stack) - 1
            while stack[j][1] != kind:
                j -= 1
            unmatched.extend(stack[j + 1:])
            pairs.append((stack[j][0], index, kind))
            for _, dropped in stack[j:]:
                open_count[dropped] -= 1
            del stack[j:]
        unmatched.extend(stack)
        changes, q = {}, rules.quotes
        # Pairs never cross (matched on a stack): in start order, a pair's depth is
        # the number of pairs still open around it.
        around = []  # ends of the pairs that contain the current one
        for start, end, kind in sorted(pairs):
            while around and around[-1] < start:
                around.pop()
            depth = len(around)
            around.append(end)
            primary = kind == '"' and depth % 2 == 0
            changes[start] = q.start if primary else q.alternate_start
            changes[end] = q.end if primary else q.alternate_end
        if rules.apostrophe:
            # a single quote that closes nothing, attached to a word: "'tis", "students'"
            apostrophes.extend(index for index, kind in unmatched if kind == "'" and (
                (self._char(index + 1) or " ").isalnum() or (self._char(index - 1) or " ").isalnum()))
            changes.update(dict.fromkeys(apostrophes, rules.apostrophe))
        self._set(changes)

    # -- spacing --------------------------------------------------------------
    def high_punctuation(self, before):
        text = self.text
        run_re = re.compile("[" + re.escape("".join(before)) + "]+")
        for match in run_re.finditer(text):
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
            self._put_space(previous + 1, start, before[run[0]], start, "before")

    def inside_marks(self, inside):
        text = self.text
        opening = {pair[0]: space for pair, space in inside.items()}
        closing = {pair[1]: space for pair, space in inside.items()}
        marks = re.compile("[" + re.escape("".join(opening) + "".join(closing)) + "]")
        for match in marks.finditer(text):
            index = match.start()
            if not self.editable[index]:
                continue
            mark = match.group()
            if mark in opening:
                nxt = self._spaces_forward(index)
                if self._is_boundary(nxt) or text[nxt].isspace() or text[nxt] in closing:
                    continue
                self._put_space(index + 1, nxt, opening[mark], index, "after")
            else:
                previous = self._spaces_back(index)
                if (self._is_boundary(previous) or text[previous].isspace()
                        or text[previous] in opening):
                    continue
                self._put_space(previous + 1, index, closing[mark], index, "before")

    # -- result ---------------------------------------------------------------
    def rebuild(self, texts):
        """New texts of the segments; only segments with an edit are rebuilt."""
        edited = set(self.before) | set(self.after) | set(self.replace) | self.delete
        touched = ({self.owner[index] for index in edited} | self.retyped) - {None}
        result = list(texts)
        if not touched:
            return result
        by_owner = {}
        for index in edited:
            by_owner.setdefault(self.owner[index], []).append(index)
        for n in touched:
            # Copy the untouched stretches as slices (quote marks are already in
            # them); only the places where spaces change are handled one by one.
            out, start = [], self.starts[n]
            position = start
            for index in sorted(by_owner.get(n, ())):
                out.append(self.text[position:index])
                out.append(self.before.get(index, ""))
                if index not in self.delete:
                    out.append(self.replace.get(index, self.text[index]))
                out.append(self.after.get(index, ""))
                position = index + 1
            out.append(self.text[position:start + len(texts[n])])
            result[n] = "".join(out)
        return result
