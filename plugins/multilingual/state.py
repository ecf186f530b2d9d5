"""Per-build state of the plugin: one object, the ``languages`` of the build's
``newsroom.buildstate`` (the preview's page index asks it too).

Every build (autoreload included) has a new build state, so this one is never
carried from one build to the next.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from newsroom import buildstate

from . import catalogs
from .config import Config, Language
from .taxonomy import Taxonomies



@dataclass
class PageLanguage:
    """What a template needs to know about the language of the page it renders."""

    lang: Language
    url: str
    alternates: list = field(default_factory=list)  # [(Language, url)] incl. self
    x_default: str | None = None
    switcher: list = field(default_factory=list)  # [(Language, url, is_current, is_translation)]
    state: "LanguageState" = field(default=None, repr=False)

    @property
    def code(self) -> str:
        return self.lang.code

    @property
    def dir(self) -> str:
        return self.lang.dir

    @property
    def home_url(self) -> str:
        return self.lang.prefix

    def url_for(self, name: str) -> str:
        """URL of a per-language direct template (``archives``, ``categories`` …)."""
        return self.state.direct_url(name, self.lang)

    @property
    def pages(self):
        return [p for p in self.state.pages if p.lang == self.lang.code]

    @property
    def categories(self):
        return [(c, arts) for c, arts in self.state.categories if c.lang == self.lang.code]

    def page_in(self, slug):
        """This language's version of a page (or the default one), by slug or translation key
        (a translated page may have a slug of its own)."""
        keys = {getattr(p, "translation_key", p.slug) for p in self.state.pages
                if slug in (p.slug, getattr(p, "translation_key", None))}
        candidates = [p for p in self.state.pages if getattr(p, "translation_key", p.slug) in keys]
        for page in candidates:
            if page.lang == self.lang.code:
                return page
        return candidates[0] if candidates else None


def state_of(mapping) -> "LanguageState | None":
    """The build's language state, from its settings or a context (None before
    the first generator is made)."""
    return buildstate.of(mapping).languages


class LanguageState:
    def __init__(self, settings, config: Config):
        self.settings = settings
        self.config = config
        self.taxonomies = Taxonomies(settings, config)
        self.catalogs = {
            lang.code: catalogs.load(config.catalogs, lang.code, required=True,
                                     filters=settings.get("I18N_STRING_FILTERS"),
                                     settings=settings)
            for lang in config.languages
        }
        self.articles = []
        self.pages = []
        self.categories = []  # [(LangCategory, [articles])]
        self.tags = {}
        self.authors = []
        self.groups = {}  # (kind, key) -> {lang: object}

    # -- content -----------------------------------------------------------
    def articles_in(self, code):
        return [a for a in self.articles if a.lang == code]

    def index_taxonomies(self, generator):
        """Remember which category, tag and author pages exist, per language."""
        self.categories = list(generator.categories)
        self.tags = dict(generator.tags)
        self.authors = list(generator.authors)
        groups = defaultdict(dict)
        for kind, objects in (
            ("category", [c for c, _ in self.categories]),
            ("tag", list(self.tags)),
            ("author", [a for a, _ in self.authors]),
        ):
            for obj in objects:
                groups[(kind, obj.key)][obj.lang] = obj.url
        self.groups = dict(groups)

    # -- URLs --------------------------------------------------------------
    def direct_url(self, name, lang: Language):
        url = self.settings.get(f"{name.upper()}_URL", f"{name}/")
        return lang.prefix + url

    def page_language(self, kwargs, url) -> PageLanguage:
        """Language, alternates and switcher of a page about to be written."""
        config = self.config
        item = kwargs.get("article") or kwargs.get("page")
        if item is not None:
            lang = config.get(item.lang) or config.default
            group = {i.lang: i.url for i in [item, *item.translations]}
            url = item.url
        elif "i18n_lang" in kwargs:
            lang = config.get(kwargs["i18n_lang"])
            group = kwargs.get("i18n_group") or {lang.code: url}
        else:
            kind = next((k for k in ("category", "tag", "author") if k in kwargs), None)
            obj = kwargs.get(kind) if kind else None
            if obj is not None and hasattr(obj, "key"):
                lang = config.get(obj.lang)
                group = self.groups.get((kind, obj.key), {obj.lang: obj.url})
                url = obj.url
            else:
                lang = config.default
                group = {lang.code: url or ""}
        alternates = [(lg, group[lg.code]) for lg in config.languages if lg.code in group]
        switcher = [
            (lg, group.get(lg.code, lg.home_url), lg == lang, lg.code in group)
            for lg in config.languages
        ]
        return PageLanguage(
            lang=lang,
            url=url or "",
            alternates=alternates,
            x_default=group.get(config.default.code),
            switcher=switcher,
            state=self,
        )

    # -- strings -----------------------------------------------------------
    def translations(self, code):
        return self.catalogs.get(code) or self.catalogs[self.config.default.code]
