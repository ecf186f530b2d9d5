"""Message catalogs: compiled from the .po files at every build, one per language.

The build never reads a ``.mo`` file, so a stale compiled catalog cannot ship.
"""

from __future__ import annotations

import io
import logging
import os

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

logger = logging.getLogger(__name__)


def catalog_path(folder: str, code: str) -> str:
    return os.path.join(folder, code, "LC_MESSAGES", "messages.po")


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
