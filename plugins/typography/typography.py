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
    french_tree(doc.root, languages)


def french_tree(root, languages=("fr",)) -> bool:
    """``french.french_soup`` on Python-Markdown's tree (an adapter for the build
    engine's document steps); raw HTML in Markdown's stash is left as written."""
    slots, segments = [], []

    def walk(el, french):
        if el.text:
            segments.append((el.text, french))
            slots.append((el, "text"))
        for child in el:
            if isinstance(child.tag, str):  # not comments
                lang = child.get("lang")
                child_french = french if lang is None else primary(lang) in languages
                if child.tag in SKIP_TAGS:
                    child_french = False
                block = child.tag in BLOCK_TAGS
                if block:
                    segments.append(None)
                    slots.append(None)
                walk(child, child_french)
                if block:
                    segments.append(None)
                    slots.append(None)
            if child.tail:
                segments.append((child.tail, french))
                slots.append((child, "tail"))

    walk(root, True)
    changed = False
    for slot, segment, text in zip(slots, segments, retype(segments)):
        if slot is not None and text != segment[0]:
            setattr(slot[0], slot[1], text)
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
