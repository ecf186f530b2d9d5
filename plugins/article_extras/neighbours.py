"""Previous/next and related articles, within one language."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict


def link_neighbours(articles, related_count):
    """Set ``prev_article``, ``next_article`` and ``related_articles`` on each article.

    ``prev`` is the older article, ``next`` the newer one, in the same language.
    Related articles share tags (the tag objects are language-bound, so a
    shared tag implies the same language); more shared tags first, then newer.
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
    # candidate cost seconds at 3,000 articles.
    ordered = sorted(articles, key=lambda a: (-a.date.timestamp(), a.source_path))
    members = defaultdict(list)
    tags_of = []
    for rank, article in enumerate(ordered):
        tags = list(dict.fromkeys(getattr(article, "tags", None) or []))
        tags_of.append(tags)
        for tag in tags:
            members[tag].append(rank)
    for rank, article in enumerate(ordered):
        shared = Counter()
        for tag in tags_of[rank]:
            shared.update(members[tag])
        shared.pop(rank, None)
        best = heapq.nsmallest(related_count, ((-n, other) for other, n in shared.items()))
        article.related_articles = [ordered[other] for _, other in best]
