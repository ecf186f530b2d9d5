"""Categories, tags and authors that belong to one language.

Pelican's URLWrapper objects compare by slug, so "Python" in French and
"Python" in English would be one category. Here each object also carries its
language: it is equal only to objects of the same language, and its URL and
output path get that language's prefix (``en/category/ai/``). The URL
patterns are still Pelican's own settings (``CATEGORY_URL`` …).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pathlib
import re
import unicodedata

from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import slugify


def fallback_slug(name: str, settings) -> str:
    """A slug for a name Pelican's slugify empties ("🚀", "]]>", "</script>"): its
    text without markup, else its characters' Unicode names ("rocket"), always
    URL-safe and never empty (an empty slug would write every such name to
    ``tag/index.html``)."""
    subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", ())
    for text in (re.sub(r"[<>/]", " ", name),
                 " ".join(unicodedata.name(c, "") for c in name if not c.isspace())):
        slug = slugify(text, regex_subs=subs)
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug or ""):
            return slug[:60].rstrip("-")
    return "x-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


class _InLanguage:
    """Mixin: a URLWrapper bound to a language (code and URL prefix)."""

    setting_prefix = ""

    def __init__(self, name, settings, lang, prefix, key):
        super().__init__(name, settings)
        self.lang = lang
        self.prefix = prefix
        #: default-language name shared by the same category in every language
        self.key = key
        if not self._name_slug():
            self.slug = fallback_slug(name, settings)

    def _name_slug(self):
        """Pelican's slug, computed without its "Unable to generate valid slug" warning."""
        subs = self.settings.get(f"{self.setting_prefix}_REGEX_SUBSTITUTIONS",
                                 self.settings.get("SLUG_REGEX_SUBSTITUTIONS", ()))
        return slugify(self.name, regex_subs=subs,
                       preserve_case=self.settings.get("SLUGIFY_PRESERVE_CASE", False),
                       use_unicode=self.settings.get("SLUGIFY_USE_UNICODE", False))

    def __hash__(self):
        return hash((self.lang, self.slug))

    def __eq__(self, other):
        if isinstance(other, _InLanguage):
            return type(self) is type(other) and (self.lang, self.slug) == (other.lang, other.slug)
        return super().__eq__(other)

    def __ne__(self, other):
        return not self == other

    def __lt__(self, other):
        if isinstance(other, _InLanguage):
            return (self.lang, self.slug) < (other.lang, other.slug)
        return super().__lt__(other)

    def _from_settings(self, key, get_page_name=False):
        value = self.settings[f"{self.setting_prefix}_{key}"]
        if isinstance(value, pathlib.Path):
            value = str(value)
        if not value:
            return value  # an empty SAVE_AS means "do not write"
        values = {k: v for k, v in self.__dict__.items() if isinstance(v, str)}
        values.update(name=self.name, slug=self.slug, lang=self.lang)
        if get_page_name:
            value = os.path.splitext(value)[0]
        return self.prefix + value.format(**values)

    page_name = property(functools.partial(_from_settings, key="URL", get_page_name=True))
    url = property(functools.partial(_from_settings, key="URL"))
    save_as = property(functools.partial(_from_settings, key="SAVE_AS"))


class LangCategory(_InLanguage, Category):
    setting_prefix = "CATEGORY"


class LangTag(_InLanguage, Tag):
    setting_prefix = "TAG"


class LangAuthor(_InLanguage, Author):
    setting_prefix = "AUTHOR"


class Taxonomies:
    """Makes one shared object per (kind, language, name)."""

    kinds = {"category": LangCategory, "tag": LangTag, "author": LangAuthor}

    def __init__(self, settings, config):
        self.settings = settings
        self.config = config
        self._objects = {}

    def get(self, kind, lang, name):
        name = str(name)
        translated = kind != "author"
        display = self.config.taxonomy_name(lang, name) if translated else name
        key = self.config.taxonomy_key(lang, name) if translated else name
        cache_key = (kind, lang, display)
        if cache_key not in self._objects:
            language = self.config.get(lang)
            obj = self.kinds[kind](display, self.settings, lang, language.prefix, key)
            if translated:
                # The name as shown goes through the I18N_STRING_FILTERS (typography:
                # "droit d’auteur"); the slug stays that of the name as written.
                shown = display
                for apply in self.settings.get("I18N_STRING_FILTERS") or ():
                    shown = apply(shown, lang, self.settings)
                if shown != display:
                    obj.slug = obj.slug
                    obj.name = shown
                    obj.written = display  # what the preview compares (newsroom/preview.py)
            self._objects[cache_key] = obj
        return self._objects[cache_key]
