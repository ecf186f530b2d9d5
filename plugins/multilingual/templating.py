"""Jinja helpers: gettext that follows the page's language, CLDR dates, language names."""

from __future__ import annotations

import functools

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from jinja2 import pass_context
from markupsafe import Markup, escape

from .state import state_of


def _state(ctx):
    return state_of(ctx)


def page_code(ctx) -> str:
    """Language code of the page being rendered."""
    page = ctx.get("i18n")
    if page is not None:
        return page.code
    return ctx.get("DEFAULT_LANG", "en")


def _translations(ctx):
    return _state(ctx).translations(page_code(ctx))


@pass_context
def gettext(ctx, message):
    return _translations(ctx).ugettext(message)


@pass_context
def ngettext(ctx, singular, plural, n):
    return _translations(ctx).ungettext(singular, plural, n)


@pass_context
def pgettext(ctx, context, message):
    return _translations(ctx).upgettext(context, message)


@pass_context
def npgettext(ctx, context, singular, plural, n):
    return _translations(ctx).unpgettext(context, singular, plural, n)


@functools.lru_cache(maxsize=None)
def _locale(code):
    return Locale.parse(code.replace("-", "_"))


# A date is shown on its article, its translations' switchers and every listing
# the article is in (home, archives, category, tag, author pages): formatting
# each (date, format, language) once saves most of Babel's work on a big site.
@functools.lru_cache(maxsize=65536)
def _format_date(value, format, code):
    return format_date(value, format=format, locale=_locale(code))


@pass_context
def localdate(ctx, value, format="long", lang=None):
    """A date in the page's language with CLDR patterns ("24 novembre 2026")."""
    return _format_date(value, format, lang or page_code(ctx))


@pass_context
def localdatetime(ctx, value, format="long", lang=None):
    return format_datetime(value, format=format, locale=_locale(lang or page_code(ctx)),
                           tzinfo=getattr(value, "tzinfo", None))


def isodate(value):
    """ISO 8601 with offset, for ``<time datetime>``."""
    return value.isoformat(timespec="seconds")


@pass_context
def language_name(ctx, code):
    """Name of a language in the page's language ("anglais" on a French page)."""
    return _locale(page_code(ctx)).languages.get(code.replace("-", "_"), code)


@pass_context
def locallist(ctx, items, style="standard"):
    """Items joined as the page's language joins a list ("A, B et C"), each escaped
    unless it is already markup (links made by a macro)."""
    items = [escape(item) for item in items]
    if not items:
        return Markup("")
    return Markup(format_list(items, style=style, locale=_locale(page_code(ctx))))


def install(env):
    """Wire the helpers into a generator's Jinja environment."""
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext,
                                  npgettext=npgettext)
    env.filters.update(
        localdate=localdate, localdatetime=localdatetime, isodate=isodate,
        language_name=language_name, locallist=locallist,
    )
