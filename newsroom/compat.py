"""Pelican internals we still need, in one place, behind a version guard.

Everything here uses a name Pelican does not document (underscore names, a
method's body we reproduce). Each shim has its own test in
``tests/test_compat.py``; when Pelican is upgraded, run those first. A Pelican
outside ``SUPPORTED`` stops the build at import with what to check.
"""

from __future__ import annotations

import pelican

#: Pelican versions these shims were checked against (major.minor).
SUPPORTED = ("4.12",)


class UnsupportedPelican(ImportError):
    pass


def _check_version(version: str):
    if not any(version == v or version.startswith(v + ".") for v in SUPPORTED):
        raise UnsupportedPelican(
            f"newsroom.compat: Pelican {version} is not one of {list(SUPPORTED)}; check each "
            "shim in newsroom/compat.py against it (tests/test_compat.py), then add it to "
            "SUPPORTED")


_check_version(pelican.__version__)

from pelican.log import LimitFilter  # noqa: E402
from pelican.readers import _DISCARD  # noqa: E402,F401  Pelican's marker of an empty field


def is_discarded(value) -> bool:
    """True for the value Pelican gives an empty field (``Tags:`` with nothing after
    it); ``Readers.read_file`` drops such fields by identity."""
    return value is _DISCARD


def forget_logged_messages():
    """Pelican's LimitFilter logs a message once per process; every build must report
    its own problems (autoreload, several builds in one process)."""
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def markdown_convert(reader, source_path, md, text=None) -> str:
    """The conversion half of Pelican's ``MarkdownReader.read``, with a Markdown
    instance ``md`` we made (our tree processor registered on it), of ``text``
    (the file's, read by the caller) or of the file as Pelican opens it."""
    from pelican.utils import pelican_open

    reader._source_path = source_path
    reader._md = md
    if text is not None:
        return md.convert(text)
    with pelican_open(source_path) as text:
        return md.convert(text)


def parse_metadata(reader, md):
    """The metadata half of Pelican's ``MarkdownReader.read``, for a Markdown instance
    whose ``meta`` preprocessor ran (called from inside its conversion).

    ``reader._parse_metadata`` converts formatted fields (``FORMATTED_FIELDS``)
    with ``reader._md``; it is given a separate Markdown instance for that, so
    the one being converted is never reset mid-way.
    """
    if not hasattr(md, "Meta"):
        return {}
    from markdown import Markdown

    meta = md.Meta
    formatted = reader.settings["FORMATTED_FIELDS"]
    if any(name.lower() in formatted for name in meta):
        reader._md = Markdown(**reader.settings["MARKDOWN"])  # reset() and convert() there
    try:
        return reader._parse_metadata(meta)
    finally:
        reader._md = md
