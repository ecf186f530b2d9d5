"""Reference: monolingual Pelican 4.12, Pelican's default theme, same number of pages."""

import os

SITENAME = "Bench"
SITEURL = ""
PATH = os.environ["BENCH_CORPUS"]
ARTICLE_PATHS = ["articles"]
STATIC_PATHS = ["images"]
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
FILENAME_METADATA = r"(?P<slug>[^.]+)(?:\.(?P<lang>[a-z]{2}))?$"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = 10
