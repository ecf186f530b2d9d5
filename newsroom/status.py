"""Translation status: per slug, which languages exist, are missing or are outdated.

A translation records the fingerprint of its original when it is made
(``Translation-Of: sha256:…``, after the translation key when
the file name does not give it, written by `newsroom translation` and
`newsroom translation-done`). It is outdated when the original's current
fingerprint differs: what counts is the text, never file times.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import rules
from . import sources as src_mod

ORIGINAL = "original"
CURRENT = "current"
OUTDATED = "outdated"
UNTRACKED = "untracked"
MISSING = "missing"
ORPHAN = "orphan"

LABELS = {
    ORIGINAL: "original",
    CURRENT: "up to date",
    OUTDATED: "OUTDATED",
    UNTRACKED: "not tracked",
    MISSING: "MISSING",
    ORPHAN: "no original",
}


@dataclass
class Cell:
    lang: str
    state: str
    source: object = None  # Source, if the language exists
    publication: str = "published"  # draft / scheduled / hidden / published
    recorded: str | None = None  # fingerprint recorded in the translation
    current: str | None = None  # the original's fingerprint now


@dataclass
class Row:
    kind: str  # "article" or "page"
    slug: str  # the translation key (the original's file-name slug)
    original: object  # Source or None
    cells: dict = field(default_factory=dict)  # lang -> Cell

    @property
    def title(self) -> str:
        source = self.original or next((c.source for c in self.cells.values() if c.source), None)
        return source.title if source else self.slug

    def langs(self, state):
        return [lang for lang, cell in self.cells.items() if cell.state == state]


def translation_status(sources, ctx) -> list[Row]:
    """One Row per (kind, slug), articles first, newest first, then pages by slug."""
    groups = {}
    for source in sources:
        if source.lang in ctx.languages and source.kind:
            groups.setdefault((source.kind, source.translation_key), []).append(source)
    rows = []
    for (kind, slug), group in groups.items():
        by_lang = {}
        # Of two files claiming one language, the one the build keeps (rules.established).
        for source in sorted(group, key=lambda s: rules.established(
                rules.Member.of_source(s, ctx))):
            by_lang.setdefault(source.lang, source)
        # (None marked ``Translation:``, as Pelican's way writes them: the default language's.)
        original = src_mod.original_of(by_lang.values(), ctx.default_lang)
        current = src_mod.fingerprint(original) if original else None
        row = Row(kind, slug, original)
        for lang in ctx.languages:
            source = by_lang.get(lang)
            if source is None:
                row.cells[lang] = Cell(lang, MISSING)
                continue
            publication = src_mod.state_of(source, ctx.tz, ctx.now)
            recorded = source.recorded_fingerprint
            if source is original:
                state = ORIGINAL
            elif original is None:
                state = ORPHAN
            elif recorded is None:
                state = UNTRACKED
            elif recorded == current:
                state = CURRENT
            else:
                state = OUTDATED
            row.cells[lang] = Cell(lang, state, source, publication, recorded, current)
        rows.append(row)

    def date_of(row):
        source = row.original or next(c.source for c in row.cells.values() if c.source)
        return (source.get("date") or "").strip()

    articles = sorted((r for r in rows if r.kind == "article"), key=lambda r: r.slug)
    articles.sort(key=date_of, reverse=True)
    pages = sorted((r for r in rows if r.kind == "page"), key=lambda r: r.slug)
    return articles + pages


def counts(rows) -> dict:
    totals = dict.fromkeys(LABELS, 0)
    for row in rows:
        for cell in row.cells.values():
            totals[cell.state] += 1
    return totals


def as_json(rows) -> list:
    return [{
        "kind": row.kind, "slug": row.slug, "title": row.title,
        "original": row.original.lang if row.original else None,
        "languages": {
            lang: {"state": cell.state, "publication": cell.publication if cell.source else None,
                   "path": cell.source.display if cell.source else None,
                   "recorded": cell.recorded, "current": cell.current}
            for lang, cell in row.cells.items()
        },
    } for row in rows]


def as_table(rows, languages) -> str:
    """Plain-text table for the terminal."""
    def label(cell):
        text = LABELS[cell.state]
        if cell.source is not None and cell.publication in ("draft", "scheduled", "hidden"):
            text += f" ({cell.publication})"
        return text

    header = ["", *languages]
    body = []
    for kind in ("article", "page"):
        chosen = [r for r in rows if r.kind == kind]
        if not chosen:
            continue
        body.append([f"{kind}s:"] + [""] * len(languages))
        body.extend([f"  {r.slug}", *(label(r.cells[lang]) for lang in languages)] for r in chosen)
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip()
             for line in [header, *body]]
    return "\n".join(lines)
