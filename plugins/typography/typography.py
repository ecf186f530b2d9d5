"""The ``TYPOGRAPHY`` setting and where the build applies the rules.

``TYPOGRAPHY = {}`` (the default) gives every language its typography
(``rules.py``): quotation marks from CLDR, the ``’`` apostrophe, and the spacing
rules of languages that have some (French). Keys:

* ``languages``: ``None`` (every language) or the list of languages that get
  typography (``[]`` turns it off);
* ``quotes``: ``{lang: "«»‹›"}`` replaces CLDR's marks for a language;
* ``apostrophe``: ``{lang: "’"}`` (``None``: keep ``'``);
* ``spacing``: ``{lang: {"before": {"?": "\\u202f"}, "inside": {"«»": "\\u202f"}}}``
  replaces ``rules.SPACING`` for a language.

Applied to:

* bodies, titles and summaries of articles and pages, once, as each source is
  read (``typeset``, a document step on Markdown's tree: every later reader of ``title``,
  ``summary`` and ``content`` — pages, listings, feeds, JSON-LD — sees the
  same text);
* the theme's strings: each translated string of the catalogs, in its
  language, when the multilingual plugin compiles them (``typeset_string``,
  an ``I18N_STRING_FILTERS`` entry); Jinja escapes them afterwards; the same
  filter gives category and tag names as shown (multilingual plugin; slugs unchanged);
* other text a template shows that no document step saw (a lead image's
  caption and credit, the translation-status titles): the ``typeset`` Jinja
  filter, ``{{ text|typeset(lang) }}`` (default: the page's language).
"""

from __future__ import annotations

from jinja2 import pass_context
from markupsafe import Markup

from newsroom import phases
from newsroom.config import dict_setting

from .rules import normal
from .tree import typeset_html, typeset_plain, typeset_tree

SETTING = "TYPOGRAPHY"
#: Other text metadata shown to readers (``Correction:`` lines, see newsroom.corrections).
TEXT_KEYS = ("correction",)
DEFAULTS = {"languages": None, "quotes": {}, "apostrophe": {}, "spacing": {}}


class ConfigurationError(Exception):
    """The TYPOGRAPHY setting is wrong; the message says what to write instead."""


def _per_language(config, key, check, example):
    value = config[key]
    if not isinstance(value, dict) or not all(isinstance(k, str) and k for k in value):
        raise ConfigurationError(f"{SETTING}[{key!r}] must be a dict by language, e.g. "
                                 f"{{'fr': {example}}}; got {value!r}")
    for lang, item in value.items():
        problem = check(item)
        if problem:
            raise ConfigurationError(f"{SETTING}[{key!r}][{lang!r}]: {problem}; got {item!r} "
                                     f"(example: {example})")
    return {normal(lang): item for lang, item in value.items()}


def _check_quotes(value):
    if not isinstance(value, str) or len(value) != 4:
        return "4 characters: opening, closing, nested opening, nested closing"
    return None


def _check_apostrophe(value):
    if value is not None and (not isinstance(value, str) or len(value) != 1):
        return "one character, or None to keep ' as typed"
    return None


def _check_spacing(value):
    if not isinstance(value, dict) or set(value) - {"before", "inside"}:
        return "a dict with the keys 'before' and/or 'inside'"
    before, inside = value.get("before", {}), value.get("inside", {})
    if not isinstance(before, dict) or not all(
            isinstance(k, str) and len(k) == 1 and isinstance(v, str) for k, v in before.items()):
        return "'before' maps one sign to the space before it"
    if not isinstance(inside, dict) or not all(
            isinstance(k, str) and len(k) == 2 and isinstance(v, str) for k, v in inside.items()):
        return "'inside' maps a pair of marks (opening, closing) to the space inside them"
    return None


def validate(settings) -> dict:
    """Check ``TYPOGRAPHY``, fill in the defaults, and return it."""
    config = dict_setting(settings, SETTING, DEFAULTS, "{'languages': ['fr', 'en']}",
                          ConfigurationError)
    languages = config["languages"]
    if languages is not None:
        if isinstance(languages, str) or not isinstance(languages, (list, tuple)) or not all(
                isinstance(code, str) and code for code in languages):
            raise ConfigurationError(
                f"{SETTING}['languages'] must be None (every language) or a list of language "
                f"codes, e.g. ['fr', 'en']; got {languages!r}")
        config["languages"] = [normal(code) for code in languages]
    config["quotes"] = _per_language(config, "quotes", _check_quotes, "'«»“”'")
    config["apostrophe"] = _per_language(config, "apostrophe", _check_apostrophe, "'’'")
    config["spacing"] = _per_language(config, "spacing", _check_spacing,
                                      "{'before': {'?': '\\u202f'}, 'inside': {'«»': '\\u202f'}}")
    return config


def _config(settings):
    config = settings.get(SETTING)
    return config if isinstance(config, dict) and "spacing" in config else validate(settings)


def configure(pelican):
    settings = pelican.settings
    settings[SETTING] = validate(settings)
    settings.setdefault("I18N_STRING_FILTERS", []).append(typeset_string)


def typeset(doc):
    """Document step: typeset a source's title, summary and body, once, as it is read.

    The body is Markdown's element tree (``doc.root``); inline tags the editor
    wrote as raw HTML are followed through Markdown's stash (``doc.raw_html``).
    Every later reader of ``title``, ``summary`` and ``content`` — pages,
    listings, feeds, JSON-LD — sees the same text.
    """
    config = _config(doc.settings)
    title = doc.metadata.get("title")
    if isinstance(title, str):
        new = typeset_plain(str(title), doc.lang, config)
        doc.metadata["title"] = type(title)(new) if isinstance(title, Markup) else new
    summary = doc.metadata.get("summary")
    if isinstance(summary, str):
        doc.metadata["summary"] = Markup(typeset_html(str(summary), doc.lang, config))
    for key in TEXT_KEYS:  # text metadata shown on the page (a list when repeated)
        value = doc.metadata.get(key)
        if isinstance(value, str):
            doc.metadata[key] = typeset_plain(value, doc.lang, config)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            doc.metadata[key] = [typeset_plain(v, doc.lang, config) for v in value]
    typeset_tree(doc.root, doc.lang, config, doc.raw_html)


def typeset_string(text, lang, settings):
    """``I18N_STRING_FILTERS`` entry: a translated theme string in its language's typography."""
    return typeset_plain(text, lang, _config(settings))


@pass_context
def typeset_filter(ctx, text, lang=None):
    """Jinja filter ``typeset``: plain text in the typography of ``lang`` (default:
    the page's language); Jinja escapes the result where it lands."""
    if not text:
        return text
    if lang is None:
        page = ctx.get("i18n")
        lang = page.code if page is not None else ctx.get("DEFAULT_LANG", "en")
    return typeset_plain(str(text), lang, _config(ctx))


def install_filter(generator):
    generator.env.filters["typeset"] = typeset_filter


def register():
    phases.on("initialized", configure)
    phases.on("generator_init", install_filter)
    phases.connect_step(typeset, phases.PRIORITY["typography"])
