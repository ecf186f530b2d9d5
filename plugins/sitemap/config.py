"""The SITEMAP setting: defaults and validation."""

from __future__ import annotations

import datetime

DEFAULTS = {
    # output paths never listed, relative to each language's root (/ or /en/)
    "exclude": ["404.html", "drafts/*", "newsletter/*", "search/*"],
    "news": True,  # write news-sitemap.xml
    "news_days": 2,  # Google News lists articles of the last two days
    "news_max": 1000,
    "news_now": None,  # fix "now" (ISO 8601) for reproducible tests; NEWS_SITEMAP_NOW also works
    "robots": True,  # write robots.txt pointing at the sitemap
}


class SitemapError(ValueError):
    pass


def validate(settings):
    value = settings.get("SITEMAP") or {}
    if not isinstance(value, dict):
        raise SitemapError("SITEMAP must be a dict, e.g. {'news_days': 2}")
    unknown = set(value) - set(DEFAULTS)
    if unknown:
        raise SitemapError(f"SITEMAP: unknown key(s) {sorted(unknown)}; known: {sorted(DEFAULTS)}")
    config = {**DEFAULTS, **value}
    now = config["news_now"] or settings.get("NEWS_SITEMAP_NOW")
    if isinstance(now, str):
        try:
            now = datetime.datetime.fromisoformat(now)
        except ValueError:
            raise SitemapError(
                f"SITEMAP['news_now'] / NEWS_SITEMAP_NOW: {now!r} is not ISO 8601 "
                "(write 2026-11-24T12:00:00+01:00)"
            ) from None
    if now is not None and now.tzinfo is None:
        raise SitemapError("SITEMAP['news_now'] / NEWS_SITEMAP_NOW needs a UTC offset")
    config["news_now"] = now
    if not (isinstance(config["news_max"], int) and 0 < config["news_max"] <= 1000):
        raise SitemapError("SITEMAP['news_max'] must be between 1 and 1000 (Google's limit)")
    return config
