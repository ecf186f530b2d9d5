"""Signal receivers of article_extras; ``register()`` wires them."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from pelican import signals

from .config import validate
from .html import enhance_soup
from .neighbours import link_neighbours

logger = logging.getLogger(__name__)


def configure(pelican):
    pelican.settings["ARTICLE_EXTRAS"] = validate(pelican.settings)
    pelican.settings.setdefault("PIPELINE_STEPS", []).append(enhance_document)


def enhance_document(doc):
    """Pipeline step: anchors, sized lazy images and external links (articles and pages)."""
    settings = doc.settings
    if enhance_soup(
        doc.soup,
        config=settings["ARTICLE_EXTRAS"],
        content_path=settings["PATH"],
        site_host=urlsplit(settings.get("SITEURL") or "").netloc,
        source=doc.path,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", ()),
        report=doc.error,
        depends=doc.depends_on,
    ):
        doc.changed = True


def link_articles(generator):
    link_neighbours(generator.articles, generator.settings["ARTICLE_EXTRAS"]["related"])


def register():
    signals.initialized.connect(configure)
    signals.article_generator_finalized.connect(link_articles)
