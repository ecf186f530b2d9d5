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
from pelican.contents import Static

from .french import french_html, french_text, primary

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


def retype_content(instance):
    """Typeset a French article or page: title, summary and body, once, as it is created.

    Pelican has no public setter for a content object's body: ``content`` and
    ``summary`` are read-only properties computed (and memoised) from
    ``_content`` and ``_summary``/``metadata["summary"]``, and documents no
    other way. So, like typogrify-style plugins, we change those here, in
    ``content_object_init``, before anything has read (and memoised) the
    properties; Pelican's own ``refresh_metadata_intersite_links`` reads
    ``_summary`` back because plugins write to it.
    """
    if isinstance(instance, Static) or not hasattr(instance, "_content"):
        return
    settings = instance.settings
    languages = _languages(settings)
    lang = getattr(instance, "lang", None) or settings.get("DEFAULT_LANG", "")
    if primary(lang) not in languages:
        return
    title = instance.metadata.get("title")
    if isinstance(title, str):
        title = french_text(title)
        instance.metadata["title"] = title
        instance.title = title
    summary = instance.metadata.get("summary")
    if isinstance(summary, str):
        summary = french_html(summary, languages)
        instance.metadata["summary"] = summary
        instance._summary = summary
    if isinstance(instance._content, str):
        instance._content = french_html(instance._content, languages)


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
    signals.content_object_init.connect(retype_content)
    signals.feed_generated.connect(retype_feed)
