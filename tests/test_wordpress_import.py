"""`newsroom import-wordpress` on exports the tests write (our own text), then built with Pelican."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from newsroom import cli
from newsroom import sources as src_mod
from newsroom.sitecheck import BuiltSite, check_hreflang, check_links, check_redirects, hreflang_map

from .conftest import ROOT, build
from .wxr_writer import Post, category, export, php_array, tag, term

BASE = "https://old.example.org"
UP = BASE + "/wp-content/uploads/2024/11/"
SITEURL = "https://news.example.org"
TITLE = 'Fuite de « Sora » : 5 < 6 & "guillemets" \'simples\' 🚀 <script>alert(1)</script>'


def polylang_posts():
    return [
        Post(10, TITLE, "sora-fuite", lang="fr", group="pll_sora",
             content=(
                 "<!-- wp:paragraph -->\n<p>Le modèle <strong>Sora</strong> a fuité. *pas* "
                 "d’emphase, &lt;b&gt; reste du texte.</p>\n<!-- /wp:paragraph -->\n\n"
                 f'<!-- wp:image --><figure class="wp-block-image"><img src="{UP}corps.png" '
                 'alt="Le schéma" /></figure><!-- /wp:image -->\n\n'
                 f'[caption id="attachment_30" width="300"]<img src="{UP}une.png" alt="La une" /> '
                 "Une légende &amp; plus[/caption]\n\n"
                 '[gallery ids="30,31"]\n\n'
                 "[embed]https://www.youtube.com/watch?v=abc123[/embed]\n\n"
                 "https://vimeo.com/76979871\n\n"
                 f'[audio mp3="{UP}son.mp3"][/audio]\n\n'
                 '[video src="https://media.example.org/clip.mp4"][/video]\n\n'
                 '<p>[sondage id="4"] et [[caption]] écrit tel quel.</p>\n\n'
                 f'<p><img src="{UP}deux.png" class="wp-image-31 size-full" /></p>\n\n'
                 f'<p><img src="{UP}absente.png" alt="Absente" /></p>'),
             excerpt="<p>Un accès anticipé a <em>fuité</em>.</p>",
             categories=[("ia", "IA")], tags=[("openai", "OpenAI")],
             meta={"_thumbnail_id": "30"}),
        Post(11, "Sora leak: what we know", "sora-leak", lang="en", group="pll_sora",
             content="<p>Early access <em>leaked</em>.</p>", categories=[("ai", "AI")],
             tags=[("openai-en", "OpenAI")], date_gmt="2024-11-27 10:00:00",
             date="2024-11-27 10:00:00", meta={"_thumbnail_id": "32"}),
        Post(12, "Fibre partout", "fibre-partout", lang="fr", content="Classique.\nLigne deux.\n\nSecond paragraphe.",
             categories=[("reseaux", "Réseaux")], date_gmt="2024-07-01 08:00:00",
             date="2024-07-01 10:00:00"),
        Post(13, "À propos", "a-propos", post_type="page", lang="fr", group="pll_about",
             content="<p>Qui sommes-nous.</p>", link=f"{BASE}/a-propos/"),
        Post(14, "About us", "about-us", post_type="page", lang="en", group="pll_about",
             content="<p>Who we are.</p>", link=f"{BASE}/en/about-us/"),
        Post(15, "Privé", "prive", status="private", lang="fr", content="<p>x</p>"),
        Post(16, "Protégé", "protege", lang="fr", password="secret", content="<p>x</p>"),
        Post(17, "Brouillon", "", status="draft", lang="fr", content="<p>En cours.</p>",
             date_gmt="0000-00-00 00:00:00", date="2024-11-28 18:00:00",
             categories=[("ia", "IA")]),
        Post(18, "Plus tard", "plus-tard", status="future", lang="fr", content="<p>Demain.</p>",
             date_gmt="2031-01-02 08:00:00", date="2031-01-02 09:00:00",
             categories=[("ia", "IA")]),
        Post(30, "une", "une", post_type="attachment", status="inherit",
             attachment_url=UP + "une.png", meta={"_wp_attachment_image_alt": "La une, alt"}),
        Post(31, "deux", "deux", post_type="attachment", status="inherit",
             attachment_url=UP + "deux.png", meta={"_wp_attachment_image_alt": "Deux"}),
        # Polylang's translated media: the same file, alt text in English.
        Post(32, "une-en", "une-en", post_type="attachment", status="inherit", lang="en",
             attachment_url=UP + "une.png", meta={"_wp_attachment_image_alt": "The front page, alt"}),
    ]


POLYLANG_TERMS = [
    category(3, "ia", "IA"), category(4, "ai", "AI"), category(5, "reseaux", "Réseaux"),
    tag(6, "openai", "OpenAI"), tag(7, "openai-en", "OpenAI"),
    term(20, "language", "fr", "Français", 'a:1:{s:6:"locale";s:5:"fr_FR";}'),
    term(21, "language", "en", "English", 'a:1:{s:6:"locale";s:5:"en_US";}'),
    term(40, "term_translations", "pll_cat_ia", "pll_cat_ia", php_array({"fr": 3, "en": 4})),
    term(41, "post_translations", "pll_sora", "pll_sora", php_array({"fr": 10, "en": 11})),
]


def make_uploads(root):
    folder = root / "uploads" / "2024" / "11"
    folder.mkdir(parents=True)
    for name, colour in (("une.png", "red"), ("deux.png", "blue"), ("corps.png", "green")):
        Image.new("RGB", (960, 540), colour).save(folder / name)
    (folder / "son.mp3").write_bytes(b"ID3" + bytes(64))
    return root / "uploads"


def run_import(tmp, xml_text, *extra, name="export.xml"):
    """(exit status, stdout, stderr) of `newsroom import-wordpress` on ``xml_text``."""
    export_path = tmp / name
    export_path.write_text(xml_text, encoding="utf-8")
    content = tmp / "content"
    content.mkdir(exist_ok=True)
    return cli_run(["import-wordpress", "-s", str(ROOT / "pelicanconf.py"), "--content",
                    str(content), str(export_path), *extra])


def cli_run(argv):
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    return status, out.getvalue(), err.getvalue()


def files_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wp")
    uploads = make_uploads(tmp)
    status, out, err = run_import(tmp, export(polylang_posts(), POLYLANG_TERMS),
                                  "--uploads", str(uploads))
    assert status == 0, err
    return tmp, out


def read(tmp, rel):
    return src_mod.read_source(tmp / "content" / rel)


def test_polylang_pair_with_different_slugs(imported):
    tmp, out = imported
    fr, en = read(tmp, "2024/sora-fuite.fr.md"), read(tmp, "2024/sora-fuite.en.md")
    assert fr.get("slug") is None and not fr.is_translation
    assert en.get("slug") == "sora-leak" and en.is_translation
    assert en.get("category") == "AI" and fr.get("category") == "IA"
    # the translation records its original's fingerprint: `make status` says up to date
    assert en.recorded_fingerprint == src_mod.fingerprint(fr)
    about = read(tmp, "pages/a-propos.en.md")
    assert about.get("slug") == "about-us" and about.is_translation
    assert "translations linked: 2 group(s), 4 file(s)" in out


def test_metadata_round_trips(imported):
    tmp, _ = imported
    fr = read(tmp, "2024/sora-fuite.fr.md")
    assert fr.title == TITLE
    assert fr.get("summary") == "Un accès anticipé a fuité."
    assert fr.get("authors") == "Claire Dubois"
    assert fr.get("tags") == "OpenAI"


def test_dates_statuses_and_skips(imported):
    tmp, out = imported
    assert read(tmp, "2024/sora-fuite.fr.md").get("date") == "2024-11-27T09:30:00+01:00"
    assert read(tmp, "2024/fibre-partout.fr.md").get("date") == "2024-07-01T10:00:00+02:00"
    draft = read(tmp, "2024/brouillon.fr.md")
    assert draft.get("status") == "draft" and draft.get("date") == "2024-11-28T18:00:00+01:00"
    future = read(tmp, "2031/plus-tard.fr.md")
    assert future.get("status") is None and future.get("date") == "2031-01-02T09:00:00+01:00"
    assert not (tmp / "content/2024/prive.fr.md").exists()
    assert not (tmp / "content/2024/protege.fr.md").exists()
    assert "#15 'Privé': private" in out and "#16 'Protégé': password-protected" in out
    assert "post  publish  fr  2" in out and "post  draft    fr  1" in out
    assert "page  publish  en  1" in out


def test_body_shortcodes_and_images(imported):
    tmp, out = imported
    body = read(tmp, "2024/sora-fuite.fr.md").body
    assert "wp:paragraph" not in body
    assert "\\*pas\\*" in body and "&lt;b>" in body
    assert "![Le schéma]({static}/images/2024/11/corps.png)" in body
    assert ('<figure><img alt="La une" src="{static}/images/2024/11/une.png"/>'
            "<figcaption>Une légende &amp; plus</figcaption></figure>") in body
    assert '<div class="gallery"><img alt="La une, alt" src="{static}/images/2024/11/une.png"/>' in body
    assert "<https://www.youtube.com/watch?v=abc123>" in body
    assert "<https://vimeo.com/76979871>" in body
    assert "[{static}/images/2024/11/son.mp3]" in body or "{static}/images/2024/11/son.mp3" in body
    assert "<https://media.example.org/clip.mp4>" in body
    assert "![Deux]({static}/images/2024/11/deux.png)" in body  # alt from the attachment
    assert '[sondage id="4"]' in body and "[caption] écrit tel quel" in body
    assert "shortcodes left as text: 1" in out and "[sondage] x1 in content/2024/sora-fuite.fr.md" in out
    classic = read(tmp, "2024/fibre-partout.fr.md").body
    assert classic == "Classique.  \nLigne deux.\n\nSecond paragraphe.\n"
    fr = read(tmp, "2024/sora-fuite.fr.md")
    assert fr.get("image") == "images/2024/11/une.png" and fr.get("imagealt") == "La une, alt"
    copied = files_under(tmp / "content" / "images")
    assert copied == ["2024/11/corps.png", "2024/11/deux.png", "2024/11/son.mp3", "2024/11/une.png"]
    assert "missing 2024/11/absente.png (used by content/2024/sora-fuite.fr.md)" in out
    assert "4 copied into content/images/, 1 missing; featured images: 2" in out


def test_term_translations_snippet(imported):
    tmp, out = imported
    snippet = (tmp / "wordpress_taxonomy.py").read_text(encoding="utf-8")
    scope = {}
    exec(compile(snippet, "snippet", "exec"), scope)
    assert scope["I18N_TAXONOMY"] == {"IA": {"en": "AI"}}
    assert "I18N_TAXONOMY = {'IA': {'en': 'AI'}}" in out


def test_redirects_file(imported):
    tmp, _ = imported
    lines = [l.split("\t") for l in (tmp / "content/redirects.txt").read_text().split("\n")
             if l and not l.startswith("#")]
    mapping = dict(lines)
    assert mapping["/2024/11/27/sora-fuite/"] == "{filename}/2024/sora-fuite.fr.md"
    assert mapping["/?p=11"] == "{filename}/2024/sora-fuite.en.md"
    assert mapping["/en/about-us/"] == "{filename}/pages/a-propos.en.md"
    assert mapping["/?page_id=13"] == "{filename}/pages/a-propos.fr.md"
    assert "/?p=17" not in mapping  # drafts had no public URL


def test_reimport_is_idempotent_and_keeps_edits(tmp_path):
    uploads = make_uploads(tmp_path)
    posts = polylang_posts()
    status, out, _ = run_import(tmp_path, export(posts, POLYLANG_TERMS), "--uploads", str(uploads))
    assert status == 0
    content = tmp_path / "content"
    before = {rel: (content / rel).read_bytes() for rel in files_under(content)}
    status, out, _ = run_import(tmp_path, export(posts, POLYLANG_TERMS), "--uploads", str(uploads))
    assert status == 0 and "nothing changed" in out and "0 created, 0 updated" in out
    assert {rel: (content / rel).read_bytes() for rel in files_under(content)} == before
    # an editor changes the English file; WordPress changes the French one
    edited = content / "2024/sora-fuite.en.md"
    edited.write_text(edited.read_text() + "\nUne note de l'éditeur.\n", encoding="utf-8")
    posts[2].content = "Classique, corrigé."
    posts[1].content = "<p>Changed in WordPress too.</p>"
    status, out, _ = run_import(tmp_path, export(posts, POLYLANG_TERMS), "--uploads", str(uploads))
    assert status == 0 and "1 updated" in out and "1 kept" in out
    assert "kept content/2024/sora-fuite.en.md" in out
    assert "Une note de l'éditeur." in edited.read_text()
    assert "corrigé" in (content / "2024/fibre-partout.fr.md").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".import-wordpress-")]
    manifest = json.loads((content / ".wordpress-import.json").read_text())
    assert "2024/fibre-partout.fr.md" in manifest["files"]
    # the post renamed in WordPress: a new file, the old one reported, never deleted
    posts[2].slug = "fibre-pour-tous"
    status, out, _ = run_import(tmp_path, export(posts, POLYLANG_TERMS), "--uploads", str(uploads))
    assert (content / "2024/fibre-pour-tous.fr.md").is_file()
    assert (content / "2024/fibre-partout.fr.md").is_file()
    assert "content/2024/fibre-partout.fr.md: an earlier import wrote it" in out


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_both_namespace_spellings_and_lang_option(tmp_path, scheme):
    posts = [Post(5, "Sans langue", "sans-langue", content="<p>Texte.</p>",
                  categories=[("ia", "IA")])]
    status, out, err = run_import(tmp_path, export(posts, scheme=scheme, language="de-DE"),
                                  "--lang", "en")
    assert status == 0, err
    assert read(tmp_path, "2024/sans-langue.en.md").title == "Sans langue"


def test_wpml_language_data(tmp_path):
    posts = [
        Post(7, "Original", "original-fr", content="<p>FR</p>", categories=[("ia", "IA")],
             meta={"_wpml_import_language_code": "fr", "_wpml_import_translation_group": "9",
                   "_wpml_import_source_language_code": ""}),
        Post(8, "Original EN", "original-en", content="<p>EN</p>", categories=[("ai", "AI")],
             meta={"_wpml_import_language_code": "en", "_wpml_import_translation_group": "9",
                   "_wpml_import_source_language_code": "fr"}),
    ]
    status, out, err = run_import(tmp_path, export(posts))
    assert status == 0, err
    en = read(tmp_path, "2024/original-fr.en.md")
    assert en.is_translation and en.get("slug") == "original-en"


BAD_EXPORTS = {
    "malformed": ('<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/">\n'
                  "<channel>\n<item><title>x</title>\n</channel></rss>\n",
                  "export.xml:5: the export is not well-formed XML"),
    "not-wxr": ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>\n',
                "not a WordPress export (WXR)"),
    "rss-not-wxr": ('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</title>'
                    "<item><title>y</title></item></channel></rss>\n",
                    "not a WordPress export (WXR)"),
    "billion-laughs": ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
                       '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
                       '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
                       '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">\n'
                       ']>\n<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
                       "<item><title>&lol4;</title></item></channel></rss>\n",
                       "refused: the file declares XML entities"),
    "external-entity": ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
                        ']>\n<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
                        "<item><title>&xxe;</title></item></channel></rss>\n",
                        "refused: the file declares XML entities"),
}


@pytest.mark.parametrize("case", sorted(BAD_EXPORTS))
def test_bad_exports_write_nothing(tmp_path, case):
    text, expected = BAD_EXPORTS[case]
    status, out, err = run_import(tmp_path, text)
    assert status == 1
    assert expected in err and "nothing was written" in err
    assert files_under(tmp_path / "content") == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "export.xml"]


def test_failure_halfway_leaves_content_untouched(tmp_path):
    """A post after the first good ones is broken: nothing at all is written."""
    good = export([Post(5, "Bon", "bon", lang="fr", content="<p>x</p>")])
    broken = good.replace("</channel>", "<item><title>cassé</item></channel>")
    status, _, err = run_import(tmp_path, broken)
    assert status == 1 and "not well-formed" in err
    assert files_under(tmp_path / "content") == []


SETTINGS = dict(
    LANGUAGES=["fr", "en"], I18N_OVERRIDES={}, I18N_TAXONOMY={"IA": {"en": "AI"}},
    ARTICLE_PATHS=["2024", "2031"], PAGE_PATHS=["pages"], STATIC_PATHS=["images"],
    EDITORIAL={"categories": None, "now": "2026-12-01T09:00:00+01:00"},
    NEWSLETTER={"provider": "none"}, SEO={"default_image": None, "publisher_logo": None},
)


@pytest.fixture(scope="module")
def built(imported):
    tmp, _ = imported
    content = tmp / "content"
    # the one image the old site no longer has: the editor removes it before publishing
    fr = content / "2024/sora-fuite.fr.md"
    text = fr.read_text(encoding="utf-8")
    fr.write_text(text.replace(f'![Absente]({UP}absente.png)', "Absente."), encoding="utf-8")
    site = build(tmp / "output", conf="publishconf.py", PATH=str(content), SITEURL=SITEURL,
                 **SETTINGS)
    return site


def test_imported_site_builds_with_translated_urls(built):
    out = built.output
    assert not built.errors()
    assert (out / "2024/11/sora-fuite/index.html").is_file()
    assert (out / "en/2024/11/sora-leak/index.html").is_file()
    assert (out / "en/about-us/index.html").is_file()
    assert (out / "a-propos/index.html").is_file()
    page = built.soup("2024/11/sora-fuite/index.html")
    # shown as text (French typography then changes spaces and quotes: not compared)
    h1 = page.h1.get_text()
    for part in ("Sora", "5 < 6 &", "guillemets", "simples", "🚀", "<script>alert(1)</script>"):
        assert part in h1.replace("\u202f", " ").replace("\u00a0", " ")
    assert "<script>alert" not in (built.output / "2024/11/sora-fuite/index.html").read_text()
    switcher = {a["hreflang"]: a["href"] for a in page.select("nav.lang-switcher a")}
    assert switcher["en"] == f"{SITEURL}/en/2024/11/sora-leak/"
    site = BuiltSite(out, SITEURL)
    assert hreflang_map(site, "en/about-us/index.html")["fr"] == "a-propos/index.html"
    assert check_hreflang(site) == [] and check_links(site) == []
    # The featured image is the lead image, and the social card is cut from it.
    og_image = page.select_one('meta[property="og:image"]')["content"]
    assert og_image.startswith(SITEURL + "/") and (out / og_image[len(SITEURL) + 1:]).is_file()
    assert page.select_one('picture img[fetchpriority="high"]') is not None


def test_publish_build_writes_redirects(built):
    out = built.output
    netlify = (out / "_redirects").read_text().split("\n")
    assert "/2024/11/27/sora-fuite/ /2024/11/sora-fuite/ 301" in netlify
    assert "/2024/11/27/sora-leak/ /en/2024/11/sora-leak/ 301" in netlify
    assert not any("?p=" in line for line in netlify)
    nginx = (out / "nginx-redirects.conf").read_text()
    assert '"/?p=11" "/en/2024/11/sora-leak/";' in nginx
    assert '"/?page_id=14" "/en/about-us/";' in nginx
    assert "/a-propos/ " not in "\n".join(netlify)  # same URL as before: no redirect
    page = built.soup("2024/11/27/sora-fuite/index.html")
    assert page.select_one('link[rel="canonical"]')["href"] == f"{SITEURL}/2024/11/sora-fuite/"
    assert page.select_one('meta[http-equiv="refresh"]')["content"] == f"0; url={SITEURL}/2024/11/sora-fuite/"
    assert check_redirects(BuiltSite(out, SITEURL)) == []
    from newsroom import check

    report = check.run(out, html=False, browser=False)  # make check, without v.Nu and chromium
    assert {name: [str(p) for p in problems] for name, problems in report.items()} == {
        "files": [], "links": [], "hreflang": [], "redirects": []}


def test_check_finds_a_broken_redirect(built, tmp_path):
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(built.output, copy)
    shutil.rmtree(copy / "en/2024/11/sora-leak")
    problems = check_redirects(BuiltSite(copy, SITEURL))
    # each format: the two files and the redirect page at the old path
    assert {p.file.split(":")[0] for p in problems} == {"_redirects", "nginx-redirects.conf",
                                                        "2024/11/27/sora-leak/index.html"}
    assert all("sora-leak" in p.message for p in problems)


def test_sitemap_lists_translated_url(built):
    root = ET.parse(built.output / "sitemap-en.xml").getroot()
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"{SITEURL}/en/2024/11/sora-leak/" in locs
    assert not any("2024/11/27" in loc for loc in locs)  # redirect pages are not in sitemaps


def test_php_arrays_are_read_never_run():
    from newsroom.wordpress import phpdata

    assert phpdata.loads(php_array({"fr": 3, "en": 14})) == {"fr": 3, "en": 14}
    assert phpdata.loads('a:1:{s:6:"locale";s:5:"fr_FR";}') == {"locale": "fr_FR"}
    assert phpdata.loads('a:1:{s:3:"clé";i:1;}') is None  # PHP counts bytes: 4, not 3
    for bad in ("", "a:2:{s:2:\"fr\";i:3;}", 'O:8:"stdClass":0:{}', "a:1:{" * 50, "i:1;junk"):
        assert phpdata.loads(bad) is None


def test_metadata_lines_cannot_be_broken(tmp_path):
    from newsroom.wordpress import document

    text = document.render([("Title", "Deux\nlignes\x07 et\u00a0fin"), ("Tags", document.name_list(
        ["a, b", "c;d", "🚀"])), ("Summary", "")], "Corps")
    fields, _, body, _, _ = src_mod.parse(text)
    assert fields["title"].value == "Deux lignes et\u00a0fin"
    assert fields["tags"].value == "a, b; c,d; 🚀"
    assert "summary" not in fields and body == "Corps\n"


def test_old_urls_are_relative_to_the_old_base():
    from newsroom.wordpress import plan, wxr

    item = wxr.Item(post_id=12, post_type="post", link="https://old.example.org/blog/2024/11/27/x/")
    assert plan.old_paths(item, ["https://old.example.org/blog"]) == ["/2024/11/27/x/", "/?p=12"]
    plain = wxr.Item(post_id=13, post_type="page", link="https://old.example.org/?page_id=13")
    assert plan.old_paths(plain, ["https://old.example.org"]) == ["/?page_id=13"]


def test_report_names_folders_the_build_does_not_read(tmp_path):
    posts = [Post(5, "Ancien", "ancien", lang="fr", content="<p>x</p>", categories=[("ia", "IA")],
                  date_gmt="2019-03-01 08:00:00", date="2019-03-01 09:00:00")]
    status, out, _ = run_import(tmp_path, export(posts), "-e", 'ARTICLE_PATHS=["2024"]')
    assert status == 0
    assert "the build does not read content/2019/ yet: add '2019' to ARTICLE_PATHS" in out


def test_html_markdown_cannot_express_and_code():
    from newsroom.wordpress import convert

    media = convert.Media({}, ())
    markdown = convert.convert(
        '<p>H<sub>2</sub>O</p><table><tr><td colspan="2">fusion</td></tr></table>'
        '<pre class="wp-block-code"><code class="language-python">if a &lt; b:\n    pass</code></pre>'
        '<iframe src="https://www.youtube.com/embed/abc"></iframe><script>alert(1)</script>'
        '<p onclick="x()" style="color:red">fin</p>', media).markdown
    assert "H<sub>2</sub>O" in markdown
    assert '<table><tr><td colspan="2">fusion</td></tr></table>' in markdown
    assert "```python\nif a < b:\n    pass\n```" in markdown
    assert "(<https://www.youtube.com/embed/abc>)" in markdown
    assert "alert" not in markdown and "onclick" not in markdown and "color" not in markdown
