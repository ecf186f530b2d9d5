"""What a change to a source touches: one model, for warm builds and the preview.

Two users ask the same questions of an article or page:

* warm builds (``plugins/pipeline/memo.py``): may a page written by the last
  build be kept? Its key covers :func:`item_digest` of every item (what pages
  other than its own can show of it) and its own item's body;
* the preview's build process (``newsroom/preview.py``, ``pagedeps.py``): may
  an edit be a page build? An item read again must have the same
  :func:`structure` (which pages exist, what each lists, in which order); its
  :func:`display` fields (title, summary) may change, and then the pages that
  show the item are rendered again (those whose :func:`item_digest` changed,
  found through the translation status row of its translation key too).

Items are compared by these functions only; another item is referred to by its
source (:func:`ref`), never by its URL or title (those are in its own digest).
"""

from __future__ import annotations

import hashlib
import json
import os

from pelican.generators import ArticlesGenerator, PagesGenerator

#: Metadata key of the files a source's result depends on, with their stamps
#: (set by the build engine, plugins/pipeline/document.py).
DEPENDS_KEY = "pipeline_depends"
#: The item lists of Pelican's generators (drafts and hidden items included).
ITEM_LISTS = {
    ArticlesGenerator: ("articles", "translations", "hidden_articles", "hidden_translations",
                        "drafts", "drafts_translations"),
    PagesGenerator: ("pages", "translations", "hidden_pages", "hidden_translations",
                     "draft_pages", "draft_translations"),
}
#: Metadata computed from an item's body that no other page shows (nor any page:
#: the stamps of the files its body depends on).
BODY_ONLY_METADATA = frozenset({"word_count_exact", DEPENDS_KEY})
#: Metadata that changes what pages show of an item, not which pages exist or what
#: they list (``seo_description``: the summary as the page's meta description;
#: ``lead_image``, ``inherited_image``: the images plugin's lead image, its own or
#: its original's, which listings show, and which the preview shows as the original
#: until its files are encoded).
DISPLAY_METADATA = frozenset({"title", "summary", "summary_from_body", "seo_description",
                              "lead_image", "inherited_image"})


def file_stamp(path):
    """What tells that a file changed: (modification time in ns, size), or None if missing."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def dependencies_changed(metadata) -> bool:
    """True if a file a source's reading depends on (``DEPENDS_KEY``) changed since,
    or appeared (an image's derivative, in the preview)."""
    return any(file_stamp(path) != stamp for path, stamp in (metadata or {}).get(DEPENDS_KEY, ()))


def canonical(value) -> str:
    """A stable text of plain data (sets sorted, other objects as their text)."""
    def default(obj):
        if isinstance(obj, (set, frozenset)):
            return sorted(map(str, obj))
        return str(obj)

    return json.dumps(value, sort_keys=True, default=default, ensure_ascii=False)


def ref(item):
    """Another item, by its source: its URL and title are in its own digest, and
    Pelican computes a URL anew at every access."""
    return getattr(item, "source_path", None) if item is not None else None


def items_of(generators):
    """Every article and page of the generators, once each, in a stable order."""
    seen = set()
    for generator in generators:
        for cls, names in ITEM_LISTS.items():
            if isinstance(generator, cls):
                for name in names:
                    for item in getattr(generator, name, None) or []:
                        if id(item) not in seen:
                            seen.add(id(item))
                            yield generator, item


def _links(item):
    notes = getattr(item, "editorial", None)
    return {
        "translations": [(t.lang, ref(t)) for t in getattr(item, "translations", [])],
        "related": [ref(a) for a in getattr(item, "related_articles", None) or []],
        "neighbours": [ref(getattr(item, "prev_article", None)),
                       ref(getattr(item, "next_article", None))],
        "notes": None if notes is None else (notes.state, notes.outdated, ref(notes.original)),
    }


def item_digest(item) -> str:
    """What pages other than its own can show of an article or page."""
    metadata = {k: v for k, v in item.metadata.items() if k not in BODY_ONLY_METADATA}
    links = _links(item)
    parts = [
        type(item).__name__, item.url, item.save_as, item.status, item.lang,
        canonical(metadata), str(item.summary), getattr(item, "reading_time", None),
        links["translations"], links["related"], *links["neighbours"], links["notes"],
    ]
    return hashlib.sha256(canonical(parts).encode()).hexdigest()


def display(item):
    """What pages show of an item besides its body (its title, its summary)."""
    return [str(item.metadata.get(key)) for key in sorted(DISPLAY_METADATA)]


def structure_parts(item) -> dict:
    """Everything of an item but what pages show of it, by name: which pages exist,
    what each lists and in which order (and the problems it reports) follow from this."""
    metadata = {k: v for k, v in item.metadata.items()
                if k not in BODY_ONLY_METADATA and k not in DISPLAY_METADATA}
    notes = getattr(item, "editorial", None)
    links = _links(item)
    return {
        "type": type(item).__name__, "url": item.url, "save_as": item.save_as,
        "status": item.status, "lang": item.lang, "metadata": metadata,
        "fields": sorted(item.metadata), "translations": links["translations"],
        "related": links["related"], "neighbours": links["neighbours"],
        "state": None if notes is None else notes.state,
        "image": getattr(item, "seo_image", None),
    }


def structure(item) -> str:
    return canonical(structure_parts(item))


def changed_fields(old, new) -> str:
    """What differs between two items' structures, as the reason of a full build."""
    before, after = structure_parts(old), structure_parts(new)
    names = [name for name in before if canonical(before[name]) != canonical(after[name])]
    if "metadata" in names:
        keys = sorted(k for k in set(before["metadata"]) | set(after["metadata"])
                      if canonical(before["metadata"].get(k)) != canonical(after["metadata"].get(k)))
        names[names.index("metadata")] = "metadata " + ", ".join(keys)
    return "; ".join(names) or "its structure"
