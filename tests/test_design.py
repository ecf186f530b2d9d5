"""The news design in headless Chromium: the grid from 320 to 1920 px, the reading
column (centred, 60–75 characters), the side column, the typefaces, accessibility
(axe-core, WCAG 2.1 AA) in both colour schemes, and the brand's build-time checks."""

from __future__ import annotations

import gzip

import pytest
from playwright.sync_api import expect

from .conftest import build

ARTICLE = "2025/11/python-sans-gil/"  # French, with a lead image and a code block
EN_ARTICLE = "en/2026/10/columnar-storage-explained/"
WIDTHS = (320, 390, 768, 1024, 1366, 1920)
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}

# Characters per line of the paragraph `p` (every line but its last): each
# character's line is the top of its box.
LINE_LENGTHS = """p => {
  const tops = new Map();
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      const top = Math.round(box.top);
      tops.set(top, (tops.get(top) || 0) + 1);
    }
  }
  return [...tops.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]);
}"""


def open_page(page, url, width, height=900):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    page.evaluate("document.fonts.ready.then(() => true)")


@pytest.mark.parametrize("path", [ARTICLE, "", "search/", "en/a-propos/", "404.html"])
def test_no_horizontal_overflow_from_320_to_1920(page, sample_url, path):
    for width in WIDTHS:
        open_page(page, f"{sample_url}/{path}", width)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, width, overflow)


def test_reading_column_centred_without_side_column_and_measure_in_range(page, sample_url):
    for width in (900, 1024):  # one column: the side column is below
        open_page(page, f"{sample_url}/{ARTICLE}", width)
        box = page.locator(".article .content").bounding_box()
        aside = page.locator("aside.aside").bounding_box()
        assert aside["y"] >= box["y"] + box["height"], "side column below the article"
        left, right = box["x"], width - (box["x"] + box["width"])
        assert abs(left - right) <= 3, (width, left, right)
    for width in (1024, 1366, 1920):
        open_page(page, f"{sample_url}/{ARTICLE}", width)
        paragraph = page.locator(".article .content > p").nth(1)
        lines = paragraph.evaluate(LINE_LENGTHS)[:-1]
        assert len(lines) >= 3, lines
        average = sum(lines) / len(lines)
        assert 60 <= average <= 75, (width, lines)


def test_side_column_beside_on_wide_screens_with_latest_articles(page, sample_url, sample_site):
    open_page(page, f"{sample_url}/{ARTICLE}", 1366)
    main = page.locator("main").bounding_box()
    aside = page.locator("aside.aside").bounding_box()
    assert aside["x"] >= main["x"] + main["width"]
    assert aside["y"] < main["y"] + 200
    # Latest articles in the page's language, never the article itself.
    soup = sample_site.soup(ARTICLE)
    links = [a["href"] for a in soup.select("aside.aside .latest-list a")]
    assert 0 < len(links) <= 5 and f"/{ARTICLE}" not in links
    assert not [h for h in links if h.startswith("/en/")]
    en = [a["href"] for a in sample_site.soup(EN_ARTICLE).select("aside.aside .latest-list a")]
    assert en and all(h.startswith("/en/") for h in en)
    # The home page lists the articles itself: its side column holds the newsletter only.
    assert sample_site.soup("").select_one("aside.aside .latest-list") is None


def test_front_page_lead_secondary_and_category_sections(sample_site):
    home = sample_site.soup("")
    main = home.select_one("main")
    stories = main.select("article.summary")
    assert "story" in stories[0]["class"] and not main.select(".secondary .story")
    assert 1 <= len(main.select(".secondary > article.summary")) <= 4
    rubrics = main.select("section.rubric")
    assert rubrics
    for section in rubrics:  # each section's articles are of its category
        name = section.select_one(".rubric-title a").get_text(strip=True)
        for item in section.select("article.summary"):
            assert item.select_one(".meta .category").get_text(strip=True) == name


def test_typefaces_self_hosted_preloaded_and_used(page, sample_url, sample_site):
    soup = sample_site.soup(ARTICLE)
    preloads = [link["href"] for link in soup.select('link[rel="preload"][as="font"]')]
    assert preloads and all(h.endswith(".woff2") and h.startswith("/theme/fonts/") for h in preloads)
    for href in preloads:
        assert (sample_site.output / href.lstrip("/")).stat().st_size < 40_000
    open_page(page, f"{sample_url}/{ARTICLE}", 1366)
    loaded = page.evaluate("""async () => { await document.fonts.ready;
        return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family + ' ' + f.style); }""")
    assert {'"Newsreader" normal', '"Public Sans" normal'} <= set(loaded) or \
        {"Newsreader normal", "Public Sans normal"} <= set(loaded), loaded
    body = page.evaluate("getComputedStyle(document.querySelector('.content p')).fontFamily")
    heading = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "Newsreader" in body and "Public Sans" in heading
    css = sample_site.output.joinpath(soup.select_one('link[rel="stylesheet"]')["href"].lstrip("/"))
    assert css.read_text().count("font-display: swap") == 3


def test_css_under_20_kb_compressed(sample_site):
    soup = sample_site.soup(ARTICLE)
    sheets = [sample_site.output / link["href"].lstrip("/") for link in soup.select('link[rel="stylesheet"]')]
    assert len(sheets) == 1  # main.css and the brand's, in one file
    total = sum(len(gzip.compress(path.read_bytes(), 9)) for path in sheets)
    assert total <= 20 * 1024, total


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=WCAG)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result.response["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_wcag21_aa_on_article_home_search_404(page, sample_url, scheme):
    page.emulate_media(color_scheme=scheme)
    found = {}
    for path in (ARTICLE, EN_ARTICLE, "", "404.html", "en/404.html"):
        open_page(page, f"{sample_url}/{path}", 1366)
        found[path] = axe_violations(page)
    open_page(page, f"{sample_url}/search/", 1366)
    page.locator(".pagefind-ui__search-input").fill("python")
    expect(page.locator(".pagefind-ui__result-link").first).to_be_visible(timeout=10000)
    found["search/"] = axe_violations(page)
    # Pagefind's UI in the site's faces, never its own Arial.
    font = page.evaluate("getComputedStyle(document.querySelector('.pagefind-ui__search-input')).fontFamily")
    assert "Public Sans" in font
    assert {path: v for path, v in found.items() if v} == {}


def test_code_colours_from_pygments_in_both_schemes(page, sample_url, sample_site):
    soup = sample_site.soup(ARTICLE)
    brand = soup.select_one('link[rel="stylesheet"]')["href"]
    assert "/site." in brand
    text = (sample_site.output / brand.lstrip("/")).read_text()
    assert text.count(".highlight .k {") == 2 and "prefers-color-scheme: dark" in text
    open_page(page, f"{sample_url}/{ARTICLE}", 1366)
    colours = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        colours[scheme] = page.evaluate("""() => { const k = document.querySelector('.highlight .k, .highlight .kn');
            return [getComputedStyle(k).color, getComputedStyle(k.closest('.highlight')).backgroundColor]; }""")
    assert colours["light"] != colours["dark"]


# -- the brand, by configuration (real builds) -------------------------------------

def test_brand_colour_failing_contrast_stops_the_build(tmp_path):
    with pytest.raises(Exception, match=r"BRAND\['colors'\]") as info:
        build(tmp_path / "out", BRAND={"colors": {"accent": "#7aa7e0"}})
    message = str(info.value)
    assert "#7aa7e0" in message and "#ffffff" in message and "4.5:1" in message
    assert "2.49:1" in message  # the ratio
    with pytest.raises(Exception, match=r"BRAND\['colors_dark'\]: 'accent' #0b5cad"):
        build(tmp_path / "out2", BRAND={"colors_dark": {"accent": "#0b5cad"}})
    with pytest.raises(Exception, match=r"BRAND\['code_style'\].*'tango'.*4\.5:1"):
        build(tmp_path / "out3", BRAND={"code_style": "tango"})


def test_brand_name_logo_colours_and_footer_reach_the_pages(tmp_path):
    site = build(tmp_path / "out", BRAND={
        "name": "Tech <Hebdo>", "logo": "images/card.png", "logo_dark": "images/logo.png",
        "colors": {"accent": "#8a1538"}, "colors_dark": {"accent": "#ffb3c6"},
        "footer": "© Tech Hebdo & co, Lyon"})
    soup = site.soup("")
    img = soup.select_one(".site-title img.logo")
    assert img["alt"] == "Tech <Hebdo>" and img["src"] == "/images/card.png"
    assert soup.select_one('.site-title source[media="(prefers-color-scheme: dark)"]')["srcset"] == "/images/logo.png"
    assert soup.select_one(".colophon").get_text(strip=True) == "© Tech Hebdo & co, Lyon"
    css = site.output / soup.select_one('link[rel="stylesheet"]')["href"].lstrip("/")
    text = css.read_text()
    assert "--accent:#8a1538;" in text and "--accent:#ffb3c6;" in text
    assert not soup.select("[style]") and not soup.select("style")


@pytest.mark.parametrize("path, clear, message", [
    ("search/", "Effacer", "résultat"), ("en/search/", "Clear", "result")])
def test_search_interface_strings_from_our_catalogs(page, sample_url, path, clear, message):
    open_page(page, f"{sample_url}/{path}", 1024)
    page.locator(".pagefind-ui__search-input").fill("python")
    expect(page.locator(".pagefind-ui__message")).to_contain_text(message, timeout=10000)
    expect(page.locator(".pagefind-ui__search-clear")).to_have_text(clear)


def test_social_cards_are_drawn_in_the_brand_colours(tmp_path):
    from PIL import Image

    content = tmp_path / "content"
    content.mkdir()
    (content / "sans-image.fr.md").write_text(
        "Title: Un article sans image\nDate: 2026-11-20T09:00:00+01:00\nCategory: IA\n\nDu texte.\n",
        encoding="utf-8")
    site = build(tmp_path / "out", PATH=str(content), ARTICLE_PATHS=[""], STATIC_PATHS=[],
                 PAGE_PATHS=[], IMAGES={"cache": str(tmp_path / "cache")},
                 BRAND={"colors": {"accent": "#8a1538"}})
    url = site.soup("2026/11/sans-image/").find("meta", property="og:image")["content"]
    with Image.open(site.output / url.lstrip("/")) as card:
        r, g, b = card.convert("RGB").getpixel((5, 5))  # the margin: background only
    assert abs(r - 0x8a) <= 6 and abs(g - 0x15) <= 6 and abs(b - 0x38) <= 6, (r, g, b)
