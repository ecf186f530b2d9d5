"""Signal receivers of the multilingual plugin; ``register()`` wires them."""

from __future__ import annotations

import logging


from newsroom import buildstate, phases

from . import content, templating
from .config import validate
from .listings import ListingsGenerator
from .state import LanguageState, state_of
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
    build = buildstate.of(generator.context)
    if build.languages is None:
        build.languages = LanguageState(generator.settings, generator.settings["I18N_CONFIG"])
    templating.install(generator.env)


def articles_read(generator):
    content.process_articles(generator, state_of(generator.context))


def articles_grouped(generator):
    state_of(generator.context).index_taxonomies(generator)


def pages_read(generator):
    content.process_pages(generator, state_of(generator.context))


def listings_generator(pelican):
    return ListingsGenerator


def language_writer(pelican):
    return LanguageWriter


def register():
    phases.build_started.connect(configure)
    phases.on("generator_init", generator_ready)
    phases.on("article_generator_pretaxonomy", articles_read)
    phases.on("article_generator_finalized", articles_grouped)
    phases.on("page_generator_finalized", pages_read)
    phases.on("get_generators", listings_generator)
    phases.on("get_writer", language_writer)
