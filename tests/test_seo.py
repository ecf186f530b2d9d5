"""Search-engine and social metadata: description, Open Graph, Twitter card, JSON-LD."""

from __future__ import annotations

import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from .conftest import FIXTURES, ROOT, Site, build, run_pelican, serve

sys.path.insert(0, str(ROOT / "plugins"))
from seo.config import ConfigurationError, validate  # noqa: E402
from seo.seo import og_locale  # noqa: E402
from seo.text import script_json, shorten  # noqa: E402

SITEURL = "https://news.example.org"
# The fixture's photo is 640 pixels wide: allowed as a lead image here.
FIXTURE = dict(PATH=str(FIXTURES / "seo"), ARTICLE_PATHS=["articles"],
               FEED_ALL_ATOM="feeds/all.atom.xml", IMAGES={"min_width": 600})
#: The images plugin's card of an article with a lead image, and of one without.
SOCIAL_RE = r"/img/social-1200\.[0-9a-f]{10}\.jpg"
CARD_RE = r"/img/card-1200\.[0-9a-f]{10}\.jpg"

# Titles of tests/fixtures/seo/articles/piege.*.md as shown: written with straight
# quotes and apostrophes, typeset in each language (see test_typography.py).
TITLE_FR = "Piège </script><script>alert(1)</script> & «\u202fguillemets\u202f» ]]> 🚀 l’été"
TITLE_EN = "Tricky </script><script>alert(1)</script> & “quotes” ]]> 🚀 naïve"

# The sample article, both languages, as written in content/2024/sora-fuite.*.md.
SORA = {
    "fr": {
        "path": "2024/11/sora-fuite/",
        "title": "Des artistes font fuiter Sora pour dénoncer OpenAI",
        # The 170-character summary, cut on a word boundary to 160 with the ellipsis.
        "description": "Des artistes du programme d’accès anticipé à Sora ont ouvert l’outil à "
                       "tous pendant quelques heures pour protester contre OpenAI, qui a "
                       "aussitôt coupé leur…",
        "section": "IA",
        "tags": ["Sora", "OpenAI", "vidéo générative"],
        "author": "author/claire-dubois/",
        "locale": "fr_FR",
        "alternates": ["en_US"],
        "alt": "Réseau de points reliés par des traits violets, comme des accès partagés",
    },
    "en": {
        "path": "en/2024/11/sora-fuite/",
        "title": "Artists leak Sora to protest against OpenAI",
        "description": "Artists from the Sora early-access programme opened the tool to "
                       "everyone for a few hours in protest against OpenAI, which promptly "
                       "cut off their access.",
        "section": "AI",
        "tags": ["Sora", "OpenAI", "generative video"],
        "author": "en/author/claire-dubois/",
        "locale": "en_US",
        "alternates": ["fr_FR"],
        "alt": "A network of dots joined by purple lines, like shared access links",
    },
}
DATE = "2024-11-27T09:30:00+01:00"


def metas(soup, key):
    """Contents of every ``<meta property=key>`` and ``<meta name=key>``."""
    tags = soup.find_all("meta", attrs={"property": key}) + soup.find_all("meta", attrs={"name": key})
    return [tag["content"] for tag in tags]


def meta(soup, key):
    values = metas(soup, key)
    assert len(values) == 1, f"{key}: expected one, found {values}"
    return values[0]


def json_ld(soup):
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1, scripts
    return json.loads(scripts[0].string)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The fixture site (tricky titles, no summary, images), absolute URLs, Atom feeds."""
    return build(tmp_path_factory.mktemp("seo") / "output", SITEURL=SITEURL, **FIXTURE)


# -- the sample site: preview (root-relative URLs) and publish (absolute) -------

@pytest.mark.parametrize("which, base", [("sample_site", ""), ("published_site", SITEURL)])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_article_metadata(request, which, base, lang):
    built = request.getfixturevalue(which)
    want = SORA[lang]
    soup = built.soup(want["path"])
    url = f"{base}/{want['path']}"
    card = meta(soup, "og:image")  # a 1200×630 crop of the lead image
    assert re.fullmatch(re.escape(base) + SOCIAL_RE, card), card

    # One canonical (from partials/hreflang.html), the same URL as og:url.
    assert [link["href"] for link in soup.find_all("link", rel="canonical")] == [url]
    assert meta(soup, "description") == want["description"]
    assert len(want["description"]) <= 160
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "og:title") == want["title"]
    assert meta(soup, "og:description") == want["description"]
    assert meta(soup, "og:url") == url
    assert meta(soup, "og:site_name") == "Le Fil Tech"
    assert meta(soup, "og:locale") == want["locale"]
    assert metas(soup, "og:locale:alternate") == want["alternates"]
    assert meta(soup, "og:image") == card
    assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("1200", "630")
    assert meta(soup, "og:image:alt") == want["alt"]
    assert meta(soup, "article:published_time") == DATE
    assert meta(soup, "article:modified_time") == DATE
    assert meta(soup, "article:section") == want["section"]
    assert metas(soup, "article:tag") == want["tags"]
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert meta(soup, "twitter:title") == want["title"]
    assert meta(soup, "twitter:description") == want["description"]
    assert meta(soup, "twitter:image") == card
    assert metas(soup, "twitter:site") == []  # not set in pelicanconf

    assert json_ld(soup) == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": want["title"],
        "description": want["description"],
        "image": [card],
        "datePublished": DATE,
        "dateModified": DATE,
        "author": [{"@type": "Person", "name": "Claire Dubois", "url": f"{base}/{want['author']}"}],
        "publisher": {
            "@type": "Organization",
            "name": "Le Fil Tech",
            "logo": {"@type": "ImageObject", "url": f"{base}/images/logo.png",
                     "width": 600, "height": 60},
        },
        "inLanguage": lang,
        "mainEntityOfPage": url,
    }
    # The URLs it gives point to files and pages of the build.
    for path in (card[len(base) + 1:], "images/logo.png", want["author"]):
        assert (built.output / path).exists() or (built.output / path / "index.html").exists()


def test_published_urls_are_absolute(published_site):
    for lang in ("fr", "en"):
        soup = published_site.soup(SORA[lang]["path"])
        data = json_ld(soup)
        urls = [meta(soup, k) for k in ("og:url", "og:image", "twitter:image")] + [
            *data["image"], data["author"][0]["url"], data["publisher"]["logo"]["url"],
            data["mainEntityOfPage"]]
        assert all(u.startswith(SITEURL + "/") for u in urls), urls


@pytest.mark.parametrize("path, lang, title, description, alternate", [
    ("a-propos/", "fr", "À propos", "Le Fil Tech est la rédaction étudiante consacrée aux "
     "technologies de l’École des médias numériques de Valbrune.", "en_US"),
    ("en/a-propos/", "en", "About", "Le Fil Tech is the student technology newsroom of the "
     "Valbrune School of Digital Media.", "fr_FR"),
])
def test_pages_get_website_metadata_without_json_ld(published_site, path, lang, title,
                                                    description, alternate):
    soup = published_site.soup(path)
    assert meta(soup, "description") == description
    assert meta(soup, "og:type") == "website"
    assert meta(soup, "og:title") == title
    assert meta(soup, "og:url") == f"{SITEURL}/{path}"
    assert meta(soup, "og:locale") == {"fr": "fr_FR", "en": "en_US"}[lang]
    assert metas(soup, "og:locale:alternate") == [alternate]
    assert meta(soup, "og:image") == f"{SITEURL}/images/card.png"
    assert metas(soup, "article:published_time") == []
    assert soup.find_all("script", type="application/ld+json") == []


def test_listing_pages_keep_the_site_description(sample_site):
    soup = sample_site.soup("en/")
    assert meta(soup, "description") == "Tech and data news, made clear"
    assert metas(soup, "og:type") == []


# -- the fixture site: hostile titles -------------------------------------------

@pytest.mark.parametrize("path, title", [("2026/11/piege/", TITLE_FR),
                                         ("en/2026/11/piege/", TITLE_EN)])
def test_hostile_title_cannot_break_out_of_its_script(site, path, title):
    raw = (site.output / path / "index.html").read_text(encoding="utf-8")
    soup = site.soup(path)
    plain = site.soup(path.replace("piege", "sans-resume"))  # same layout, harmless title
    scripts = soup.find_all("script")
    # The count the HTML parser sees, the count of "<script" in the bytes, and the
    # count on a page with a harmless title all agree: the title made no element.
    assert len(scripts) == raw.lower().count("<script") == len(plain.find_all("script"))
    lds = soup.find_all("script", type="application/ld+json")
    assert len(lds) == 1
    ld = lds[0]
    assert not set("<>&\u2028\u2029") & set(ld.string)
    for other in scripts:
        if other is not ld:
            assert other.get("src") and not other.string  # no inline script at all
    assert "alert(1)" not in "".join(s.string or "" for s in scripts if s is not ld)

    data = json.loads(ld.string)
    assert data["headline"] == title
    assert meta(soup, "og:title") == title
    assert meta(soup, "twitter:title") == title
    assert soup.h1.get_text() == title
    assert soup.title.get_text().startswith(title)


def test_hostile_summary_and_alt_round_trip(site):
    soup = site.soup("en/2026/11/piege/")
    description = "A summary with </script> & “quotes” ]]> and 🚀."
    assert meta(soup, "description") == description
    assert json_ld(soup)["description"] == description
    alt = 'Blue test pattern with "white" lines & <stripes>'
    assert meta(soup, "og:image:alt") == meta(soup, "twitter:image:alt") == alt
    # Image: images/photo.jpg, cropped to 1200×630 by the images plugin.
    image = meta(soup, "og:image")
    assert re.fullmatch(re.escape(SITEURL) + SOCIAL_RE, image)
    assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("1200", "630")
    assert json_ld(soup)["image"] == [image]
    assert meta(soup, "article:modified_time") == "2026-11-21T18:15:00+01:00"
    assert json_ld(soup)["dateModified"] == "2026-11-21T18:15:00+01:00"
    assert metas(soup, "article:tag") == ["alpha", "beta & gamma"]


def test_script_json_escapes_and_round_trips():
    value = {"t": "</script><script>alert(1)</script> & <!-- ]]> \u2028\u2029 🚀 é"}
    text = script_json(value)
    assert not set("<>&\u2028\u2029") & set(text)
    assert "🚀 é" in text  # not ASCII-escaped
    assert json.loads(text) == value


# -- summaries from the first paragraph -----------------------------------------

LEAD_FR = ("Le premier paragraphe, avec de l’emphase, un lien & un signe < inférieur, est "
           "assez long pour être coupé\u00a0: il parle de stockage en colonnes, de compression, "
           "de requêtes analytiques, de formats ouverts comme Parquet et ORC, de bases de "
           "données et de bien d’autres choses encore, jusqu’à dépasser…")
LEAD_EN = "The first paragraph, with emphasis, is the summary."


@pytest.mark.parametrize("home, path, lead", [("", "2026/11/sans-resume/", LEAD_FR),
                                              ("en/", "en/2026/11/sans-resume/", LEAD_EN)])
def test_article_without_summary_uses_its_first_paragraph(site, home, path, lead):
    # Listing, feed, meta description and JSON-LD show the same text.
    listing = site.soup(home)
    link = listing.find("a", href=f"{SITEURL}/{path}")
    excerpt = link.find_parent("article").select_one(".excerpt")
    assert excerpt.get_text() == lead
    assert "deuxième" not in excerpt.get_text() and "second" not in excerpt.get_text()
    assert len(lead) <= 300

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site.output / home / "feeds/all.atom.xml").getroot()
    entry = next(e for e in feed.iter(f"{atom}entry")
                 if e.find(f"{atom}link").get("href") == f"{SITEURL}/{path}")
    assert BeautifulSoup(entry.find(f"{atom}summary").text, "html.parser").get_text() == lead

    soup = site.soup(path)
    description = lead if len(lead) <= 160 else shorten_expected(lead)
    assert meta(soup, "description") == description
    assert meta(soup, "og:description") == description
    assert json_ld(soup)["description"] == description


def shorten_expected(lead):
    """The French lead cut to 160 characters (written out, not computed by the plugin)."""
    assert lead == LEAD_FR
    return ("Le premier paragraphe, avec de l’emphase, un lien & un signe < inférieur, est "
            "assez long pour être coupé\u00a0: il parle de stockage en colonnes, de compression, "
            "de…")


def test_editor_summary_is_kept(site):
    listing = site.soup("en/")
    link = listing.find("a", href=f"{SITEURL}/en/2026/11/piege/")
    excerpt = link.find_parent("article").select_one(".excerpt")
    assert excerpt.get_text() == "A summary with </script> & “quotes” ]]> and 🚀."


# -- images ---------------------------------------------------------------------

@pytest.mark.parametrize("path, title", [("2026/11/piege/", TITLE_FR),
                                         ("2026/11/sans-resume/", "Un article sans résumé")])
def test_article_without_image_gets_a_generated_card(site, path, title):
    soup = site.soup(path)
    card = meta(soup, "og:image")
    assert re.fullmatch(re.escape(SITEURL) + CARD_RE, card)
    assert meta(soup, "twitter:image") == card
    assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("1200", "630")
    assert meta(soup, "og:image:alt") == title
    assert json_ld(soup)["image"] == [card]
    assert meta(soup, "twitter:card") == "summary_large_image"


def test_absolute_image_url_is_used_as_is(site):
    soup = site.soup("en/2026/11/sans-resume/")
    url = "https://images.example.org/cards/summary.jpg"
    assert meta(soup, "og:image") == meta(soup, "twitter:image") == url
    assert metas(soup, "og:image:width") == metas(soup, "og:image:alt") == []
    assert json_ld(soup)["image"] == [url]


def test_missing_image_is_reported_and_replaced_by_the_card(tmp_path):
    # Pelican drops a warning already logged in this process: build a copy of the
    # fixture so that the message (which names the file) is new.
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "seo", content)
    built = build(tmp_path / "out", SITEURL=SITEURL, PATH=str(content), ARTICLE_PATHS=["missing"])
    # Reported once, by the content rule (the same words as `make lint`).
    ours = [m for m in built.warnings() + built.errors() if "absente.png" in m]
    assert len(ours) == 1, ours
    assert "missing/image-absente.fr.md:6" in ours[0] and "images/absente.png does not exist" in ours[0]
    soup = built.soup("2026/11/image-absente/")
    assert re.fullmatch(re.escape(SITEURL) + CARD_RE, meta(soup, "og:image"))
    assert (meta(soup, "og:image:width"), meta(soup, "og:image:height")) == ("1200", "630")


# -- settings -----------------------------------------------------------------

def test_optional_keys(tmp_path):
    seo = {"default_image": "images/card.png", "publisher_logo": "images/logo.png",
           "twitter_site": "@lefiltech", "publisher_name": "Valbrune Media",
           "default_image_alt": "Le Fil Tech, sur fond bleu"}
    built = build(tmp_path / "out", SITEURL=SITEURL, **FIXTURE, SEO=seo)
    for path in ("2026/11/piege/", "en/2026/11/sans-resume/"):
        soup = built.soup(path)
        assert meta(soup, "twitter:site") == "@lefiltech"
        assert json_ld(soup)["publisher"]["name"] == "Valbrune Media"
        assert meta(soup, "og:site_name") == "Le Fil Tech"
    # The default card (and its alt text) is for articles without an image when the
    # images plugin is off (it draws them a card): a separate process, as plugins
    # stay registered in this one.
    from pelicanconf import PLUGINS
    result = run_pelican(str(FIXTURE["PATH"]), "-o", str(tmp_path / "plain"), "-s", "pelicanconf.py",
                         "-e", 'ARTICLE_PATHS=["articles"]', f"SEO={json.dumps(seo)}",
                         f"PLUGINS={json.dumps([p for p in PLUGINS if p != 'images'])}")
    assert result.returncode == 0, result.stderr
    built = Site(tmp_path / "plain")
    assert meta(built.soup("2026/11/piege/"), "og:image:alt") == "Le Fil Tech, sur fond bleu"


@pytest.mark.parametrize("value, message", [
    ("images/card.png", "SEO must be a dict"),
    ({"default_imge": "images/card.png"}, "unknown key(s) ['default_imge']"),
    ({"default_image": "/images/card.png"}, "SEO['default_image']"),
    ({"default_image": 42}, "SEO['default_image']"),
    ({"publisher_logo": "../logo.png"}, "SEO['publisher_logo']"),
    ({"twitter_site": "lefiltech"}, "SEO['twitter_site'] must be an @handle"),
    ({"twitter_site": "@" + "x" * 16}, "SEO['twitter_site']"),
    ({"publisher_name": ""}, "SEO['publisher_name']"),
])
def test_bad_settings_are_named(value, message):
    with pytest.raises(ConfigurationError) as info:
        validate({"SEO": value})
    assert message in str(info.value)


def test_bad_setting_stops_the_build(tmp_path):
    with pytest.raises(ConfigurationError, match=r"SEO\['twitter_site'\]"):
        build(tmp_path / "out", **FIXTURE, SEO={"twitter_site": "https://x.com/lefiltech"})


def test_defaults():
    assert validate({}) == {"default_image": None, "default_image_alt": None,
                            "publisher_logo": None, "publisher_name": None, "twitter_site": None}


@pytest.mark.parametrize("code, locale", [("fr", "fr_FR"), ("en", "en_US"), ("de", "de_DE"),
                                          ("ar", "ar_EG"), ("pt_BR", "pt_BR"), ("en-GB", "en_GB"),
                                          ("zh-Hant", "zh_TW")])
def test_og_locale_from_likely_subtags(code, locale):
    assert og_locale(code) == locale


@pytest.mark.parametrize("text, limit, expected", [
    ("short", 160, "short"),
    ("one two three four", 12, "one two…"),
    ("one two, three", 12, "one two…"),  # no dangling comma
    ("alpha beta gamma\u00a0delta", 20, "alpha beta…"),  # never cut at a no-break space
    ("x" * 20, 10, "x" * 9 + "…"),
])
def test_shorten(text, limit, expected):
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


# -- in a browser: the JSON-LD is data, the title runs no script -----------------

def test_browser_reads_the_json_ld_and_runs_no_title_script(site, page):
    server, url = serve(site.output)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # The fixture has an absolute SITEURL: keep every request on loopback.
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    try:
        for path, title in (("en/2026/11/piege/", TITLE_EN), ("2026/11/piege/", TITLE_FR)):
            page.goto(f"{url}/{path}")
            expected = len(site.soup(path).find_all("script"))
            assert page.evaluate("document.scripts.length") == expected
            headline = page.evaluate(
                "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]')"
                ".textContent).headline")
            assert headline == title
            assert page.evaluate(
                "document.querySelector('meta[property=\"og:title\"]').content") == title
        assert dialogs == []
    finally:
        server.shutdown()
