"""images: lead images, responsive body images, social cards, metadata-free originals.

* Read time (a document step on Markdown's tree, ``newsroom.phases``): an article's
  ``Image:`` becomes ``lead_image`` (a ``Lead``), its body images become
  ``<picture>`` elements (``body.py``), and the files they need are planned
  (``image_jobs`` in the metadata, so the content cache keeps them too); sources
  read in the build process start the encoders at once (``derivatives.py``).
* ``items_ready``: translations get their original's image (with their own alt
  text and caption), every article its social card (a crop of its image, or a
  drawn card), and every planned file goes to the encoders (every core).
* ``pages_written``: the encoded files are copied from the cache into the output,
  and the originals Pelican copied from ``STATIC_PATHS`` lose their EXIF/GPS/XMP
  blocks (``privacy.py``).

Templates: ``item|picture("lead" | "story" | "card")`` renders an item's lead
image; ``item.lead_image`` has ``caption`` and ``credit``; the seo plugin takes
``item.social_image`` for ``og:image``/``twitter:image``.

Setting: ``IMAGES`` (defaults and validation in ``newsroom.media``, shared with
`newsroom lint`). Problems with an image are reported by the content rule
``newsroom.rules.image_problems``, in lint and in the build alike.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from dataclasses import astuple, dataclass, field, replace

from babel import Locale, UnknownLocaleError
from jinja2 import pass_context
from markupsafe import Markup
from pelican.generators import ArticlesGenerator, PagesGenerator

from newsroom import buildstate, media, outputs, phases, rules, sources
from newsroom.build import BuildOnly

from . import service
from .body import BodyContext, static_url, transform
from .derivatives import Derivatives, Job, digest
from .privacy import strip_file
from .responsive import THUMB_WIDTHS, element, ladder, plan, to_html
from .social import CARD_QUALITY, HEIGHT, WIDTH, Card, card_style, crop_box, parse_focus

logger = logging.getLogger(__name__)

LEAD_KEY = "lead_image"
JOBS_KEY = "image_jobs"
#: ``sizes`` of each place a lead image is shown (the theme's layout).
SIZES = {
    "lead": None,  # IMAGES['sizes']: the article column
    "story": "(min-width: 66rem) 62rem, calc(100vw - 2rem)",
    "card": "(min-width: 36rem) 12rem, 7rem",
}


@dataclass(frozen=True)
class Lead:
    """An article's lead image, as templates see it (``article.lead_image``)."""

    image: object  # responsive.Responsive
    alt: str
    caption: str | None
    credit: str | None
    path: str
    focus: tuple
    thumb: object = None  # Responsive with the thumbnail widths
    lang: str | None = None  # set when the alt text is not in the page's language


@dataclass
class State(BuildOnly):
    config: dict
    derivatives: Derivatives
    statics: list = field(default_factory=list)  # output paths of copied originals
    originals: dict = field(default_factory=dict)  # service mode: output-relative path -> source

    def add(self, rel, job):
        """Plan one file: a derivative to encode, or (service mode) an original to publish."""
        if isinstance(job, service.Original):
            self.originals[rel] = job.source
        else:
            self.derivatives.add(rel, job)

    def abandon(self):
        """Left by a failed build (dev server): stop its encoders (newsroom/buildstate.py)."""
        self.derivatives.close()


def start(pelican):
    """``get_generators``: this build's state (the encoders start with the first file)."""
    settings = pelican.settings
    config = settings[media.SETTING]
    buildstate.of(settings).put(State(config, Derivatives(
        config, settings["OUTPUT_PATH"], _workers(config))))  # (returns nothing: a
    # get_generators receiver returns generators)


# -- settings -----------------------------------------------------------------------

def configure(pelican):
    settings = pelican.settings
    settings[media.SETTING] = media.validate(settings)
    settings[media.SETTING]["service"] = service.validate(settings[media.SETTING]["service"])
    # Fork-server encoders import this plugin by name.
    for folder in settings.get("PLUGIN_PATHS", []):
        folder = os.path.abspath(folder)
        if folder not in sys.path:
            sys.path.append(folder)


def _workers(config):
    if config["workers"] is not None:
        return config["workers"]
    cores = getattr(os, "sched_getaffinity", None)
    return len(cores(0)) if cores else (os.cpu_count() or 1)


# -- read time ------------------------------------------------------------------------

def _text(value):
    if value is None:
        return None
    value = " ".join(value) if isinstance(value, list) else str(value)
    return value.strip() or None


def read_images(doc):
    """Document step: lead image and body images of one source."""
    settings = doc.settings
    config = settings[media.SETTING]
    root = os.path.abspath(settings["PATH"])
    siteurl = settings.get("SITEURL") or ""
    jobs = []
    value = _text(doc.metadata.get("image"))
    alt = _text(doc.metadata.get("imagealt"))
    path = media.image_path(value, doc.path, root, metadata=True) if value else None
    # An image without alt text is left out too (newsroom.rules reports both).
    if path is not None and alt and not media.lead_problems(value, doc.path, root, config):
        doc.depends_on(path)
        lead = make_lead(path, config, siteurl, root, alt,
                         _text(doc.metadata.get("imagecaption")),
                         _text(doc.metadata.get("imagecredit")),
                         parse_focus(doc.metadata.get("imagefocus")) or (0.5, 0.5))
        doc.metadata[LEAD_KEY] = lead
        jobs.extend(lead.image.jobs + lead.thumb.jobs)
        if lead.image.sources and not config["service"]:  # its social card, cut from the
            # same decoded image (in service mode, the service cuts it: social())
            jobs.append(crop_card(lead, config))
    ctx = BodyContext(doc.path, root, doc.lang, config, siteurl, depends=doc.depends_on)
    transform(doc.root, ctx)  # Markdown's element tree
    jobs.extend(ctx.jobs)
    if jobs:
        doc.metadata[JOBS_KEY] = tuple(jobs)
        state = buildstate.of(settings).get(State)
        if state is not None:  # read in the build process: encode them now
            for rel, job in jobs:
                state.add(rel, job)
            state.derivatives.flush()


def make_lead(path, config, siteurl, root, alt, caption, credit, focus):
    info = media.inspect(path, config["max_pixels"], media.decoding(config))
    original = static_url(siteurl, path, root)
    return Lead(plan(info, config, siteurl, original), alt, caption, credit, path, focus,
                thumb=plan(info, config, siteurl, original, THUMB_WIDTHS))


# -- once every article is known ---------------------------------------------------------

ITEM_LISTS = {
    ArticlesGenerator: ("articles", "translations", "hidden_articles", "hidden_translations",
                        "drafts", "drafts_translations"),
    PagesGenerator: ("pages", "translations", "hidden_pages", "hidden_translations",
                     "draft_pages", "draft_translations"),
}


def _items(generators, kind):
    for generator in generators:
        if isinstance(generator, kind):
            for name in ITEM_LISTS[kind]:
                yield from getattr(generator, name, None) or []


def _original(item):
    for other in getattr(item, "translations", None) or []:
        if not getattr(other, "metadata", {}).get("translation"):
            return other
    return None


def _is_translation(item):
    return str(item.metadata.get("translation", "")).strip().lower() not in sources.FALSE_VALUES


def inherit(item):
    """A translation without its own image shows its original's, with its own words."""
    original = _original(item)
    lead = getattr(original, LEAD_KEY, None) or (original.metadata.get(LEAD_KEY)
                                                 if original is not None else None)
    if lead is None:
        return None
    alt = _text(item.metadata.get("imagealt"))
    caption = _text(item.metadata.get("imagecaption"))
    lang = None
    if not alt or (lead.caption and not caption):
        problem = rules.translation_image_alt(sources.of_item(item), sources.of_item(original))
        if problem is not None:
            logger.warning("%s", problem)
    if not alt:  # the original's, marked as in its language
        alt, lang = lead.alt, original.lang
    return replace(lead, alt=alt, lang=lang, caption=caption,
                   credit=_text(item.metadata.get("imagecredit")) or lead.credit)


def _direction(lang):
    try:
        return Locale.parse(str(lang).replace("-", "_")).text_direction
    except (UnknownLocaleError, ValueError, TypeError):
        return "ltr"


def crop_card(lead, config):
    """(output-relative path, Job) of the social card cut from a lead image around its
    focus point."""
    info = media.inspect(lead.path, config["max_pixels"])
    box = crop_box(info.width, info.height, lead.focus)
    steps, scale = ladder(info, config)
    # Cut from the largest file's image when its box there is at least the card's width.
    chain = (steps[-1],) if steps[-1] * (box[2] - box[0]) / info.width >= WIDTH else ()
    job = Job(lead.path, digest(lead.path), WIDTH, HEIGHT, "jpeg", 82, config["background"],
              crop=box, scale=scale, chain=chain)
    return f"{config['output'].strip('/')}/{job.name('social')}", job


def service_card(lead, config, settings):
    """Service mode: the ``ImageRef`` of the card the service cuts from a lead image."""
    info = media.inspect(lead.path, config["max_pixels"], decode=False)
    source = os.path.relpath(lead.path, settings["PATH"]).replace(os.sep, "/")
    address = service.card_url(config["service"], settings.get("SITEURL") or "", source, info,
                               lead.focus)
    return media.ImageRef(service.site_relative(address), WIDTH, HEIGHT, alt=lead.alt)


def social(item, lead, config, settings):
    """(media.ImageRef, output-relative path, Job) of an article's card."""
    folder = config["output"].strip("/")
    value = _text(item.metadata.get("image"))
    if lead is None and value and media.image_path(value, item.source_path, settings["PATH"],
                                                   metadata=True) is None:
        return None, None, None  # an image on another site: the seo plugin's og:image
    if lead is not None and not lead.image.sources:
        lead = None  # SVG or animated GIF: a generated card
    if lead is not None:
        if config["service"]:  # the service cuts it
            return service_card(lead, config, settings), None, None
        rel, job = crop_card(lead, config)
        return media.ImageRef(rel, WIDTH, HEIGHT, alt=lead.alt), rel, job
    if not config["cards"]:
        return None, None, None  # the seo plugin's default card
    lang = str(item.lang)
    site = (settings.get("I18N_OVERRIDES") or {}).get(lang, {}).get("SITENAME") \
        or settings.get("SITENAME", "")
    category = getattr(item, "category", None)
    card = Card(str(item.title), str(site), str(category.name) if category else "", lang,
                _direction(lang) == "rtl")
    style = card_style(config, settings)
    # JPEG, not PNG: a third of the encoding time, and the files social networks
    # prefer (quality 85 keeps the title's edges clean).
    job = Job("", "", WIDTH, HEIGHT, "jpeg", CARD_QUALITY, style.background,
              card=tuple(card.__dict__.values()), style=astuple(style))
    rel = f"{folder}/{job.name('card')}"
    return media.ImageRef(rel, WIDTH, HEIGHT, alt=str(item.title)), rel, job


def finish(generators):
    """Inherit, plan the social cards, and encode every planned file."""
    if not generators:
        return
    articles = {id(a): a for a in _items(generators, ArticlesGenerator)}.values()
    pages = {id(p): p for p in _items(generators, PagesGenerator)}.values()
    settings = generators[0].settings
    config = settings[media.SETTING]
    if buildstate.of(settings).get(State) is None:
        start(generators[0])  # a generator has the settings, as the Pelican object has
    state = buildstate.of(settings).get(State)
    for item in articles:
        lead = item.metadata.get(LEAD_KEY)
        if lead is None and _is_translation(item):
            lead = inherit(item)
        item.lead_image = lead
        for rel, job in item.metadata.get(JOBS_KEY) or ():
            state.add(rel, job)
        item.social_image, rel, job = social(item, lead, config, settings)
        if job is not None:
            state.add(rel, job)
    for page in pages:  # body images only: pages have no lead image nor drawn card
        for rel, job in page.metadata.get(JOBS_KEY) or ():
            state.add(rel, job)
    state.derivatives.flush()  # encoded while the pages are rendered
    for generator in generators:
        static = getattr(generator, "staticfiles", None)
        if static is not None:
            state.statics = [os.path.join(settings["OUTPUT_PATH"], s.save_as) for s in static]


def write(pelican):
    """After every page is written: the encoded files, and no metadata in the
    published originals."""
    state = buildstate.of(pelican.settings).pop(State)
    if state is None:
        return
    derivatives = state.derivatives
    derivatives.finish(keep=lambda path: outputs.claim(pelican.settings, path))
    logger.info("images: %d file(s) encoded, %d from the cache", derivatives.encoded,
                len(set(j.key for j in derivatives.planned.values())) - derivatives.encoded)
    copied = set(state.statics)
    for rel, source in state.originals.items():  # service mode: what the service reads
        path = os.path.join(pelican.settings["OUTPUT_PATH"], rel)
        if path not in copied:  # an Image: outside STATIC_PATHS
            os.makedirs(os.path.dirname(path), exist_ok=True)
            shutil.copyfile(source, path)
            state.statics.append(path)
            outputs.claim(pelican.settings, path)
    for path in state.statics:
        if os.path.isfile(path) and path.lower().endswith(media.IMAGE_EXTENSIONS):
            strip_file(path)


# -- templates -----------------------------------------------------------------------

@pass_context
def picture(ctx, item, role="lead"):
    """The lead image of ``item`` as HTML for ``role``: "lead" (article page),
    "story" (home page's lead story) or "card" (listing thumbnail)."""
    lead = getattr(item, LEAD_KEY, None)
    if lead is None:
        return Markup("")
    config = ctx.get(media.SETTING) or media.validate({})
    image = lead.thumb if role == "card" and lead.thumb is not None else lead.image
    alt = lead.alt if role != "card" else ""  # a card's link already says the title
    el = element(image, alt, SIZES.get(role) or config["sizes"], priority=role != "card",
                 css_class=f"{role}-image", lang=lead.lang if alt else None)
    return Markup(to_html(el))


def install(generator):
    generator.env.filters["picture"] = picture


def register():
    phases.build_started.connect(configure)
    phases.connect_step(read_images, phases.PRIORITY["images"])
    phases.on("get_generators", start)
    phases.on("generator_init", install)
    phases.items_ready.connect(finish)
    # Before build_finished, where strict builds count the problems.
    phases.pages_written.connect(write)
