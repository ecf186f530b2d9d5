"""Metadata is text, never HTML: the first document step (``phases.PRIORITY["text_metadata"]``).

* ``Summary:`` is plain text (``FORMATTED_FIELDS`` is emptied at build start, so
  Pelican no longer runs it through Markdown): it becomes ``<p>…</p>`` with
  ``< > &`` escaped, the HTML every later reader (listings, feeds, the seo and
  typography plugins) expects. A summary taken from the first paragraph (seo
  plugin) is made the same way.
* Characters HTML and XML forbid (controls, noncharacters) are dropped from the
  metadata and the text: they would make feeds and sitemaps unreadable.
  ``newsroom.rules.control_characters`` tells the editor where they were.
* Invisible and bidirectional controls (U+202E, U+200B …, a misplaced ZWJ) are dropped
  from titles, slugs, categories, tags and authors: no spoofed title, no visually empty
  tag. ``newsroom.rules.invisible_characters`` (which defines them) reports each.
* A slug that cannot be one part of a URL (``/``, ``..``, markup, spaces) is
  replaced by ``newsroom.sources.safe_slug``'s: nothing is written outside the
  output folder, no URL is broken. ``newsroom.rules.invalid_slug`` reports it.
"""

from __future__ import annotations

import html
import os
import re

from markupsafe import Markup
from pelican.urlwrappers import URLWrapper

from newsroom.rules import NAME_KEYS, strip_invisible
from newsroom.sources import (FORBIDDEN_CHARS_RE, file_name_metadata, find_forbidden,
                              is_safe_slug, safe_slug, strip_forbidden)

#: Names the invisible and bidirectional controls are removed from. Not the slug: one
#: holding them is not a safe slug, and is replaced below as the content model does.
STRIPPED_NAMES = tuple(key for key in NAME_KEYS if key != "slug")

#: Metadata shown as text; a value continued on indented lines comes as a list.
TEXT_KEYS = ("title", "summary", "imagealt", "description", "subtitle")


def clean(text: str, name: bool = False) -> str:
    """``text`` without forbidden characters (and the spaces they leave at its ends); a
    ``name`` (``rules.NAME_KEYS``: title, slug, category, tag, author) also without the
    invisible and bidirectional controls ``newsroom.rules.invisible_characters`` reports."""
    cleaned = strip_forbidden(text)
    if name:
        cleaned = strip_invisible(cleaned)
    return cleaned.strip() if cleaned != text else text


def _clean_wrapper(value, settings):
    """A category, tag or author without forbidden characters; None if nothing is left."""
    name = clean(value.name, name=True)
    if name == value.name:
        return value
    return type(value)(name, settings) if name else None


def file_slug(doc):
    """The slug Pelican takes from the file name (FILENAME_METADATA), or '': the content
    model's (``newsroom.sources.file_name_metadata``, for a source not in Markdown)."""
    named = doc.source.filename if doc.source is not None else file_name_metadata(
        os.path.relpath(doc.path, doc.settings["PATH"]), doc.settings)
    return named.get("slug") or ""


#: The forbidden characters but STX and ETX: in Markdown's tree these are its own
#: placeholders (its ``normalize_whitespace`` removed them from the source).
TREE_FORBIDDEN_RE = re.compile(FORBIDDEN_CHARS_RE.pattern.replace("\x00-\x08", "\x00\x01\x04-\x08"))


def _strip_tree(text):
    return TREE_FORBIDDEN_RE.sub("", text) if text and find_forbidden(text) else text


def strip_body(doc):
    """Forbidden characters out of the body: texts, attributes and stashed raw HTML."""
    for el in doc.root.iter():
        el.text, el.tail = _strip_tree(el.text), _strip_tree(el.tail)
        for key, value in el.attrib.items():
            if value and find_forbidden(value):
                el.set(key, _strip_tree(value))
    if doc.has_raw_html:
        for index in range(doc.md.htmlStash.html_counter):
            html = doc.raw_html(index)
            if find_forbidden(html):
                doc.set_raw_html(index, strip_forbidden(html))


def text_metadata(doc):
    """Document step (the first): plain-text metadata, safe slugs, no forbidden characters."""
    metadata, settings = doc.metadata, doc.settings
    strip_body(doc)  # before any other step reads it
    for key, value in list(metadata.items()):
        if key in TEXT_KEYS and isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = " ".join(v.strip() for v in value)
        if isinstance(value, str):
            metadata[key] = clean(value, name=key in STRIPPED_NAMES)
        elif isinstance(value, URLWrapper):
            wrapper = _clean_wrapper(value, settings)
            if wrapper is None:
                del metadata[key]
            else:
                metadata[key] = wrapper
        elif isinstance(value, list) and value and all(isinstance(v, URLWrapper) for v in value):
            wrappers = {}  # by name: two tags may only differ by what was dropped
            for wrapper in (_clean_wrapper(v, settings) for v in value):
                if wrapper is not None:
                    wrappers.setdefault(wrapper.name, wrapper)
            wrappers = list(wrappers.values())
            if wrappers:
                metadata[key] = wrappers
            else:
                del metadata[key]
    summary = metadata.get("summary")
    if isinstance(summary, str) and summary.strip() and not isinstance(summary, Markup):
        metadata["summary"] = Markup(f"<p>{html.escape(summary.strip(), quote=False)}</p>")
    unicode_slugs = bool(settings.get("SLUGIFY_USE_UNICODE"))
    from_name = file_slug(doc)
    written = str(metadata.get("slug") or "").strip() or from_name
    if written and not is_safe_slug(written, unicode_slugs):
        metadata["slug"] = safe_slug(written, from_name, unicode_slugs)
