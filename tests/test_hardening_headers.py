"""Security headers of publish builds: the CSP and Referrer-Policy <meta>, _headers and
the nginx snippet from one definition; previews carry none; in a browser the published
site loads nothing from another host and breaks no rule of its policy."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import Endpoint, build, serve

SITEURL = "https://news.example.org"
FR_ARTICLE = "2024/11/sora-fuite/"
EN_ARTICLE = "en/2024/11/sora-fuite/"


def policy(text):
    """{directive: [sources]} of a CSP string."""
    result = {}
    for part in text.split(";"):
        name, *sources = part.split()
        result[name] = sources
    return result


def csp_meta(soup):
    tag = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    return policy(tag["content"]) if tag else None


def headers_rules(text):
    """[(path pattern, {header: value})] of a _headers file."""
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), {}))
        else:
            name, _, value = line.strip().partition(": ")
            assert name not in rules[-1][1], f"{name} twice for {rules[-1][0]}"
            rules[-1][1][name] = value
    return rules


def matches(pattern, path):
    """Netlify / Cloudflare Pages matching: ``*`` is a splat, anything else literal."""
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), path) is not None


def url_path(rel):
    """URL path a file of the site is served at (folders end with /)."""
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


# -- the published files -----------------------------------------------------------

def test_every_published_page_starts_with_the_policy(published_site):
    pages = [p.relative_to(published_site.output).as_posix()
             for p in published_site.output.rglob("*.html")]
    assert len(pages) > 40
    for rel in pages:
        soup = published_site.soup(rel)
        head = soup.head.find_all(True)
        assert head[0].get("charset") == "utf-8"
        assert head[1].get("http-equiv") == "Content-Security-Policy", rel  # before any resource
        assert head[2].get("name") == "referrer" and head[2]["content"] == \
            "strict-origin-when-cross-origin"
        csp = csp_meta(soup)
        own = ["'self'", SITEURL]
        assert csp["default-src"] == csp["style-src"] == csp["connect-src"] == own
        search = rel in ("search/index.html", "en/search/index.html", "es/search/index.html")
        assert csp["script-src"] == own + (["'wasm-unsafe-eval'"] if search else []), rel
        assert csp["img-src"] == own + ["data:"]
        assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"]
        assert "frame-ancestors" not in csp  # ignored in a <meta>: in the headers files
        assert not any("unsafe-inline" in s or s == "'unsafe-eval'" or s == "*"
                       for sources in csp.values() for s in sources)
        # Nothing inline the policy would block: scripts have a src (or are JSON-LD data).
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", rel
        assert not soup.find_all("style") and not soup.find_all(style=True), rel
        assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]


def test_form_action_is_the_newsletter_endpoint(published_site):
    soup = published_site.soup(FR_ARTICLE)
    action = soup.select_one("form.newsletter-form")["action"]
    assert action.startswith("https://buttondown.com/")
    assert csp_meta(soup)["form-action"] == ["'self'", SITEURL, "https://buttondown.com"]


def test_headers_file_has_the_same_policy_and_the_caching(published_site):
    out = published_site.output
    rules = headers_rules((out / "_headers").read_text(encoding="utf-8"))
    pattern, every = rules[0]
    assert pattern == "/*"
    search_meta = published_site.soup("search/").find(
        "meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert every["Content-Security-Policy"] == search_meta + "; frame-ancestors 'none'"
    assert every["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert every["X-Content-Type-Options"] == "nosniff" and every["X-Frame-Options"] == "DENY"
    assert "Cache-Control" not in every
    fingerprinted = sorted(p.relative_to(out).as_posix() for p in (out / "theme").rglob("*")
                           if re.search(r"\.[0-9a-f]{10}\.(css|js)$", p.name))
    assert any(name.startswith("theme/css/main.") for name in fingerprinted)
    for path in sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()):
        for url in {url_path(path), "/" + path}:  # a page is served at both
            caching = [h["Cache-Control"] for pat, h in rules[1:] if matches(pat, url)]
            assert len(caching) <= 1, (url, caching)  # no host has to merge two values
            if path in fingerprinted:
                assert caching == ["public, max-age=31536000, immutable"], url
            elif path.endswith(".html"):
                assert caching == ["public, max-age=300"], url


def test_nginx_snippet_sends_the_same_headers(published_site):
    out = published_site.output
    text = (out / "nginx-headers.conf").read_text(encoding="utf-8")
    every = dict(headers_rules((out / "_headers").read_text(encoding="utf-8"))[0][1])
    top, *locations = re.split(r"\nlocation ", text)
    sent = dict(re.findall(r'^add_header (\S+) "([^"]*)" always;$', top, re.M))
    assert sent == every
    by_regex = {}
    for block in locations:
        regex = re.match(r'~ "([^"]+)" \{', block).group(1)
        headers = dict(re.findall(r'^    add_header (\S+) "([^"]*)" always;$', block, re.M))
        assert {k: v for k, v in headers.items() if k != "Cache-Control"} == every
        by_regex[regex] = headers["Cache-Control"]
    asset = next(p.relative_to(out).as_posix() for p in (out / "theme/css").glob("main.*.css"))
    for path, expected in [("/" + asset, "public, max-age=31536000, immutable"),
                           ("/", "public, max-age=300"), ("/" + FR_ARTICLE, "public, max-age=300"),
                           ("/en/index.html", "public, max-age=300")]:
        found = [cache for regex, cache in by_regex.items() if re.search(regex, path)]
        assert found == [expected], path
    assert not [r for r in by_regex if re.search(r, "/images/card.png")]


def test_preview_builds_carry_no_policy(sample_site):
    assert csp_meta(sample_site.soup(FR_ARTICLE)) is None
    assert sample_site.soup("").find("meta", attrs={"name": "referrer"}) is None
    assert not (sample_site.output / "_headers").exists()
    assert not (sample_site.output / "nginx-headers.conf").exists()


def test_live_preview_keeps_its_reload_script_and_no_policy(tmp_path):
    site = build(tmp_path / "out", EDITORIAL={"preview": True, "live": True,
                                              "categories": ["IA", "Sécurité", "Données",
                                                             "Logiciel libre"]})
    soup = site.soup(FR_ARTICLE)
    assert soup.find("script", src=re.compile(r"livereload\.[0-9a-f]{10}\.js$"))
    assert csp_meta(soup) is None


@pytest.mark.parametrize("value, message", [
    ({"referrer_policy": "everything"}, "SECURITY['referrer_policy'] must be one of"),
    ({"frame_ancestors": "'none'; script-src *"}, "SECURITY['frame_ancestors'] must be"),
    ({"html_max_age": -1}, "SECURITY['html_max_age'] must be a number of seconds"),
    ({"headers_file": "../_headers"}, "SECURITY['headers_file'] must be a file name"),
    ({"csp": True}, "SECURITY: unknown key(s) ['csp']"),
])
def test_a_wrong_setting_is_named(tmp_path, value, message):
    with pytest.raises(Exception, match=re.escape(message)):
        build(tmp_path / "out", SECURITY=value)


# -- in the browser ----------------------------------------------------------------

@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The sample site built as `make publish` builds it, its SITEURL being the local
    server that serves it; the newsletter posts to a local endpoint."""
    out = tmp_path_factory.mktemp("csp") / "output"
    out.mkdir()
    server, base = serve(out)
    endpoint = Endpoint()
    site = build(out, conf="publishconf.py", SITEURL=base, NEWSLETTER={
        "provider": "custom", "action": f"{endpoint.url}/subscribe", "email_field": "address",
        "redirect_field": "next", "privacy_page": "confidentialite"})
    assert site.errors() == [] and site.warnings() == []
    yield base, endpoint
    server.shutdown()
    endpoint.server.shutdown()


VIOLATIONS = """document.addEventListener("securitypolicyviolation", e =>
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI));"""


def watch(page):
    """Requests made and policy violations reported by ``page`` from now on."""
    seen = {"requests": [], "violations": []}
    page.add_init_script(VIOLATIONS)
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("console", lambda message: seen["violations"].append(message.text)
            if "CSP violation" in message.text or "Content Security Policy" in message.text
            else None)
    return seen


@pytest.mark.parametrize("path", ["", "en/", FR_ARTICLE, EN_ARTICLE])
def test_pages_request_nothing_from_another_host(page, live, path):
    base, _ = live
    seen = watch(page)
    page.goto(f"{base}/{path}", wait_until="networkidle")
    assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
    assert len(seen["requests"]) >= 2  # the page and at least its stylesheet
    assert {urlsplit(url).netloc for url in seen["requests"]} == {urlsplit(base).netloc}
    assert seen["violations"] == []
    # The policy is enforced and violations would be seen: an inline script is refused.
    page.evaluate("""() => { const s = document.createElement("script");
        s.textContent = "window.injected = true"; document.body.append(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected === undefined")
    assert any("script-src" in v for v in seen["violations"])


def test_copy_button_works_under_the_policy(page, live):
    base, _ = live
    seen = watch(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page.goto(f"{base}/{FR_ARTICLE}")
    button = page.locator(".share-copy")
    expect(button).to_be_visible()
    button.click()
    status = page.locator(".share-tools").get_attribute("data-copied")
    expect(page.locator(".share-status")).to_have_text(status)
    assert page.evaluate("navigator.clipboard.readText()") == f"{base}/{FR_ARTICLE}"
    assert seen["violations"] == []


@pytest.mark.parametrize("path, query, expected", [
    ("search/", "quantification", "/2025/06/quantification-modeles-de-langage/"),
    ("en/search/", "quantization", "/en/2025/06/quantification-modeles-de-langage/"),
])
def test_search_works_under_the_policy(page, live, path, query, expected):
    base, _ = live
    seen = watch(page)
    page.goto(f"{base}/{path}")
    page.locator(".pagefind-ui__search-input").fill(query)
    results = page.locator(".pagefind-ui__result-link")
    expect(results.first).to_be_visible(timeout=10000)
    hrefs = results.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert f"{base}{expected}" in hrefs or expected in hrefs
    assert {urlsplit(url).netloc for url in seen["requests"]} == {urlsplit(base).netloc}
    assert seen["violations"] == []


def test_newsletter_form_posts_under_the_policy(page, live):
    base, endpoint = live
    endpoint.requests.clear()
    seen = watch(page)
    page.goto(f"{base}/{EN_ARTICLE}")
    page.fill("#newsletter-article-email", "reader@example.org")
    page.check("#newsletter-article-consent")
    with page.expect_navigation(url=f"{base}/en/newsletter/confirm/"):
        page.click(".newsletter-article button[type=submit]")
    assert [(p, dict(f)["address"]) for _m, p, f in endpoint.requests] == [("/subscribe", "reader@example.org")]
    assert page.locator("h1").inner_text() == "Check your inbox"
    assert seen["violations"] == []
