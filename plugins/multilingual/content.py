"""Checks and links the articles and pages read in this build.

Pelican reads every source once; this module then drops (with an error naming
the file) what cannot be published — a language not in ``LANGUAGES``, a second
file with the same slug and language or translation key, a translation whose
original is missing or unpublished: ``newsroom.rules.resolve_collection``, the
rules `make lint` runs — links translations by translation key, and gives every
category, tag and author an object of the article's language.
"""

from __future__ import annotations

import logging
import os

from pelican.utils import order_content

from newsroom import buildstate, rules, sources

logger = logging.getLogger(__name__)

def record(item):
    """The item's source as the shared rules read it (metadata with line numbers)."""
    return sources.of_item(item)


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


#: The publication state of the items of each of Pelican's buckets.
BUCKET_STATES = {"articles": "published", "hidden_articles": "hidden", "drafts": "draft",
                 "pages": "published", "hidden_pages": "hidden", "draft_pages": "draft"}


def member(item, kind, bucket):
    """The item as ``newsroom.rules.resolve_collection`` sees it (as lint sees its file)."""
    rel = getattr(item, "relative_source_path", None) or os.path.basename(item.source_path)
    date = getattr(item, "date", None)
    return rules.Member(kind, item.slug, item.lang, key_of(item),
                        sources.file_name_metadata(rel, item.settings).get("slug", "") or "",
                        is_translation(item),
                        item.metadata.get("editorial_state") or BUCKET_STATES[bucket],
                        date.timestamp() if date is not None else None,
                        os.path.abspath(item.source_path), lambda: record(item), item)


def left_out(generator, kind, paths_key, excludes_key):
    """The sources the build read no item of (a publish build skips drafts and
    scheduled files unread: ``Status: skip``), as ``rules.Member``: a translation
    of one is told its original is a draft, as `make lint` tells it."""
    settings = generator.settings
    seen = generator.context.get("generated_content", {})
    found = generator.get_files(settings[paths_key], exclude=settings[excludes_key])
    skipped = [f for f in sorted(found) if f.lower().endswith(sources.MARKDOWN_EXTENSIONS)
               and os.path.normpath(f).replace(os.sep, "/") not in seen]
    if not skipped:
        return []
    ctx = rules.RuleContext.from_settings(settings, settings.get("EDITORIAL") or {})
    # The engine parsed them as it read them (a skipped draft, one that failed).
    known = buildstate.of(settings).sources
    members = []
    for rel in skipped:
        path = os.path.abspath(os.path.join(generator.path, rel))
        source = known.get(path)
        if source is None or source.kind != kind:
            try:
                source = sources.read_source(path, settings, settings["PATH"], kind)
            except OSError:
                continue
        members.append(rules.Member.of_source(source, ctx))
    return members


def check_and_link(buckets, config, kind, elsewhere=()):
    """The publishable items of each bucket (``{name: items}``), translations linked.

    What is dropped, and why, is ``newsroom.rules.resolve_collection``'s, the
    function `make lint` runs: messages and decisions are the same by construction.
    Translations are linked among the files on the site (published and hidden),
    and among drafts (a draft translation of a published original is previewed
    linked to the other drafts only, so hreflang stays reciprocal).
    """
    members = [member(item, kind, name) for name, items in buckets.items() for item in items]
    members += elsewhere  # files without an item: they decide, and are never built
    groups, problems = rules.resolve_collection(members, config.codes, config.default.code)
    for problem in problems:
        logger.error("%s", problem)
    order = {code: n for n, code in enumerate(config.codes)}
    kept = {name: [] for name in buckets}
    bucket_of = {id(item): name for name, items in buckets.items() for item in items}
    for group in groups:
        items = sorted((m.item for m in group if m.item is not None), key=lambda i: order[i.lang])
        for item in items:
            on_site = BUCKET_STATES[bucket_of[id(item)]] in rules.ON_SITE
            item.translations = [
                other for other in items if other is not item
                and (BUCKET_STATES[bucket_of[id(other)]] in rules.ON_SITE) == on_site]
            kept[bucket_of[id(item)]].append(item)
    return kept


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
    names = ("articles", "hidden_articles", "drafts")
    buckets = check_and_link({name: getattr(generator, name) for name in names}, config,
                             "article",
                             left_out(generator, "article", "ARTICLE_PATHS", "ARTICLE_EXCLUDES"))
    for name in names:
        for item in buckets[name]:
            localise_taxonomies(item, state.taxonomies)
        buckets[name] = order_content(buckets[name], order_by)
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
    buckets = check_and_link({name: getattr(generator, name) for name in names}, config, "page",
                             left_out(generator, "page", "PAGE_PATHS", "PAGE_EXCLUDES"))
    for name in names:
        setattr(generator, name, order_content(buckets[name], order_by))
    generator.translations = []
    generator.hidden_translations = []
    generator.draft_translations = []
    generator.context["pages"] = generator.pages
    generator.context["hidden_pages"] = generator.hidden_pages
    generator.context["draft_pages"] = generator.draft_pages
    state.pages = generator.pages
