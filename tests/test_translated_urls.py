"""Translated URLs: a translation with a slug of its own, linked by its translation key."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET

import pytest

from newsroom import cli, rules, scaffold, status
from newsroom import sources as src_mod
from newsroom.sitecheck import BuiltSite, check_hreflang, check_links, hreflang_map

from .conftest import build

SITEURL = "https://news.example.org"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def make_content(root):
    write(root / "2024" / "sora-fuite.fr.md", """
        Title: Fuite de Sora : ce que l’on sait
        Date: 2024-11-27T09:30:00+01:00
        Category: IA
        Summary: Un accès anticipé a fuité.

        Le texte en français.
        """)
    # same file name, its own slug
    write(root / "2024" / "sora-fuite.en.md", """
        Title: Sora leak: what we know
        Slug: sora-leak
        Date: 2024-11-27T09:30:00+01:00
        Category: AI
        Translation: true
        Summary: Early access leaked.

        The English text.
        """)
    # another file name, linked by its Translation-Of key
    write(root / "2024" / "sora-leck.de.md", """
        Title: Sora-Leck
        Date: 2024-11-27T09:30:00+01:00
        Category: KI
        Translation: true
        Translation-Of: sora-fuite
        Summary: Früher Zugang ist durchgesickert.

        Der deutsche Text.
        """)
    write(root / "pages" / "a-propos.fr.md", """
        Title: À propos

        Qui sommes-nous.
        """)
    write(root / "pages" / "a-propos.en.md", """
        Title: About
        Slug: about
        Translation: true

        Who we are.
        """)


SETTINGS = dict(
    ARTICLE_PATHS=["2024"], PAGE_PATHS=["pages"], LANGUAGES=["fr", "en", "de"],
    I18N_OVERRIDES={}, I18N_TAXONOMY={"IA": {"en": "AI", "de": "KI"}},
    EDITORIAL={"categories": None, "now": "2026-12-01T09:00:00+01:00"},
    NEWSLETTER={"provider": "none"}, SEO={"default_image": None, "publisher_logo": None},
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("translated") / "content"
    make_content(root)
    built = build(root.parent / "output", conf="publishconf.py", PATH=str(root),
                  SITEURL=SITEURL, **SETTINGS)
    built.content = root
    return built


def test_each_translation_at_its_own_url(site):
    out = site.output
    assert (out / "2024/11/sora-fuite/index.html").is_file()
    assert (out / "en/2024/11/sora-leak/index.html").is_file()
    assert (out / "de/2024/11/sora-leck/index.html").is_file()
    assert not (out / "en/2024/11/sora-fuite").exists()
    assert (out / "en/about/index.html").is_file()
    assert not site.errors()


def test_hreflang_and_switcher_follow_the_translated_slugs(site):
    built = BuiltSite(site.output, SITEURL)
    assert hreflang_map(built, "en/2024/11/sora-leak/index.html") == {
        "fr": "2024/11/sora-fuite/index.html", "en": "en/2024/11/sora-leak/index.html",
        "de": "de/2024/11/sora-leck/index.html", "x-default": "2024/11/sora-fuite/index.html"}
    assert check_hreflang(built) == []
    assert check_links(built) == []
    fr = site.soup("2024/11/sora-fuite/index.html")
    switcher = {a["hreflang"]: a["href"] for a in fr.select("nav.lang-switcher a")}
    assert switcher["en"].endswith("/en/2024/11/sora-leak/")
    assert switcher["de"].endswith("/de/2024/11/sora-leck/")
    page = site.soup("about/index.html") if (site.output / "about").exists() else None
    assert page is None  # the English page is only at /en/about/


def test_sitemap_alternates_use_the_translated_urls(site):
    root = ET.parse(site.output / "sitemap-en.xml").getroot()
    for url in root.iter(f"{SM}url"):
        if url.findtext(f"{SM}loc") == f"{SITEURL}/en/2024/11/sora-leak/":
            links = {link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")}
            assert links["fr"] == f"{SITEURL}/2024/11/sora-fuite/"
            assert links["de"] == f"{SITEURL}/de/2024/11/sora-leck/"
            break
    else:
        pytest.fail("the English article is not in sitemap-en.xml")


def project_for(root, tmp_path):
    args = cli.build_parser().parse_args(["lint", "--content", str(root)])
    project = cli.Project(args)
    project.settings.update(PATH=str(root), ARTICLE_PATHS=["2024"], PAGE_PATHS=["pages"])
    project.settings["LANGUAGES"] = SETTINGS["LANGUAGES"]
    project.ctx = rules.RuleContext.from_settings(project.settings, project.editorial, str(root))
    return project


def test_content_model_lint_and_status_agree(tmp_path):
    root = tmp_path / "content"
    make_content(root)
    project = project_for(root, tmp_path)
    scan = project.scan()
    keys = {s.rel: (s.translation_key, s.slug) for s in scan.sources}
    assert keys["2024/sora-fuite.en.md"] == ("sora-fuite", "sora-leak")
    assert keys["2024/sora-leck.de.md"] == ("sora-fuite", "sora-leck")
    assert keys["pages/a-propos.en.md"] == ("a-propos", "about")
    assert [p for p in rules.lint(scan, project.ctx) if p.rule in
            ("orphan_translation", "duplicate_slug", "duplicate_key")] == []
    rows = {r.slug: r for r in status.translation_status(scan.sources, project.ctx)}
    assert rows["sora-fuite"].cells["fr"].state == status.ORIGINAL
    assert rows["sora-fuite"].cells["en"].state == status.UNTRACKED
    assert rows["sora-fuite"].cells["de"].state == status.UNTRACKED
    assert "sora-leak" not in rows


def test_parse_translation_of():
    assert src_mod.parse_translation_of("sha256:0123456789abcdef") == (None, "sha256:0123456789abcdef")
    assert src_mod.parse_translation_of("sora-fuite sha256:0123456789abcdef") == (
        "sora-fuite", "sha256:0123456789abcdef")
    assert src_mod.parse_translation_of("sora-fuite") == ("sora-fuite", None)
    assert src_mod.translation_key("sora-leak", "sora-fuite") == "sora-fuite"
    assert src_mod.translation_key("sora-fuite", "sha256:0123456789abcdef") == "sora-fuite"


def test_duplicate_key_in_one_language_is_reported(tmp_path):
    root = tmp_path / "content"
    make_content(root)
    write(root / "2024" / "autre.de.md", """
        Title: Noch ein Leck
        Date: 2024-11-28T09:30:00+01:00
        Category: KI
        Translation: true
        Translation-Of: sora-fuite

        Text.
        """)
    project = project_for(root, tmp_path)
    problems = [p for p in rules.lint(project.scan(), project.ctx) if p.rule == "duplicate_key"]
    # The newcomer (a later Date) is reported, the established translation stays
    # (rules.established; it used to be "the second by path": the established one).
    assert len(problems) == 1 and "autre.de.md" in problems[0].path
    assert "sora-leck.de.md is already the 'de' version" in problems[0].message


def test_translation_scaffold_proposes_a_slug_from_the_title(tmp_path):
    root = tmp_path / "content"
    make_content(root)
    (root / "2024" / "sora-leck.de.md").unlink()
    project = project_for(root, tmp_path)
    path = scaffold.new_translation(project.settings, project.ctx, project.scan(), "sora-fuite",
                                    "de", title="Sora-Leck: was wir wissen")
    source = src_mod.read_source(path, project.settings, str(root), "article")
    assert source.rel == "2024/sora-fuite.de.md"
    assert source.get("slug") == "sora-leck-was-wir-wissen"
    assert source.title == "Sora-Leck: was wir wissen"
    assert source.translation_key == "sora-fuite"
    assert source.recorded_fingerprint == src_mod.fingerprint(
        src_mod.read_source(root / "2024/sora-fuite.fr.md", project.settings, str(root), "article"))
    # translation-done keeps the key and records the fingerprint
    (root / "2024" / "sora-fuite.en.md").write_text(
        (root / "2024" / "sora-fuite.en.md").read_text().replace("Translation: true",
                                                                 "Translation: true\nTranslation-Of: sora-fuite"))
    scan = project.scan()
    shown, old, new = scaffold.translation_done(project.settings, project.ctx, scan, "sora-leak", "en")
    text = (root / "2024" / "sora-fuite.en.md").read_text()
    assert f"Translation-Of: sora-fuite {new}" in text and old is None
    # a translation without Slug: whose title was translated gets a proposal
    text = (root / "2024/sora-fuite.de.md").read_text()
    (root / "2024/sora-fuite.de.md").write_text(text.replace("Slug: sora-leck-was-wir-wissen\n", ""))
    german = src_mod.read_source(path, project.settings, str(root), "article")
    original = src_mod.read_source(root / "2024/sora-fuite.fr.md", project.settings, str(root), "article")
    assert scaffold.proposed_slug(project.settings, original, german) == "sora-leck-was-wir-wissen"
