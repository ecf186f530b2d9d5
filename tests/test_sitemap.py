"""Sitemaps: every page at its absolute URL with reciprocal hreflang; Google News sitemap."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest

from .conftest import build

SITEURL = "https://news.example.org"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("sitemap") / "output", conf="publishconf.py",
                 SITEURL=SITEURL, NEWS_SITEMAP_NOW="2024-11-28T12:00:00+01:00")


def urls(path):
    """{loc: {hreflang: href}} of a urlset file."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SM}urlset"
    result = {}
    for url in root.findall(f"{SM}url"):
        links = url.findall(f"{XHTML}link")
        for link in links:
            assert set(link.attrib) == {"rel", "hreflang", "href"}  # href=, never ref=
        result[url.find(f"{SM}loc").text] = {l.get("hreflang"): l.get("href") for l in links}
    return result


def local_file(site, loc):
    assert loc.startswith(SITEURL + "/") and "/../" not in loc and "/./" not in loc
    rel = loc[len(SITEURL) + 1:]
    path = site.output / rel
    return path / "index.html" if rel.endswith("/") or rel == "" else path


def test_index_points_to_one_sitemap_per_language(site):
    root = ET.parse(site.output / "sitemap.xml").getroot()
    assert root.tag == f"{SM}sitemapindex"
    locs = [s.find(f"{SM}loc").text for s in root]
    assert locs == [f"{SITEURL}/sitemap-fr.xml", f"{SITEURL}/sitemap-en.xml",
                    f"{SITEURL}/sitemap-es.xml"]


def test_every_page_listed_once_and_exists(site):
    listed = {}
    for lang in ("fr", "en", "es"):
        listed.update(urls(site.output / f"sitemap-{lang}.xml"))
    for loc in listed:
        assert local_file(site, loc).is_file(), loc
    html = {p.relative_to(site.output).as_posix() for p in site.output.rglob("*.html")}
    expected = {h for h in html if not h.endswith("404.html")
                and not h.removeprefix("en/").removeprefix("es/").startswith(
                    ("newsletter/", "search/"))}
    got = {local_file(site, loc).relative_to(site.output).as_posix() for loc in listed}
    assert got == expected


def test_alternates_are_absolute_and_reciprocal(site):
    listed = {}
    for lang in ("fr", "en", "es"):
        listed.update(urls(site.output / f"sitemap-{lang}.xml"))
    sora_fr, sora_en = f"{SITEURL}/2024/11/sora-fuite/", f"{SITEURL}/en/2024/11/sora-fuite/"
    assert listed[sora_fr] == {"fr": sora_fr, "en": sora_en, "x-default": sora_fr}
    assert listed[sora_en] == listed[sora_fr]
    assert listed[f"{SITEURL}/category/ia/"]["en"] == f"{SITEURL}/en/category/ai/"
    for loc, alternates in listed.items():
        for code, href in alternates.items():
            if code != "x-default":
                assert listed[href].get(code) == href and loc in listed[href].values(), (loc, code)


def test_news_sitemap_lists_the_last_two_days(site):
    root = ET.parse(site.output / "news-sitemap.xml").getroot()
    entries = root.findall(f"{SM}url")
    locs = [u.find(f"{SM}loc").text for u in entries]
    assert sorted(locs) == [f"{SITEURL}/2024/11/sora-fuite/", f"{SITEURL}/en/2024/11/sora-fuite/"]
    news = entries[0].find(f"{NEWS}news")
    assert news.find(f"{NEWS}publication/{NEWS}name").text == "Le Fil Tech"
    lang = news.find(f"{NEWS}publication/{NEWS}language").text
    date = datetime.datetime.fromisoformat(news.find(f"{NEWS}publication_date").text)
    assert date.utcoffset() == datetime.timedelta(hours=1)
    title = news.find(f"{NEWS}title").text
    assert (lang, title) in {("fr", "Des artistes font fuiter Sora pour dénoncer OpenAI"),
                             ("en", "Artists leak Sora to protest against OpenAI")}


def test_news_sitemap_window_and_limit(tmp_path):
    site = build(tmp_path / "out", conf="publishconf.py", SITEURL=SITEURL,
                 NEWS_SITEMAP_NOW="2026-11-24T12:00:00+01:00", SITEMAP={"news_max": 1})
    assert ET.parse(site.output / "news-sitemap.xml").getroot().findall(f"{SM}url") == []
    site = build(tmp_path / "out2", conf="publishconf.py", SITEURL=SITEURL,
                 NEWS_SITEMAP_NOW="2024-11-28T12:00:00+01:00", SITEMAP={"news_max": 1})
    assert len(ET.parse(site.output / "news-sitemap.xml").getroot().findall(f"{SM}url")) == 1


def test_robots_txt_points_to_sitemaps(site):
    robots = (site.output / "robots.txt").read_text()
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots.splitlines()
    assert f"Sitemap: {SITEURL}/news-sitemap.xml" in robots.splitlines()
