"""Per-language Atom feeds with absolute URLs in publish builds."""

from __future__ import annotations

import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"
SITEURL = "https://news.example.org"


def entries(path):
    root = ET.parse(path).getroot()
    return root, [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]


def test_one_feed_per_language_with_only_its_articles(published_site):
    out = published_site.output
    fr_root, fr = entries(out / "feeds/all.atom.xml")
    en_root, en = entries(out / "en/feeds/all.atom.xml")
    assert fr_root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert en_root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert fr and en
    assert all(u.startswith(SITEURL + "/") and not u.startswith(SITEURL + "/en/") for u in fr)
    assert all(u.startswith(SITEURL + "/en/") for u in en)
    assert fr_root.find(f"{ATOM}id").text != en_root.find(f"{ATOM}id").text


def test_category_feeds_per_language(published_site):
    out = published_site.output
    _, ia = entries(out / "feeds/ia.atom.xml")
    _, ai = entries(out / "en/feeds/ai.atom.xml")
    assert len(ia) == 3 and len(ai) == 3
    assert "https://news.example.org/2024/11/sora-fuite/" in ia
    assert "https://news.example.org/en/2024/11/sora-fuite/" in ai


def test_publish_build_uses_absolute_urls(published_site):
    soup = published_site.soup("en/2024/11/sora-fuite/")
    for link in soup.select('link[rel="alternate"][hreflang]'):
        assert link["href"].startswith(SITEURL + "/")
    feed = soup.select_one('link[type="application/atom+xml"]')
    assert feed["href"] == SITEURL + "/en/feeds/all.atom.xml"
