"""Checks and links the articles and pages read in this build.

Pelican reads every source once; this module then, per status bucket:
drops (with an error naming the file) what cannot be published — a language
not in ``LANGUAGES``, a second file with the same slug and language, a
translation whose original is missing — links translations by translation key, and gives
every category, tag and author an object of the article's language.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict

from pelican.utils import order_content

from newsroom import rules, sources

logger = logging.getLogger(__name__)


def record(item):
    """The item's source as the shared rules read it (metadata with line numbers)."""
    try:
        return sources.read_source(item.source_path)
    except OSError:
        return sources.Source(os.path.abspath(item.source_path), {}, "", 1)


def is_translation(item) -> bool:
    return sources.is_translation_value(item.metadata.get("translation"))


def key_of(item) -> str:
    """The item's translation key (``newsroom.sources.translation_key``), memoised on it."""
    key = getattr(item, "translation_key", None)
    if key is None:
        rel = getattr(item, "relative_source_path", None) or os.path.basename(item.source_path)
        named = sources.file_name_metadata(rel, item.settings)
        key = sources.translation_key(named.get("slug", ""), item.metadata.get("translation-of"),
                                      item.slug, named.get("lang"))
        item.translation_key = key
    return key


def check_and_link(items, config, elsewhere=(), drafts=False):
    """Return the publishable items of one bucket, translations linked.

    ``elsewhere`` holds the other buckets' items: a draft translation whose
    original is published is built (linked to the other drafts only, so hreflang
    stays reciprocal); a published translation whose original is a draft is not.
    Messages come from ``newsroom.rules``, as `make lint` prints them.
    """
    kept = []
    for item in items:
        if item.lang not in config.codes:
            logger.error("%s", rules.unknown_language(record(item), item.lang, config.codes))
            continue
        kept.append(item)

    by_url, unique = {}, []
    for item in sorted(kept, key=lambda i: i.source_path):
        first = by_url.setdefault((item.slug, item.lang), item)
        if first is not item:
            logger.error("%s", rules.duplicate_slug(
                record(item), item.slug, item.lang, os.path.relpath(first.source_path)))
            continue
        unique.append(item)

    groups = defaultdict(list)
    for item in unique:
        groups[key_of(item)].append(item)

    result = []
    for key, group in groups.items():
        by_lang = {}
        for item in group:
            first = by_lang.get(item.lang)
            if first is not None:
                logger.error("%s", rules.duplicate_key(
                    record(item), key, item.lang, os.path.relpath(first.source_path)))
                continue
            by_lang[item.lang] = item
        members = list(by_lang.values())
        if members and all(is_translation(i) for i in members):
            original = next((o for o in elsewhere if key_of(o) == key and o.lang in config.codes
                             and not is_translation(o)), None)
            if original is None or not drafts:
                for item in members:
                    logger.error("%s", rules.orphan_translation(
                        record(item), key, config.default.code,
                        os.path.relpath(original.source_path) if original else None,
                        original.status if original else None))
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
    names = ("articles", "hidden_articles", "drafts")
    for name in names:
        elsewhere = [i for other in names if other != name for i in getattr(generator, other)]
        items = check_and_link(getattr(generator, name), config, elsewhere, name == "drafts")
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
    names = ("pages", "hidden_pages", "draft_pages")
    read = {name: getattr(generator, name) for name in names}
    for name in names:
        elsewhere = [i for other in names if other != name for i in read[other]]
        items = check_and_link(read[name], config, elsewhere, name == "draft_pages")
        setattr(generator, name, order_content(items, order_by))
    generator.translations = []
    generator.hidden_translations = []
    generator.draft_translations = []
    generator.context["pages"] = generator.pages
    generator.context["hidden_pages"] = generator.hidden_pages
    generator.context["draft_pages"] = generator.draft_pages
    state.pages = generator.pages
