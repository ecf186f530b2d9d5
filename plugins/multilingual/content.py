"""Checks and links the articles and pages read in this build.

Pelican reads every source once; this module then, per status bucket:
drops (with an error naming the file) what cannot be published — a language
not in ``LANGUAGES``, a second file with the same slug and language, a
translation whose original is missing — links translations by slug, and gives
every category, tag and author an object of the article's language.
"""

from __future__ import annotations

import logging
import os
import re
from collections import defaultdict

from pelican.utils import order_content

logger = logging.getLogger(__name__)


def source_line(path: str, key: str) -> int | None:
    """Line number of the ``Key:`` metadata line in a source file, if any."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:", re.IGNORECASE)
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    return None  # metadata ends at the first blank line
                if pattern.match(line):
                    return number
    except OSError:
        return None
    return None


def where(item, key: str | None = None) -> str:
    """``path:line`` of an item, relative to the working directory."""
    path = os.path.relpath(item.source_path)
    line = source_line(item.source_path, key) if key else None
    return f"{path}:{line}" if line else path


def is_translation(item) -> bool:
    return str(item.metadata.get("translation", "false")).lower() not in ("false", "no", "0")


def check_and_link(items, config):
    """Return the publishable items of one bucket, translations linked."""
    kept = []
    for item in items:
        if item.lang not in config.codes:
            key = "lang" if source_line(item.source_path, "lang") else None
            logger.error(
                "%s: language %r is not in LANGUAGES %s. Rename the file to "
                "<slug>.<lang>.md with one of them, fix its 'Lang:' line, or add %r to "
                "LANGUAGES in pelicanconf.py (and run `make translations`).",
                where(item, key),
                item.lang,
                list(config.codes),
                item.lang,
            )
            continue
        kept.append(item)

    groups = defaultdict(list)
    for item in sorted(kept, key=lambda i: i.source_path):
        groups[item.slug].append(item)

    result = []
    for slug, group in groups.items():
        by_lang = {}
        for item in group:
            first = by_lang.get(item.lang)
            if first is not None:
                logger.error(
                    "%s: slug %r in language %r is already used by %s; this file is "
                    "skipped. Give one of them another slug (file name or 'Slug:').",
                    where(item, "slug"),
                    slug,
                    item.lang,
                    os.path.relpath(first.source_path),
                )
                continue
            by_lang[item.lang] = item
        members = list(by_lang.values())
        if members and all(is_translation(i) for i in members):
            for item in members:
                logger.error(
                    "%s: marked 'Translation: true' but no original with slug %r "
                    "exists; add the original (e.g. %s.%s.md) or remove the "
                    "'Translation' line to publish it as an original.",
                    where(item, "translation"),
                    slug,
                    slug,
                    config.default.code,
                )
            continue
        order = {code: n for n, code in enumerate(config.codes)}
        members.sort(key=lambda i: order[i.lang])
        for item in members:
            item.translations = [other for other in members if other is not item]
        result.extend(members)
    return result


def localise_taxonomies(item, taxonomies):
    """Replace category, tags and authors by objects of the item's language."""
    lang = item.lang
    if getattr(item, "category", None) is not None:
        item.category = taxonomies.get("category", lang, item.category)
        item.metadata["category"] = item.category
    if getattr(item, "tags", None):
        item.tags = [taxonomies.get("tag", lang, t) for t in item.tags]
        item.metadata["tags"] = item.tags
    if getattr(item, "authors", None):
        item.authors = [taxonomies.get("author", lang, a) for a in item.authors]
        item.author = item.authors[0]
        item.metadata["authors"] = item.authors


def process_articles(generator, state):
    """Pretaxonomy step of the articles generator."""
    config = state.config
    order_by = generator.settings["ARTICLE_ORDER_BY"]
    buckets = {}
    for name in ("articles", "hidden_articles", "drafts"):
        items = check_and_link(getattr(generator, name), config)
        for item in items:
            localise_taxonomies(item, state.taxonomies)
        buckets[name] = order_content(items, order_by)
    generator.articles = buckets["articles"]
    generator.hidden_articles = buckets["hidden_articles"]
    generator.drafts = buckets["drafts"]
    # Every language is an original here: translations are linked on the items.
    generator.translations = []
    generator.hidden_translations = []
    generator.drafts_translations = []
    state.articles = generator.articles


def process_pages(generator, state):
    """Finalized step of the pages generator."""
    config = state.config
    order_by = generator.settings["PAGE_ORDER_BY"]
    for name in ("pages", "hidden_pages", "draft_pages"):
        setattr(generator, name, order_content(check_and_link(getattr(generator, name), config), order_by))
    generator.translations = []
    generator.hidden_translations = []
    generator.draft_translations = []
    generator.context["pages"] = generator.pages
    generator.context["hidden_pages"] = generator.hidden_pages
    generator.context["draft_pages"] = generator.draft_pages
    state.pages = generator.pages
