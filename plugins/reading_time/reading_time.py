"""Reading time of articles and pages, counted on their rendered text.

Setting (pelicanconf.py), defaults in ``DEFAULTS``::

    READING_TIME = {
        "wpm": {"fr": 230, "en": 240},  # words per minute per language; "default": 230
        "count_code": False,             # count the text of <pre> and <code>
        "cjk_chars_per_word": 1,         # Han, Hiragana, Katakana, Hangul characters per word
    }

Each article and page gets ``reading_time`` (whole minutes, at least 1) and
``word_count``. A ``ReadingTime: 7`` metadata line overrides the computed time.

Counting rules (``count_words``): the text is NFC-normalised; a word is a run
of letters, digits or combining marks; an apostrophe or hyphen between two
letters joins them (``l’été``, ``aujourd'hui``, ``peut-être`` are one word each,
as word processors count them), and so do ``.``/``,`` between digits
(``3,5``). Han, Hiragana, Katakana and Hangul characters are counted one by one
(``cjk_chars_per_word`` of them make a word), since those scripts do not put
spaces between words.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from fractions import Fraction


from newsroom import phases, sources
from newsroom.htmltree import Fragment

logger = logging.getLogger(__name__)

SETTING = "READING_TIME"
DEFAULTS = {
    "wpm": {"default": 230},
    "count_code": False,
    "cjk_chars_per_word": 1,
}

#: Never read aloud: dropped before counting.
HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript"})
CODE_TAGS = frozenset({"pre", "code"})
#: Elements whose text does not run on into their neighbours' text.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
})

# Python's `re` has no UAX #29 word segmentation and no maintained library for
# it is among our dependencies (PyICU needs the ICU C library), so words are
# found with `re`'s Unicode-aware classes: \w is any letter or digit of any
# script. Combining marks are not \w, so they are removed first (after NFC,
# only marks with no precomposed form remain, e.g. Devanagari vowel signs).
CJK = re.compile(
    "["
    "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"  # Hangul
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9d"  # Katakana (not the ・ dot)
    "\u3005\u3007\u3021-\u3029\u3038-\u303b"  # Han-like ideographic marks (々 〇)
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # Han
    "]"
)
WORD = re.compile(r"\w+(?:(?:['’\u2010\u2011-]|(?<=\d)[.,](?=\d))\w+)*")


#: Characters that are neither word characters nor spaces: the only ones that
#: can be combining marks. Testing just these keeps the count fast (testing
#: each character's category in Python cost more than the rest of the count).
NOT_WORD_OR_SPACE = re.compile(r"[^\w\s]")


def _drop_marks(text: str) -> str:
    """``text`` without its combining marks (categories Mn, Mc, Me)."""
    marks = {ord(ch): None for ch in set(NOT_WORD_OR_SPACE.findall(text))
             if unicodedata.category(ch)[0] == "M"}
    return text.translate(marks) if marks else text


class ConfigurationError(Exception):
    """The READING_TIME setting is wrong; the message says what to write instead."""


def _positive_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def validate(settings) -> dict:
    """Check ``READING_TIME``, fill in the defaults, and return it."""
    value = settings.get(SETTING)
    if value is None:
        value = {}
    example = "READING_TIME = {'wpm': {'fr': 230, 'en': 240}}"
    if not isinstance(value, dict):
        raise ConfigurationError(f"{SETTING} must be a dict, e.g. {example}; got {value!r}")
    unknown = set(value) - set(DEFAULTS)
    if unknown:
        raise ConfigurationError(
            f"{SETTING}: unknown key(s) {sorted(unknown)}; allowed: {sorted(DEFAULTS)}"
        )
    wpm = value.get("wpm", {})
    if not isinstance(wpm, dict):
        raise ConfigurationError(
            f"{SETTING}['wpm'] must be a dict {{language: words per minute}}, "
            f"e.g. {{'fr': 230, 'en': 240, 'default': 230}}; got {wpm!r}"
        )
    for lang, speed in wpm.items():
        if not isinstance(lang, str) or not _positive_number(speed):
            raise ConfigurationError(
                f"{SETTING}['wpm'][{lang!r}] must be a positive number of words per "
                f"minute, e.g. 230; got {speed!r}"
            )
    count_code = value.get("count_code", DEFAULTS["count_code"])
    if not isinstance(count_code, bool):
        raise ConfigurationError(
            f"{SETTING}['count_code'] must be True or False; got {count_code!r}"
        )
    per_word = value.get("cjk_chars_per_word", DEFAULTS["cjk_chars_per_word"])
    if not _positive_number(per_word):
        raise ConfigurationError(
            f"{SETTING}['cjk_chars_per_word'] must be a positive number, e.g. 1 or 1.5; "
            f"got {per_word!r}"
        )
    return {
        "wpm": {**DEFAULTS["wpm"], **wpm},
        "count_code": count_code,
        "cjk_chars_per_word": per_word,
    }


def visible_text(html: str, count_code: bool = False) -> str:
    """The text a reader reads: no scripts or styles, no code unless ``count_code``."""
    return visible_text_of_doc(Fragment.of(html), count_code)


def count_words(text: str, cjk_chars_per_word=1) -> Fraction:
    """Words in ``text`` (see the module docstring for the rules)."""
    text = unicodedata.normalize("NFC", text)
    cjk = len(CJK.findall(text))
    text = CJK.sub(" ", text)
    text = _drop_marks(text)
    words = len(WORD.findall(text))
    return words + Fraction(cjk) / Fraction(cjk_chars_per_word)


def words_per_minute(config, lang) -> float:
    wpm = config["wpm"]
    code = str(lang or "")
    for key in (code, code.replace("_", "-").split("-")[0]):
        if key in wpm:
            return wpm[key]
    return wpm["default"]


def minutes(words, wpm) -> int:
    """Whole minutes, rounded up, never 0."""
    return max(1, math.ceil(Fraction(words) / Fraction(wpm)))


def _where(item) -> str:
    """``path:line`` of an item's ``ReadingTime:`` line."""
    return sources.where(sources.of_item(item), "readingtime")


def _override(item, computed):
    """The ``ReadingTime`` metadata as whole minutes, or None (logged) if invalid."""
    value = item.metadata.get("readingtime")
    if value is None:
        return None
    text = str(value).strip()
    if text.isascii() and text.isdigit() and int(text) > 0:
        return int(text)
    logger.error(
        "reading_time: %s: invalid ReadingTime %r; write a whole number of minutes, "
        "e.g. 'ReadingTime: 7' (the computed %d min is used)",
        _where(item), value, computed,
    )
    return None


def visible_text_of_doc(doc, count_code: bool = False) -> str:
    """``visible_text`` of a tree (``events()``: a ``Document``, an ``htmltree.Fragment``):
    one pass over its text nodes."""
    dropped = HIDDEN_TAGS if count_code else HIDDEN_TAGS | CODE_TAGS
    parts = []
    append = parts.append
    for kind, value in doc.events(dropped):
        if kind == "text":
            append(value)
        elif kind == "skip" or value.tag in BLOCK_TAGS:
            append(" ")
    return "".join(parts)


def count(doc):
    """Document step: count the words of a source, in one pass over its text nodes."""
    config = doc.settings[SETTING]
    words = count_words(visible_text_of_doc(doc, config["count_code"]),
                        config["cjk_chars_per_word"])
    doc.metadata["word_count_exact"] = words


def measure(item, config):
    """Set ``item.word_count`` and ``item.reading_time``."""
    words = item.metadata.get("word_count_exact")
    if words is None:  # not read through the pipeline (e.g. a plugin-made page)
        words = count_words(visible_text(item.content, config["count_code"]),
                            config["cjk_chars_per_word"])
    computed = minutes(words, words_per_minute(config, getattr(item, "lang", None)))
    item.word_count = round(words)
    override = _override(item, computed)
    item.reading_time = override if override is not None else computed


def configure(pelican):
    pelican.settings[SETTING] = validate(pelican.settings)


def measure_item(item, settings):
    """``item_ready``: once per article or page and build, when every one exists (and
    by the preview for an item read again after an edit).

    Not earlier (``content_object_init``): reading ``item.content`` resolves
    and memoises ``{filename}`` links, which needs every page to be known.
    """
    measure(item, settings[SETTING])


def register():
    phases.build_started.connect(configure)
    phases.connect_step(count, phases.PRIORITY["reading_time"])
    phases.item_ready.connect(measure_item)
