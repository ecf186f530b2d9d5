"""'Updated' and correction notices: article pages, JSON-LD, sitemaps, feeds, corrections pages, lint."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET

import pytest

from newsroom.cli import main

from .conftest import FIXTURES, ROOT, build, languages

SITEURL = "https://news.example.org"
N, S = "\u202f", "\u00a0"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FIXTURE = dict(
    PATH=str(FIXTURES / "notices"), ARTICLE_PATHS=["articles"], PAGE_PATHS=["pages"],
    **languages("fr", "en", "de"), SITEURL=SITEURL, STRICT=False,
    EDITORIAL={"preview": False, "categories": None, "now": "2026-11-20T09:00:00+01:00"},
    SEARCH={"enabled": False},
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A publish build (feeds, absolute URLs) of the notices fixture, in fr, en and de."""
    return build(tmp_path_factory.mktemp("notices") / "output", conf="publishconf.py", **FIXTURE)


def json_ld(soup):
    return json.loads(soup.find("script", type="application/ld+json").string)


@pytest.mark.parametrize("path, text", [
    ("2026/11/chiffres/", "Mis à jour le 12 novembre 2026 à 16:45"),
    ("en/2026/11/chiffres/", f"Updated November 12, 2026, 4:45{N}PM"),
    ("de/2026/11/chiffres/", "Aktualisiert am 12. November 2026 um 16:45"),
])
def test_updated_notice(site, path, text):
    notice = site.soup(path).select_one("article.article .updated")
    assert notice.get_text() == text
    assert notice.time["datetime"] == "2026-11-12T16:45:00+01:00"


def test_no_updated_notice_when_modified_is_not_later(site):
    for path in ("2026/11/stable/", "2026/11/recent/"):
        assert site.soup(path).select_one(".updated") is None


def test_modified_date_everywhere(site):
    soup = site.soup("en/2026/11/chiffres/")
    assert json_ld(soup)["dateModified"] == "2026-11-12T16:45:00+01:00"
    assert json_ld(soup)["datePublished"] == "2026-11-10T09:00:00+01:00"
    assert soup.find("meta", property="article:modified_time")["content"] == "2026-11-12T16:45:00+01:00"
    for lang, prefix in (("fr", ""), ("en", "en/"), ("de", "de/")):
        urls = ET.parse(site.output / f"sitemap-{lang}.xml").getroot()
        lastmod = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
                   for u in urls.iter(f"{SITEMAP}url")}
        assert lastmod[f"{SITEURL}/{prefix}2026/11/chiffres/"] == "2026-11-12T16:45:00+01:00"
        feed = ET.parse(site.output / prefix / "feeds/all.atom.xml").getroot()
        entry = next(e for e in feed.iter(f"{ATOM}entry")
                     if e.find(f"{ATOM}link").get("href") == f"{SITEURL}/{prefix}2026/11/chiffres/")
        assert entry.findtext(f"{ATOM}published") == "2026-11-10T09:00:00+01:00"
        assert entry.findtext(f"{ATOM}updated") == "2026-11-12T16:45:00+01:00"
    stable = ET.parse(site.output / "feeds/all.atom.xml").getroot()
    entry = next(e for e in stable.iter(f"{ATOM}entry")
                 if e.find(f"{ATOM}link").get("href").endswith("/2026/11/stable/"))
    assert entry.findtext(f"{ATOM}updated") == "2026-11-09T08:00:00+01:00"


def test_correction_notes_on_the_article(site):
    fr = site.soup("2026/11/chiffres/").select_one("aside.corrections")
    assert fr.h2.get_text() == "Corrections"
    items = fr.select("li")
    assert items[0].get_text() == f"Corrigé le 12 novembre 2026{S}: Le chiffre était 40 %, pas 14 %."
    assert items[0].time["datetime"] == "2026-11-12"
    # typography of the article's language on the correction text too
    assert items[1].get_text() == (f"Corrigé{S}: Le nom du laboratoire était mal orthographié{S}: "
                                   f"c’est «{N}Exa-Lab{N}».")
    assert items[1].time is None
    en = site.soup("en/2026/11/chiffres/").select_one("aside.corrections")
    assert en.h2.get_text() == "Correction"
    assert en.li.get_text() == ("Corrected on November 12, 2026: The figure was 40%, not 14%; "
                                "the lab’s name is “Exa-Lab”.")
    assert en.li.time["datetime"] == "2026-11-12T16:45:00+01:00"
    de = site.soup("de/2026/11/chiffres/").select_one("aside.corrections")
    assert de.li.get_text() == "Korrigiert am 12. November 2026: Die Zahl war 40 %, nicht 14 %."
    assert site.soup("2026/11/stable/").select_one("aside.corrections") is None


def test_corrections_in_json_ld(site):
    data = json_ld(site.soup("2026/11/chiffres/"))
    assert data["correction"] == [
        {"@type": "CorrectionComment", "text": "Le chiffre était 40 %, pas 14 %.",
         "datePublished": "2026-11-12"},
        {"@type": "CorrectionComment",
         "text": f"Le nom du laboratoire était mal orthographié{S}: c’est «{N}Exa-Lab{N}»."},
    ]
    assert "correction" not in json_ld(site.soup("2026/11/stable/"))


def test_corrections_pages(site):
    fr = site.soup("corrections/")
    assert fr.html["lang"] == "fr"
    titles = [h.get_text() for h in fr.select("ul.corrected > li > h2")]
    # most recently corrected first
    assert titles == ["Une correction plus récente", "Les chiffres de l’exascale"]
    assert fr.select_one("ul.corrected a")["href"] == f"{SITEURL}/2026/11/recent/"
    en = site.soup("en/corrections/")
    assert [h.get_text() for h in en.select("ul.corrected > li > h2")] == ["The exascale figures"]
    assert en.h1.get_text() == "Corrections"
    de = site.soup("de/corrections/")
    assert de.h1.get_text() == "Korrekturen"
    hreflangs = {link["hreflang"]: link["href"] for link in en.find_all("link", rel="alternate")
                 if link.get("hreflang")}
    assert hreflangs["fr"] == f"{SITEURL}/corrections/" and hreflangs["de"] == f"{SITEURL}/de/corrections/"
    # linked from every page's footer, in the page's language
    for path, url, label in (("2026/11/stable/", "corrections/", "Corrections"),
                             ("en/", "en/corrections/", "Corrections"),
                             ("de/", "de/corrections/", "Korrekturen")):
        link = site.soup(path).select_one(f'.site-footer a[href="{SITEURL}/{url}"]')
        assert link is not None and link.get_text() == label
    urls = ET.parse(site.output / "sitemap-en.xml").getroot()
    assert f"{SITEURL}/en/corrections/" in {u.findtext(f"{SITEMAP}loc") for u in urls.iter(f"{SITEMAP}url")}


def test_no_corrections_yet(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "notices", content)
    for path in content.rglob("*.md"):
        path.write_text("\n".join(line for line in path.read_text().split("\n")
                                  if not line.startswith("Correction:")))
    site = build(tmp_path / "out", **{**FIXTURE, "PATH": str(content)})
    soup = site.soup("corrections/")
    assert soup.select("ul.corrected") == []
    assert "Aucune correction pour l’instant." in soup.get_text()


BAD = """Title: Erreurs de correction
Date: 2026-11-10T09:00:00+01:00
Modified: 2026-11-09T09:00:00+01:00
Category: IA
Correction: 2026-02-30: Une date qui n'existe pas.
Correction:
Correction: 2026-11-12:
Correction: Une correction valable.

Texte.
"""


def test_lint_and_build_report_bad_corrections(tmp_path, capsys, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "notices", content)
    bad = content / "articles" / "erreurs.fr.md"
    bad.write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(ROOT)
    code = main(["lint", "--content", str(content)])
    out = capsys.readouterr().out
    prefix = os.path.relpath(bad, ROOT)
    expected = [
        f"{prefix}:5: invalid date '2026-02-30' in Correction",
        f"{prefix}:6: Correction is empty",
        f"{prefix}:7: Correction of 2026-11-12 has no text",
        f"{prefix}:3: Modified '2026-11-09T09:00:00+01:00' is before Date",
    ]
    assert code == 1
    for line in expected:
        assert line in out, out
    assert "given twice" not in out  # Correction: may be repeated
    assert ":8:" not in out
    # the build logs the same lines, and still shows the valid correction
    site = build(tmp_path / "out", **{**FIXTURE, "PATH": str(content), "ARTICLE_PATHS": ["articles"]})
    logged = site.errors() + site.warnings()
    for line in expected:
        assert any(e.startswith(line) for e in logged), logged
    assert site.soup("2026/11/erreurs/").select_one(".updated") is None
    notes = site.soup("2026/11/erreurs/").select("aside.corrections li")
    assert [li.get_text() for li in notes] == [f"Corrigé{S}: Une correction valable."]


def test_sample_site_corrected_article(sample_site):
    soup = sample_site.soup("2025/04/rgpd-minimisation/")
    assert soup.select_one(".updated").get_text() == "Mis à jour le 10 avril 2025 à 14:30"
    note = soup.select_one("aside.corrections li").get_text()
    assert note == (f"Corrigé le 10 avril 2025{S}: Une version précédente situait ce principe à "
                    f"l’article 6 du RGPD{N}; il figure à l’article 5.")
    listed = [a["href"] for a in sample_site.soup("corrections/").select("ul.corrected h2 a")]
    assert listed == ["/2025/04/rgpd-minimisation/"]
    en = [a["href"] for a in sample_site.soup("en/corrections/").select("ul.corrected h2 a")]
    assert en == ["/en/2025/04/rgpd-minimisation/"]
