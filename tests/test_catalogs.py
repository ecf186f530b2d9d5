"""Theme catalogs: every string of the templates translated, nothing fuzzy or stale."""

from __future__ import annotations

import sys

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from .conftest import ROOT

CATALOGS = ROOT / "theme/translations"


def template_messages():
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT / "theme/templates", method_map, options_map
    ):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


LANGS = sorted(p.name for p in CATALOGS.iterdir() if p.is_dir())


def test_required_catalogs_exist():
    assert {"fr", "en"} <= set(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_complete(lang):
    with open(CATALOGS / lang / "LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh, locale=lang)
    problems = []
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        translated[key] = message
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        if not all(strings):
            problems.append(f"empty: {key!r}")
        if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(f"{key!r} has {len(strings)} plural forms, {lang} needs {catalog.num_plurals}")
    for message, errors in catalog.check():
        problems.extend(f"{message.id!r}: {e}" for e in errors)
    missing = template_messages() - set(translated)
    problems.extend(f"missing: {m!r} (run `make translations`)" for m in sorted(missing))
    assert problems == []


# -- typography ---------------------------------------------------------------
# The module Pelican loads (PLUGIN_PATHS = ["plugins"]).
sys.path.insert(0, str(ROOT / "plugins"))
from typography.tree import typeset_plain  # noqa: E402


def typography_problems(lang, path=None):
    """msgstrs of a catalog that the typography of their language would change."""
    with open(path or CATALOGS / lang / "LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh, locale=lang)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        for string in message.string if isinstance(message.string, tuple) else (message.string,):
            if string and typeset_plain(string, lang) != string:
                problems.append(f"{string!r} should be {typeset_plain(string, lang)!r}")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_follows_its_typography(lang):
    """French: U+00A0 before ':', U+202F before '; ! ?' and inside « », ’; every
    language: its own quotation marks (CLDR) and apostrophe. Translators type them
    (the build would fix a string, but the catalog is what they read and review)."""
    assert typography_problems(lang) == []


def test_catalog_typography_check_fails_on_a_bad_french_string(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
                  'msgid "Also available in:"\nmsgstr "Aussi disponible en :"\n\n'
                  'msgid "It\'s \\"new\\""\nmsgstr "C\'est \\"nouveau\\""\n', encoding="utf-8")
    assert typography_problems("fr", po) == [
        "'Aussi disponible en :' should be 'Aussi disponible en\\xa0:'",
        "'C\\'est \"nouveau\"' should be 'C’est «\\u202fnouveau\\u202f»'",
    ]
