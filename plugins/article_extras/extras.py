"""Signal receivers of article_extras; ``register()`` wires them."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from pelican import signals
from pelican.contents import Article

from .config import validate
from .html import enhance
from .neighbours import link_neighbours

logger = logging.getLogger(__name__)


def configure(pelican):
    pelican.settings["ARTICLE_EXTRAS"] = validate(pelican.settings)


def enhance_content(instance):
    """Post-process an article's HTML once, when Pelican creates it."""
    if not isinstance(instance, Article) or not instance._content:
        return
    settings = instance.settings
    # Pelican offers no public setter for rendered content; plugins write
    # Content._content, which `content`/`summary` are derived from.
    instance._content = enhance(
        instance._content,
        config=settings["ARTICLE_EXTRAS"],
        content_path=settings["PATH"],
        site_host=urlsplit(settings.get("SITEURL") or "").netloc,
        source=instance.source_path,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", ()),
    )


def link_articles(generator):
    link_neighbours(generator.articles, generator.settings["ARTICLE_EXTRAS"]["related"])


def register():
    signals.initialized.connect(configure)
    signals.content_object_init.connect(enhance_content)
    signals.article_generator_finalized.connect(link_articles)
