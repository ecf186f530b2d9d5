"""Signal receivers of the multilingual plugin; ``register()`` wires them."""

from __future__ import annotations

import logging

from pelican import signals

from newsroom import phases

from . import content, templating
from .config import validate
from .listings import ListingsGenerator
from .state import STATE_KEY, BuildState
from .writer import LanguageWriter

logger = logging.getLogger(__name__)


def configure(pelican):
    """Validate settings once, and take over what Pelican would do once per site."""
    settings = pelican.settings
    settings["I18N_CONFIG"] = validate(settings)
    # Translations are linked by this plugin (content.check_and_link).
    settings["ARTICLE_TRANSLATION_ID"] = None
    settings["PAGE_TRANSLATION_ID"] = None
    # Listings and feeds are written per language by ListingsGenerator.
    settings["I18N_DIRECT_TEMPLATES"] = list(settings.get("DIRECT_TEMPLATES", []))
    settings["DIRECT_TEMPLATES"] = []
    settings["I18N_FEEDS"] = {
        "all": settings.get("FEED_ALL_ATOM"),
        "category": settings.get("CATEGORY_FEED_ATOM"),
    }
    for key in ("FEED_ATOM", "FEED_RSS", "FEED_ALL_ATOM", "FEED_ALL_RSS", "CATEGORY_FEED_ATOM",
                "CATEGORY_FEED_RSS", "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "TAG_FEED_ATOM",
                "TAG_FEED_RSS", "TRANSLATION_FEED_ATOM", "TRANSLATION_FEED_RSS"):
        settings[key] = None


def generator_ready(generator):
    """Give each generator the build state and the language-aware Jinja helpers."""
    if STATE_KEY not in generator.context:
        generator.context[STATE_KEY] = BuildState(generator.settings, generator.settings["I18N_CONFIG"])
    templating.install(generator.env)


def articles_read(generator):
    content.process_articles(generator, generator.context[STATE_KEY])


def articles_grouped(generator):
    generator.context[STATE_KEY].index_taxonomies(generator)


def pages_read(generator):
    content.process_pages(generator, generator.context[STATE_KEY])


def listings_generator(pelican):
    return ListingsGenerator


def language_writer(pelican):
    return LanguageWriter


def register():
    phases.build_started.connect(configure)
    signals.generator_init.connect(generator_ready)
    signals.article_generator_pretaxonomy.connect(articles_read)
    signals.article_generator_finalized.connect(articles_grouped)
    signals.page_generator_finalized.connect(pages_read)
    signals.get_generators.connect(listings_generator)
    signals.get_writer.connect(language_writer)
