"""Signal receivers and the ``seo`` Jinja filter; ``register()`` wires them.

Once per build, when every article, page and static file is known
(``all_generators_finalized``, the signal Pelican documents for plugins that
create summaries), each article and page gets:

* a summary from its first paragraph when the editor wrote no ``Summary:``, so
  listings, feeds and the metadata below all show the same text;
* ``seo_image``: its ``Image:`` (``ImageAlt:`` for the alt text) or the site's
  default card, with the pixel size read once per file.

``partials/seo.html`` then renders ``item|seo``: description, Open Graph,
Twitter card and, for articles, JSON-LD ``NewsArticle``.
"""

from __future__ import annotations

import html
import logging
import os
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from babel.core import get_global, parse_locale
from jinja2 import pass_context

from newsroom import buildstate, corrections, media, phases, sources
from newsroom.media import ImageRef
from pelican.contents import Article
from pelican.generators import ArticlesGenerator, PagesGenerator

from .config import SETTING, is_url, validate
from markupsafe import Markup

from .text import first_paragraph, first_paragraph_of_doc, plain_text, script_json, shorten

logger = logging.getLogger(__name__)



@dataclass(frozen=True)
class SiteImages:
    """This build's resolved images of the SEO setting (its slot in ``newsroom.buildstate``)."""

    default_image: object = None
    publisher_logo: object = None


#: Search engines show about this many characters of a description.
DESCRIPTION_LENGTH = 160
#: Length of a summary taken from the first paragraph (listings show it whole).
SUMMARY_LENGTH = 300


@dataclass(frozen=True)
class Seo:
    """What ``partials/seo.html`` renders for one article or page."""

    type: str  # og:type
    title: str
    description: str
    url: str
    image: ImageRef | None  # src made absolute
    site_name: str
    locale: str
    locale_alternates: list
    published: str | None
    modified: str | None
    section: str | None
    tags: list
    twitter_site: str | None
    json_ld: str | None  # escaped for <script>; articles only


# -- settings -----------------------------------------------------------------

def configure(pelican):
    pelican.settings[SETTING] = validate(pelican.settings)


# -- once per build -------------------------------------------------------------

class _Images:
    """Finds the file behind a site image and reads its size, once per file."""

    def __init__(self, context, settings):
        statics = [s for s in context.get("static_content", {}).values() if s is not None]
        self.by_url = {s.url: s.source_path for s in statics}
        self.by_source = {rel: s for rel, s in context.get("static_content", {}).items()
                          if s is not None}
        self.theme_dir = settings.get("THEME_STATIC_DIR", "theme").strip("/")
        self.theme_static = os.path.join(settings.get("THEME", ""), "static")
        self.sizes = {}
        self.max_pixels = media.config_of(settings)["max_pixels"]
        self.decode = media.decoding(media.config_of(settings))  # False in service mode

    def source(self, src):
        """File published at site path ``src``, or None."""
        if src in self.by_url:
            return self.by_url[src]
        prefix = self.theme_dir + "/"
        if src.startswith(prefix):
            candidate = os.path.join(self.theme_static, src[len(prefix):])
            if os.path.isfile(candidate):
                return candidate
        return None

    def size(self, source, quiet=False):
        """(width, height) of a file, read by the one image reader (``newsroom.media``):
        a file it refuses (a decompression bomb, truncated, not an image) has no size."""
        if source not in self.sizes:
            try:
                info = media.inspect(source, self.max_pixels, self.decode)
                if info.format == "SVG":
                    raise media.ImageProblem(f"{os.path.relpath(source)} is an SVG image",
                                             "social networks need a PNG, JPEG, GIF or WebP")
                self.sizes[source] = (info.width, info.height)
            except media.ImageProblem as exc:
                # An article's Image: is reported by newsroom.rules.image_problems with
                # its file and line (quiet); a setting's image is reported here.
                if not quiet:
                    logger.warning("seo: %s (%s)", exc.message, exc.fix)
                self.sizes[source] = (None, None)
        return self.sizes[source]

    def resolve(self, value, quiet=False):
        """ImageRef for a site path, ``{static}/path`` or absolute URL; None if not published."""
        if is_url(value):
            return ImageRef(value)
        if value.startswith(("{static}", "|static|")):
            static = self.by_source.get(value[len("{static}"):].lstrip("/"))
            if static is None:
                return None
            src, source = static.url, static.source_path
        else:
            src = value.lstrip("/")
            source = self.source(src)
            if source is None:
                return None
        width, height = self.size(source, quiet)
        return ImageRef(src, width, height)


def _setting_image(images, config, key, **extra):
    value = config[key]
    if value is None:
        return None
    ref = images.resolve(value)
    if ref is None:
        logger.warning("seo: %s[%r] = %r is not a file this site publishes; put it in a "
                       "STATIC_PATHS folder (e.g. content/images/) or give an absolute "
                       "https:// URL", SETTING, key, value)
        return None
    return replace(ref, **extra)


def _item_image(item, images, default):
    value = item.metadata.get("image")
    if not value:
        return default
    # A missing or unreadable file is reported by the content rule
    # newsroom.rules.image_problems (in `make lint` and in the build).
    ref = images.resolve(str(value).strip(), quiet=True)
    if ref is None:
        return default
    alt = item.metadata.get("imagealt")
    return replace(ref, alt=str(alt).strip() if alt else None)


def lead_summary(doc):
    """Document step: a source with no ``Summary:`` gets its first paragraph, at read time.

    The page description is taken from the summary here too, where the work is
    spread over the reading processes, rather than while the page is rendered.
    """
    if "summary" not in doc.metadata:
        text = shorten(first_paragraph_of_doc(doc), SUMMARY_LENGTH)
        if text:
            doc.metadata["summary"] = Markup(f"<p>{html.escape(text, quote=False)}</p>")
            doc.metadata["summary_from_body"] = True
    if "summary" in doc.metadata:
        doc.metadata["seo_description"] = shorten(plain_text(str(doc.metadata["summary"])),
                                                  DESCRIPTION_LENGTH)


def _lead_summary(item):
    """Use the first paragraph as summary when the editor wrote none."""
    if "summary" in item.metadata:
        return
    text = shorten(first_paragraph(item.content), SUMMARY_LENGTH)
    if not text:
        return  # no paragraph: keep Pelican's own summary
    summary = f"<p>{html.escape(text, quote=False)}</p>"
    # Pelican reads `metadata["summary"]` and has plugins write `_summary`
    # (it copies that back in refresh_metadata_intersite_links).
    item.metadata["summary"] = summary
    item._summary = summary


ITEM_LISTS = {
    ArticlesGenerator: ("articles", "translations", "hidden_articles", "hidden_translations",
                        "drafts", "drafts_translations"),
    PagesGenerator: ("pages", "translations", "hidden_pages", "hidden_translations",
                     "draft_pages", "draft_translations"),
}


def prepare(generators):
    """Summaries and images of every article and page, once every file is known."""
    items, context, settings = {}, None, None
    for generator in generators:
        names = next((n for cls, n in ITEM_LISTS.items() if isinstance(generator, cls)), None)
        if names is None:
            continue
        context, settings = generator.context, generator.settings
        for name in names:
            for item in getattr(generator, name, None) or []:
                items.setdefault(id(item), item)
    if context is None:
        return
    config = settings[SETTING]
    images = _Images(context, settings)
    default = _setting_image(images, config, "default_image",
                             alt=config["default_image_alt"], default=True)
    logo = _setting_image(images, config, "publisher_logo")
    buildstate.of(context).put(SiteImages(default, logo))
    for item in items.values():
        _lead_summary(item)
        item.seo_image = _item_image(item, images, default)


# -- rendering ----------------------------------------------------------------

def absolute(siteurl, src):
    """Absolute URL of a site path (root-relative when SITEURL is empty, in previews)."""
    if is_url(src) or src.startswith("//"):
        return src
    return f"{siteurl}/{src}"


def og_locale(code):
    """Open Graph locale (``fr`` → ``fr_FR``) from CLDR's likely subtags."""
    try:
        language, territory, script, _ = parse_locale(str(code).replace("-", "_"))
    except ValueError:
        return str(code)
    if not territory:
        likely = get_global("likely_subtags")
        full = (script and likely.get(f"{language}_{script}")) or likely.get(language)
        if full:
            territory = parse_locale(full)[1]
    return f"{language}_{territory}" if territory else language


def iso(value):
    return value.isoformat(timespec="seconds") if value is not None else None


def _json_ld(item, title, description, url, image, published, modified, publisher, logo,
             siteurl):
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
    }
    if description:
        data["description"] = description
    if image is not None:
        data["image"] = [image.src]
    data["datePublished"] = published
    data["dateModified"] = modified
    authors = getattr(item, "authors", None) or []
    if authors:
        data["author"] = [{"@type": "Person", "name": a.name, "url": absolute(siteurl, a.url)}
                          for a in authors]
    organization = {"@type": "Organization", "name": publisher}
    if logo is not None:
        organization["logo"] = {"@type": "ImageObject", "url": absolute(siteurl, logo.src)}
        if logo.width and logo.height:
            organization["logo"].update(width=logo.width, height=logo.height)
    data["publisher"] = organization
    data["inLanguage"] = str(item.lang).replace("_", "-")
    data["mainEntityOfPage"] = url
    found = corrections.of_metadata(item.metadata, ZoneInfo(item.settings.get("TIMEZONE") or "UTC"))
    if found:  # Correction: lines (newsroom.corrections), as schema.org CorrectionComment
        data["correction"] = [{"@type": "CorrectionComment", "text": c.text,
                               **({"datePublished": c.iso} if c.date else {})} for c in found]
    return script_json(data)


@pass_context
def seo(ctx, item) -> Seo:
    """Description, Open Graph, Twitter and JSON-LD data of an article or page."""
    config = ctx.get(SETTING) or validate({})
    state = buildstate.of(ctx).get(SiteImages) or SiteImages()
    siteurl = ctx.get("SITEURL") or ""
    site_name = ctx.get("SITENAME") or ""
    publisher = config["publisher_name"] or site_name
    is_article = isinstance(item, Article)

    title = item.title
    url = absolute(siteurl, item.url)
    description = item.metadata.get("seo_description")
    if description is None:  # not read through the pipeline, or no summary then
        description = shorten(plain_text(item.summary), DESCRIPTION_LENGTH)
    # The images plugin's card (a crop of the lead image, or one drawn for the
    # article) when it made one; else the Image: line or the default card.
    image = getattr(item, "social_image", None) or getattr(item, "seo_image",
                                                           state.default_image)
    if image is not None:
        alt = image.alt or (publisher if image.default else None)
        image = replace(image, src=absolute(siteurl, image.src), alt=alt)
    date = getattr(item, "date", None) if is_article else None
    published = iso(date)
    modified = iso(getattr(item, "modified", None) or date)
    category = getattr(item, "category", None) if is_article else None
    return Seo(
        type="article" if is_article else "website",
        title=title,
        description=description,
        url=url,
        image=image,
        site_name=site_name,
        locale=og_locale(item.lang),
        locale_alternates=[og_locale(t.lang) for t in getattr(item, "translations", [])],
        published=published,
        modified=modified,
        section=category.name if category is not None else None,
        tags=[t.name for t in getattr(item, "tags", None) or []] if is_article else [],
        twitter_site=config["twitter_site"],
        json_ld=_json_ld(item, title, description, url, image, published, modified, publisher,
                         state.publisher_logo, siteurl) if is_article else None,
    )


def install(generator):
    generator.env.filters["seo"] = seo


def register():
    phases.build_started.connect(configure)
    # After typography (its summary and text are typographed), before article extras.
    phases.connect_step(lead_summary, phases.PRIORITY["lead_summary"])
    phases.on("generator_init", install)
    phases.items_ready.connect(prepare)
