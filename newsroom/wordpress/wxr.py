"""Streamed, safe reading of a WordPress export (WXR 1.0 to 1.2).

The file is read with ``defusedxml``'s iterparse: a DTD that declares entities
(the "billion laughs" bomb) or refers to an external entity is refused, never
expanded or fetched. Each ``<item>`` is handed over as soon as it is read and
then dropped from the tree, so memory does not grow with the export.

Real exports spell the namespace ``http://wordpress.org/export/1.2/`` or
``https://…``; both (and 1.0, 1.1) are read.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

WP_NS_RE = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/$")
EXCERPT_NS_RE = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/excerpt/$")
PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "https://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "https://purl.org/dc/elements/1.1/": "dc",
}


class WXRError(Exception):
    """An export that cannot be read: the message names the file (and line)."""


def local(tag: str) -> str:
    """``{ns}name`` as ``prefix:name`` (wp, excerpt, content, dc), else ``name``."""
    if not tag.startswith("{"):
        return tag
    ns, _, name = tag[1:].partition("}")
    if WP_NS_RE.match(ns):
        return f"wp:{name}"
    if EXCERPT_NS_RE.match(ns):
        return f"excerpt:{name}"
    prefix = PREFIXES.get(ns)
    return f"{prefix}:{name}" if prefix else name


@dataclass
class Term:
    taxonomy: str  # category, post_tag, language, term_translations, …
    term_id: int
    slug: str
    name: str
    description: str = ""


@dataclass
class Item:
    post_id: int = 0
    post_type: str = ""
    status: str = ""
    title: str = ""
    link: str = ""
    slug: str = ""
    date: str = ""
    date_gmt: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    password: str = ""
    parent: int = 0
    attachment_url: str = ""
    terms: list = field(default_factory=list)  # [(domain, nicename, name)]
    meta: dict = field(default_factory=dict)  # first value of each postmeta key

    def terms_in(self, domain):
        return [(nicename, name) for d, nicename, name in self.terms if d == domain]


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    language: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    version: str = ""
    authors: dict = field(default_factory=dict)  # login -> display name
    terms: list = field(default_factory=list)  # [Term]


def _text(elem, name) -> str:
    for child in elem:
        if local(child.tag) == name:
            return child.text or ""
    return ""


def _int(value) -> int:
    try:
        return int((value or "0").strip())
    except ValueError:
        return 0


def _item(elem) -> Item:
    item = Item()
    for child in elem:
        name, text = local(child.tag), child.text or ""
        if name == "title":
            item.title = text
        elif name == "link":
            item.link = text.strip()
        elif name == "dc:creator":
            item.creator = text.strip()
        elif name == "content:encoded":
            item.content = text
        elif name == "excerpt:encoded":
            item.excerpt = text
        elif name == "category":
            item.terms.append((child.get("domain", "category"), child.get("nicename", ""), text))
        elif name == "wp:post_id":
            item.post_id = _int(text)
        elif name == "wp:post_type":
            item.post_type = text.strip()
        elif name == "wp:status":
            item.status = text.strip()
        elif name == "wp:post_name":
            item.slug = text.strip()
        elif name == "wp:post_date":
            item.date = text.strip()
        elif name == "wp:post_date_gmt":
            item.date_gmt = text.strip()
        elif name == "wp:post_password":
            item.password = text
        elif name == "wp:post_parent":
            item.parent = _int(text)
        elif name == "wp:attachment_url":
            item.attachment_url = text.strip()
        elif name == "wp:postmeta":
            key = _text(child, "wp:meta_key")
            if key and key not in item.meta:
                item.meta[key] = _text(child, "wp:meta_value")
    return item


def _term(elem, kind) -> Term | None:
    get = {local(c.tag): (c.text or "") for c in elem}.get
    if kind == "wp:category":
        return Term("category", _int(get("wp:term_id")), get("wp:category_nicename", ""),
                    get("wp:cat_name", ""), get("wp:category_description", ""))
    if kind == "wp:tag":
        return Term("post_tag", _int(get("wp:term_id")), get("wp:tag_slug", ""),
                    get("wp:tag_name", ""), get("wp:tag_description", ""))
    return Term(get("wp:term_taxonomy", ""), _int(get("wp:term_id")), get("wp:term_slug", ""),
                get("wp:term_name", ""), get("wp:term_description", ""))


def read(path, on_item=None, with_content=True) -> Channel:
    """Read the export at ``path``: call ``on_item(item)`` for each ``<item>`` in order,
    return the channel (title, base URLs, authors, terms).

    ``with_content=False`` leaves the (large) bodies out of the items. Raises
    WXRError for a malformed or refused file, or one that is not a WXR export.
    """
    name = os.path.relpath(path)
    channel = Channel()
    stack = []
    seen_wp = False
    try:
        with open(path, "rb") as fh:
            parser_events = iterparse(fh, events=("start", "end"), forbid_dtd=False,
                                      forbid_entities=True, forbid_external=True)
            for event, elem in parser_events:
                if event == "start":
                    stack.append(elem)
                    if len(stack) == 1 and elem.tag != "rss":
                        raise WXRError(f"{name}: not a WordPress export (WXR): the document is "
                                       f"<{local(elem.tag)}>, not <rss> (export it from the "
                                       "WordPress admin: Tools > Export > All content)")
                    if not seen_wp and elem.tag.startswith("{"):
                        seen_wp = local(elem.tag).startswith("wp:")
                    continue
                stack.pop()
                kind = local(elem.tag)
                depth = len(stack)
                if depth == 2 and kind == "item":
                    item = _item(elem)
                    if not with_content:
                        item.content = ""
                    if on_item is not None:
                        on_item(item)
                    stack[-1].remove(elem)
                elif depth == 2:  # channel-level elements
                    if kind == "title":
                        channel.title = elem.text or ""
                    elif kind == "link":
                        channel.link = (elem.text or "").strip()
                    elif kind == "language":
                        channel.language = (elem.text or "").strip()
                    elif kind == "wp:base_site_url":
                        channel.base_site_url = (elem.text or "").strip()
                    elif kind == "wp:base_blog_url":
                        channel.base_blog_url = (elem.text or "").strip()
                    elif kind == "wp:wxr_version":
                        channel.version = (elem.text or "").strip()
                    elif kind == "wp:author":
                        login = _text(elem, "wp:author_login").strip()
                        channel.authors[login] = _text(elem, "wp:author_display_name").strip() or login
                    elif kind in ("wp:category", "wp:tag", "wp:term"):
                        channel.terms.append(_term(elem, kind))
                    if kind != "item":
                        stack[-1].remove(elem)
    except ET.ParseError as exc:
        line, column = exc.position
        raise WXRError(f"{name}:{line}: the export is not well-formed XML ({_reason(exc)}, "
                       f"column {column + 1}); export it again, or fix the file there") from None
    except DefusedXmlException as exc:
        raise WXRError(f"{name}: refused: the file declares XML entities ({exc}); a WordPress "
                       "export never does, and expanding them could exhaust memory or read "
                       "other files; export it again from WordPress") from None
    if not seen_wp and not channel.version:
        raise WXRError(f"{name}: not a WordPress export (WXR): no element in the "
                       "http(s)://wordpress.org/export/1.x/ namespace (export it from the "
                       "WordPress admin: Tools > Export > All content)")
    return channel


def _reason(exc) -> str:
    return re.sub(r":\s*line \d+, column \d+$", "", str(exc))
