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
