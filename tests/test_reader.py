"""The reader's side (issue 23): share controls, byline, related articles, 404
pages and `make serve`, typography of credits/taxonomy/status, a language end to
end (Spanish in the sample, catalog check, a language with only drafts)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup
from PIL import Image

from .conftest import ROOT, build

LANGS = {"fr": "", "en": "en/", "es": "es/"}
NETWORKS = ["Facebook", "X", "LinkedIn", "Mastodon", "Bluesky", "Hacker News", "Reddit",
            "WhatsApp", "Telegram"]
SHARE_ON = {"fr": "Partager sur {}", "en": "Share on {}", "es": "Compartir en {}"}
BY_EMAIL = {"fr": "Partager par e-mail", "en": "Share by email",
            "es": "Compartir por correo electrónico"}
COPY = {"fr": "Copier le lien", "en": "Copy link", "es": "Copiar el enlace"}
NATIVE = {"fr": "Partager…", "en": "Share…", "es": "Compartir…"}
ARTICLE = "2025/02/cles-d-acces/"  # in fr, en and es in the sample


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def article_pages(site):
    """(lang, rel, soup) of every article page of a built site."""
    for path in site.html_files():
        rel = path.relative_to(site.output).as_posix()
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        if soup.select_one("article.article") is not None and "/drafts/" not in f"/{rel}":
            yield soup.html["lang"], rel, soup


# -- share and byline -----------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_share_links_show_their_network_and_are_named(sample_site, lang):
    soup = sample_site.soup(LANGS[lang] + ARTICLE)
    share = soup.select_one("section.share")
    items = share.select("ul.share-links > li")
    links = [li.a for li in items if li.a is not None]
    # the two buttons are items of the same list: one row that wraps
    assert [li.button["class"][-1] for li in items if li.button is not None] == [
        "share-copy", "share-native"]
    assert [a.select_one(".share-name").get_text(strip=True) for a in links][:-1] == NETWORKS
    for a in links:
        label = a.select_one(".visually-hidden").get_text(strip=True)
        name = a.select_one(".share-name").get_text(strip=True)
        assert a["title"] == label  # tooltip
        assert name in label or a["class"][-1] == "share-email", (name, label)
        assert a.select_one(".share-name")["aria-hidden"] == "true"  # spoken once, in the label
    expected = [SHARE_ON[lang].format(n) for n in NETWORKS] + [BY_EMAIL[lang]]
    assert [a["title"] for a in links] == expected
    assert share.select_one("button.share-copy").get_text(strip=True) == COPY[lang]


def test_every_share_control_has_an_accessible_name_in_the_browser(page, sample_url):
    page.add_init_script("navigator.share = () => Promise.resolve();")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sample_url)
    for lang, prefix in LANGS.items():
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"{sample_url}/{prefix}{ARTICLE}")
        page.locator("button.share-native").wait_for(state="visible")
        controls = page.locator("section.share a, section.share button")
        names = [SHARE_ON[lang].format(n) for n in NETWORKS] + [BY_EMAIL[lang]]
        for name in names:
            assert page.get_by_role("link", name=name, exact=True).count() == 1, name
        for name in (COPY[lang], NATIVE[lang]):
            assert page.get_by_role("button", name=name, exact=True).is_visible(), name
        assert controls.count() == len(names) + 2  # nothing else, nothing unnamed
        # the visible labels are there, and the row wraps inside the column at 320 px
        assert page.locator("section.share .share-name").first.is_visible()
        page.set_viewport_size({"width": 320, "height": 800})
        overflow = page.evaluate("""() => {
            const box = document.querySelector('section.share').getBoundingClientRect();
            return [...document.querySelectorAll('section.share li')].filter(li => {
                const r = li.getBoundingClientRect();
                return r.width && (r.left < box.left - 1 || r.right > box.right + 1);
            }).length + (document.documentElement.scrollWidth > window.innerWidth ? 100 : 0);
        }""")
        assert overflow == 0


@pytest.mark.parametrize("lang, text", [
    ("fr", "12 février 2025 · Sécurité · Par Julien Moreau · 3 min de lecture"),
    ("en", "February 12, 2025 · Security · By Julien Moreau · 2 min read"),
    ("es", "12 de febrero de 2025 · Seguridad · Por Julien Moreau · 3 min de lectura"),
])
def test_byline_is_one_readable_line(sample_site, lang, text):
    header = sample_site.soup(LANGS[lang] + ARTICLE).select_one("article.article header")
    lines = header.select("p.meta")
    assert len(lines) == 1
    assert re.sub(r"\s+", " ", lines[0].get_text()).strip() == text
    assert lines[0].select_one(".reading-time time")["datetime"].startswith("PT")


def test_updated_date_is_in_the_byline(sample_site):
    line = sample_site.soup("2025/04/rgpd-minimisation/").select_one("article.article p.meta")
    updated = line.select_one(".updated")
    assert updated is not None and updated.get_text().startswith("Mis à jour le ")
    text = re.sub(r"\s+", " ", line.get_text()).strip()
    assert re.fullmatch(r"\d+ \w+ 2025 · Mis à jour le .+ · Données · Par .+ · \d+ min de lecture",
                        text), text


# -- a small site written here ------------------------------------------------------------

ARTICLES = {
    # name: (date, category, tags, extra lines)
    "a": ("2026-03-01", "IA", "alpha, beta", ""),
    "b": ("2026-03-02", "IA", "alpha, beta", ""),  # next of a
    "c": ("2026-03-03", "Données", "alpha, beta", ""),
    "d": ("2026-03-04", "IA", "alpha", ""),
    "e": ("2026-03-05", "Données", "alpha", ""),
    "f": ("2026-03-06", "IA", "gamma", ""),
    "g": ("2026-03-07", "Sécurité", "delta", ""),
    "h": ("2026-03-08", "Données", "droit d'auteur", "Authors: Ana Ruiz, Ben Lo, Chloé Petit\n"
         "Image: images/photo.png\nImageAlt: Un dégradé\nImageCaption: Photo d'essai\n"
         "ImageCredit: L'équipe d'essai\n"),
}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("reader")
    content = root / "content"
    (content / "articles").mkdir(parents=True)
    (content / "images").mkdir()
    image = Image.new("RGB", (960, 540))
    for x in range(960):
        for y in range(0, 540, 60):
            image.putpixel((x, y), (x % 256, 80, 160))
    image.save(content / "images" / "photo.png")
    for name, (date, category, tags, extra) in ARTICLES.items():
        body = f"Texte de l'article {name}."
        if name == "h":
            body += "\n\n![Une figure]({static}/images/photo.png \"Photo d'essai du corps\")\n"
        (content / "articles" / f"{name}.fr.md").write_text(
            f"Title: L'article {name}\nDate: {date}T10:00:00+01:00\nCategory: {category}\n"
            f"Tags: {tags}\n{extra}Summary: Résumé {name}.\n\n{body}\n", encoding="utf-8")
    site = build(root / "output", PATH=str(content), ARTICLE_PATHS=["articles"],
                 STATIC_PATHS=["images"], PAGE_PATHS=["pages"])
    assert site.errors() == []
    return site


def related(soup):
    return [a["href"].strip("/").split("/")[-1] for a in soup.select("section.related li a")]


def test_related_by_tags_then_category_then_recency_never_prev_next(small):
    # a: b is its next article; c shares both tags (another category), d and e one
    # tag: d (same category) before e
    assert related(small.soup("2026/03/a/")) == ["c", "d", "e"]
    # g shares no tag: the newest of its category (none), then of the language,
    # leaving out f (previous) and h (next)
    assert related(small.soup("2026/03/g/")) == ["e", "d", "c"]
    # f: gamma is its own; the newest of its category first (d, b, a; e and g are
    # its neighbours)
    assert related(small.soup("2026/03/f/")) == ["d", "b", "a"]


def test_related_always_up_to_three_never_prev_next_before_the_newsletter(sample_site, small):
    for site in (sample_site, small):
        langs = {}
        for lang, rel, soup in article_pages(site):
            langs.setdefault(lang, []).append((rel, soup))
        for lang, pages in langs.items():
            for rel, soup in pages:
                neighbours = {a["href"] for a in soup.select("nav.prev-next a")}
                links = [a["href"] for a in soup.select("section.related li a")]
                assert len(links) == min(3, len(pages) - 1 - len(neighbours)), rel
                assert not neighbours & set(links), rel
                assert all(f"/{rel}" != link for link in links)
                own = {f"/{r}".removesuffix("index.html") for r, _ in pages}
                assert set(links) <= own, rel  # same language
                section = soup.select_one("section.related")
                form = soup.select_one("article.article form")
                if section is not None and form is not None:
                    order = soup.find_all(True)
                    assert order.index(section) < order.index(form), rel


def test_typography_in_credits_captions_and_taxonomy_names(small):
    soup = small.soup("2026/03/h/")
    caption = soup.select_one("figure.lead figcaption")
    assert caption.get_text(" ", strip=True) == "Photo d’essai Crédit\u00a0: L’équipe d’essai"
    body = soup.select_one(".content figcaption")
    assert body.get_text() == "Photo d’essai du corps"
    tag = soup.select_one('a[rel="tag"]')
    assert tag.get_text() == "droit d’auteur"
    assert tag["href"] == "/tag/droit-dauteur/"  # the slug of the name as written
    assert (small.output / "tag/droit-dauteur/index.html").is_file()
    tags = small.soup("tags/").get_text()
    assert "droit d’auteur" in tags and "droit d'auteur" not in tags
    assert small.soup("tag/droit-dauteur/").h1.get_text().endswith("droit d’auteur")
    # three authors, joined as French joins a list
    authors = soup.select_one("p.meta .authors")
    assert authors.get_text() == "Par Ana Ruiz, Ben Lo et Chloé Petit"
    assert len(authors.select("a")) == 3


def test_typography_on_the_translation_status_page(sample_site):
    soup = sample_site.soup("translation-status/")
    titles = [t.get_text() for t in soup.select(".editorial-title")]
    assert "Clés d’accès : comment fonctionne la connexion sans mot de passe".replace(
        " :", "\u00a0:") in titles
    assert not any("'" in t for t in titles), titles
    assert {t["lang"] for t in soup.select(".editorial-title")} <= {"fr", "en"}


# -- 404 --------------------------------------------------------------------------------

SEARCH_URL = {"fr": "/search/", "en": "/en/search/", "es": "/es/search/"}


@pytest.mark.parametrize("lang", LANGS)
def test_404_page_per_language_with_search_and_latest(sample_site, lang):
    soup = sample_site.soup(LANGS[lang] + "404.html")
    assert soup.html["lang"] == lang
    form = soup.select_one('form[role="search"]')
    assert form["action"] == SEARCH_URL[lang] and form.get("method", "get") == "get"
    field = form.select_one('input[name="q"]')
    assert soup.select_one(f'label[for="{field["id"]}"]').get_text(strip=True)
    latest = [a["href"] for a in soup.select("section.latest li a")]
    ours = sorted(((s.select_one("time.published")["datetime"], f"/{rel}".removesuffix("index.html"))
                   for page_lang, rel, s in article_pages(sample_site) if page_lang == lang),
                  reverse=True)
    assert latest == [url for _, url in ours][:5] and latest


@pytest.fixture(scope="module")
def make_serve(sample_site):
    """The server `make serve` runs, on the sample site (any free port)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "newsroom.siteserver", "--bind", "127.0.0.1", "--port", "0",
         str(sample_site.output)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_make_serve_runs_the_site_server():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^serve:.*\n\t(.*)", makefile, re.M).group(1)
    assert "-m newsroom.siteserver" in recipe and "$(HOST)" in recipe


@pytest.mark.parametrize("path, page", [("nope/", "404.html"), ("en/nope/deeper", "en/404.html"),
                                        ("es/2099/01/nada/", "es/404.html"),
                                        ("xx/nope", "404.html")])
def test_unknown_url_gets_404_and_the_languages_page(make_serve, sample_site, path, page):
    status, body = get(f"{make_serve}/{path}")
    assert status == 404
    assert body == (sample_site.output / page).read_bytes()
    assert get(f"{make_serve}/{ARTICLE}")[0] == 200


def test_live_preview_answers_unknown_urls_the_same_way(sample_site):
    import http.server

    from newsroom.serve import LiveState, make_handler

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), make_handler(str(sample_site.output), LiveState()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        status, body = get(f"http://127.0.0.1:{server.server_address[1]}/es/nope/")
        assert status == 404 and body == (sample_site.output / "es/404.html").read_bytes()
    finally:
        server.shutdown()
        server.server_close()


def test_404_search_box_opens_the_results(page, sample_url):
    page.goto(f"{sample_url}/es/404.html")
    page.get_by_label("Buscar en los artículos").fill("llaves")
    page.get_by_role("button", name="Buscar", exact=True).click()
    page.wait_for_url(re.compile(r"/es/search/\?q=llaves"))
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for(timeout=20000)
    assert "/es/2025/02/cles-d-acces/" in result.get_attribute("href")


# -- a language end to end ------------------------------------------------------------------

def test_spanish_sample(sample_site):
    home = sample_site.soup("es/")
    assert home.select_one(".site-subtitle").get_text() == \
        "La actualidad de la tecnología y los datos, con claridad"
    article = sample_site.soup("es/" + ARTICLE)
    assert article.html["lang"] == "es"
    assert article.select_one('a.category')["href"] == "/es/category/seguridad/"
    assert article.select_one("section.share h2").get_text() == "Compartir este artículo"
    hreflangs = {link["hreflang"] for link in article.select('link[rel="alternate"][hreflang]')}
    assert {"fr", "en", "es"} <= hreflangs
    # the sample's catalogs are complete: no build warning about them
    assert not [w for w in sample_site.warnings() if "messages.po" in w]


def write_catalog(path, drop=(), fuzzy=()):
    """A copy of the Spanish catalog without ``drop`` and with ``fuzzy`` flagged."""
    with open(ROOT / "theme/translations/es/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh, locale="es")
    for msgid in drop:
        del catalog[msgid]
    for msgid in fuzzy:
        catalog[msgid].flags.add("fuzzy")
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog)
    path.write_bytes(buf.getvalue())


@pytest.fixture(scope="module")
def bad_catalogs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalogs") / "translations"
    shutil.copytree(ROOT / "theme/translations", folder,
                    ignore=shutil.ignore_patterns("*.mo", "es"))
    write_catalog(folder / "es/LC_MESSAGES/messages.po", drop=["Copy link", "Search"],
                  fuzzy=["Read also"])
    return folder


def test_make_publish_fails_on_missing_and_fuzzy_strings(bad_catalogs, tmp_path):
    out = tmp_path / "site"
    result = subprocess.run(
        ["make", "--no-print-directory", "publish", f"OUTPUTDIR={out}", "PUBLISH_CHECK=0",
         # the recipe's shell reads PELICANOPTS: JSON values in single quotes
         f"PELICANOPTS=-e 'I18N_CATALOGS=\"{bad_catalogs}\"' 'SEARCH={{\"enabled\":false}}'"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "COLUMNS": "200"})
    log = result.stdout + result.stderr
    assert result.returncode != 0, log[-3000:]
    path = str(bad_catalogs / "es/LC_MESSAGES/messages.po")
    assert path in log
    assert "2 interface string(s) missing or untranslated and 1 fuzzy" in log
    assert not out.exists()  # nothing half-written


def test_catalog_check_in_a_preview_build(bad_catalogs, tmp_path):
    folder = tmp_path / "translations"
    shutil.copytree(bad_catalogs, folder)
    write_catalog(folder / "es/LC_MESSAGES/messages.po", fuzzy=["Copy link"])
    site = build(tmp_path / "out", I18N_CATALOGS=str(folder), SEARCH={"enabled": False})
    warnings = [w for w in site.warnings() if "messages.po" in w]
    assert len(warnings) == 1
    assert f"{folder / 'es/LC_MESSAGES/messages.po'}: 1 fuzzy ('Copy link')" in warnings[0]
    # the fuzzy string is not used: the page shows the English one
    assert site.soup("es/" + ARTICLE).select_one("button.share-copy").get_text() == "Copy link"


@pytest.fixture(scope="module")
def draft_only(tmp_path_factory):
    root = tmp_path_factory.mktemp("draftonly")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "2026" / "entwurf.de.md").write_text(
        "Title: Ein Entwurf\nDate: 2026-01-05T10:00:00+01:00\nCategory: IA\nStatus: draft\n"
        "Summary: Nur ein Entwurf.\n\nText des Entwurfs.\n", encoding="utf-8")
    return content


@pytest.mark.parametrize("conf", ["pelicanconf.py", "publishconf.py"])
def test_a_language_with_only_a_draft_builds_clean(draft_only, tmp_path, conf):
    site = build(tmp_path / "out", conf=conf, PATH=str(draft_only),
                 LANGUAGES=["fr", "en", "es", "de"], SITEURL="https://news.example.org")
    assert site.errors() == [] and site.warnings() == []
    home = site.soup("de/")
    assert home.html["lang"] == "de"
    assert (site.output / "de/404.html").is_file() and (site.output / "de/search/index.html").is_file()
    entry = json.loads((site.output / "pagefind/pagefind-entry.json").read_text())
    assert {"fr", "en", "es"} <= set(entry["languages"])
    drafts = list((site.output / "de").rglob("drafts/*/index.html"))
    assert bool(drafts) == (conf == "pelicanconf.py")


def test_footer_keeps_its_links_in_a_language_without_pages(sample_site):
    # Spanish has no pages in the sample (fr and en have about/privacy pages)
    assert not list((sample_site.output / "es").glob("a-propos*"))
    for prefix in ("es/", "es/" + ARTICLE, "es/404.html"):
        links = {a.get_text(strip=True): a["href"]
                 for a in sample_site.soup(prefix).select("footer.site-footer nav a")}
        assert links == {"Categorías": "/es/categories/", "Etiquetas": "/es/tags/",
                         "Autores": "/es/authors/", "Correcciones": "/es/corrections/"}, prefix
