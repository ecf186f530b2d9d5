"""Drafts and scheduled articles: out of publish builds, in preview builds with a banner."""

from __future__ import annotations

import shutil

import pytest

from .conftest import FIXTURES, ROOT, build

SITEURL = "https://news.example.org"
NOW = "2026-11-24T12:00:00+01:00"  # before programme.*.md (2026-12-01 09:00)
LATER = "2026-12-01T09:30:00+01:00"  # just after it
SLUGS = ("brouillon", "programme")
TITLES = ("Un brouillon en cours", "A draft in progress", "Un article programmé",
          "A scheduled article")


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    root = tmp_path_factory.mktemp("schedule") / "content"
    shutil.copytree(ROOT / "content", root)
    shutil.copytree(FIXTURES / "editor" / "schedule", root, dirs_exist_ok=True)
    return root


def editorial(preview, now):
    from pelicanconf import EDITORIAL

    return {**EDITORIAL, "preview": preview, "now": now}


@pytest.fixture(scope="module")
def published(content, tmp_path_factory):
    return build(tmp_path_factory.mktemp("publish") / "output", conf="publishconf.py",
                 PATH=str(content), SITEURL=SITEURL, EDITORIAL=editorial(False, NOW),
                 NEWS_SITEMAP_NOW=NOW)


@pytest.fixture(scope="module")
def preview(content, tmp_path_factory):
    return build(tmp_path_factory.mktemp("preview") / "output", PATH=str(content),
                 EDITORIAL=editorial(True, NOW))


def all_text(site, patterns=("**/*.html", "**/*.xml", "**/*.json")):
    return {str(p.relative_to(site.output)): p.read_text(errors="replace")
            for pattern in patterns for p in site.output.glob(pattern)}


def test_publish_build_leaves_drafts_and_scheduled_out(published):
    assert published.errors() == [], published.errors()
    written = all_text(published)
    for slug in SLUGS:
        assert not [name for name in written if slug in name]
    for name, text in written.items():
        for title in TITLES:
            assert title not in text, f"{title!r} in {name}"
    assert not (published.output / "drafts").exists()
    assert not (published.output / "en" / "drafts").exists()


def test_and_so_out_of_feeds_sitemaps_and_search(published):
    for feed in ("feeds/all.atom.xml", "en/feeds/all.atom.xml", "feeds/ia.atom.xml",
                 "en/feeds/ai.atom.xml", "sitemap-fr.xml", "sitemap-en.xml", "news-sitemap.xml"):
        text = (published.output / feed).read_text()
        assert "/brouillon/" not in text and "/programme/" not in text, feed
        assert not [title for title in TITLES if title in text], feed
    # Pagefind indexes only pages that were written: none of them
    indexed = [p for p in published.output.rglob("*.html") if "data-pagefind-body" in p.read_text()]
    assert indexed and not [p for p in indexed if any(f"/{s}/" in str(p) for s in SLUGS)]


def test_preview_shows_a_draft_with_a_banner_in_each_language(preview):
    fr = preview.soup("drafts/brouillon/")
    en = preview.soup("en/drafts/brouillon/")
    assert fr.html["lang"] == "fr" and en.html["lang"] == "en"
    banner = fr.select_one("main .editorial-banner")
    assert banner.strong.get_text() == "Brouillon"
    assert "Status: draft" in banner.get_text()
    assert en.select_one("main .editorial-banner").strong.get_text() == "Draft"
    # the two drafts are each other's translation: reciprocal hreflang and switcher
    assert {l["hreflang"]: l["href"] for l in fr.select("link[hreflang]")} == {
        "fr": "/drafts/brouillon/", "en": "/en/drafts/brouillon/", "x-default": "/drafts/brouillon/"}
    assert {l["hreflang"]: l["href"] for l in en.select("link[hreflang]")} == {
        "fr": "/drafts/brouillon/", "en": "/en/drafts/brouillon/", "x-default": "/drafts/brouillon/"}
    # (Spanish, with no version of it, links to its home page)
    assert [a["href"] for a in en.select(".lang-switcher a")] == ["/drafts/brouillon/",
                                                                  "/en/drafts/brouillon/", "/es/"]


def test_preview_shows_a_scheduled_article_with_its_date(preview):
    fr = preview.soup("drafts/programme/")
    en = preview.soup("en/drafts/programme/")
    assert fr.h1.get_text() == "Un article programmé"
    assert fr.select_one(".editorial-banner strong").get_text() == \
        "Programmé pour le 1 décembre 2026, 09:00"
    text = en.select_one(".editorial-banner strong").get_text().replace("\u202f", " ")
    assert text == "Scheduled for December 1, 2026, 9:00 AM"


def test_preview_does_not_list_them_on_home_pages(preview):
    for home in ("", "en/"):
        links = [a["href"] for a in preview.soup(home).select("main a[href]")]
        assert not [href for href in links if "brouillon" in href or "programme" in href], home


def test_published_pages_have_no_banner(published, preview):
    assert published.soup("2024/11/sora-fuite/").select_one(".editorial-banner") is None
    assert preview.soup("en/2024/11/sora-fuite/").select_one(".editorial-banner") is None


def test_status_page_lists_drafts_and_scheduled(preview):
    soup = preview.soup("translation-status/")
    section = soup.find("h2", string="Brouillons et articles programmés").find_next("ul")
    links = {a["href"]: a.parent.get_text(" ", strip=True) for a in section.select("a")}
    assert "Brouillon" in links["/drafts/brouillon/"]
    assert "Programmé pour le 1 décembre 2026" in links["/en/drafts/programme/"]


def test_scheduled_article_appears_by_itself_after_its_date(content, tmp_path):
    site = build(tmp_path / "out", conf="publishconf.py", PATH=str(content), SITEURL=SITEURL,
                 EDITORIAL=editorial(False, LATER), NEWS_SITEMAP_NOW=LATER)
    assert site.errors() == [], site.errors()
    fr = site.soup("2026/12/programme/")
    assert fr.h1.get_text() == "Un article programmé" and fr.select_one(".editorial-banner") is None
    assert site.soup("en/2026/12/programme/").h1.get_text() == "A scheduled article"
    assert "2026/12/programme/" in (site.output / "feeds/all.atom.xml").read_text()
    assert "en/2026/12/programme/" in (site.output / "news-sitemap.xml").read_text()
    assert not (site.output / "drafts").exists()  # the draft still waits


def test_a_draft_translation_of_a_published_original(content, tmp_path):
    """Built in preview, linked to the original by the banner; left out of publish builds."""
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    (copy / "2025" / "python-sans-gil.en.md").write_text(
        "Title: Python without the GIL\nDate: 2025-11-05T08:45:00+01:00\nCategory: Open source\n"
        "Summary: A draft translation.\nTranslation: true\nStatus: draft\n\nText.\n")
    site = build(tmp_path / "preview", PATH=str(copy), EDITORIAL=editorial(True, NOW))
    assert not [e for e in site.errors() if "python-sans-gil" in e], site.errors()
    page = site.soup("en/drafts/python-sans-gil/")
    assert page.select_one(".editorial-banner strong").get_text() == "Draft"
    assert page.select_one(".editorial-outdated a")["href"] == "/2025/11/python-sans-gil/"
    # the published original does not point at the draft
    original = site.soup("2025/11/python-sans-gil/")
    assert not [l for l in original.select("link[hreflang]") if "drafts" in l["href"]]
    site = build(tmp_path / "publish", conf="publishconf.py", PATH=str(copy), SITEURL=SITEURL,
                 EDITORIAL=editorial(False, NOW))
    assert site.errors() == [] and not (site.output / "en" / "drafts").exists()


def test_a_published_translation_of_a_draft_is_an_error(content, tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    path = copy / "2026" / "brouillon.en.md"
    path.write_text(path.read_text().replace("Status: draft\n", ""))
    site = build(tmp_path / "preview", PATH=str(copy), EDITORIAL=editorial(True, NOW))
    assert any("brouillon.en.md:7: marked 'Translation: true' but its original" in e
               and "brouillon.fr.md is not published (draft)" in e for e in site.errors()), \
        site.errors()


def test_bad_now_setting_names_the_setting(tmp_path):
    with pytest.raises(Exception, match=r"EDITORIAL\['now'\]"):
        build(tmp_path / "out", EDITORIAL={"now": "demain"})
