"""Lint and the build agree (issue 22): one rule set decides, so each case below gets
the same message from `newsroom lint` and from a real build, and the same outcome.

* ``Status: hidden`` on either side of a translation pair is on the site: no error
  from either, both pages built and linked (the build said "its original … is
  not published (published)").
* Lists nested hundreds of levels deep: the same ``path:line`` error from both,
  whether Markdown could still convert the file or not.
* A new file whose ``Translation-Of:`` key clashes with an established translation:
  the established file stays, the error names the newcomer (``rules.established``).
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from .conftest import ROOT, build, run_pelican
from .test_editor_lint import content_copy

HEAD = "Title: {title}\nDate: {date}\nCategory: IA\nSummary: Un résumé.\n{extra}\n{body}\n"


def write(content, rel, title, date="2026-01-10T09:00:00+01:00", extra="", body="Du texte."):
    path = content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD.format(title=title, date=date, extra=extra, body=body), encoding="utf-8")


def nested(levels):
    return "Une liste.\n\n" + "".join("    " * i + "- niveau\n" for i in range(levels))


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("agree")
    content = content_copy(tmp)
    # Hidden translation of a published original; published translation of a hidden one.
    write(content, "2026/cache-trad.fr.md", "Original publié")
    write(content, "2026/cache-trad.en.md", "Hidden translation",
          extra="Translation: true\nStatus: hidden\n", body="Some text.")
    write(content, "2026/cache-orig.fr.md", "Original caché", extra="Status: hidden\n")
    write(content, "2026/cache-orig.en.md", "Published translation",
          extra="Translation: true\n", body="Some text.")
    # Deep lists: 150 levels (Markdown converts them) and 400 (it cannot).
    write(content, "2026/profond.fr.md", "Profond", body=nested(150))
    write(content, "2026/tres-profond.fr.md", "Très profond", body=nested(400))
    # Established translation pair, then a newcomer claiming its key (its path sorts first).
    write(content, "2026/etabli.fr.md", "Établi")
    write(content, "2026/etabli.en.md", "Established", extra="Translation: true\n",
          body="Some text.")
    write(content, "2024/arrivee.en.md", "Newcomer", date="2026-02-01T09:00:00+01:00",
          extra="Translation: true\nTranslation-Of: etabli\n", body="Other text.")
    # Two files claiming one key with Translation-Of: the earlier Date stays.
    write(content, "2026/cle.fr.md", "Clé")
    write(content, "2026/b-premier.en.md", "First", date="2026-01-11T09:00:00+01:00",
          extra="Translation: true\nTranslation-Of: cle\n", body="Some text.")
    write(content, "2026/a-second.en.md", "Second", date="2026-01-12T09:00:00+01:00",
          extra="Translation: true\nTranslation-Of: cle\n", body="Other text.")
    return content, build(tmp / "output", PATH=str(content))


@pytest.fixture(scope="module")
def lint_lines(cases):
    content, _ = cases

    result = subprocess.run([str(ROOT / ".venv/bin/newsroom"), "lint", "-s", "pelicanconf.py",
                             "--content", str(content)], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout.splitlines()


def about(lines, content, rel):
    shown = os.path.relpath(content / rel, ROOT)
    return [line for line in lines if line.startswith(shown + ":")]


def build_errors(site, content, rel):
    return about(site.errors(), content, rel)


def test_hidden_on_either_side_of_a_translation_pair_is_published(cases, lint_lines):
    content, site = cases
    for rel in ("2026/cache-trad.fr.md", "2026/cache-trad.en.md", "2026/cache-orig.fr.md",
                "2026/cache-orig.en.md"):
        assert about(lint_lines, content, rel) == []
        assert build_errors(site, content, rel) == []
    for slug in ("cache-trad", "cache-orig"):
        fr, en = f"2026/01/{slug}/index.html", f"en/2026/01/{slug}/index.html"
        alternates = {link["hreflang"]: link["href"] for link in
                      site.soup(fr).find_all("link", rel="alternate", hreflang=True)}
        assert alternates.get("en") == f"/en/2026/01/{slug}/", alternates
        back = {link["hreflang"]: link["href"] for link in
                site.soup(en).find_all("link", rel="alternate", hreflang=True)}
        assert back.get("fr") == f"/2026/01/{slug}/", back


@pytest.mark.parametrize("rel, depth", [("2026/profond.fr.md", 101),
                                        ("2026/tres-profond.fr.md", 101)])
def test_deep_nesting_gets_the_same_error_from_lint_and_build(cases, lint_lines, rel, depth):
    content, site = cases
    linted = about(lint_lines, content, rel)
    assert len(linted) == 1, lint_lines
    assert f"lists and quotes are nested {depth} levels deep here, more than 100" in linted[0]
    line = 7 + depth  # 4 lines of metadata, a blank, "Une liste.", a blank
    assert linted[0].startswith(os.path.relpath(content / rel, ROOT) + f":{line}: ")
    assert build_errors(site, content, rel) == linted
    # A preview still shows what Markdown could convert (the strict build fails on it).
    built = (site.output / f"2026/01/{rel.split('/')[-1].split('.')[0]}/index.html").exists()
    assert built == (rel == "2026/profond.fr.md")


def test_a_clashing_key_keeps_the_established_translation(cases, lint_lines):
    content, site = cases
    newcomer = about(lint_lines, content, "2024/arrivee.en.md")
    assert len(newcomer) == 1, lint_lines
    assert re.search(r"arrivee\.en\.md:6: \S*2026/etabli\.en\.md is already the 'en' version "
                     r"of 'etabli'", newcomer[0]), newcomer
    assert about(lint_lines, content, "2026/etabli.en.md") == []
    assert build_errors(site, content, "2024/arrivee.en.md") == newcomer
    assert build_errors(site, content, "2026/etabli.en.md") == []
    page = site.soup("en/2026/01/etabli/index.html")
    assert page.find("h1").get_text(strip=True) == "Established"
    assert not (site.output / "en/2026/02/arrivee/index.html").exists()
    # Neither file is named after the key: the earlier Date stays.
    second = about(lint_lines, content, "2026/a-second.en.md")
    assert len(second) == 1 and "b-premier.en.md is already the 'en' version of 'cle'" in second[0]
    assert about(lint_lines, content, "2026/b-premier.en.md") == []
    assert build_errors(site, content, "2026/a-second.en.md") == second
    assert build_errors(site, content, "2026/b-premier.en.md") == []


def test_a_publish_build_knows_the_drafts_it_skips(tmp_path):
    """A publish build never reads drafts (``Status: skip``), yet a published
    translation of one gets lint's message, not "no original … exists"."""
    content = content_copy(tmp_path)
    write(content, "2026/brouillon.fr.md", "Brouillon", extra="Status: draft\n")
    write(content, "2026/brouillon.en.md", "Draft", extra="Translation: true\n",
          body="Some text.")
    linted = subprocess.run([str(ROOT / ".venv/bin/newsroom"), "lint", "-s", "pelicanconf.py",
                             "--content", str(content)], cwd=ROOT, capture_output=True,
                            text=True, timeout=600).stdout.splitlines()
    expected = about(linted, content, "2026/brouillon.en.md")
    assert len(expected) == 1 and "is not published (draft)" in expected[0], linted
    result = run_pelican(str(content), "-o", str(tmp_path / "out"), "-s", "publishconf.py")
    log = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in log
    assert expected[0] in " ".join(log.split()), log  # the console may wrap long lines
