"""The EDITORIAL setting: defaults in one place, validated in one function.

Read by the ``editorial`` plugin at build start and by the ``newsroom``
command (lint, status, scaffolding), so both see the same values.

``EDITORIAL`` keys (pelicanconf.py)::

    EDITORIAL = {
        "preview": True,       # drafts and scheduled posts shown with a banner, status page written
        "categories": ["IA", "Sécurité"],  # closed list (default-language names); None = open
        "summary_max": 200,    # characters; None = no limit
    }
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

DEFAULTS = {
    # False (publish): drafts and future-dated posts are left out of the build.
    # True (preview, pelicanconf.py): they are built under drafts/ with a banner,
    # and the translation status page is written.
    "preview": False,
    # "now" for scheduled posts, ISO 8601 with a UTC offset; None = the clock. For tests.
    "now": None,
    # Closed list of category names in the default language (translations may use
    # their I18N_TAXONOMY names); None = any category.
    "categories": None,
    # Longest Summary, in characters of text; None = no limit.
    "summary_max": None,
    # Site-relative URL of the preview-only translation status page; "" = none.
    "status_url": "translation-status/",
    # Set by `newsroom serve` only: inject the live-reload script, report problems.
    "live": False,
    "live_report": None,
    # Set by `newsroom serve`'s build process only (it stays running after a build):
    # pages are served before their image derivatives are encoded, showing the
    # originals meanwhile, and built again as the files are ready (images plugin).
    "background": False,
}


class EditorialSettingsError(ValueError):
    """EDITORIAL is wrong; the message names the key and what to write."""


def parse_now(value, name="EDITORIAL['now']"):
    """A tz-aware datetime from an ISO 8601 string (or datetime); None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise EditorialSettingsError(
                f"{name}: {value!r} is not ISO 8601; write e.g. '2026-11-24T12:00:00+01:00'"
            ) from None
    if not isinstance(value, datetime.datetime) or value.tzinfo is None:
        raise EditorialSettingsError(f"{name} needs a date and time with a UTC offset, "
                                     "e.g. '2026-11-24T12:00:00+01:00'")
    return value


def dict_setting(settings: dict, name: str, defaults: dict, example: str, error) -> dict:
    """A plugin's one prefixed setting: ``settings[name]`` (absent = ``{}``) as a dict with
    only keys of ``defaults``, completed by them. ``example`` shows a valid value in the
    message; ``error`` is the plugin's exception class."""
    value = settings.get(name)
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise error(f"{name} must be a dict, e.g. {name} = {example}; got {value!r}")
    unknown = set(value) - set(defaults)
    if unknown:
        raise error(f"{name}: unknown key(s) {sorted(map(str, unknown))}; "
                    f"allowed: {sorted(defaults)}")
    return {**defaults, **value}


def validate(settings: dict) -> dict:
    """Check ``settings['EDITORIAL']`` and return it complete (defaults filled)."""
    value = settings.get("EDITORIAL") or {}
    if not isinstance(value, dict):
        raise EditorialSettingsError(
            "EDITORIAL must be a dict, e.g. {'preview': True, 'summary_max': 200}")
    unknown = set(value) - set(DEFAULTS)
    if unknown:
        raise EditorialSettingsError(
            f"EDITORIAL: unknown key(s) {sorted(unknown)}; known keys: {sorted(DEFAULTS)}")
    config = {**DEFAULTS, **value}
    config["now"] = parse_now(config["now"])
    for key in ("preview", "live", "background"):
        if not isinstance(config[key], bool):
            raise EditorialSettingsError(f"EDITORIAL[{key!r}] must be True or False")
    categories = config["categories"]
    if categories is not None:
        if (not isinstance(categories, (list, tuple)) or not categories
                or not all(isinstance(c, str) and c.strip() for c in categories)):
            raise EditorialSettingsError(
                "EDITORIAL['categories'] must be a non-empty list of category names "
                "(e.g. ['IA', 'Sécurité']) or None for any category")
        config["categories"] = tuple(categories)
    limit = config["summary_max"]
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise EditorialSettingsError(
            "EDITORIAL['summary_max'] must be a number of characters (e.g. 200) or None")
    url = config["status_url"]
    if not isinstance(url, str) or url.startswith("/") or (url and not url.endswith("/")):
        raise EditorialSettingsError(
            "EDITORIAL['status_url'] must be a site-relative folder URL such as "
            "'translation-status/', or '' for no status page")
    if config["live"] and not config["preview"]:
        raise EditorialSettingsError(
            "EDITORIAL['live'] is for preview builds only (`newsroom serve` sets it); "
            "publish builds never carry the reload script")
    return config


def now(config: dict) -> datetime.datetime:
    """The build's "now": EDITORIAL['now'] if set, else the clock (UTC)."""
    return config.get("now") or datetime.datetime.now(datetime.timezone.utc)


def timezone(settings: dict) -> ZoneInfo:
    return ZoneInfo(settings.get("TIMEZONE") or "UTC")
