"""The ARTICLE_EXTRAS setting: defaults and validation."""

from __future__ import annotations

DEFAULTS = {
    "related": 3,  # how many related articles (shared tags, same language); 0 = none
    "anchors": True,  # ids and a visible link on h2–h4
    "anchor_levels": (2, 3, 4),
    "lazy_images": True,  # loading=lazy + width/height from the file
    "external_links": True,  # rel=noopener and class="external" on links leaving the site
}


class ArticleExtrasError(ValueError):
    pass


def validate(settings):
    """Return ARTICLE_EXTRAS merged with defaults, or raise naming the bad key."""
    value = settings.get("ARTICLE_EXTRAS") or {}
    if not isinstance(value, dict):
        raise ArticleExtrasError("ARTICLE_EXTRAS must be a dict, e.g. {'related': 3}")
    unknown = set(value) - set(DEFAULTS)
    if unknown:
        raise ArticleExtrasError(
            f"ARTICLE_EXTRAS: unknown key(s) {sorted(unknown)}; known: {sorted(DEFAULTS)}"
        )
    config = {**DEFAULTS, **value}
    if not isinstance(config["related"], int) or config["related"] < 0:
        raise ArticleExtrasError("ARTICLE_EXTRAS['related'] must be a whole number ≥ 0")
    return config
