"""This project's settings for the benchmark corpus: full theme and plugins."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from pelicanconf import *  # noqa: E402,F401,F403

LANGUAGES = os.environ.get("BENCH_LANGS", "fr,en,de").split(",")
DEFAULT_LANG = LANGUAGES[0]
# The corpus (bench/preview.py's `newsroom serve` reads it from here; pelican from its argument).
PATH = os.environ.get("BENCH_CORPUS", "content")
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
I18N_OVERRIDES = {}
I18N_TAXONOMY = {"IA": {"en": "AI", "de": "KI"}, "Sécurité": {"en": "Security", "de": "Sicherheit"},
                 "Données": {"en": "Data", "de": "Daten"},
                 "Logiciel libre": {"en": "Open source", "de": "Open Source"}}
I18N_TAXONOMY = {name: {lang: v for lang, v in names.items() if lang in LANGUAGES}
                 for name, names in I18N_TAXONOMY.items()}

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGIN_PATHS = [os.path.join(_ROOT, "plugins")]
THEME = os.path.join(_ROOT, "theme")
# `make bench` builds the corpus a second time without drawn social cards.
if os.environ.get("BENCH_CARDS") == "0":
    IMAGES = {"cards": False}
