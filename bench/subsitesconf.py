"""Reference: Pelican 4.12 + pelican-i18n-subsites 1.0, Pelican's default theme."""

import os

LANGS = os.environ.get("BENCH_LANGS", "fr,en,de").split(",")
SITENAME = "Bench"
SITEURL = ""
PATH = os.environ["BENCH_CORPUS"]
ARTICLE_PATHS = ["articles"]
STATIC_PATHS = ["images"]
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = LANGS[0]
PLUGINS = ["pelican.plugins.i18n_subsites"]
I18N_SUBSITES = {lang: {} for lang in LANGS[1:]}
JINJA_ENVIRONMENT = {"extensions": ["jinja2.ext.i18n"]}
FILENAME_METADATA = r"(?P<slug>[^.]+)(?:\.(?P<lang>[a-z]{2}))?$"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = 10
