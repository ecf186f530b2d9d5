"""Preview settings of Le Fil Tech. `publishconf.py` adds the publish overrides."""

AUTHOR = "Le Fil Tech"
SITENAME = "Le Fil Tech"
SITESUBTITLE = "L’actualité de la tech et des données, en clair"
SITEURL = ""

PATH = "content"
# Articles anywhere in content/ (content/<year>/<slug>.<lang>.md), except pages and images.
ARTICLE_PATHS = [""]
ARTICLE_EXCLUDES = ["pages", "images"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
THEME = "theme"
THEME_STATIC_DIR = "theme"
# With the content cache on (`make html PELICANOPTS="-e CACHE_CONTENT=true
# LOAD_CONTENT_CACHE=true"`), the cache is saved at every build: gzip-compressing
# it cost more time than all the rest of saving it.
GZIP_CACHE = False
PLUGIN_PATHS = ["plugins"]
# In any order: what runs when is declared in newsroom/phases.py (README, Architecture).
PLUGINS = [
    "pipeline",  # the build engine: phases, sources read in parallel, steps on Markdown's tree
    "strict",
    "multilingual",
    "reading_time",
    "typography",
    "share",
    "newsletter",
    "seo",
    "notices",  # "Updated …", corrections on articles, /corrections/ per language
    "images",  # lead and body images: AVIF/WebP/JPEG derivatives, social cards, no EXIF
    "article_extras",
    "editorial",  # drafts/scheduled, content rules, translation status, live reload
    "security",  # metadata as text, safe slugs; CSP and _headers in publish builds
    "search",  # Pagefind index, once every page is written
    "assets",  # the fingerprinted files the pages used, once every page is written
    "sitemap",  # every page the others wrote
    "redirects",  # old URLs (content/redirects.txt): _redirects, nginx map, redirect pages
    "outputs",  # removes what the previous build wrote and this one did not
    "brand",  # BRAND: name, logo, colours (contrast checked), typefaces, code colours
]

TIMEZONE = "Europe/Paris"

# Languages: one place. The first is the default (served at /), the others
# at /<code>/. Add a code here and run `make translations` to add a language.
DEFAULT_LANG = "fr"
LANGUAGES = ["fr", "en", "es"]
I18N_OVERRIDES = {
    "en": {
        "SITESUBTITLE": "Tech and data news, made clear",
    },
    "es": {
        "SITESUBTITLE": "La actualidad de la tecnología y los datos, con claridad",
    },
}
# Category and tag names across languages: {French name: {lang: name}}.
I18N_TAXONOMY = {
    # categories
    "IA": {"en": "AI", "es": "IA"},
    "Sécurité": {"en": "Security", "es": "Seguridad"},
    "Données": {"en": "Data", "es": "Datos"},
    "Logiciel libre": {"en": "Open source", "es": "Software libre"},
    # tags
    "vidéo générative": {"en": "generative video", "es": "vídeo generativo"},
    "authentification": {"en": "authentication", "es": "autenticación"},
    "vie privée": {"en": "privacy", "es": "privacidad"},
    "réglementation": {"en": "regulation", "es": "regulación"},
    "Union européenne": {"en": "European Union", "es": "Unión Europea"},
    "RGPD": {"en": "GDPR", "es": "RGPD"},
    "modèles de langage": {"en": "language models", "es": "modelos de lenguaje"},
    "recherche sémantique": {"en": "semantic search", "es": "búsqueda semántica"},
    "sûreté mémoire": {"en": "memory safety", "es": "seguridad de memoria"},
    "droit d'auteur": {"en": "copyright", "es": "derechos de autor"},
}
# "hide": an article is listed only in its own language; "notice": also in the
# other languages' home pages, marked "available in …".
I18N_UNTRANSLATED = "hide"

# slug and language from the file name: content/2026/sora-fuite.fr.md
FILENAME_METADATA = r"(?P<slug>[^.]+)(?:\.(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?))?$"

# Clean URLs; the language prefix (en/) is added for non-default languages.
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
ARTICLE_LANG_URL = "{lang}/" + ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ARTICLE_LANG_URL + "index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
PAGE_LANG_URL = "{lang}/" + PAGE_URL
PAGE_LANG_SAVE_AS = PAGE_LANG_URL + "index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = DRAFT_URL + "index.html"
DRAFT_LANG_URL = "{lang}/" + DRAFT_URL
DRAFT_LANG_SAVE_AS = DRAFT_LANG_URL + "index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"

# Written once per language by the multilingual plugin.
DIRECT_TEMPLATES = ["index", "archives", "categories", "tags", "authors", "search"]
INDEX_URL = ""
INDEX_SAVE_AS = "index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = "authors/index.html"
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"

DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Feeds are per language (en/feeds/all.atom.xml); off in preview.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

DEFAULT_DATE_FORMAT = "%Y-%m-%d"  # unused by the theme: dates go through Babel
DISPLAY_PAGES_ON_MENU = True
RELATIVE_URLS = False
# Autoescape: metadata is text, never HTML (bodies and summaries are marked |safe).
# auto_reload off: a build never sees a template change mid-way (the devserver
# starts a new environment for every rebuild), and it saves a stat per include.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True,
                     "auto_reload": False}

# -- Article page plugins (defaults and validation live in each plugin) -------
READING_TIME = {"wpm": {"fr": 230, "en": 240, "es": 218}}
SHARE = ["facebook", "x", "linkedin", "mastodon", "bluesky", "hackernews", "reddit",
         "whatsapp", "telegram", "email"]
NEWSLETTER = {"provider": "buttondown", "username": "lefiltech", "privacy_page": "confidentialite"}
SEO = {"default_image": "images/card.png", "publisher_logo": "images/logo.png"}
# Every language: CLDR quotes, ’, French no-break spaces (plugins/typography/rules.py).
TYPOGRAPHY = {"languages": None}
# "Updated …" and corrections on articles; corrections/ in every language ("" for none).
NOTICES = {"corrections_url": "corrections/"}

# -- Editors (plugins/editorial, `newsroom` command; defaults in newsroom/config.py)
# Preview builds show drafts and scheduled articles (with a banner) and write
# /translation-status/; publishconf.py turns "preview" off.
EDITORIAL = {
    "preview": True,
    "categories": ["IA", "Sécurité", "Données", "Logiciel libre"],  # closed list (lint + build)
    "summary_max": 200,  # characters
}
# Never in sitemaps: drafts, the newsletter confirmation, search, the status page.
SITEMAP = {"exclude": ["404.html", "drafts/*", "newsletter/*", "search/*", "translation-status/*"]}
# Content-Security-Policy and Referrer-Policy <meta>, _headers and nginx snippet:
# publish builds only (publishconf.py); defaults and checks in plugins/security/config.py.
SECURITY = {"headers": False}

# Old URLs (content/redirects.txt, written by `make import-wordpress`): checked in
# previews, written as _redirects, an nginx map and redirect pages by publishconf.py.
REDIRECTS = {"write": False}

# The newsroom's brand (plugins/brand/config.py: every key, its default and its
# checks). Colours below WCAG AA contrast stop the build.
BRAND = {
    "colors": {"accent": "#0b5cad"},
    "colors_dark": {"accent": "#8cc4ff"},
}
