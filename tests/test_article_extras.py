"""Around the article: prev/next and related in the same language, anchors, images, links."""

from __future__ import annotations

import re

import pytest


from .conftest import FIXTURES, build

EXTRAS = FIXTURES / "extras"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("extras") / "output", PATH=str(EXTRAS),
                 ARTICLE_PATHS=["articles"], STATIC_PATHS=["images"],
                 SITEURL="https://news.example.org")


def hrefs(soup, selector):
    return [a["href"] for a in soup.select(selector)]


def test_previous_and_next_stay_in_the_language(site):
    soup = site.soup("2026/11/two/")
    assert hrefs(soup, 'nav.prev-next a[rel="prev"]') == ["https://news.example.org/2026/11/one/"]
    assert hrefs(soup, 'nav.prev-next a[rel="next"]') == ["https://news.example.org/2026/11/three/"]
    first = site.soup("2026/11/one/")
    assert hrefs(first, 'nav.prev-next a[rel="prev"]') == []
    # the English translation is alone in its language: no neighbours at all
    assert site.soup("en/2026/11/one/").select_one("nav.prev-next") is None
    assert site.soup("2026/11/two/").select_one("nav.prev-next").get("aria-label") == "Autres articles"


def test_related_by_shared_tags_then_category_then_recency(site):
    soup = site.soup("2026/11/one/")
    related = hrefs(soup, "section.related a")
    # two shares alpha+beta but is the next article (linked below): left out;
    # three and four share one tag each, four is newer; five (same category, no
    # shared tag) fills the third place
    assert related == ["https://news.example.org/2026/11/four/",
                       "https://news.example.org/2026/11/three/",
                       "https://news.example.org/2026/11/five/"]
    assert soup.select_one("section.related h2").get_text() == "À lire aussi"
    # five shares no tag with any article: the newest of its category, but not four
    # (its previous article)
    assert hrefs(site.soup("2026/11/five/"), "section.related a") == [
        "https://news.example.org/2026/11/three/", "https://news.example.org/2026/11/two/",
        "https://news.example.org/2026/11/one/"]


def test_related_limit_setting(tmp_path):
    small = build(tmp_path / "out", PATH=str(EXTRAS), ARTICLE_PATHS=["articles"],
                  STATIC_PATHS=["images"], ARTICLE_EXTRAS={"related": 1})
    assert len(small.soup("2026/11/one/").select("section.related li")) == 1


def test_heading_anchors_unique_and_linked(site):
    soup = site.soup("2026/11/one/")
    headings = soup.select(".content h2")
    ids = [h["id"] for h in headings]
    assert ids == ["une-section", "une-section-2"]
    for h in headings:
        anchor = h.select_one("a.heading-anchor")
        assert anchor["href"] == f"#{h['id']}"
        assert anchor["aria-labelledby"] == h["id"]


def test_images_sized_and_lazy(site):
    imgs = site.soup("2026/11/one/").select(".content img")
    assert [(i["width"], i["height"]) for i in imgs] == [("600", "60"), ("600", "60")]
    # Made responsive by the images plugin: every body image is lazy (the page's
    # first image to load is its lead image, with fetchpriority="high").
    assert [i["loading"] for i in imgs] == ["lazy", "lazy"]
    assert re.fullmatch(r"https://news\.example\.org/img/wide-600\.[0-9a-f]{10}\.jpg", imgs[0]["src"])
    assert imgs[0]["alt"] == "Logo large"


def test_missing_image_is_reported_with_the_file(site):
    assert any("five.fr.md" in m and "missing.png" in m for m in site.errors()), site.errors()


def test_external_links_marked_internal_untouched(site):
    links = site.soup("2026/11/one/").select(".content p a")
    external = next(a for a in links if "example.com" in a["href"])
    internal = next(a for a in links if a["href"] == "/2026/11/two/")
    assert "noopener" in external["rel"] and "external" in external["class"]
    assert internal.get("rel") is None and "external" not in (internal.get("class") or [])


def test_bad_setting_names_the_setting(tmp_path):
    with pytest.raises(Exception, match="ARTICLE_EXTRAS"):
        build(tmp_path / "out", ARTICLE_EXTRAS={"relatd": 2})
