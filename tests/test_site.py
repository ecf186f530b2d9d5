"""The sample site, built with the real Pelican: structure, languages, links."""

from __future__ import annotations

import os

import re
from pathlib import Path

from babel.dates import format_date

from newsroom.sitecheck import BuiltSite, check_hreflang, check_links, hreflang_map

from .conftest import ROOT, build

CONTENT = ROOT / "content"


def sources(lang):
    return sorted(p for p in CONTENT.rglob(f"*.{lang}.md") if "pages" not in p.parts)


def article_url(path: Path) -> str:
    """Expected URL of an article source, from its Date line and file name."""
    text = path.read_text(encoding="utf-8")
    year, month = re.search(r"^Date:\s*(\d{4})-(\d{2})", text, re.M).groups()
    slug, lang = path.name[: -len(".md")].rsplit(".", 1)
    prefix = "" if lang == "fr" else f"{lang}/"
    return f"{prefix}{year}/{month}/{slug}/"


def test_every_article_is_at_its_clean_url_in_its_language(sample_site):
    for lang in ("fr", "en"):
        for src in sources(lang):
            url = article_url(src)
            soup = sample_site.soup(url)
            assert soup.html["lang"] == lang, url
            title = re.search(r"^Title:\s*(.+)$", src.read_text(encoding="utf-8"), re.M).group(1)
            # typography turns spaces into no-break ones, apostrophes into ’
            def plain(text):
                text = text.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'")
                return " ".join(text.split())
            assert plain(soup.h1.get_text()) == plain(title)


def test_listing_pages_exist_per_language(sample_site):
    for prefix in ("", "en/"):
        for page in ("", "archives/", "categories/", "tags/", "authors/"):
            assert (sample_site.output / prefix / page / "index.html").is_file(), prefix + page
        assert (sample_site.output / prefix / "404.html").is_file()
    assert not (sample_site.output / "fr").exists(), "the default language lives at /"


def test_lang_and_dir_on_every_page(sample_site):
    for path in sample_site.html_files():
        rel = path.relative_to(sample_site.output).as_posix()
        soup = sample_site.soup(rel)
        first = rel.split("/", 1)[0]
        expected = first if first in ("en", "es") else "fr"
        assert soup.html["lang"] == expected, rel
        assert soup.html["dir"] == "ltr", rel


def test_listings_hold_only_their_language(sample_site):
    site = BuiltSite(sample_site.output)
    for rel in site.pages():
        if rel.startswith(("tag/", "category/", "author/", "archives/", "en/tag/", "en/category/",
                           "en/author/", "en/archives/")) or rel in ("index.html", "en/index.html"):
            lang = site.soup(rel).html["lang"]
            links = [a["href"] for a in site.soup(rel).select("main a[href]")]
            articles = [h for h in links if re.search(r"/\d{4}/\d{2}/[^/]+/$", h)]
            assert articles, rel
            for href in articles:
                assert href.startswith("/en/") == (lang == "en"), (rel, href)


def test_home_lists_every_article_of_its_language(sample_site):
    for lang, home in (("fr", ""), ("en", "en/")):
        soup = sample_site.soup(home)
        listed = {a["href"].strip("/") + "/" for a in soup.select("article.summary h2 a")}
        expected = {article_url(p) for p in sources(lang)}
        assert listed == expected


def test_hreflang_reciprocal_on_every_page(sample_site):
    site = BuiltSite(sample_site.output)
    assert check_hreflang(site) == []
    # and the article pairs really are linked both ways, with x-default the French one
    fr = hreflang_map(site, "2024/11/sora-fuite/index.html")
    assert fr == {"fr": "2024/11/sora-fuite/index.html", "en": "en/2024/11/sora-fuite/index.html",
                  "x-default": "2024/11/sora-fuite/index.html"}
    assert hreflang_map(site, "en/2024/11/sora-fuite/index.html") == fr


def test_translated_categories_are_alternates(sample_site):
    site = BuiltSite(sample_site.output)
    assert hreflang_map(site, "category/ia/index.html")["en"] == "en/category/ai/index.html"
    assert hreflang_map(site, "en/category/ai/index.html")["fr"] == "category/ia/index.html"
    assert hreflang_map(site, "tag/vie-privee/index.html")["en"] == "en/tag/privacy/index.html"
    # a French-only category has no English alternate
    assert set(hreflang_map(site, "category/logiciel-libre/index.html")) == {"fr", "x-default"}


def test_language_switcher(sample_site):
    site = BuiltSite(sample_site.output)
    for rel in site.pages():
        links = site.soup(rel).select("nav.lang-switcher a")
        assert [a.get_text() for a in links] == ["Français", "English", "Español"], rel
        for a in links:
            assert site.exists(site.resolve(rel, a["href"])), (rel, a["href"])
    # translated article → its translation; untranslated one → the other language's home
    soup = site.soup("2024/11/sora-fuite/index.html")
    assert soup.select_one('nav.lang-switcher a[hreflang="en"]')["href"] == "/en/2024/11/sora-fuite/"
    soup = site.soup("2025/11/python-sans-gil/index.html")
    assert soup.select_one('nav.lang-switcher a[hreflang="en"]')["href"] == "/en/"


def test_every_internal_link_and_asset_resolves(sample_site):
    assert check_links(BuiltSite(sample_site.output)) == []


def test_static_files_are_written_once(sample_site):
    css = sorted(p.relative_to(sample_site.output).as_posix() for p in sample_site.output.rglob("*.css"))
    assert all(path.startswith(("theme/css/", "pagefind/")) for path in css), css
    href = sample_site.soup("en/2024/11/sora-fuite/").select_one('link[rel="stylesheet"]')["href"]
    assert href == sample_site.soup("").select_one('link[rel="stylesheet"]')["href"]
    # main.css, then the brand's part (plugins/brand): one stylesheet
    assert re.fullmatch(r"/theme/css/site\.[0-9a-f]{10}\.css", href)
    assert (sample_site.output / href.lstrip("/")).read_bytes().startswith(
        (ROOT / "theme/static/css/main.css").read_bytes())


def test_dates_in_the_page_language(sample_site):
    for url, lang, text in (("2024/11/sora-fuite/", "fr", "27 novembre 2024"),
                            ("en/2024/11/sora-fuite/", "en", "November 27, 2024")):
        time = sample_site.soup(url).select_one("article.article .meta time.published")
        assert time.get_text() == text
        assert time["datetime"] == "2024-11-27T09:30:00+01:00"
    # summer time offset comes from TIMEZONE/Date, shown in French on French listings
    for time in sample_site.soup("").select("article.summary .meta time.published"):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", time["datetime"])
        from datetime import datetime
        when = datetime.fromisoformat(time["datetime"])
        assert time.get_text() == format_date(when, "long", locale="fr")


def test_ui_strings_in_the_page_language(sample_site):
    fr = sample_site.soup("category/ia/")
    en = sample_site.soup("en/category/ai/")
    assert fr.select_one(".skip-link").get_text() == "Aller au contenu"
    assert en.select_one(".skip-link").get_text() == "Skip to content"
    assert fr.h1.get_text() == "Catégorie\u00a0: IA"  # the catalog string, typeset
    assert en.h1.get_text() == "Category: AI"
    # plural forms through ngettext
    assert fr.select_one("p.count").get_text() == "3 articles"
    # no English article in "Open source": no empty English category page
    assert not (sample_site.output / "en/category/open-source").exists()
    counts = [li.select_one(".count").get_text() for li in sample_site.soup("tags/").select("ul.terms li")]
    assert "1 article" in counts and any(c.endswith("articles") for c in counts)


def test_pages_menu_in_each_language(sample_site):
    fr = [a.get_text() for a in sample_site.soup("").select(".footer-links a")]
    en = [a.get_text() for a in sample_site.soup("en/").select(".footer-links a")]
    assert "À propos" in fr and "Confidentialité" in fr and "About" not in fr
    assert "About" in en and "Privacy" in en and "À propos" not in en


def test_each_source_is_read_once(tmp_path, monkeypatch):
    # Every opening of a source is logged: once per build (the content model, the
    # content rules and the translation status use what the build read). Reading in
    # worker processes is checked in test_pipeline.py.
    import builtins

    opened = []
    original = builtins.open

    def counting_open(file, *args, **kwargs):
        if str(file).endswith(".md"):
            opened.append(os.path.abspath(str(file)))
        return original(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    build(tmp_path / "out", PIPELINE={"workers": 0})  # in this process, where the patch is
    md_files = sorted(str(p) for p in CONTENT.rglob("*.md"))
    assert sorted(opened) == md_files


def test_pagination_per_language(tmp_path):
    site = build(tmp_path / "out", DEFAULT_PAGINATION=3)
    out = site.output
    fr_pages = sorted(p.parent.name for p in out.glob("page/*/index.html"))
    en_pages = sorted(p.parent.name for p in out.glob("en/page/*/index.html"))
    assert fr_pages == ["2", "3"] and en_pages == ["2", "3"]
    second = site.soup("en/page/2/")
    assert second.html["lang"] == "en"
    assert second.select_one('a[rel="prev"]')["href"] == "/en/"
    assert second.select_one('a[rel="next"]')["href"] == "/en/page/3/"
    hreflangs = {link["hreflang"]: link["href"] for link in second.select('link[hreflang]')}
    assert hreflangs == {"en": "/en/page/2/"}
    fr = BuiltSite(out)
    assert check_links(fr) == [] and check_hreflang(fr) == []
    listed = [a["href"] for p in ("", "page/2/", "page/3/") for a in site.soup(p).select("article.summary h2 a")]
    assert len(listed) == len(set(listed)) == len(sources("fr"))
