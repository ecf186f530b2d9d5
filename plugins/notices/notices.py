"""'Updated' and correction notices on articles; a corrections page per language.

* ``Modified:`` later than ``Date:``: the article shows "Updated November 12,
  2026, 4:45 PM" / "Mis à jour le 12 novembre 2026 à 16:45" (CLDR date and time
  through Babel, in a ``<time datetime>`` with its offset). The same date is
  ``dateModified`` and ``article:modified_time`` (seo), the sitemap's
  ``lastmod`` (sitemap) and the Atom entry's ``updated`` (Pelican's feed writer
  reads ``modified``).
* ``Correction:`` lines (syntax and checks: ``newsroom.corrections``, lint rule
  ``invalid_correction``): a localised note on the article, JSON-LD ``correction``
  (seo), and ``/corrections/`` in each language (``/en/corrections/`` …): the
  corrected articles, most recently corrected first, linked from the footer.

Setting: ``NOTICES = {"corrections_url": "corrections/"}`` (``""``: no page).
"""

from __future__ import annotations

import functools
import logging
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_time
from jinja2 import pass_context
from pelican.contents import Article
from pelican.generators import Generator

from newsroom import corrections, phases

logger = logging.getLogger(__name__)

SETTING = "NOTICES"
DEFAULTS = {"corrections_url": "corrections/"}


class ConfigurationError(Exception):
    """The NOTICES setting is wrong; the message says what to write instead."""


def validate(settings) -> dict:
    """Check ``NOTICES``, fill in the defaults, and return it."""
    value = settings.get(SETTING) or {}
    if not isinstance(value, dict) or set(value) - set(DEFAULTS):
        raise ConfigurationError(f"{SETTING} must be a dict with keys among {sorted(DEFAULTS)}, "
                                 f"e.g. {SETTING} = {DEFAULTS!r}; got {value!r}")
    config = {**DEFAULTS, **value}
    url = config["corrections_url"]
    if not isinstance(url, str) or url.startswith("/") or ".." in url \
            or (url and not url.endswith("/")):
        raise ConfigurationError(f"{SETTING}['corrections_url'] must be a folder URL relative "
                                 f"to the site, ending with '/', e.g. 'corrections/' ('' for no "
                                 f"page); got {url!r}")
    return config


def configure(pelican):
    pelican.settings[SETTING] = validate(pelican.settings)


def _tz(settings):
    return ZoneInfo(settings.get("TIMEZONE") or "UTC")


def annotate(instance):
    """``content_object_init``: ``updated`` (a datetime or None) and ``corrections`` of an article."""
    if not isinstance(instance, Article):
        return
    date, modified = getattr(instance, "date", None), getattr(instance, "modified", None)
    instance.updated = modified if date is not None and modified is not None \
        and modified > date else None
    instance.corrections = corrections.of_metadata(instance.metadata, _tz(instance.settings))


def _page_code(ctx):
    page = ctx.get("i18n")
    return page.code if page is not None else ctx.get("DEFAULT_LANG", "en")


@functools.lru_cache(maxsize=None)
def _locale(code):
    return Locale.parse(str(code).replace("-", "_"))


def localtime(value, code):
    """Short CLDR time in ``code`` ("16:45", "4:45 PM"), in the value's own offset."""
    return format_time(value, "short", tzinfo=value.tzinfo, locale=_locale(code))


@pass_context
def notice_time(ctx, value):
    """Jinja filter ``localtime``: the short time of ``value`` in the page's language."""
    return localtime(value, _page_code(ctx))


def install(generator):
    generator.env.filters["localtime"] = notice_time


def _corrected(articles, lang):
    """Articles of ``lang`` with corrections, most recently corrected first."""
    found = [a for a in articles if a.lang == lang and getattr(a, "corrections", None)]
    return sorted(found, key=lambda a: (corrections.latest(a.corrections, a.updated or a.date),
                                        a.date, a.url), reverse=True)


class CorrectionsGenerator(Generator):
    """Writes ``corrections/`` in every language, after the articles are read."""

    #: Its output, for the preview's page builds (newsroom/phases.py).
    preview_role = phases.PAGES

    def generate_context(self):
        pass

    def generate_output(self, writer):
        url = self.settings[SETTING]["corrections_url"]
        config = self.settings.get("I18N_CONFIG")
        if not url or config is None:
            return
        articles = self.context.get("articles") or []
        group = {lang.code: lang.prefix + url for lang in config.languages}
        for lang in config.languages:
            writer.write_file(
                lang.prefix + url + "index.html", self.get_template("corrections"), self.context,
                self.settings["RELATIVE_URLS"], url=lang.prefix + url,
                template_name="corrections", page_name=lang.prefix + url + "index",
                i18n_lang=lang.code, i18n_group=group,
                corrected=_corrected(articles, lang.code),
            )


def corrections_generator(pelican):
    return CorrectionsGenerator


def register():
    phases.on("initialized", configure)
    phases.on("content_object_init", annotate)
    phases.on("generator_init", install)
    phases.on("get_generators", corrections_generator)
