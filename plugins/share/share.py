"""Signal receivers of the share plugin; ``register()`` wires them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from jinja2 import pass_context

from newsroom import phases

from .config import validate
from .networks import ShareLink, links

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Share:
    """What partials/share.html renders for one article."""

    url: str  # canonical URL of the article in its own language
    title: str
    links: list[ShareLink]


def configure(pelican):
    settings = pelican.settings
    settings["SHARE"] = validate(settings)
    siteurl = settings.get("SITEURL") or ""
    # Shared links must work outside the site. A publish (STRICT) build fails on
    # warnings, so this stops one whose links would be site-relative.
    if settings["SHARE"] and settings.get("STRICT") and not siteurl.startswith(("https://", "http://")):
        logger.warning("share: SITEURL is %r; share links need an absolute SITEURL "
                       "(https://…) in a publish build, or SHARE = [] for no share links", siteurl)


@pass_context
def share(ctx, article) -> Share:
    """Canonical URL, title and share links of ``article``."""
    url = f"{ctx.get('SITEURL') or ''}/{article.url}"
    title = article.title
    return Share(url=url, title=title, links=links(ctx.get("SHARE") or [], url, title))


def install(generator):
    generator.env.filters["share"] = share


def register():
    phases.build_started.connect(configure)
    phases.on("generator_init", install)
