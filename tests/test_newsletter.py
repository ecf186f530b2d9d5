"""Newsletter sign-up form: real builds per provider preset, and a browser that submits it."""

from __future__ import annotations

import logging
import sys
from collections import Counter

import pytest
from pelican.log import LimitFilter

from .conftest import FIXTURES, ROOT, Endpoint, build, languages, serve

sys.path.insert(0, str(ROOT / "plugins"))
from newsletter.config import ConfigurationError, validate  # noqa: E402

# A French-English fixture: per-language settings below give fr and en values.
FIXTURE = dict(PATH=str(FIXTURES / "newsletter"), ARTICLE_PATHS=["articles"], PAGE_PATHS=["pages"],
               **languages("fr", "en"))
FR_ARTICLE, EN_ARTICLE = "2026/01/lettre/", "en/2026/01/lettre/"
HEADING = {"fr": "Inscrivez-vous à notre newsletter", "en": "Subscribe to our newsletter"}
EMAIL_LABEL = {"fr": "Adresse e-mail", "en": "Email address"}
BUTTON = {"fr": "S’inscrire", "en": "Subscribe"}
PRIVACY = {"fr": "/confidentialite/", "en": "/en/confidentialite/"}


@pytest.fixture(autouse=True)
def fresh_log_dedup():
    """Pelican drops a warning already logged in this process (LimitFilter, shared by every
    in-process build): forget ours so this module neither misses its warnings nor hides
    another test's."""
    LimitFilter._raised_messages.clear()
    yield
    LimitFilter._raised_messages.clear()


def forms(soup):
    return soup.select("form.newsletter-form")


def the_form(soup):
    found = forms(soup)
    assert len(found) == 1, f"expected one sign-up form, found {len(found)}"
    return found[0]


def fields(form):
    """{name: [values]} of the hidden inputs, the honeypot name and the e-mail field name."""
    hidden = {}
    for tag in form.select('input[type="hidden"]'):
        hidden.setdefault(tag["name"], []).append(tag["value"])
    trap = form.select_one(".newsletter-trap input")
    return hidden, (trap["name"] if trap else None), form.select_one('input[type="email"]')["name"]


# -- the sample site (pelicanconf: Buttondown, privacy page "confidentialite") --

@pytest.mark.parametrize("url, lang", [("2024/11/sora-fuite/", "fr"), ("en/2024/11/sora-fuite/", "en")])
def test_form_after_the_article_body_in_the_page_language(sample_site, url, lang):
    soup = sample_site.soup(url)
    form = the_form(soup)
    section = form.find_parent("section", class_="newsletter")
    # After the article body, not in the footer (an article page shows one form).
    assert section.find_parent("article", class_="article") is not None
    assert section.find_previous_sibling("div", class_="content") is not None
    assert soup.select_one("footer.site-footer form, aside.aside form") is None
    assert section.h2.get_text(strip=True) == HEADING[lang]
    assert section["aria-labelledby"] == section.h2["id"] == "newsletter-article-title"
    assert form.find("label", attrs={"for": "newsletter-article-email"}).get_text(strip=True) == EMAIL_LABEL[lang]
    assert form.find("button", type="submit").get_text(strip=True) == BUTTON[lang]
    assert form["method"] == "post"
    assert form["action"] == "https://buttondown.com/api/emails/embed-subscribe/lefiltech"


@pytest.mark.parametrize("url, lang", [("", "fr"), ("en/", "en"), ("category/ia/", "fr"),
                                       ("en/category/ai/", "en"), ("en/archives/", "en"),
                                       ("confidentialite/", "fr")])
def test_side_column_form_on_listing_and_other_pages(sample_site, url, lang):
    soup = sample_site.soup(url)
    form = the_form(soup)
    section = form.find_parent("section", class_="newsletter")
    assert section.find_parent("aside", class_="aside") is not None
    assert "newsletter-aside" in section["class"]
    assert section.h2.get_text(strip=True) == HEADING[lang]
    assert form.find("label", attrs={"for": "newsletter-aside-email"}).get_text(strip=True) == EMAIL_LABEL[lang]


def test_every_page_has_exactly_one_form_and_unique_ids(sample_site):
    for path in sample_site.html_files():
        rel = path.relative_to(sample_site.output).as_posix()
        if rel.startswith("drafts/") or "/drafts/" in rel:
            continue
        soup = sample_site.soup(rel)
        assert len(forms(soup)) == 1, rel
        is_article = soup.select_one("article.article") is not None
        in_aside = soup.select_one("aside.aside form.newsletter-form") is not None
        assert in_aside != is_article, rel
        ids = Counter(tag["id"] for tag in soup.find_all(id=True))
        assert not [i for i, n in ids.items() if n > 1], rel
        for label in soup.select(".newsletter label[for]"):
            assert soup.find(id=label["for"]) is not None, (rel, label["for"])


@pytest.mark.parametrize("url, lang", [("2024/11/sora-fuite/", "fr"), ("en/", "en")])
def test_email_input(sample_site, url, lang):
    form = the_form(sample_site.soup(url))
    email = form.select_one('input[type="email"]')
    assert email["name"] == "email"
    assert email.has_attr("required")
    assert email["autocomplete"] == "email"
    label = form.find("label", attrs={"for": email["id"]})
    assert label.get_text(strip=True) == EMAIL_LABEL[lang]
    assert "visually-hidden" not in (label.get("class") or [])


@pytest.mark.parametrize("url, lang", [("2024/11/sora-fuite/", "fr"), ("", "fr"),
                                       ("en/2024/11/sora-fuite/", "en"), ("en/tags/", "en")])
def test_consent_box_unticked_required_and_links_to_privacy_page(sample_site, url, lang):
    form = the_form(sample_site.soup(url))
    box = form.select_one('input[type="checkbox"]')
    assert box.has_attr("required")
    assert not box.has_attr("checked")
    label = form.find("label", attrs={"for": box["id"]})
    link = label.find("a")
    assert link["href"] == PRIVACY[lang]
    text = label.get_text(" ", strip=True)
    if lang == "fr":
        assert text.startswith("J’accepte de recevoir la newsletter") and "politique de confidentialité" in text
    else:
        assert text.startswith("I agree to receive the newsletter") and "privacy policy" in text


@pytest.mark.parametrize("url", ["2024/11/sora-fuite/", "en/"])
def test_honeypot_present_and_hidden(sample_site, url):
    form = the_form(sample_site.soup(url))
    wrapper = form.select_one(".newsletter-trap")
    assert wrapper["aria-hidden"] == "true"
    trap = wrapper.find("input")
    assert trap["type"] == "text" and trap["value"] == ""
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"
    assert not trap.has_attr("required")
    css = (ROOT / "theme/static/css/main.css").read_text(encoding="utf-8")
    assert ".newsletter-trap { position: absolute" in css


def test_no_javascript_and_no_third_party_request(sample_site):
    soup = sample_site.soup("2024/11/sora-fuite/")
    section = the_form(soup).find_parent("section")
    assert section.find("script") is None
    assert not [t for t in section.find_all(True) if t.has_attr("src")]
    assert not [a for a in section.find_all(True) if any(k.startswith("on") for k in a.attrs)]


@pytest.mark.parametrize("lang, prefix", [("fr", ""), ("en", "en/")])
def test_confirm_page_per_language(sample_site, lang, prefix):
    soup = sample_site.soup(f"{prefix}newsletter/confirm/")
    assert soup.html["lang"] == lang
    assert soup.h1.get_text(strip=True) == {"fr": "Vérifiez votre boîte mail", "en": "Check your inbox"}[lang]
    hreflang = {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"][hreflang]')}
    assert hreflang["fr"] == "/newsletter/confirm/" and hreflang["en"] == "/en/newsletter/confirm/"
    assert soup.select_one('meta[name="robots"]')["content"] == "noindex"
    switcher = {a["hreflang"]: a["href"] for a in soup.select(".lang-switcher a")}
    assert switcher == {"fr": "/newsletter/confirm/", "en": "/en/newsletter/confirm/",
                        "es": "/es/newsletter/confirm/"}


# -- provider presets ----------------------------------------------------------

PRESETS = {
    "buttondown": (
        {"provider": "buttondown", "username": "lefil"},
        {"fr": ("https://buttondown.com/api/emails/embed-subscribe/lefil", "post", "email",
                {"embed": ["1"]}, "hp_website"),
         "en": ("https://buttondown.com/api/emails/embed-subscribe/lefil", "post", "email",
                {"embed": ["1"]}, "hp_website")},
    ),
    "mailchimp-action": (
        {"provider": "mailchimp",
         "action": "https://lefil.us21.list-manage.com/subscribe/post?u=a1b2c3&id=d4e5f6"},
        {lang: ("https://lefil.us21.list-manage.com/subscribe/post?u=a1b2c3&id=d4e5f6", "post",
                "EMAIL", {}, "b_a1b2c3_d4e5f6") for lang in ("fr", "en")},
    ),
    "mailchimp-per-language": (
        {"provider": "mailchimp", "u": "a1b2c3", "dc": "us21", "id": {"fr": "f00001", "en": "e00002"}},
        {"fr": ("https://us21.list-manage.com/subscribe/post?u=a1b2c3&id=f00001", "post", "EMAIL",
                {}, "b_a1b2c3_f00001"),
         "en": ("https://us21.list-manage.com/subscribe/post?u=a1b2c3&id=e00002", "post", "EMAIL",
                {}, "b_a1b2c3_e00002")},
    ),
    "brevo": (
        {"provider": "brevo", "action": "https://f1a2b3.sibforms.com/serve/MUIFAbc123"},
        {lang: ("https://f1a2b3.sibforms.com/serve/MUIFAbc123", "post", "EMAIL",
                {"locale": [lang], "html_type": ["simple"]}, "email_address_check")
         for lang in ("fr", "en")},
    ),
    "listmonk-per-language": (
        {"provider": "listmonk", "url": "https://lists.example.org/",
         "lists": {"fr": "11111111-aaaa-4bbb-8ccc-000000000001",
                   "en": ["22222222-aaaa-4bbb-8ccc-000000000002", "33333333-aaaa-4bbb-8ccc-000000000003"]}},
        {"fr": ("https://lists.example.org/subscription/form", "post", "email",
                {"l": ["11111111-aaaa-4bbb-8ccc-000000000001"]}, "nonce"),
         "en": ("https://lists.example.org/subscription/form", "post", "email",
                {"l": ["22222222-aaaa-4bbb-8ccc-000000000002", "33333333-aaaa-4bbb-8ccc-000000000003"]},
                "nonce")},
    ),
    "custom": (
        {"provider": "custom", "action": "https://news.example.net/join", "method": "GET",
         "email_field": "adresse", "honeypot_field": "site_web", "redirect_field": "next",
         "hidden": {"source": "site", "liste": {"fr": "hebdo", "en": "weekly"}}},
        {"fr": ("https://news.example.net/join", "get", "adresse",
                {"next": ["https://news.example.org/newsletter/confirm/"], "source": ["site"],
                 "liste": ["hebdo"]}, "site_web"),
         "en": ("https://news.example.net/join", "get", "adresse",
                {"next": ["https://news.example.org/en/newsletter/confirm/"], "source": ["site"],
                 "liste": ["weekly"]}, "site_web")},
    ),
}


@pytest.mark.parametrize("name", list(PRESETS))
def test_provider_presets(tmp_path, name):
    setting, expected = PRESETS[name]
    site = build(tmp_path / "out", NEWSLETTER={**setting, "privacy_page": "confidentialite"},
                 SITEURL="https://news.example.org", **FIXTURE)
    for lang, urls in (("fr", [FR_ARTICLE, "", "category/ia/"]), ("en", [EN_ARTICLE, "en/", "en/category/ai/"])):
        action, method, email, hidden, trap = expected[lang]
        for url in urls:
            form = the_form(site.soup(url))
            assert form["action"] == action, (url, form["action"])
            assert form["method"] == method
            got_hidden, got_trap, got_email = fields(form)
            assert (got_hidden, got_trap, got_email) == (hidden, trap, email), url
            privacy = form.select_one(".newsletter-consent a")["href"]
            assert privacy == "https://news.example.org" + PRIVACY[lang]
    assert not [m for m in site.warnings() if m.startswith("newsletter:")]


def test_consent_field_is_sent_only_when_named(tmp_path):
    site = build(tmp_path / "out", NEWSLETTER={"provider": "buttondown", "username": "x",
                                               "consent_field": "metadata__consent",
                                               "privacy_page": "confidentialite"}, **FIXTURE)
    box = the_form(site.soup(FR_ARTICLE)).select_one('input[type="checkbox"]')
    assert box["name"] == "metadata__consent" and box["value"] == "yes"


def test_default_privacy_page_is_privacy_and_missing_page_is_reported(tmp_path):
    site = build(tmp_path / "out", NEWSLETTER={"provider": "buttondown", "username": "x"}, **FIXTURE)
    assert any("newsletter:" in m and "'privacy'" in m for m in site.warnings()), site.warnings()
    label = the_form(site.soup(FR_ARTICLE)).select_one(".newsletter-consent label")
    assert label.find("a") is None  # no page to link to: plain text, no broken link
    assert "politique de confidentialité" in label.get_text()


# -- no provider ---------------------------------------------------------------

@pytest.mark.parametrize("setting", [{}, {"provider": "none"}])
def test_no_provider_no_form_anywhere(tmp_path, setting):
    site = build(tmp_path / "out", NEWSLETTER=setting, **FIXTURE)
    pages = site.html_files()
    assert len(pages) > 10
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "newsletter-form" not in text and 'class="newsletter' not in text, path
    assert not (site.output / "newsletter/confirm/index.html").exists()
    assert not (site.output / "en/newsletter/confirm/index.html").exists()
    # A preview build does not nag.
    assert not [m for m in site.warnings() if "newsletter" in m]


PUBLISH_URL = "https://news.example.org"


def test_publish_build_warns_when_no_provider(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    with pytest.raises(SystemExit):
        build(tmp_path / "out", conf="publishconf.py", SITEURL=PUBLISH_URL, NEWSLETTER={})
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    warning = [m for m in messages if m.startswith("newsletter: no provider configured")]
    assert warning, messages
    assert "NEWSLETTER" in warning[0] and '"provider": "none"' in warning[0]


def test_publish_build_quiet_when_explicitly_disabled(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    try:
        build(tmp_path / "out", conf="publishconf.py", SITEURL=PUBLISH_URL,
              NEWSLETTER={"provider": "none"})
    except SystemExit:
        pass  # another plugin's warning may fail the strict build; ours must not be among them
    assert not [r for r in caplog.records if r.getMessage().startswith("newsletter:")]


# -- bad settings ----------------------------------------------------------------

SETTINGS = {"LANGUAGES": ["fr", "en"], "DEFAULT_LANG": "fr"}


@pytest.mark.parametrize("setting, needle", [
    ("buttondown", "must be a dict"),
    ({"username": "x"}, "'provider' is missing"),
    ({"provider": "mailchump", "action": "https://x"}, "unknown provider 'mailchump'"),
    ({"provider": "buttondown"}, "needs 'username'"),
    ({"provider": "buttondown", "usename": "x"}, "['usename'] not understood"),
    ({"provider": "buttondown", "username": {"fr": "x"}}, "'username' has no value for ['en']"),
    ({"provider": "buttondown", "username": {"fr": "x", "en": "y", "de": "z"}}, "not in LANGUAGES"),
    ({"provider": "mailchimp", "u": "a"}, "missing ['id', 'dc']"),
    ({"provider": "mailchimp", "action": "https://example.org/join"}, "list-manage.com"),
    ({"provider": "brevo"}, "needs 'action'"),
    ({"provider": "brevo", "action": "sibforms.com/serve/x"}, "absolute http(s) URL"),
    ({"provider": "listmonk", "url": "https://lists.example.org"}, "needs 'lists'"),
    ({"provider": "listmonk", "lists": ["x"]}, "needs 'url'"),
    ({"provider": "listmonk", "url": "https://l.example.org", "lists": []}, "non-empty list"),
    ({"provider": "custom", "action": "https://x.example"}, "needs 'email_field'"),
    ({"provider": "custom", "email_field": "email"}, "needs 'action'"),
    ({"provider": "custom", "action": "https://x.example", "email_field": "e", "method": "put"},
     "'method' must be 'post' or 'get'"),
    ({"provider": "custom", "action": "https://x.example", "email_field": "e",
      "redirect_field": "next", "confirm_url": None}, "'redirect_field' needs the confirmation page"),
    ({"provider": "buttondown", "username": "x", "hidden": ["a"]}, "'hidden' must be a dict"),
])
def test_bad_settings_are_named(setting, needle):
    with pytest.raises(ConfigurationError) as err:
        validate({**SETTINGS, "NEWSLETTER": setting})
    message = str(err.value)
    assert message.startswith("NEWSLETTER: ")
    assert needle in message, message


def test_bad_setting_stops_the_build_at_start(tmp_path):
    with pytest.raises(Exception, match=r"NEWSLETTER: provider 'listmonk' needs 'lists'"):
        build(tmp_path / "out", NEWSLETTER={"provider": "listmonk", "url": "https://l.example.org"},
              **FIXTURE)
    assert not (tmp_path / "out" / "index.html").exists()


# -- in a browser --------------------------------------------------------------

@pytest.fixture(scope="module")
def signup_site(tmp_path_factory):
    """The fixture site, served on loopback, posting to a local endpoint (custom preset)."""
    endpoint = Endpoint()
    out = tmp_path_factory.mktemp("newsletter-browser") / "output"
    out.mkdir()
    server, url = serve(out)  # started first: the redirect URL is absolute
    build(out, SITEURL=url, NEWSLETTER={
        "provider": "custom", "action": endpoint.url + "/subscribe", "email_field": "address",
        "hidden": {"list": {"fr": "liste-fr", "en": "list-en"}},
        "honeypot_field": "website", "redirect_field": "next", "privacy_page": "confidentialite",
    }, **FIXTURE)
    yield url, endpoint
    server.shutdown()
    endpoint.server.shutdown()


@pytest.fixture
def signup(signup_site):
    url, endpoint = signup_site
    endpoint.requests.clear()
    return url, endpoint


@pytest.mark.parametrize("path, form_id, lang, list_name", [
    (FR_ARTICLE, "newsletter-article", "fr", "liste-fr"),
    ("en/", "newsletter-aside", "en", "list-en"),
])
def test_browser_submits_the_form(page, signup, path, form_id, lang, list_name):
    url, endpoint = signup
    page.goto(f"{url}/{path}")
    page.fill(f"#{form_id}-email", "reader@example.org")
    page.check(f"#{form_id}-consent")
    with page.expect_navigation():
        page.click(f".{form_id} button[type=submit]")
    assert len(endpoint.requests) == 1, endpoint.requests
    method, where, form = endpoint.requests[0]
    assert (method, where) == ("POST", "/subscribe")
    prefix = "" if lang == "fr" else "en/"
    assert dict(form) == {
        "address": "reader@example.org",
        "list": list_name,
        "website": "",  # the honeypot is sent, empty
        "next": f"{url}/{prefix}newsletter/confirm/",
    }
    # The endpoint redirected to the "check your inbox" page of the reader's language.
    assert page.url == f"{url}/{prefix}newsletter/confirm/"
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == {"fr": "Vérifiez votre boîte mail", "en": "Check your inbox"}[lang]


def test_browser_refuses_an_invalid_address(page, signup):
    url, endpoint = signup
    page.goto(f"{url}/en/")
    page.fill("#newsletter-aside-email", "not an address")
    page.check("#newsletter-aside-consent")
    page.click(".newsletter-aside button[type=submit]")
    page.wait_for_timeout(500)
    assert endpoint.requests == []
    assert page.url == f"{url}/en/"
    assert page.eval_on_selector("#newsletter-aside-email", "e => e.validity.valid") is False
    assert page.eval_on_selector("#newsletter-aside-email", "e => e.validity.typeMismatch") is True


def test_browser_refuses_without_consent(page, signup):
    url, endpoint = signup
    page.goto(f"{url}/{FR_ARTICLE}")
    page.fill("#newsletter-article-email", "reader@example.org")
    assert page.is_checked("#newsletter-article-consent") is False
    page.click(".newsletter-article button[type=submit]")
    page.wait_for_timeout(500)
    assert endpoint.requests == []
    assert page.url == f"{url}/{FR_ARTICLE}"
    assert page.eval_on_selector("#newsletter-article-consent", "e => e.validity.valueMissing") is True
    assert page.eval_on_selector("#newsletter-article-email", "e => e.validity.valid") is True


def test_browser_honeypot_is_out_of_sight_and_out_of_tab_order(page, signup):
    url, _ = signup
    page.goto(f"{url}/en/")
    box = page.locator("#newsletter-aside-trap").bounding_box()
    assert box is None or box["x"] + box["width"] <= 0 or box["width"] <= 1
    assert page.locator("#newsletter-aside-email").is_visible()
    assert page.locator("#newsletter-aside-consent").is_visible()
    page.focus("#newsletter-aside-email")
    visited = []
    for _ in range(4):
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
    assert "newsletter-aside-trap" not in visited
    assert visited[0] == "newsletter-aside-consent"
    assert "BUTTON" in visited


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [FR_ARTICLE, "en/"])
def test_browser_form_has_no_accessibility_violations(page, signup, scheme, path):
    from axe_playwright_python.sync_playwright import Axe

    url, _ = signup
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{url}/{path}")
    result = Axe().run(page, context={"include": [["section.newsletter"]]})
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result.response["violations"]]
    assert violations == []
    assert result.response["passes"], "axe checked nothing"
