"""Share links of the article page: order, endpoints, encoding, languages, JS buttons."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from pelican.log import LimitFilter

from .conftest import FIXTURES, build

SHARE_FIXTURE = {"PATH": str(FIXTURES / "share"), "ARTICLE_PATHS": ["articles"]}
SITEURL = "https://news.example.org"
ALL = ["facebook", "x", "linkedin", "mastodon", "bluesky", "hackernews", "reddit",
       "whatsapp", "telegram", "email"]

# Titles as written in tests/fixtures/share/articles/.
TITLE_FR = "« IA & cloud » : \"100 %\" d'erreurs ? #bug 🚀"
TITLE_EN = "\"AI & cloud\": 100 % of errors? It's #bug « day » 🚀"
# ... as shown: typeset in their language (quotes, apostrophes, French spaces).
SHOWN_FR = "«\u202fIA & cloud\u202f»\u00a0: «\u202f100 %\u202f» d’erreurs\u202f? #bug 🚀"
SHOWN_EN = "“AI & cloud”: 100 % of errors? It’s #bug « day » 🚀"

# network -> (scheme, host, path, parameters) written out here, not taken from the plugin.
ENDPOINTS = {
    "facebook": ("https", "www.facebook.com", "/sharer/sharer.php", {"u"}),
    "x": ("https", "x.com", "/intent/tweet", {"url", "text"}),
    "linkedin": ("https", "www.linkedin.com", "/sharing/share-offsite/", {"url"}),
    "mastodon": ("https", "toot.kytta.dev", "/", {"text"}),
    "bluesky": ("https", "bsky.app", "/intent/compose", {"text"}),
    "hackernews": ("https", "news.ycombinator.com", "/submitlink", {"u", "t"}),
    "reddit": ("https", "www.reddit.com", "/submit", {"url", "title"}),
    "whatsapp": ("https", "wa.me", "/", {"text"}),
    "telegram": ("https", "t.me", "/share/url", {"url", "text"}),
    "email": ("mailto", "", "", {"subject", "body"}),
}


@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    """The fixture article (fr + en) whose titles hold & " ' # ? % « » and an emoji."""
    return build(tmp_path_factory.mktemp("share") / "output", SITEURL=SITEURL, **SHARE_FIXTURE)


def share_links(soup):
    return soup.select("section.share ul.share-links a")


def network(a):
    return next(c[len("share-"):] for c in a["class"] if c.startswith("share-") and c != "share-link")


def params(href):
    """Query of a share link, decoded; each key must appear exactly once."""
    query = parse_qs(urlsplit(href).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in query.values()), href
    return {k: v[0] for k, v in query.items()}


def expected_values(net, url, title):
    return {
        "facebook": {"u": url},
        "x": {"url": url, "text": title},
        "linkedin": {"url": url},
        "mastodon": {"text": f"{title} {url}"},
        "bluesky": {"text": f"{title} {url}"},
        "hackernews": {"u": url, "t": title},
        "reddit": {"url": url, "title": title},
        "whatsapp": {"text": f"{title} {url}"},
        "telegram": {"url": url, "text": title},
        "email": {"subject": title, "body": url},
    }[net]


# -- markup ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["2024/11/sora-fuite/", "en/2024/11/sora-fuite/"])
def test_default_setting_lists_every_network_in_order(sample_site, path):
    links = share_links(sample_site.soup(path))
    assert [network(a) for a in links] == ALL


@pytest.mark.parametrize("path", ["2026/11/pieges/", "en/2026/11/pieges/"])
def test_endpoints_and_rel(tricky, path):
    for a in share_links(tricky.soup(path)):
        scheme, host, route, keys = ENDPOINTS[network(a)]
        parts = urlsplit(a["href"])
        assert (parts.scheme, parts.netloc, parts.path) == (scheme, host, route), a["href"]
        assert set(params(a["href"])) == keys, a["href"]
        assert not set(parts.query) & set("/:?#@ +"), a["href"]  # every value fully encoded
        assert a["rel"] == ["noopener", "noreferrer"]
        assert a.get("target") is None


@pytest.mark.parametrize("path, title", [("2026/11/pieges/", SHOWN_FR),
                                         ("en/2026/11/pieges/", SHOWN_EN)])
def test_url_and_title_survive_a_round_trip(tricky, path, title):
    soup = tricky.soup(path)
    url = f"{SITEURL}/{path}"
    shown = soup.select_one("article h1").get_text()
    assert shown == title
    links = share_links(soup)
    assert len(links) == len(ALL)
    for a in links:
        assert params(a["href"]) == expected_values(network(a), url, shown), a["href"]
    mail = next(a["href"] for a in links if network(a) == "email")
    assert "+" not in mail and "%20" in mail  # spaces percent-encoded for mail clients


def test_subset_and_order_follow_share(tmp_path):
    site = build(tmp_path / "out", SHARE=["email", "mastodon", "twitter", "hackernews"],
                 **SHARE_FIXTURE)
    for path in ("2026/11/pieges/", "en/2026/11/pieges/"):
        assert [network(a) for a in share_links(site.soup(path))] == [
            "email", "mastodon", "x", "hackernews"]


def test_empty_list_means_no_share_block(tmp_path):
    site = build(tmp_path / "out", SHARE=[], **SHARE_FIXTURE)
    for path in ("2026/11/pieges/", "en/2026/11/pieges/"):
        html = (site.output / path / "index.html").read_text(encoding="utf-8")
        assert 'class="share' not in html and "js/share." not in html


def test_published_links_use_the_absolute_canonical_url(published_site):
    for path in ("2024/11/sora-fuite/", "en/2024/11/sora-fuite/"):
        soup = published_site.soup(path)
        canonical = soup.select_one('link[rel="canonical"]')["href"]
        assert canonical == f"https://news.example.org/{path}"
        tools = soup.select_one("section.share .share-tools")
        assert tools["data-share-url"] == canonical
        for a in share_links(soup):
            values = params(a["href"]).values()
            assert any(v == canonical or v.endswith(" " + canonical) for v in values), a["href"]


@pytest.mark.parametrize("path, names", [
    ("2024/11/sora-fuite/", {"heading": "Partager cet article", "linkedin": "Partager sur LinkedIn",
                             "x": "Partager sur X", "email": "Partager par e-mail",
                             "copy": "Copier le lien", "native": "Partager…",
                             "copied": "Lien copié"}),
    ("en/2024/11/sora-fuite/", {"heading": "Share this article", "linkedin": "Share on LinkedIn",
                                "x": "Share on X", "email": "Share by email",
                                "copy": "Copy link", "native": "Share…",
                                "copied": "Link copied"}),
])
def test_localised_accessible_names(sample_site, path, names):
    soup = sample_site.soup(path)
    section = soup.select_one("section.share")
    heading = soup.find(id=section["aria-labelledby"])
    assert heading.name == "h2" and heading.get_text(strip=True) == names["heading"]
    by_net = {network(a): a for a in share_links(soup)}
    for net in ("linkedin", "x", "email"):
        a = by_net[net]
        assert a.select_one(".visually-hidden").get_text(strip=True) == names[net]
        # nothing else spoken: the visible network name is hidden from assistive tech
        spoken = [t for t in a.find_all(string=True)
                  if not any(p.get("aria-hidden") == "true" for p in t.parents if p.name)]
        assert " ".join(t.strip() for t in spoken if t.strip()) == names[net]
        assert a["title"] == names[net]
    for a in by_net.values():
        svg = a.find("svg")
        assert svg["aria-hidden"] == "true" and svg["focusable"] == "false"
        assert svg["stroke"] == "currentColor"
    tools = section.select_one(".share-tools")
    copy, native = tools.select_one("button.share-copy"), tools.select_one("button.share-native")
    assert copy.get_text(strip=True) == names["copy"] and copy.has_attr("hidden")
    assert native.get_text(strip=True) == names["native"] and native.has_attr("hidden")
    assert tools["data-copied"] == names["copied"]
    assert tools.select_one('[aria-live="polite"]') is not None


def test_no_third_party_script(sample_site):
    soup = sample_site.soup("2024/11/sora-fuite/")
    scripts = [s["src"] for s in soup.select("script[src]")]
    share_js = [s for s in scripts if "/share." in s]
    assert len(share_js) == 1 and share_js[0].startswith("/theme/js/share.")
    assert soup.select_one(f'script[src="{share_js[0]}"]').has_attr("defer")
    assert all(urlsplit(s).netloc == "" for s in scripts)


@pytest.mark.parametrize("value, problem", [
    (["facebook", "linkdin"], "linkdin"),
    ("facebook", "list"),
    ({"facebook": True}, "list"),
    (["x", "twitter"], "twice"),
    ([["email"]], "unknown network"),
])
def test_bad_setting_names_share_and_the_valid_ids(tmp_path, value, problem):
    with pytest.raises(Exception, match="SHARE") as info:
        build(tmp_path / "out", SHARE=value, **SHARE_FIXTURE)
    message = str(info.value)
    assert problem in message
    if problem != "twice":
        assert "facebook x linkedin mastodon bluesky hackernews reddit whatsapp telegram email" in message


def test_publish_build_without_absolute_siteurl_is_flagged(tmp_path, caplog):
    # Pelican drops a warning already logged in this process (LimitFilter, shared by
    # every in-process build): forget earlier ones so ours is seen, then forget ours.
    LimitFilter._raised_messages.clear()
    caplog.set_level(logging.WARNING)
    with pytest.raises(SystemExit):  # STRICT: a warning fails the build
        build(tmp_path / "out", STRICT=True, SITEURL="", **SHARE_FIXTURE)
    ours = [r.getMessage() for r in caplog.records if r.getMessage().startswith("share:")]
    LimitFilter._raised_messages.clear()
    assert len(ours) == 1 and "SITEURL" in ours[0] and "absolute" in ours[0]


def test_preview_build_does_not_nag(tricky):
    assert not [m for m in tricky.warnings() + tricky.errors() if m.startswith("share:")]


# -- browser -----------------------------------------------------------------------

ARTICLE = "2024/11/sora-fuite/"


def test_copy_link_puts_the_canonical_url_on_the_clipboard(page, sample_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sample_url)
    page.goto(f"{sample_url}/{ARTICLE}")
    status = page.locator("section.share [aria-live=polite]")
    assert status.inner_text() == ""
    page.get_by_role("button", name="Copier le lien").click()
    page.wait_for_function("document.querySelector('.share-status').textContent !== ''")
    assert status.inner_text() == "Lien copié"
    assert page.evaluate("navigator.clipboard.readText()") == f"{sample_url}/{ARTICLE}"


def test_copy_link_in_english(page, sample_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sample_url)
    page.goto(f"{sample_url}/en/{ARTICLE}")
    page.get_by_role("button", name="Copy link").click()
    page.wait_for_function("document.querySelector('.share-status').textContent !== ''")
    assert page.locator(".share-status").inner_text() == "Link copied"
    assert page.evaluate("navigator.clipboard.readText()") == f"{sample_url}/en/{ARTICLE}"


def test_native_share_hidden_without_navigator_share(page, sample_url):
    page.add_init_script("delete Navigator.prototype.share; delete navigator.share;")
    page.goto(f"{sample_url}/{ARTICLE}")
    assert page.evaluate("typeof navigator.share") == "undefined"
    page.wait_for_function("!document.querySelector('.share-copy').hidden")  # share.js ran
    assert page.locator("button.share-native").is_hidden()


def test_native_share_shown_and_used_where_available(page, sample_url):
    page.add_init_script(
        "navigator.share = (data) => { window.__shared = data; return Promise.resolve(); };")
    page.goto(f"{sample_url}/{ARTICLE}")
    button = page.get_by_role("button", name="Partager…")
    button.wait_for(state="visible")
    button.click()
    shared = page.wait_for_function("window.__shared").json_value()
    title = page.locator("article h1").inner_text()
    assert shared == {"title": title, "url": f"{sample_url}/{ARTICLE}"}


def test_without_javascript_links_work_and_no_button_shows(browser, sample_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{sample_url}/{ARTICLE}")
        assert page.locator("section.share button").count() == 2
        assert page.locator("section.share button:visible").count() == 0
        links = page.locator("section.share ul.share-links a")
        assert links.count() == len(ALL)
        assert page.get_by_role("link", name="Partager sur LinkedIn").is_visible()
        assert page.get_by_role("link", name="Partager par e-mail").get_attribute(
            "href").startswith("mailto:?subject=")
    finally:
        context.close()
