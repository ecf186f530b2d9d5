"""Settings of the multilingual plugin: defaults in one place, validated in one function.

Settings read (pelicanconf.py):

``LANGUAGES``
    List of language codes, default language first (must equal ``DEFAULT_LANG``).
``I18N_OVERRIDES``
    ``{lang: {SETTING: value}}`` per-language values for theme settings such as
    ``SITESUBTITLE`` or ``MENUITEMS``.
``I18N_TAXONOMY``
    ``{default-language name: {lang: name}}`` linking category and tag names
    across languages (``{"IA": {"en": "AI"}}``).
``I18N_UNTRANSLATED``
    ``"hide"`` (an article is listed only in its own language) or ``"notice"``
    (also listed in the other languages' home pages, with an "available in …" note).
``I18N_CATALOGS``
    Folder of ``<lang>/LC_MESSAGES/messages.po`` catalogs (default: the theme's
    ``translations`` folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError

DEFAULTS = {
    "I18N_OVERRIDES": {},
    "I18N_TAXONOMY": {},
    "I18N_UNTRANSLATED": "hide",
    "I18N_CATALOGS": None,
}

#: Settings a language may override (strings the theme shows, menus).
OVERRIDABLE = {
    "SITENAME",
    "SITESUBTITLE",
    "MENUITEMS",
    "LINKS",
    "SOCIAL",
    "DESCRIPTION",
}


class ConfigurationError(Exception):
    """A multilingual setting is wrong; the message names the setting."""


@dataclass(frozen=True)
class Language:
    """A site language: code, native name, text direction and URL prefix."""

    code: str
    name: str
    dir: str
    prefix: str
    locale: Locale = field(compare=False, repr=False)

    @property
    def home_url(self) -> str:
        return self.prefix


@dataclass(frozen=True)
class Config:
    default: Language
    languages: tuple[Language, ...]
    overrides: dict
    taxonomy: dict  # {(lang, name.casefold()): canonical default-language name}
    taxonomy_names: dict  # {canonical name: {lang: name}}
    untranslated: str
    catalogs: str

    def taxonomy_key(self, lang: str, name: str) -> str:
        """Canonical (default-language) name of a category or tag."""
        return self.taxonomy.get((lang, name.casefold()), self.taxonomy.get((self.default.code, name.casefold()), name))

    def taxonomy_name(self, lang: str, name: str) -> str:
        """The name a category or tag has in ``lang``."""
        key = self.taxonomy_key(lang, name)
        if lang == self.default.code:
            return key if key in self.taxonomy_names else name
        return self.taxonomy_names.get(key, {}).get(lang, name)

    def get(self, code: str) -> Language | None:
        for lang in self.languages:
            if lang.code == code:
                return lang
        return None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(lang.code for lang in self.languages)


def native_name(locale: Locale) -> str:
    """Language name in its own tongue, capitalised for a menu.

    CLDR gives "français" in lower case; Babel does not expose CLDR's
    contextTransforms (uiListOrMenu → titlecase-firstword), so we apply that
    rule ourselves: upper-case the first character only.
    """
    name = locale.get_display_name(locale) or str(locale)
    return name[:1].upper() + name[1:]


def _language(code: str, default: str) -> Language:
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise ConfigurationError(
            f"LANGUAGES: {code!r} is not a language Babel knows ({exc}); "
            "use an ISO 639 code such as 'fr', 'en', 'de' or 'pt_BR'"
        ) from None
    prefix = "" if code == default else f"{code}/"
    return Language(code, native_name(locale), locale.text_direction, prefix, locale)


def validate(settings: dict) -> Config:
    """Check the multilingual settings and return them as a Config."""
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    default = settings.get("DEFAULT_LANG", "en")
    codes = settings.get("LANGUAGES") or [default]
    if not isinstance(codes, (list, tuple)) or not all(isinstance(c, str) for c in codes):
        raise ConfigurationError("LANGUAGES must be a list of language codes, e.g. ['fr', 'en']")
    if len(set(codes)) != len(codes):
        raise ConfigurationError(f"LANGUAGES lists a language twice: {codes}")
    if codes[0] != default:
        raise ConfigurationError(
            f"LANGUAGES must start with DEFAULT_LANG ({default!r}), got {codes[0]!r} first"
        )
    languages = tuple(_language(code, default) for code in codes)

    overrides = settings["I18N_OVERRIDES"]
    if not isinstance(overrides, dict):
        raise ConfigurationError("I18N_OVERRIDES must be a dict {lang: {SETTING: value}}")
    for code, values in overrides.items():
        if code not in codes:
            raise ConfigurationError(
                f"I18N_OVERRIDES: {code!r} is not in LANGUAGES {codes}; add it there or remove it"
            )
        unknown = set(values) - OVERRIDABLE
        if unknown:
            raise ConfigurationError(
                f"I18N_OVERRIDES[{code!r}]: {sorted(unknown)} cannot be set per language; "
                f"allowed: {sorted(OVERRIDABLE)}"
            )

    mapping = settings["I18N_TAXONOMY"]
    if not isinstance(mapping, dict):
        raise ConfigurationError("I18N_TAXONOMY must be a dict {name: {lang: translated name}}")
    taxonomy = {}
    for name, names in mapping.items():
        if not isinstance(names, dict):
            raise ConfigurationError(
                f"I18N_TAXONOMY[{name!r}] must be a dict {{lang: name}}, e.g. {{'en': 'AI'}}"
            )
        taxonomy[(default, name.casefold())] = name
        for code, translated in names.items():
            if code not in codes:
                raise ConfigurationError(
                    f"I18N_TAXONOMY[{name!r}]: {code!r} is not in LANGUAGES {codes}"
                )
            taxonomy[(code, translated.casefold())] = name

    untranslated = settings["I18N_UNTRANSLATED"]
    if untranslated not in ("hide", "notice"):
        raise ConfigurationError(
            f"I18N_UNTRANSLATED must be 'hide' or 'notice', not {untranslated!r}"
        )

    catalogs = settings["I18N_CATALOGS"] or os.path.join(settings["THEME"], "translations")
    return Config(languages[0], languages, overrides, taxonomy, dict(mapping), untranslated, catalogs)
