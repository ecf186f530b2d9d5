"""The SEO setting: defaults in one place, checked in one function at build start.

``SEO = {...}`` in pelicanconf.py; every key is optional::

    SEO = {
        "default_image": "images/card.png",   # card of articles without an Image: line
        "default_image_alt": None,            # its alt text (None: the publisher name)
        "publisher_logo": "images/logo.png",  # JSON-LD publisher logo
        "publisher_name": None,               # None: SITENAME (per language)
        "twitter_site": "@lefiltech",         # twitter:site, None for none
    }

Images are a path relative to the site (``images/card.png``, a file Pelican
publishes from ``STATIC_PATHS``) or an absolute ``https://`` URL.
"""

from __future__ import annotations

import re

SETTING = "SEO"
DEFAULTS = {
    "default_image": None,
    "default_image_alt": None,
    "publisher_logo": None,
    "publisher_name": None,
    "twitter_site": None,
}
EXAMPLE = "SEO = {'default_image': 'images/card.png', 'publisher_logo': 'images/logo.png'}"
HANDLE = re.compile(r"@[A-Za-z0-9_]{1,15}")


class ConfigurationError(Exception):
    """The SEO setting is wrong; the message says what to write instead."""


def is_url(value: str) -> bool:
    return value.startswith(("https://", "http://"))


def _image(key, value):
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(
            f"{SETTING}[{key!r}] must be a path relative to the site such as "
            f"'images/card.png', an absolute https:// URL, or None; got {value!r}"
        )
    value = value.strip()
    if is_url(value):
        return value
    parts = value.split("/")
    if value.startswith("/") or "://" in value or ".." in parts or "\\" in value:
        raise ConfigurationError(
            f"{SETTING}[{key!r}]: {value!r} is not a path relative to the site; write it "
            f"without a leading '/', e.g. 'images/card.png', or an absolute https:// URL"
        )
    return value


def _text(key, value, example):
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(
            f"{SETTING}[{key!r}] must be a non-empty string such as {example!r}, or None; "
            f"got {value!r}"
        )
    return value.strip()


def validate(settings) -> dict:
    """Check ``SEO``, fill in the defaults, and return it."""
    value = settings.get(SETTING)
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ConfigurationError(f"{SETTING} must be a dict, e.g. {EXAMPLE}; got {value!r}")
    unknown = set(value) - set(DEFAULTS)
    if unknown:
        raise ConfigurationError(
            f"{SETTING}: unknown key(s) {sorted(map(str, unknown))}; allowed: {sorted(DEFAULTS)}"
        )
    config = {**DEFAULTS, **value}
    config["default_image"] = _image("default_image", config["default_image"])
    config["publisher_logo"] = _image("publisher_logo", config["publisher_logo"])
    config["default_image_alt"] = _text("default_image_alt", config["default_image_alt"],
                                        "Le Fil Tech logo on a blue background")
    config["publisher_name"] = _text("publisher_name", config["publisher_name"], "Le Fil Tech")
    handle = _text("twitter_site", config["twitter_site"], "@lefiltech")
    if handle is not None and not HANDLE.fullmatch(handle):
        raise ConfigurationError(
            f"{SETTING}['twitter_site'] must be an @handle (letters, digits, _; at most 15 "
            f"after the @), e.g. '@lefiltech'; got {handle!r}"
        )
    config["twitter_site"] = handle
    return config
