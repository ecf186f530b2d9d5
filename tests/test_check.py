"""`make check`: the quality gate catches planted defects and passes on the sample site."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from newsroom import check

from .conftest import FIXTURES, ROOT, outside_event_loop


@pytest.fixture(scope="module")
def planted():
    return outside_event_loop(check.run, FIXTURES / "check_site", siteurl="")


def test_planted_broken_link(planted):
    assert [p.file for p in planted["links"]] == ["index.html"]
    assert "/article-manquant/" in planted["links"][0].message


def test_planted_invalid_nesting_and_missing_alt_in_html(planted):
    messages = [p.message for p in planted["html"]]
    assert any("“p” end tag" in m for m in messages)
    assert any("“alt” attribute" in m for m in messages)


def test_planted_accessibility_violations(planted):
    found = {(p.file, p.message.split(":")[1].strip()) for p in planted["accessibility"]}
    assert ("index.html", "image-alt") in found
    assert ("en/index.html", "color-contrast") in found


def test_planted_hreflang_not_reciprocal(planted):
    assert any("does not link back" in p.message for p in planted["hreflang"])


def test_sample_covers_every_page_type_in_every_language(published_site):
    site = check.BuiltSite(published_site.output, check.detect_siteurl(published_site.output))
    pages = check.sample_pages(site)
    for prefix in ("", "en/"):
        mine = [p for p in pages if p.startswith(prefix) and (prefix or not p.startswith("en/"))]
        assert len(mine) >= 12, mine


def test_gate_passes_on_the_published_sample_site(published_site):
    report = outside_event_loop(check.run, published_site.output)
    assert {name: [str(p) for p in problems] for name, problems in report.items()} == {
        "files": [], "links": [], "hreflang": [], "redirects": [], "html": [], "accessibility": []}


def test_make_check_command_fails_with_a_report(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "check_site", site)
    result = subprocess.run(["make", "--no-print-directory", "check", f"OUTPUTDIR={site}"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert "index.html: <a href='/article-manquant/'> points to a missing file" in result.stdout
    assert "check: FAILED with 6 problem(s)" in result.stdout
