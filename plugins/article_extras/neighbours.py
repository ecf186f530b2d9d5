"""Previous/next and related articles, within one language."""

from __future__ import annotations

from collections import defaultdict


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

    by_tag = defaultdict(list)
    for article in articles:
        for tag in getattr(article, "tags", None) or []:
            by_tag[tag].append(article)
    for article in articles:
        shared = defaultdict(int)
        for tag in getattr(article, "tags", None) or []:
            for other in by_tag[tag]:
                if other is not article:
                    shared[id(other)] += 1
        candidates = {id(o): o for t in (getattr(article, "tags", None) or []) for o in by_tag[t]}
        ranked = sorted(
            (candidates[k] for k in shared),
            key=lambda o: (-shared[id(o)], -o.date.timestamp(), o.source_path),
        )
        article.related_articles = ranked[:related_count]
