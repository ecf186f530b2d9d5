"""`make bench`'s corpora (no timing here): today's, and the one issue 12 was measured on."""

from __future__ import annotations

import sys

from pelican.settings import read_settings

from newsroom import config, rules, sources

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402


def lint(folder):
    settings = read_settings(str(ROOT / "bench" / "ourconf.py"),
                             override={"PATH": str(folder), "BENCH_LANGS": "fr,en"})
    ctx = rules.RuleContext.from_settings(settings, config.validate(settings), str(folder))
    return rules.lint(sources.scan(settings, str(folder)), ctx)


def test_the_issue_corpus_has_dates_without_offset_and_other_categories(tmp_path):
    count = corpus.generate(tmp_path / "issue", 12, ["fr", "en"], style="issue")
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "issue/articles").glob("*.md")]
    assert len(texts) == count > 12
    dates = [line for text in texts for line in text.splitlines() if line.startswith("Date: ")]
    assert len(dates) == count and all(len(d) == len("Date: 2026-11-20 09:30") for d in dates)
    problems = lint(tmp_path / "issue")
    # Every article's category is outside the sample's list; no date is a problem.
    assert {p.rule for p in problems} == {"unknown_category"}
    assert len(problems) == count


def test_todays_corpus_is_clean(tmp_path):
    corpus.generate(tmp_path / "today", 12, ["fr", "en"])
    assert lint(tmp_path / "today") == []


def test_the_pelican_corpus_is_written_pelicans_way_and_valid(tmp_path, monkeypatch):
    """Translations with Lang: and a shared Slug: (no language in the file name),
    Author:, dates without offset, the site's own categories (listed in its settings,
    not in I18N_TAXONOMY): valid, with a few warnings; translations are linked."""
    monkeypatch.setenv("BENCH_STYLE", "pelican")
    count = corpus.generate(tmp_path / "pw", 12, ["fr", "en"], style="pelican")
    names = sorted(p.name for p in (tmp_path / "pw/articles").glob("*.md"))
    assert len(names) == count and "article-00001.md" in names and "article-00001-en.md" in names
    text = (tmp_path / "pw/articles/article-00001-en.md").read_text(encoding="utf-8")
    assert "\nLang: en\n" in text and "\nSlug: article-00001\n" in text and "\nAuthor: " in text
    problems = lint(tmp_path / "pw")
    assert {p.rule for p in problems} == {"summary_too_long"}  # article 3, both languages
    assert len(problems) == 2
    from newsroom import status

    settings = read_settings(str(ROOT / "bench" / "ourconf.py"),
                             override={"PATH": str(tmp_path / "pw"), "LANGUAGES": ["fr", "en"]})
    assert not set(settings["EDITORIAL"]["categories"]) & set(settings["I18N_TAXONOMY"])
    ctx = rules.RuleContext.from_settings(settings, config.validate(settings), str(tmp_path / "pw"))
    rows = status.translation_status(sources.scan(settings, str(tmp_path / "pw")).sources, ctx)
    row = next(r for r in rows if r.slug == "article-00001")
    assert row.original.lang == "fr" and row.cells["en"].state == status.UNTRACKED
    assert len(rows) == 12  # one row per article, its translation in it
