"""Bad content: clear errors naming the file; preview goes on; strict build fails."""

from __future__ import annotations

import pytest

from .conftest import FIXTURES, build, run_pelican

BROKEN = FIXTURES / "broken"
ARGS = [str(BROKEN), "-e", 'ARTICLE_PATHS=["articles"]']


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    return build(tmp_path_factory.mktemp("broken") / "output", PATH=str(BROKEN),
                 ARTICLE_PATHS=["articles"])


def test_preview_keeps_every_good_article(preview):
    written = sorted(p.relative_to(preview.output).as_posix()
                     for p in preview.output.glob("**/2026/**/index.html"))
    assert written == ["2026/11/good/index.html", "2026/11/other/index.html",
                       "en/2026/11/good/index.html"]
    # the good article is the original, not the duplicate that claimed its slug
    assert preview.soup("2026/11/good/").h1.get_text() == "Un bon article"
    titles = [a.get_text() for a in preview.soup("").select("article.summary h2 a")]
    assert sorted(titles) == ["Un autre bon article", "Un bon article"]


@pytest.mark.parametrize("needle", [
    "articles/klingon.tlh.md: language 'tlh' is not in LANGUAGES",
    "articles/lang-line.fr.md:4: language 'xx' is not in LANGUAGES",
    "articles/zz-duplicate.fr.md:4: slug 'good' in language 'fr' is already used by",
    "articles/bad-date.fr.md:2: invalid Date '2026-13-45 25:99'",
    "articles/orphan.en.md:5: marked 'Translation: true' but no original with slug 'orphan'",
])
def test_each_problem_is_named_with_file_and_line(preview, needle):
    assert any(needle in message for message in preview.errors()), preview.errors()


def test_preview_command_succeeds_despite_errors(tmp_path):
    result = run_pelican(*ARGS, "-o", str(tmp_path / "out"), "-s", "pelicanconf.py")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out/2026/11/other/index.html").is_file()


def test_strict_build_fails_with_a_summary_and_no_traceback(tmp_path):
    result = run_pelican(*ARGS, "-o", str(tmp_path / "out"), "-s", "publishconf.py")
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "strict build failed: 6 error(s)" in output
    assert "klingon.tlh.md" in output and "orphan.en.md" in output
    assert "Traceback" not in output


def test_strict_build_of_the_sample_site_passes(tmp_path):
    result = run_pelican("content", "-o", str(tmp_path / "out"), "-s", "publishconf.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def test_a_second_build_in_the_same_process_reports_the_errors_again(tmp_path):
    # autoreload rebuilds in one process: each build must report its own problems
    first = build(tmp_path / "one", PATH=str(BROKEN), ARTICLE_PATHS=["articles"])
    second = build(tmp_path / "two", PATH=str(BROKEN), ARTICLE_PATHS=["articles"])
    assert sorted(first.errors()) == sorted(second.errors()) and len(second.errors()) >= 6
