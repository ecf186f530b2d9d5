"""Signal receivers of article_extras; ``register()`` wires them."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit


from newsroom import media, phases

from .config import validate
from .html import enhance_tree
from .neighbours import link_neighbours

logger = logging.getLogger(__name__)


def configure(pelican):
    pelican.settings["ARTICLE_EXTRAS"] = validate(pelican.settings)


def enhance_document(doc):
    """Document step: anchors, sized lazy images and external links (articles and pages)."""
    settings = doc.settings
    enhance_tree(
        doc,
        config=settings["ARTICLE_EXTRAS"],
        content_path=settings["PATH"],
        site_host=urlsplit(settings.get("SITEURL") or "").netloc,
        source=doc.path,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", ()),
        report=doc.error,
        depends=doc.depends_on,
        max_pixels=media.config_of(settings)["max_pixels"],
    )


def link_articles(generator):
    link_neighbours(generator.articles, generator.settings["ARTICLE_EXTRAS"]["related"])


def register():
    phases.build_started.connect(configure)
    phases.connect_step(enhance_document, phases.PRIORITY["article_extras"])
    phases.on("article_generator_finalized", link_articles)
