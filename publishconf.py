"""Publish settings: pelicanconf plus overrides only."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("SITEURL", "https://lefiltech.example.org").rstrip("/")
RELATIVE_URLS = False
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
DELETE_OUTPUT_DIRECTORY = True
# Any warning or content error fails the build (after reporting all of them).
STRICT = True
# .gz and .br copies of HTML, CSS, JS, XML for servers that serve them as is.
PLUGINS = [*PLUGINS, "pelican.plugins.precompress"]  # noqa: F405
# Drafts and future-dated articles are left out; no status page, no reload script.
EDITORIAL = {**EDITORIAL, "preview": False}  # noqa: F405
# CSP and Referrer-Policy in every page; _headers and nginx-headers.conf in the output.
SECURITY = {**SECURITY, "headers": True}  # noqa: F405
# _redirects, nginx-redirects.conf and redirect pages for content/redirects.txt.
REDIRECTS = {**REDIRECTS, "write": True}  # noqa: F405
