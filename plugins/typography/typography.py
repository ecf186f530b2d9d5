"""The ``TYPOGRAPHY`` setting and the receivers that apply the French rules.

``TYPOGRAPHY = {"languages": ["fr"]}`` (the default): articles and pages whose
language (primary subtag: ``fr-CA`` counts as ``fr``) is listed get the rules
of ``french.py`` on their body, their ``Summary`` and their title. Other
languages are left untouched.

Titles are changed once, when the object is created, so every later reader of
``article.title`` (HTML pages, JSON-LD, listings) shows the same typographed
text; the feed writer is the one exception, handled in ``retype_feed``.
"""

from __future__ import annotations

import logging

from markupsafe import Markup
from pelican import signals

from newsroom import phases

from .french import BLOCK_TAGS, SKIP_TAGS, french_html, french_text, primary, retype

logger = logging.getLogger(__name__)

SETTING = "TYPOGRAPHY"
DEFAULTS = {"languages": ["fr"]}


class ConfigurationError(Exception):
    """The TYPOGRAPHY setting is wrong; the message says what to write instead."""


def validate(settings) -> dict:
    """Check ``TYPOGRAPHY``, fill in the defaults, and return it."""
    value = settings.get(SETTING)
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ConfigurationError(
            f"{SETTING} must be a dict, e.g. {SETTING} = {{'languages': ['fr']}}; got {value!r}"
        )
    unknown = set(value) - set(DEFAULTS)
    if unknown:
        raise ConfigurationError(
            f"{SETTING}: unknown key(s) {sorted(unknown)}; allowed: {sorted(DEFAULTS)}"
        )
    config = {**DEFAULTS, **value}
    languages = config["languages"]
    if isinstance(languages, str) or not isinstance(languages, (list, tuple)) or not all(
        isinstance(code, str) and code for code in languages
    ):
        raise ConfigurationError(
            f"{SETTING}['languages'] must be a list of language codes, e.g. ['fr']; "
            f"got {languages!r}"
        )
    config["languages"] = [primary(code) for code in languages]
    return config


def configure(pelican):
    pelican.settings[SETTING] = validate(pelican.settings)


def _languages(settings):
    config = settings.get(SETTING)
    if not isinstance(config, dict) or "languages" not in config:
        config = DEFAULTS
    return tuple(config["languages"])


def typeset(doc):
    """Document step: typeset a French source's title, summary and body, once, as it is read.

    Done at read time (on Markdown's tree of the body), so every
    later reader of ``title``, ``summary`` and ``content`` — pages, listings,
    feeds, JSON-LD — sees the same typographed text.
    """
    languages = _languages(doc.settings)
    if primary(doc.lang) not in languages:
        return
    title = doc.metadata.get("title")
    if isinstance(title, str):
        doc.metadata["title"] = type(title)(french_text(str(title))) if isinstance(title, Markup) \
            else french_text(title)
    summary = doc.metadata.get("summary")
    if isinstance(summary, str):
        doc.metadata["summary"] = Markup(french_html(str(summary), languages))
    french_tree(doc, languages)


def french_tree(doc, languages=("fr",)) -> bool:
    """``french.french_soup`` on Python-Markdown's tree (an adapter for the build
    engine's document steps). Inline raw HTML tags (``<span lang="en">``, ``<kbd>``)
    count as elements; the text inside stashed raw HTML blocks is left as written."""
    texts = []  # [(element, "text" or "tail", [segment index or literal placeholder])]
    segments = []
    raw = []  # the raw inline tags open: [(tag, french inside it)]

    def add(el, attr, text, french):
        parts = []
        for piece, index in doc.split_placeholders(text):
            if index is None:
                parts.append(len(segments))
                segments.append((piece, raw[-1][1] if raw else french))
                continue
            parts.append(piece)  # the placeholder itself is written back as it was
            tag = doc.inline_tag(index)
            if tag is None:  # an entity (&nbsp;) or raw HTML: context, never changed
                fragment = doc.fragment(index)
                context = "".join(fragment.itertext()) if fragment is not None else ""
                segments.append((context, False))
            elif tag[0].startswith("/"):
                for depth in range(len(raw) - 1, -1, -1):
                    if raw[depth][0] == tag[0][1:]:
                        del raw[depth:]
                        break
            else:
                inside = raw[-1][1] if raw else french
                lang = tag[1].get("lang")
                if lang is not None:
                    inside = primary(lang) in languages
                if tag[0] in SKIP_TAGS:
                    inside = False
                raw.append((tag[0], inside))
        texts.append((el, attr, parts))

    def walk(el, french):
        if el.text:
            add(el, "text", el.text, french)
        for child in el:
            if isinstance(child.tag, str):  # not comments
                base = raw[-1][1] if raw else french
                lang = child.get("lang")
                child_french = base if lang is None else primary(lang) in languages
                if child.tag in SKIP_TAGS:
                    child_french = False
                block = child.tag in BLOCK_TAGS
                if block:
                    segments.append(None)
                walk(child, child_french)
                if block:
                    segments.append(None)
            if child.tail:
                add(child, "tail", child.tail, french)

    walk(doc.root, True)
    new = retype(segments)
    changed = False
    for el, attr, parts in texts:
        text = "".join(new[p] if isinstance(p, int) else p for p in parts)
        if text != getattr(el, attr):
            setattr(el, attr, text)
            changed = True
    return changed


def retype_feed(context, feed):
    """Give feed entries the typographed title again.

    Pelican's feed writer passes every title through ``Markup.striptags()``,
    which turns every kind of space, no-break ones included, into a plain
    space. We map each entry back to its article's title (``feed_generated`` is
    the documented hook for changing a feed before it is written).
    """
    languages = _languages(context)
    feed_lang = feed.feed.get("language")
    titles = {}
    for article in context.get("articles", []):
        lang = primary(getattr(article, "lang", ""))
        if lang not in languages or (feed_lang and lang != primary(feed_lang)):
            continue
        stripped = str(Markup(article.title).striptags())
        if stripped != article.title:
            titles.setdefault(stripped, article.title)
    for item in feed.items:
        item["title"] = titles.get(item["title"], item["title"])


def register():
    signals.initialized.connect(configure)
    phases.connect_step(typeset, phases.PRIORITY["typography"])
    signals.feed_generated.connect(retype_feed)
