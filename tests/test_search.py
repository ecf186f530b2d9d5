"""Pagefind search per language, in the browser, with no server-side code."""

from __future__ import annotations

from bs4 import BeautifulSoup
from playwright.sync_api import expect


def search(page, url, query):
    page.goto(url)
    box = page.locator(".pagefind-ui__search-input")
    box.fill(query)
    results = page.locator(".pagefind-ui__result-link")
    return results


def test_search_pages_exist_per_language(sample_site):
    fr, en = sample_site.soup("search/"), sample_site.soup("en/search/")
    assert fr.html["lang"] == "fr" and en.html["lang"] == "en"
    assert fr.h1.get_text() == "Rechercher" and en.h1.get_text() == "Search"
    assert sample_site.soup("").select_one('.main-nav a[href="/search/"]').get_text() == "Rechercher"
    # only article bodies are indexed
    assert sample_site.soup("2024/11/sora-fuite/").select_one("[data-pagefind-body]") is not None
    assert sample_site.soup("").select_one("[data-pagefind-body]") is None


def test_french_search_finds_french_article_only(page, sample_url):
    results = search(page, sample_url + "/search/", "quantification")
    expect(results.first).to_be_visible(timeout=10000)
    hrefs = results.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert "/2025/06/quantification-modeles-de-langage/" in hrefs
    assert not any(h.startswith("/en/") for h in hrefs)


def test_english_search_gets_english_results(page, sample_url):
    results = search(page, sample_url + "/en/search/", "quantization")
    expect(results.first).to_be_visible(timeout=10000)
    hrefs = results.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert "/en/2025/06/quantification-modeles-de-langage/" in hrefs
    assert all(h.startswith("/en/") for h in hrefs)
    # the French word is not in the English index
    page.locator(".pagefind-ui__search-input").fill("sécurité")
    expect(page.locator(".pagefind-ui__message")).to_be_visible(timeout=10000)
    hrefs = page.locator(".pagefind-ui__result-link").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")
    assert not any(not h.startswith("/en/") for h in hrefs)


def test_search_copies_index_what_pagefind_finds_on_the_whole_site(sample_site, tmp_path):
    """The plugin indexes small copies of the article pages, one language at a
    time; Pagefind run on the whole built site must index the very same pages
    with the very same content (its fragments, named by content hash, are
    identical) in the same languages. The index files themselves may differ:
    Pagefind numbers pages in the order the file system lists them."""
    import json
    import subprocess
    import sys

    reference = tmp_path / "reference"
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(sample_site.output),
                    "--output-path", str(reference), "--quiet"], check=True, timeout=300)

    def fragments(folder):
        return {p.name: p.read_bytes() for p in (folder / "fragment").iterdir()}

    def page_counts(folder):
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        return {lang: info["page_count"] for lang, info in entry["languages"].items()}

    bundle = sample_site.output / "pagefind"
    assert fragments(bundle) and fragments(bundle) == fragments(reference)
    articles = {}
    for path in sample_site.html_files():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if soup.select_one("[data-pagefind-body]") is not None:
            articles[soup.html["lang"]] = articles.get(soup.html["lang"], 0) + 1
    assert page_counts(bundle) == page_counts(reference) == articles


def test_with_the_content_cache_only_the_edited_language_is_indexed_again(tmp_path, caplog):
    import json
    import logging
    import shutil

    from .conftest import ROOT, build

    caplog.set_level(logging.INFO, logger="search.search")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    options = dict(PATH=str(content), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
                   CACHE_PATH=str(tmp_path / "cache"))
    first = build(tmp_path / "out", **options)
    bundle = first.output / "pagefind"

    def languages():
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        return entry["languages"]

    before = languages()
    en_meta = bundle / f"pagefind.{before['en']['hash']}.pf_meta"
    en_written = en_meta.stat().st_mtime_ns

    article = content / "2025" / "python-sans-gil.fr.md"  # French only
    article.write_text(article.read_text(encoding="utf-8")
                       + "\nUn paragraphe ajouté sur le ramasse-miettes.\n", encoding="utf-8")
    caplog.clear()
    second = build(tmp_path / "out", **options)
    assert second.errors() == []
    after = languages()
    assert after["fr"]["hash"] != before["fr"]["hash"]  # French indexed again
    assert (bundle / f"pagefind.{after['fr']['hash']}.pf_meta").exists()
    assert after["en"] == before["en"] and en_meta.stat().st_mtime_ns == en_written  # kept
    assert any("kept: en" in r.getMessage() for r in caplog.records)


def test_with_the_content_cache_copies_written_in_another_order_are_indexed_again(tmp_path):
    """Pagefind numbers pages in the order their copies were written: an article made
    hidden is written after the others (its copy's bytes the same), and the warm
    build's index is then the cold build's, not the last build's kept."""
    import json
    import shutil

    from .conftest import ROOT, build

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    options = dict(PATH=str(content), CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
                   CACHE_PATH=str(tmp_path / "cache"))
    build(tmp_path / "out", **options)
    article = content / "2025" / "ai-act-calendrier.en.md"
    head, _, body = article.read_text(encoding="utf-8").partition("\n\n")
    article.write_text(head + "\nStatus: hidden\n\n" + body, encoding="utf-8")
    warm = build(tmp_path / "out", **options)
    cold = build(tmp_path / "cold", PATH=str(content))
    assert warm.errors() == [] and cold.errors() == []

    def english(site):
        entry = json.loads((site.output / "pagefind" / "pagefind-entry.json").read_text())
        meta = site.output / "pagefind" / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
        return meta.read_bytes()

    assert english(warm) == english(cold)
