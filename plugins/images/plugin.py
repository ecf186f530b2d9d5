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
from pelican.contents import Article
from pelican.generators import ArticlesGenerator, PagesGenerator

from newsroom import buildstate, media, outputs, phases, rules, sources
from newsroom.build import BuildOnly, Pending
from newsroom.changes import DEPENDS_KEY

from . import service
from .body import BodyContext, static_url, transform
from .derivatives import Derivatives, Job, digest, encode
from .privacy import strip_file
from .responsive import THUMB_WIDTHS, Responsive, element, ladder, plan, to_html
from .social import CARD_QUALITY, HEIGHT, WIDTH, Card, card_style, crop_box, parse_focus

logger = logging.getLogger(__name__)

LEAD_KEY = "lead_image"
#: Metadata key of a translation's lead image, its original's (set when every item
#: is known, so that what its listings show is in its digest: newsroom.changes).
INHERITED_KEY = "inherited_image"
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
    #: The preview, while its files are encoded: (image, thumb) to show once they are
    #: in the output (``image`` and ``thumb`` show the original meanwhile).
    planned: tuple = ()


@dataclass
class State(BuildOnly):
    config: dict
    derivatives: Derivatives
    statics: list = field(default_factory=list)  # output paths of copied originals
    originals: dict = field(default_factory=dict)  # service mode: output-relative path -> source
    #: The preview: {source path: output paths its pages wait for}, and the work that
    #: encodes them once the pages are served (``write``); no file is planned then.
    waiting: dict = field(default_factory=dict)
    pending: Pending | None = None
    sealed: bool = False

    def add(self, rel, job):
        """Plan one file: a derivative to encode, or (service mode) an original to publish."""
        if isinstance(job, service.Original):
            self.originals[rel] = job.source
        else:
            self.derivatives.add(rel, job)

    def abandon(self):
        """Left by a failed build, or by the preview's last (its background work):
        stop its encoders, and say its work is over (newsroom/buildstate.py)."""
        self.derivatives.close()
        if self.pending is not None:
            self.pending.finish()


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
    # The preview shows what is in its output already, the originals meanwhile.
    live = _live(settings) and not config["service"]
    output = settings["OUTPUT_PATH"]
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
        jobs.extend(lead.image.jobs + lead.thumb.jobs)
        if lead.image.sources and not config["service"]:  # its social card, cut from the
            # same decoded image (in service mode, the service cuts it: social())
            jobs.append(crop_card(lead, config))
        if live:
            original = static_url(siteurl, path, root)
            lead = provisional(lead, original, output, doc.depends_on)
        doc.metadata[LEAD_KEY] = lead
    ctx = BodyContext(doc.path, root, doc.lang, config, siteurl, depends=doc.depends_on,
                      show=(lambda image, original: shown(image, original, output,
                                                          doc.depends_on)) if live else None)
    transform(doc.root, ctx)  # Markdown's element tree
    jobs.extend(ctx.jobs)
    if jobs:
        doc.metadata[JOBS_KEY] = tuple(jobs)
        state = buildstate.of(settings).get(State)
        if state is not None and not state.sealed:  # read in the build process: encode them now
            for rel, job in jobs:
                state.add(rel, job)
            state.derivatives.flush()


def _live(settings):
    """True in the builds of `newsroom serve`'s build process (``EDITORIAL['background']``):
    pages are served before every derivative is encoded. Other builds (publish, a
    one-off preview build) wait for them, and strict ones fail as before."""
    return bool((settings.get("EDITORIAL") or {}).get("background"))


def _missing(image, output):
    """The output paths of ``image``'s files that are not in the output yet."""
    return [p for p in (os.path.join(output, rel) for rel, _ in image.jobs)
            if not os.path.exists(p)]


def shown(image, original, output, depends=lambda path: None):
    """The preview: ``image`` if every file it needs is in the output, else the
    original (published by Pelican, or by ``write``) at the same size, so that a page
    never points at a file that does not exist. The missing files are the reading's
    dependencies: the content cache reads the source again once they are there."""
    missing = _missing(image, output)
    for path in missing:
        depends(path)
    return Responsive(original, image.width, image.height) if missing else image


def provisional(lead, original, output, depends=lambda path: None):
    """The preview: ``lead`` as it can be shown now (``Lead.planned``: once its files are)."""
    image, thumb = shown(lead.image, original, output, depends), \
        shown(lead.thumb, original, output, depends)
    if image is lead.image and thumb is lead.thumb:
        return lead
    return replace(lead, image=image, thumb=thumb, planned=(lead.image, lead.thumb))


def refresh(lead, output):
    """A provisional lead whose files are all in the output now: the planned one."""
    if lead is None or not lead.planned or any(_missing(i, output) for i in lead.planned):
        return lead
    return replace(lead, image=lead.planned[0], thumb=lead.planned[1], planned=())


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
    """The original of ``item``'s translations (linked by their translation key, by the
    multilingual plugin), if it is not ``item`` itself: one marked ``Translation:``,
    or written Pelican's way (``Lang:`` and a shared ``Slug:``), shows its image."""
    group = [item, *(getattr(item, "translations", None) or [])]
    original = sources.original_of(
        group, item.settings.get("DEFAULT_LANG", ""),
        lambda other: sources.is_translation_value(other.metadata.get("translation")))
    return original if original is not item else None


def inherit(item, original):
    """A translation without its own image shows its original's, with its own words."""
    lead = original.metadata.get(LEAD_KEY)
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
    if lead is not None and not (lead.planned or (lead.image,))[0].sources:
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


def settle(item, settings):
    """``item_ready`` (every article of a build, and each one the preview reads again):
    its lead image (its own, or its original's) and its social card."""
    if not isinstance(item, Article) or media.SETTING not in settings:
        return
    config = settings[media.SETTING]
    output = settings["OUTPUT_PATH"]
    live = _live(settings) and not config["service"]
    lead = item.metadata.get(LEAD_KEY)
    item.metadata.pop(INHERITED_KEY, None)
    original = _original(item) if lead is None else None
    if original is not None:
        lead = inherit(item, original)
        if lead is not None:
            item.metadata[INHERITED_KEY] = lead = refresh(lead, output) if live else lead
    item.lead_image = lead
    item.social_image, rel, job = social(item, lead, config, settings)
    state = buildstate.of(settings).get(State)
    if job is None or state is None:
        return
    if not state.sealed:
        state.add(rel, job)
    elif not os.path.exists(os.path.join(output, rel)) and job.card is not None:
        # A page build after the files were encoded (a title edit): a drawn card
        # costs milliseconds.
        target = os.path.join(output, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(encode(job, state.derivatives.cache_dir, config["max_pixels"])[0],
                        target)
    item.planned_card = None
    # A card cut from a lead photo waits with its photo. A drawn card (milliseconds,
    # encoded with the rest) keeps its address meanwhile: only social networks read
    # it (the page's og:image; the browser showing the preview never fetches it), and
    # waiting for it made the first preview of a text-only archive build every page
    # twice (2,800 pages: 30 s, and the editor's first edit waited for it).
    if live and job.card is None and not os.path.exists(os.path.join(output, rel)):
        item.social_image = None  # the seo plugin's card (its Image:) until it is made
        item.planned_card = rel


def _waiting_for(item, output):
    """The preview: the output files ``item``'s pages wait for (shown as originals
    when it was read: some may have been encoded since, and its pages are built again
    all the same)."""
    folder = os.path.abspath(output) + os.sep
    paths = {path for path, stamp in item.metadata.get(DEPENDS_KEY) or ()
             if stamp is None and path.startswith(folder)}
    lead = getattr(item, LEAD_KEY, None)
    for image in (lead.planned if lead is not None else ()):
        paths.update(os.path.join(output, rel) for rel, _ in image.jobs)
    if getattr(item, "social_image", None) is None and getattr(item, "planned_card", None):
        paths.add(os.path.join(output, item.planned_card))
    return paths


def publish_original(source, root, output, state):
    """The preview: the original of a source in the output before any page shows it
    (Pelican's static copy comes after the pages), without its metadata."""
    rel = os.path.relpath(source, root).replace(os.sep, "/")
    if rel in state.originals:
        return
    state.originals[rel] = source
    target = os.path.join(output, rel)
    if not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        stem, ext = os.path.splitext(target)
        tmp = f"{stem}.{os.getpid()}.tmp{ext}"  # (the extension tells strip_file the format)
        shutil.copyfile(source, tmp)
        strip_file(tmp)
        os.replace(tmp, target)


def finish(generators):
    """Plan every file the items need (their images, their social cards: ``settle``)
    and encode them."""
    if not generators:
        return
    articles = {id(a): a for a in _items(generators, ArticlesGenerator)}.values()
    pages = {id(p): p for p in _items(generators, PagesGenerator)}.values()
    settings = generators[0].settings
    state = buildstate.of(settings).get(State)
    if state is None:
        start(generators[0])  # a generator has the settings, as the Pelican object has
        state = buildstate.of(settings).get(State)
    live = _live(settings) and not state.config["service"]
    root, output = settings["PATH"], settings["OUTPUT_PATH"]
    # (pages: body images only, no lead image nor drawn card)
    for item in [*articles, *pages]:
        for rel, job in item.metadata.get(JOBS_KEY) or ():
            state.add(rel, job)
            if live:  # the original, which the page shows until its files are there
                publish_original(job.source, root, output, state)
        waiting = _waiting_for(item, output) if live else ()
        if waiting:
            state.waiting[os.path.abspath(item.source_path)] = waiting
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
    keep = lambda path: outputs.claim(pelican.settings, path)  # noqa: E731
    if _live(pelican.settings) and not state.config["service"]:
        derivatives.copy_ready(keep)  # the rest once the pages are served: in_background
        buildstate.of(pelican.settings).put(state)  # the preview asks it (work_left)
        state.sealed = True
        state.pending = Pending("images")
        _ready(state)  # (pages whose files were encoded while they were read)
        derivatives.in_background(lambda: _ready(state), state.pending.finish,
                                  outputs.late_writes(pelican.settings))
    else:
        derivatives.finish(keep=keep)
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


def _ready(state):
    """The sources whose pages waited for files that are all in the output now."""
    done = [path for path, files in list(state.waiting.items())
            if not any(not os.path.exists(f) for f in files)]
    for path in done:
        state.waiting.pop(path, None)
    if done:
        state.pending.ready(done)


def work_left(pelican):
    """``work_left`` (the preview): the derivatives still being encoded."""
    state = buildstate.of(pelican.settings).get(State)
    return state.pending if state is not None else None


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
    phases.item_ready.connect(settle)
    phases.items_ready.connect(finish)
    phases.work_left.connect(work_left)
    # Before build_finished, where strict builds count the problems.
    phases.pages_written.connect(write)
