"""The SECURITY setting: defaults in one place, checked in one function at build start.

``SECURITY = {...}`` in pelicanconf.py / publishconf.py; every key is optional::

    SECURITY = {
        "headers": True,     # CSP + Referrer-Policy <meta> in every page, _headers and
                             # nginx snippet in the output (publishconf.py); False in previews
        "referrer_policy": "strict-origin-when-cross-origin",
        "frame_ancestors": "'none'",   # who may frame the site (headers files only)
        "html_max_age": 300,           # seconds browsers may cache a page
        "asset_max_age": 31536000,     # fingerprinted CSS/JS (main.<hash>.css): one year
        "headers_file": "_headers",    # Netlify / Cloudflare Pages; "" for none
        "nginx_file": "nginx-headers.conf",  # include it in nginx's server {}; "" for none
    }
"""

from __future__ import annotations

import re

from newsroom.config import dict_setting

SETTING = "SECURITY"
DEFAULTS = {
    "headers": True,
    "referrer_policy": "strict-origin-when-cross-origin",
    "frame_ancestors": "'none'",
    "html_max_age": 300,
    "asset_max_age": 31536000,
    "headers_file": "_headers",
    "nginx_file": "nginx-headers.conf",
}
REFERRER_POLICIES = ("no-referrer", "no-referrer-when-downgrade", "origin",
                     "origin-when-cross-origin", "same-origin", "strict-origin",
                     "strict-origin-when-cross-origin", "unsafe-url")
# A CSP source list: keywords in quotes, schemes, hosts; no ; or , that would end it.
SOURCE_LIST = re.compile(r"[^;,\s]+(?: [^;,\s]+)*")
FILE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


class ConfigurationError(Exception):
    """SECURITY is wrong; the message names the key and what to write instead."""


def validate(settings) -> dict:
    config = dict_setting(settings, SETTING, DEFAULTS, "{'headers': True}", ConfigurationError)
    if not isinstance(config["headers"], bool):
        raise ConfigurationError(f"{SETTING}['headers'] must be True (publish builds) or False")
    if config["referrer_policy"] not in REFERRER_POLICIES:
        raise ConfigurationError(f"{SETTING}['referrer_policy'] must be one of "
                                 f"{list(REFERRER_POLICIES)}; got {config['referrer_policy']!r}")
    ancestors = config["frame_ancestors"]
    if not isinstance(ancestors, str) or not SOURCE_LIST.fullmatch(ancestors):
        raise ConfigurationError(f"{SETTING}['frame_ancestors'] must be a CSP source list such "
                                 f"as \"'none'\" or \"'self'\"; got {ancestors!r}")
    for key in ("html_max_age", "asset_max_age"):
        age = config[key]
        if isinstance(age, bool) or not isinstance(age, int) or age < 0:
            raise ConfigurationError(f"{SETTING}[{key!r}] must be a number of seconds ≥ 0; "
                                     f"got {age!r}")
    for key in ("headers_file", "nginx_file"):
        name = config[key]
        if not isinstance(name, str) or (name and not FILE_NAME.fullmatch(name)):
            raise ConfigurationError(f"{SETTING}[{key!r}] must be a file name such as "
                                     f"{DEFAULTS[key]!r}, or '' for none; got {name!r}")
    if config["headers"] and (settings.get("EDITORIAL") or {}).get("live"):
        raise ConfigurationError(f"{SETTING}['headers'] must be False in `newsroom serve` "
                                 "builds: set it True in publishconf.py only")
    return config
