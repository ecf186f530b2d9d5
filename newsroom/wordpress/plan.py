"""What the import writes: for each post or page of the export, its language, file,
slug, translation key, date and old URLs; and what it skips, with why.

Decided from the first (light) reading of the export, before any body is
converted. Translations are linked as the content model links them
(``newsroom.sources.translation_key``): every version of a post is written
as ``<original's slug>.<lang>.md`` next to the original, and a translation
whose WordPress slug differs gets its own ``Slug:`` line (its own URL).
"""

from __future__ import annotations

import datetime
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from .. import sources as src_mod
from . import phpdata

ZERO_DATE = "0000-00-00 00:00:00"
SKIPPED_STATUSES = {"private": "private", "trash": "in the trash", "auto-draft": "an auto-draft",
                    "inherit": "a revision"}
DRAFT_STATUSES = ("draft", "pending")


@dataclass
class Entry:
    post_id: int
    kind: str  # "article" or "page"
    wp_type: str  # post / page
    wp_status: str
    lang: str
    slug: str  # the WordPress slug (its URL here)
    key: str = ""  # translation key: the original's slug
    rel: str = ""  # file path inside content/
    original: bool = True
    group: str | None = None  # translation group id in the export
    date: str = ""  # ISO 8601 with the site's offset
    draft: bool = False
    old_urls: list = field(default_factory=list)  # paths (and ?p=) on the old site
    wpml_source: str | None = None  # WPML's source language ("" for an original)


@dataclass
class Plan:
    entries: dict = field(default_factory=dict)  # post id -> Entry
    skipped: list = field(default_factory=list)  # (post id, title, why)
    attachments: dict = field(default_factory=dict)  # post id -> (url, alt)
    uploads_prefixes: tuple = ()
    taxonomy: dict = field(default_factory=dict)  # I18N_TAXONOMY from term translations
    authors: dict = field(default_factory=dict)
    groups: dict = field(default_factory=dict)  # group id -> {lang: Entry}

    @property
    def linked(self):
        """Translation groups with more than one language."""
        return [g for g in self.groups.values() if len(g) > 1]


def language_of(item, option_lang, channel_lang, languages, default_lang):
    """(code, written) of an item: Polylang's language, WPML's, LANG=, the channel's."""
    written = next((nicename or name for nicename, name in item.terms_in("language")), None)
    written = written or item.meta.get("_wpml_import_language_code") or option_lang
    written = (written or channel_lang or default_lang).strip()
    return normalise_lang(written, languages), written


def normalise_lang(code: str, languages) -> str | None:
    code = (code or "").strip().lower().replace("_", "-")
    if code in languages:
        return code
    short = code.split("-")[0]
    return short if short in languages else None


def group_of(item) -> str | None:
    for nicename, name in item.terms_in("post_translations"):
        return "pll:" + (nicename or name)
    wpml = item.meta.get("_wpml_import_translation_group")
    return f"wpml:{wpml}" if wpml else None


def iso_date(item, tz: ZoneInfo) -> str:
    """``post_date_gmt`` in the site's time zone, with its offset (``post_date`` for drafts
    that have no GMT date)."""
    for value, zone in ((item.date_gmt, datetime.timezone.utc), (item.date, tz)):
        if value and value != ZERO_DATE:
            try:
                when = datetime.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
            return when.replace(tzinfo=zone).astimezone(tz).isoformat(timespec="seconds")
    return ""


def slug_of(item, settings) -> str:
    from ..scaffold import make_slug

    slug = unquote(item.slug or "").strip()
    if src_mod.is_safe_slug(slug, bool(settings.get("SLUGIFY_USE_UNICODE"))):
        return slug
    return make_slug(slug or item.title or "", settings) or f"post-{item.post_id}"


def old_paths(item, bases) -> list:
    """The item's old URLs as paths relative to the old site's base: its link, ?p=/?page_id=."""
    paths = []
    link = urlsplit(item.link or "")
    path = link.path or "/"
    for base in bases:
        base_path = urlsplit(base).path.rstrip("/")
        if base_path and (path == base_path or path.startswith(base_path + "/")):
            path = path[len(base_path):] or "/"
            break
    if item.link and (link.path not in ("", "/") or not link.query):
        paths.append(path + (f"?{link.query}" if link.query else ""))
    query = "page_id" if item.post_type == "page" else "p"
    paths.append(f"/?{query}={item.post_id}")
    return list(dict.fromkeys(p for p in paths if p))


def uploads_prefixes(channel, attachments) -> tuple:
    prefixes = {u.rstrip("/") + "/wp-content/uploads/" for u in
                (channel.base_site_url, channel.base_blog_url, channel.link) if u}
    for url, _ in attachments.values():
        match = re.match(r"^(.*?/wp-content/uploads/)", url)
        if match:
            prefixes.add(match.group(1))
    return tuple(sorted(prefixes, key=len, reverse=True))


def taxonomy_translations(channel, languages, default_lang) -> dict:
    """I18N_TAXONOMY from Polylang's term translations: {default name: {lang: name}}."""
    names = {t.term_id: t.name for t in channel.terms if t.taxonomy in ("category", "post_tag")}
    result = {}
    for term in channel.terms:
        if term.taxonomy != "term_translations":
            continue
        members = phpdata.loads(term.description)
        if not isinstance(members, dict):
            continue
        by_lang = {}
        for code, term_id in members.items():
            lang = normalise_lang(str(code), languages)
            if lang and isinstance(term_id, int) and term_id in names:
                by_lang[lang] = names[term_id]
        if default_lang in by_lang and len(by_lang) > 1:
            key = by_lang.pop(default_lang)
            others = {lang: name for lang, name in by_lang.items() if name != key}
            if others:
                result.setdefault(key, {}).update(others)
    return result


def make_plan(items, channel, settings, option_lang=None) -> Plan:
    """Decide every file from the light items of the first reading."""
    languages = tuple(settings.get("LANGUAGES") or [settings.get("DEFAULT_LANG", "en")])
    default_lang = settings.get("DEFAULT_LANG", languages[0])
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    plan = Plan(authors=dict(channel.authors))
    plan.attachments = {i.post_id: (i.attachment_url, i.meta.get("_wp_attachment_image_alt", ""))
                        for i in items if i.post_type == "attachment" and i.attachment_url}
    plan.uploads_prefixes = uploads_prefixes(channel, plan.attachments)
    plan.taxonomy = taxonomy_translations(channel, languages, default_lang)
    bases = [b for b in (channel.base_blog_url, channel.base_site_url, channel.link) if b]
    channel_lang = channel.language
    groups = defaultdict(dict)
    for item in items:
        if item.post_type not in ("post", "page"):
            if item.post_type not in ("attachment", "nav_menu_item", "revision", "wp_block",
                                      "wp_navigation", "wp_template", "wp_template_part",
                                      "wp_global_styles", "custom_css", "customize_changeset",
                                      "oembed_cache", "user_request", "wp_font_face",
                                      "wp_font_family"):
                plan.skipped.append((item.post_id, item.title, f"post type {item.post_type!r}"))
            continue
        why = SKIPPED_STATUSES.get(item.status)
        if why is None and item.password:
            why = "password-protected"
        if why is None and item.status not in ("publish", "future", *DRAFT_STATUSES):
            why = f"status {item.status!r}"
        if why:
            plan.skipped.append((item.post_id, item.title, why))
            continue
        lang, written = language_of(item, option_lang, channel_lang, languages, default_lang)
        if lang is None:
            plan.skipped.append((item.post_id, item.title,
                                 f"language {written!r} is not in LANGUAGES {list(languages)}"))
            continue
        entry = Entry(item.post_id, "page" if item.post_type == "page" else "article",
                      item.post_type, item.status, lang, slug_of(item, settings),
                      date=iso_date(item, tz), draft=item.status in DRAFT_STATUSES,
                      group=group_of(item))
        if item.status == "publish":
            entry.old_urls = old_paths(item, bases)
        group_id = entry.group or f"post:{item.post_id}"
        if lang in groups[group_id]:  # two versions in one language: the later is its own
            group_id = f"post:{item.post_id}"
        groups[group_id][lang] = entry
        entry.group = group_id
        entry.wpml_source = item.meta.get("_wpml_import_source_language_code")
        plan.entries[item.post_id] = entry

    used = set()
    for group_id, members in sorted(groups.items(), key=lambda kv: min(e.post_id for e in kv[1].values())):
        original = _original(members, default_lang)
        folder = "pages" if original.kind == "page" else (original.date[:4] or "undated")
        key = original.slug
        base = f"{folder}/{key}"
        n = 1
        while any(f"{base}.{lang}.md" in used for lang in members):
            n += 1
            base = f"{folder}/{key}-{n}"
        key = posixpath.basename(base)
        for lang, entry in members.items():
            entry.key = key
            entry.original = entry is original
            entry.rel = f"{base}.{lang}.md"
            used.add(entry.rel)
        plan.groups[group_id] = members
    return plan


def _original(members: dict, default_lang: str):
    wpml = [e for e in members.values() if e.wpml_source == ""]
    if len(wpml) == 1 and len(members) > 1:
        return wpml[0]
    if default_lang in members:
        return members[default_lang]
    return min(members.values(), key=lambda e: (e.date or "9999", e.post_id))


def counts(plan: Plan) -> Counter:
    return Counter((e.wp_type, e.wp_status, e.lang) for e in plan.entries.values())
