"""The REDIRECTS setting: defaults in one place, checked in one function at build start.

``REDIRECTS = {...}`` in pelicanconf.py / publishconf.py; every key is optional::

    REDIRECTS = {
        "write": True,               # publish builds write the files below; previews only
                                     # check the redirects file (False in pelicanconf.py)
        "source": "redirects.txt",   # in content/: "old-path  new" lines (the WordPress
                                     # importer writes it); "" for none
        "netlify_file": "_redirects",           # Netlify / Cloudflare Pages; "" for none
        "nginx_file": "nginx-redirects.conf",   # a `map` for nginx; "" for none
        "pages": True,               # an HTML redirect page at each old path (GitHub Pages)
    }
"""

from __future__ import annotations

import re

from newsroom.config import dict_setting

SETTING = "REDIRECTS"
DEFAULTS = {
    "write": True,
    "source": "redirects.txt",
    "netlify_file": "_redirects",
    "nginx_file": "nginx-redirects.conf",
    "pages": True,
}
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
SOURCE_NAME = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*")


class ConfigurationError(Exception):
    """REDIRECTS is wrong; the message names the key and what to write instead."""


def validate(settings) -> dict:
    config = dict_setting(settings, SETTING, DEFAULTS, "{'write': True}", ConfigurationError)
    for key in ("write", "pages"):
        if not isinstance(config[key], bool):
            raise ConfigurationError(f"{SETTING}[{key!r}] must be True or False")
    for key, pattern, example in (("source", SOURCE_NAME, "redirects.txt"),
                                  ("netlify_file", FILE_NAME, "_redirects"),
                                  ("nginx_file", FILE_NAME, "nginx-redirects.conf")):
        name = config[key]
        if not isinstance(name, str) or (name and not pattern.fullmatch(name)):
            raise ConfigurationError(f"{SETTING}[{key!r}] must be a file name such as "
                                     f"{example!r}, or '' for none; got {name!r}")
    return config
