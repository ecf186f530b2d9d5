"""Message catalogs: compiled from the .po files at every build, one per language.

The build never reads a ``.mo`` file, so a stale compiled catalog cannot ship.
"""

from __future__ import annotations

import functools
import io
import logging
import os

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

logger = logging.getLogger(__name__)


def catalog_path(folder: str, code: str) -> str:
    return os.path.join(folder, code, "LC_MESSAGES", "messages.po")


TEMPLATE = "messages.pot"


def _key(message):
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(strings)


@functools.lru_cache(maxsize=8)
def _template_ids(path, mtime):
    """The msgids of a template, read once per version of the file (every language's
    check of a build reads the same one)."""
    with open(path, "rb") as pot:
        return tuple(_key(m) for m in read_po(pot) if m.id)


def completeness(catalog, folder: str) -> tuple[list, list]:
    """(missing, fuzzy) msgids of a catalog read with Babel: missing are the
    template's (``<folder>/messages.pot``, when there is one) that the catalog
    lacks or leaves untranslated; fuzzy are those flagged ``#, fuzzy``, which no
    build shows."""
    ids = {_key(m) for m in catalog if m.id}
    template = os.path.join(folder, TEMPLATE)
    wanted = []
    if os.path.isfile(template):
        wanted = [key for key in _template_ids(template, os.path.getmtime(template))
                  if key not in ids]
    fuzzy = [_key(m) for m in catalog if m.id and m.fuzzy]
    empty = [_key(m) for m in catalog if m.id and not m.fuzzy and not _translated(m)]
    return wanted + empty, fuzzy


def check(catalog, folder: str, code: str, path: str) -> None:
    """Warn (a strict build, ``make publish``, then fails) about a catalog with
    missing, untranslated or fuzzy strings, naming the count and the file."""
    missing, fuzzy = completeness(catalog, folder)
    if not (missing or fuzzy):
        return
    parts = []
    if missing:
        parts.append(f"{len(missing)} interface string(s) missing or untranslated")
    if fuzzy:
        parts.append(f"{len(fuzzy)} fuzzy")
    examples = ", ".join(repr(m) for m in (missing + fuzzy)[:3])
    logger.warning(
        "multilingual: %s: %s (%s%s); pages in %r show them in English. Run `make "
        "translations`, translate every msgstr and remove the `#, fuzzy` lines.",
        path, " and ".join(parts), examples, ", …" if len(missing) + len(fuzzy) > 3 else "",
        code)


def load(folder: str, code: str, required: bool, filters=(), settings=None) -> NullTranslations:
    """Compile ``<folder>/<code>/LC_MESSAGES/messages.po`` in memory.

    ``filters`` (the ``I18N_STRING_FILTERS`` setting, filled by plugins such as
    typography) are ``filter(text, lang, settings) -> text``, applied to every
    translated string once, here, rather than at each ``_()`` call.
    """
    path = catalog_path(folder, code)
    if not os.path.exists(path):
        if required:
            logger.warning(
                "multilingual: no catalog for %r at %s; pages in that language will show "
                "English interface strings. Run `make translations` and translate it.",
                code,
                path,
            )
        return NullTranslations()
    with open(path, "rb") as po:
        catalog = read_po(po, locale=code.replace("-", "_"))
    if required:
        check(catalog, folder, code, path)
    for apply in filters or ():
        for message in catalog:
            if not message.id:
                continue  # the header
            if isinstance(message.string, tuple):
                message.string = tuple(apply(s, code, settings) if s else s
                                       for s in message.string)
            elif message.string:
                message.string = apply(message.string, code, settings)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)  # fuzzy entries are not translations yet
    buf.seek(0)
    return Translations(buf, domain="messages")
