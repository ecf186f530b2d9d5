"""Adding languages: a German and an Arabic fixture site, catalogs, text direction."""

from __future__ import annotations

import pytest

from newsroom.sitecheck import BuiltSite, check_hreflang, check_links, hreflang_map

from .conftest import FIXTURES, build

POLYGLOT = dict(
    PATH=str(FIXTURES / "polyglot"),
    ARTICLE_PATHS=["articles"],
    PAGE_PATHS=["pages"],
    LANGUAGES=["fr", "en", "de", "ar"],
    I18N_OVERRIDES={},
    I18N_TAXONOMY={"Réseaux": {"en": "Networks", "de": "Netze", "ar": "الشبكات"},
                   "fibre": {"de": "Glasfaser", "ar": "الألياف"}},
)


@pytest.fixture(scope="module")
def polyglot(tmp_path_factory):
    return build(tmp_path_factory.mktemp("polyglot") / "output", **POLYGLOT)


def test_four_language_tree(polyglot):
    out = polyglot.output
    for prefix in ("", "en/", "de/", "ar/"):
        assert (out / prefix / "index.html").is_file()
        assert (out / prefix / "2024/11/reseau/index.html").is_file()
    assert (out / "de/2024/12/nur-deutsch/index.html").is_file()
    assert not (out / "fr").exists()


def test_lang_dir_and_native_names(polyglot):
    ar = polyglot.soup("ar/2024/11/reseau/")
    de = polyglot.soup("de/2024/11/reseau/")
    assert (ar.html["lang"], ar.html["dir"]) == ("ar", "rtl")
    assert (de.html["lang"], de.html["dir"]) == ("de", "ltr")
    names = [a.get_text() for a in de.select("nav.lang-switcher a")]
    assert names == ["Français", "English", "Deutsch", "العربية"]
    for a in de.select("nav.lang-switcher a"):
        assert a["lang"] == a["hreflang"]
    assert ar.select_one('nav.lang-switcher a[lang="ar"]')["dir"] == "rtl"


def test_ui_strings_dates_and_plurals_per_language(polyglot):
    de = polyglot.soup("de/2024/11/reseau/")
    ar = polyglot.soup("ar/2024/11/reseau/")
    assert de.select_one(".skip-link").get_text() == "Zum Inhalt springen"
    assert ar.select_one(".skip-link").get_text() == "انتقل إلى المحتوى"
    assert de.select_one(".meta time").get_text() == "27. November 2024"
    assert ar.select_one(".meta time").get_text() == "27 نوفمبر 2024"
    # German category page: 2 articles (translated one + German-only one)
    cat = polyglot.soup("de/category/netze/")
    assert cat.h1.get_text() == "Kategorie: Netze"
    assert cat.select_one("p.count").get_text() == "2 Artikel"
    # Arabic has six plural forms; one article uses the "one" form
    ar_category = ar.select_one(".meta a.category")["href"].lstrip("/")
    assert polyglot.soup(ar_category).select_one("p.count").get_text() == "مقال واحد (1)"


def test_hreflang_and_links_across_four_languages(polyglot):
    site = BuiltSite(polyglot.output)
    assert check_hreflang(site) == []
    assert check_links(site) == []
    alternates = hreflang_map(site, "ar/2024/11/reseau/index.html")
    assert set(alternates) == {"fr", "en", "de", "ar", "x-default"}
    assert hreflang_map(site, "de/category/netze/index.html")["fr"] == "category/reseaux/index.html"
    # German-only article: only itself, no x-default (no French version)
    assert hreflang_map(site, "de/2024/12/nur-deutsch/index.html") == {
        "de": "de/2024/12/nur-deutsch/index.html"}


def test_switcher_falls_back_to_home(polyglot):
    soup = polyglot.soup("de/2024/12/nur-deutsch/")
    targets = {a["hreflang"]: a["href"] for a in soup.select("nav.lang-switcher a")}
    assert targets == {"fr": "/", "en": "/en/", "de": "/de/2024/12/nur-deutsch/", "ar": "/ar/"}


def test_pages_translated_by_slug(polyglot):
    assert polyglot.soup("de/contact/").h1.get_text() == "Kontakt"
    assert [a.get_text() for a in polyglot.soup("de/").select(".footer-links a")][0] == "Kontakt"
    assert hreflang_map(BuiltSite(polyglot.output), "contact/index.html")["de"] == "de/contact/index.html"


def test_untranslated_articles_listed_with_notice(tmp_path):
    site = build(tmp_path / "out", **POLYGLOT, I18N_UNTRANSLATED="notice")
    en = site.soup("en/")
    titles = [a.get_text() for a in en.select("article.summary h2 a")]
    assert "Nur auf Deutsch" in titles and "Seulement en français" in titles
    card = next(c for c in en.select("article.summary") if "Nur auf Deutsch" in c.get_text())
    assert card["lang"] == "de"
    assert card.select_one(".notice").get_text() == "Available in German only"
    fr = site.soup("")
    card = next(c for c in fr.select("article.summary") if "Nur auf Deutsch" in c.get_text())
    assert card.select_one(".notice").get_text() == "Disponible uniquement en allemand"
    # translated articles are not listed twice
    assert titles.count("The city network moves to fibre") == 1
    assert "Le réseau de la ville passe à la fibre" not in titles
