"""What the build engine makes of each source, to compare builds made by two engines.

``tests/data/engine_reference.json`` was written by this module run on the code
*before* the build engine moved the document steps onto Python-Markdown's tree
(commit 1abe7bd: BeautifulSoup re-parse, ``PIPELINE_STEPS``), with::

    python -m tests.engine_reference tests/data/engine_reference.json

``tests/test_engine.py`` builds the same sites with today's code and compares. The
tree engine matched it on every site (commit edab121). Then typography #16 changed the
typesetting on purpose (typographic apostrophes and quotes in every language): the
"sample" and "typography" sites were written again after merging it; "corpus",
"extras" and "reading_time" are still the BeautifulSoup engine's records.
The Spanish sample article's record (issue 23) was added to "sample" as written by
this module, the others left as they were (unchanged). Issue 21 changed the images'
markup on purpose (photos: WebP only and one JPEG fallback, no srcset on the <img>):
the bodies of "corpus" and "extras" that hold images were written again after it.
Per source: the body HTML the steps produced (``_content``, in canonical form:
see ``canonical``), title, summary, SEO description, word count, reading time,
slug, language. Regenerate it only for an intended change, in the commit making it.

The canonical form keeps every element, attribute and character of text; it
drops only what differs between the two serialisers and not in the document:
attribute order, ``<img/>`` vs ``<img>``, ``&quot;`` vs ``"`` (character references
decoded), and the length of whitespace-only text between elements (BeautifulSoup
dropped one of two newlines after a code block).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from pelican import signals

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


class _Canon(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []

    def handle_starttag(self, tag, attrs):
        self.out.append(["<", tag, sorted([k, v or ""] for k, v in attrs)])

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self.out.append(["/", tag])

    def handle_data(self, data):
        if self.out and self.out[-1][0] == "t":
            self.out[-1][1] += data
        else:
            self.out.append(["t", data])

    def handle_comment(self, data):
        self.out.append(["c", data])


def canonical(html: str) -> list:
    parser = _Canon()
    parser.feed(html or "")
    parser.close()
    return [["t", " "] if e[0] == "t" and not e[1].strip() else e for e in parser.out]


def digest(html: str) -> str:
    text = json.dumps(canonical(html), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def sites(work: Path):
    """(name, build overrides) of the sites compared: the sample site, the fixtures whose
    bodies exercise the steps (raw HTML, code, entities), a small bench corpus."""
    sys.path.insert(0, str(ROOT / "bench"))
    import corpus

    corpus_dir = work / "corpus"
    if not corpus_dir.exists():
        corpus.generate(corpus_dir, 10, ["fr", "en", "de"])
    from tests.conftest import languages  # the sample's taxonomy, cut to the corpus's languages

    fixtures = HERE / "fixtures"
    common = dict(I18N_OVERRIDES={}, I18N_TAXONOMY={})
    return [
        ("sample", {}),
        ("typography", dict(PATH=str(fixtures / "typography"), ARTICLE_PATHS=["articles"],
                            PAGE_PATHS=["pages"], **common)),
        ("reading_time", dict(PATH=str(fixtures / "reading_time"), ARTICLE_PATHS=["articles"],
                              PAGE_PATHS=[], LANGUAGES=["fr", "en", "de", "ar"],
                              READING_TIME={"wpm": {"fr": 230, "en": 240}}, **common)),
        ("extras", dict(PATH=str(fixtures / "extras"), ARTICLE_PATHS=["articles"],
                        STATIC_PATHS=["images"], SITEURL="https://news.example.org")),
        ("corpus", {**languages("fr", "en", "de"),
                    **dict(PATH=str(corpus_dir), ARTICLE_PATHS=["articles"], PAGE_PATHS=["pages"],
                           STATIC_PATHS=["images"], I18N_OVERRIDES={},
                           EDITORIAL={"preview": True, "categories": None})}),
    ]


def _items(generators):
    for generator in generators:
        for name in ("articles", "translations", "hidden_articles", "hidden_translations",
                     "drafts", "drafts_translations", "pages", "hidden_pages", "draft_pages"):
            yield from getattr(generator, name, None) or []


def record(item, root):
    summary = item.metadata.get("summary") or getattr(item, "_summary", None)
    return {
        "body": digest(item._content),
        "title": str(item.metadata.get("title", "")),
        "summary": str(summary or ""),
        "description": str(item.metadata.get("seo_description", "")),
        "words": getattr(item, "word_count", None),
        "minutes": getattr(item, "reading_time", None),
        "slug": str(getattr(item, "slug", "")),
        "lang": str(getattr(item, "lang", "")),
    }


def collect(work: Path, build) -> dict:
    """{site: {source path relative to its content folder: record}} built with ``build``
    (tests.conftest.build)."""
    result = {}
    for name, overrides in sites(work):
        seen = {}

        def keep(generators):
            seen["generators"] = list(generators)

        signals.all_generators_finalized.connect(keep)
        try:
            build(work / f"out-{name}", PIPELINE={"workers": 0}, **overrides)
        finally:
            signals.all_generators_finalized.disconnect(keep)
        root = Path(overrides.get("PATH", ROOT / "content"))
        result[name] = {
            os.path.relpath(item.source_path, root).replace(os.sep, "/"): record(item, root)
            for item in _items(seen["generators"])}
    return result


if __name__ == "__main__":
    from tests.conftest import build

    with tempfile.TemporaryDirectory() as tmp:
        data = collect(Path(tmp), build)
    Path(sys.argv[1]).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
                                 + "\n", encoding="utf-8")
