"""Previous/next and related articles, within one language."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict


def link_neighbours(articles, related_count):
    """Set ``prev_article``, ``next_article`` and ``related_articles`` on each article.

    ``prev`` is the older article, ``next`` the newer one, in the same language.
    Related articles are in the same language and are never the previous or
    next one (already linked below them). Ranked by: more shared tags, then the
    same category, then newer; when fewer than ``related_count`` share a tag, the
    list is filled with the newest of the same category, then the newest of the
    language, so an article always gets up to ``related_count`` of them.
    """
    by_lang = defaultdict(list)
    for article in articles:
        by_lang[article.lang].append(article)
    for items in by_lang.values():
        items.sort(key=lambda a: (a.date, a.source_path))
        for i, article in enumerate(items):
            article.prev_article = items[i - 1] if i > 0 else None
            article.next_article = items[i + 1] if i + 1 < len(items) else None

    # Articles are numbered newest first, so "then newer" is "then smaller
    # number", and the ranking below compares plain tuples of ints: with a few
    # tags shared by hundreds of articles each, a Python key function per
    # candidate cost seconds at 3,000 articles. Tag and category objects are
    # language-bound (multilingual plugin), so sharing one implies the same
    # language; the last fallback is keyed by language explicitly.
    ordered = sorted(articles, key=lambda a: (-a.date.timestamp(), a.source_path))
    number = {id(article): rank for rank, article in enumerate(ordered)}
    members = defaultdict(list)  # tag -> ranks, newest first
    in_category = defaultdict(list)  # category -> ranks, newest first
    in_language = defaultdict(list)  # lang -> ranks, newest first
    tags_of, category_of = [], []
    for rank, article in enumerate(ordered):
        tags = list(dict.fromkeys(getattr(article, "tags", None) or []))
        tags_of.append(tags)
        for tag in tags:
            members[tag].append(rank)
        category = getattr(article, "category", None)
        category_of.append(category)
        if category is not None:
            in_category[category].append(rank)
        in_language[article.lang].append(rank)
    for rank, article in enumerate(ordered):
        excluded = {rank} | {number[id(other)] for other in (article.prev_article,
                                                             article.next_article)
                             if other is not None and id(other) in number}
        chosen = []
        if related_count:
            shared = Counter()
            for tag in tags_of[rank]:
                shared.update(members[tag])
            category = category_of[rank]
            best = heapq.nsmallest(
                related_count,
                ((-n, 0 if category_of[other] == category else 1, other)
                 for other, n in shared.items() if other not in excluded))
            chosen = [other for *_, other in best]
            fallbacks = (in_category[category] if category is not None else (),
                         in_language[article.lang])
            for pool in fallbacks:
                if len(chosen) >= related_count:
                    break
                taken = excluded.union(chosen)
                # newest first; at most len(taken) + related_count are looked at
                for other in pool:
                    if other not in taken:
                        chosen.append(other)
                        taken.add(other)
                        if len(chosen) >= related_count:
                            break
        article.related_articles = [ordered[other] for other in chosen]
