"""Malformed and hostile content: one fixture per case, each with its asserted outcome.

Every case (``tests/fixtures/malformed/<case>/``) is built together with the same
good articles (``base/``). Malformed content: the message names the file (and
line where there is one) and says what to do, the preview still writes every
other article, the strict build fails, nothing prints a traceback. Legitimate
content (BOM, CRLF, right-to-left text, a long or tricky title, a category in
one language) builds clean, even in strict mode, and renders as written.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import FIXTURES, ROOT, build, run_pelican

MALFORMED = FIXTURES / "malformed"
SITEURL = "https://news.example.org"
BASE_ARTICLES = {"2026/11/bon/", "en/2026/11/bon/", "2026/11/autre/"}


@dataclass
class Case:
    file: str  # in content/
    messages: list = field(default_factory=list)  # [(line or None, start of the message)]
    built: set = field(default_factory=set)  # articles the preview writes for this case
    legit: bool = False  # builds clean, even strict


TITLE_LONG = ("Un titre très long " * 30)[:496].strip() + " fin"
TRICKY = "Tricky \"double\" 'single' <b>bold</b> & </script><script>alert(1)</script> ]]> 🚀"
TRICKY_TAGS = ['"quoted"', "<b>tag</b>", "a & b", "</script>", "]]>", "🚀"]
# ... as shown: tag names are typeset too (English quotes), their slugs are not.
TRICKY_TAGS_SHOWN = ["“quoted”", *TRICKY_TAGS[1:]]
# ... the title as shown: straight quotes typeset in English (see test_typography.py).
TRICKY_SHOWN = "Tricky “double” ‘single’ <b>bold</b> & </script><script>alert(1)</script> ]]> 🚀"

CASES = {
    "vide": Case("2026/vide.fr.md", [(None, "the file is empty")]),
    "metadonnees-seules": Case("2026/metadonnees-seules.fr.md",
                               [(3, "no text after the metadata")],
                               {"2026/11/metadonnees-seules/"}),
    "sans-titre": Case("2026/sans-titre.fr.md", [(1, "no Title")]),
    "binaire": Case("2026/binaire.fr.md", [(3, "this is a binary file, not Markdown text")]),
    "latin1": Case("2026/latin1.fr.md",
                   [(6, "not UTF-8 text: byte 0xe9 on this line cannot be read")]),
    "bom": Case("2026/bom.fr.md", built={"2026/11/bom/"}, legit=True),
    "crlf": Case("2026/crlf.fr.md", built={"2026/11/crlf/"}, legit=True),
    "date-invalide": Case("2026/date-invalide.fr.md",
                          [(2, "invalid Date '2026-02-30T10:00:00+01:00'")]),
    # Pelican's documented form: read in TIMEZONE, no warning, even strict.
    "date-sans-fuseau": Case("2026/date-sans-fuseau.fr.md", built={"2026/11/date-sans-fuseau/"},
                             legit=True),
    # ... but not a wall time the daylight-saving change skips or repeats.
    "heure-inexistante": Case("2026/heure-inexistante.fr.md",
                              [(2, "Date '2026-03-29 02:30' does not exist in Europe/Paris")],
                              {"2026/03/heure-inexistante/"}),
    "heure-ambigue": Case("2026/heure-ambigue.fr.md",
                          [(2, "Date '2026-10-25 02:30' is ambiguous in Europe/Paris")],
                          {"2026/10/heure-ambigue/"}),
    "langue-inconnue": Case("2026/langue-inconnue.tlh.md",
                            [(None, "language 'tlh' is not in LANGUAGES")]),
    "langue-discordante": Case("2026/langue-discordante.fr.md",
                               [(4, "the file name says language 'fr' but its 'Lang:' line "
                                    "says 'en'")],
                               {"en/2026/11/langue-discordante/"}),
    "slug-double": Case("2026/zz-double.fr.md",
                        [(4, "slug 'bon' in language 'fr' is already used by")]),
    "traduction-orpheline": Case("2026/orpheline.en.md",
                                 [(4, "marked 'Translation: true' but no original")]),
    "lien-absent": Case("2026/lien-absent.fr.md",
                        [(5, "{filename}/2026/absent.fr.md points to a file that does not exist")],
                        {"2026/11/lien-absent/"}),
    "image-absente": Case("2026/image-absente.fr.md",
                          [(7, "{static}/images/absente.png points to a file that does not exist")],
                          {"2026/11/image-absente/"}),
    "image-externe": Case("2026/image-externe.fr.md",
                          [(5, "loads https://cdn.example.com/logo.png from another site")],
                          {"2026/11/image-externe/"}),
    "script-en-ligne": Case("2026/script-en-ligne.fr.md",
                            [(7, "inline <script> in the raw HTML does not work")],
                            {"2026/11/script-en-ligne/"}),
    "caracteres-controle": Case("2026/caracteres-controle.fr.md",
                                [(1, "invisible control character U+0008"),
                                 (5, "invisible control character U+000C")],
                                {"2026/11/caracteres-controle/"}),
    "slug-hostile": Case("2026/slug-hostile.fr.md",
                         [(4, "Slug '../../../../evil' cannot be used in a URL")],
                         {"2026/11/evil/"}),
    "slug-nom-de-fichier": Case("2026/Mon Article.fr.md",
                                [(None, "the file name gives the slug 'Mon Article', which "
                                        "cannot be used in a URL")],
                                {"2026/11/mon-article/"}),
    "titre-long": Case("2026/titre-long.en.md", built={"en/2026/11/titre-long/"}, legit=True),
    "titre-piege": Case("2026/titre-piege.en.md", built={"en/2026/11/titre-piege/"}, legit=True),
    "rtl": Case("2026/rtl.en.md", built={"en/2026/11/rtl/"}, legit=True),
    "categorie-une-langue": Case("2026/donnees-seule.fr.md", built={"2026/11/donnees-seule/"},
                                 legit=True),
    "categorie-non-traduite": Case("2026/robotics.en.md", [(3, "unknown category 'Robotics'")],
                                   {"en/2026/11/robotics/"}),
    "deux-mo": Case("2026/deux-mo.fr.md", [(None, "the file is 2.0 MB, more than 1 MB")],
                    {"2026/11/deux-mo/"}),
}

LAST_PARAGRAPH = "Fin du très long article."


def write_two_megabytes(path: Path):
    """The 2 MB article, made at test time (not committed)."""
    paragraph = ("Un paragraphe ordinaire sur les données, les modèles et la sécurité, "
                 "répété pour faire un très long article. ") * 8
    count = 2_000_000 // len(paragraph.encode("utf-8")) + 1
    path.write_text("Title: Deux mégaoctets\nDate: 2026-11-03T10:00:00+01:00\nCategory: IA\n"
                    "Summary: Un article démesuré.\n\n" + "\n\n".join([paragraph] * count)
                    + f"\n\n{LAST_PARAGRAPH}\n", encoding="utf-8")


def make_content(target: Path, *cases) -> Path:
    """The good articles, the site's images, and the given cases, in ``target``."""
    shutil.copytree(MALFORMED / "base", target)
    shutil.copytree(ROOT / "content" / "images", target / "images")
    for case in cases:
        if case == "deux-mo":
            write_two_megabytes(target / CASES[case].file)
        else:
            shutil.copytree(MALFORMED / case, target, dirs_exist_ok=True)
    return target


def articles_written(output: Path) -> set:
    return {p.parent.relative_to(output).as_posix() + "/"
            for p in output.glob("**/2026/**/index.html")}


def tracebacks(site) -> list:
    return [r.getMessage() for r in site.records if r.exc_info]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Per case, built once: {case: (content folder, preview Site)}."""
    cache = {}

    def get(case):
        if case not in cache:
            folder = tmp_path_factory.mktemp(case)
            content = make_content(folder / "content", case)
            # Pagefind is left out here (its run takes longer than the build); the
            # command-line test below builds every case with it.
            cache[case] = content, build(folder / "output", PATH=str(content),
                                         SEARCH={"enabled": False})
        return cache[case]

    return get


def location(content: Path, case: str, line) -> str:
    rel = os.path.relpath(content / CASES[case].file, ROOT)  # as the build prints it
    return f"{rel}:{line}" if line else rel


# -- every case -------------------------------------------------------------------

def test_the_good_articles_alone_pass_a_strict_build(tmp_path):
    content = make_content(tmp_path / "content")
    site = build(tmp_path / "out", conf="publishconf.py", PATH=str(content), SITEURL=SITEURL)
    assert site.errors() == [] and site.warnings() == []
    assert articles_written(site.output) == BASE_ARTICLES


@pytest.mark.parametrize("case", sorted(CASES))
def test_preview_names_the_problem_and_keeps_every_other_article(built, case):
    content, site = built(case)
    spec = CASES[case]
    problems = site.errors() + site.warnings()
    for line, start in spec.messages:
        prefix = f"{location(content, case, line)}: {start}"
        found = [m for m in problems if m.startswith(prefix)]
        assert found, f"{prefix!r} not in {problems}"
        # path:line: problem (what to do)
        assert re.fullmatch(r".+ \(.{12,}\)", found[0], re.S), found[0]
    if spec.legit:
        assert problems == []
    assert articles_written(site.output) == BASE_ARTICLES | spec.built
    assert tracebacks(site) == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_strict_build_fails_on_malformed_content_only(tmp_path, case):
    content = make_content(tmp_path / "content", case)
    if CASES[case].legit:
        site = build(tmp_path / "out", conf="publishconf.py", PATH=str(content), SITEURL=SITEURL)
        assert site.errors() == [] and site.warnings() == []
        assert articles_written(site.output) == BASE_ARTICLES | CASES[case].built
    else:
        with pytest.raises(SystemExit) as stopped:
            build(tmp_path / "out", conf="publishconf.py", PATH=str(content), SITEURL=SITEURL)
        assert stopped.value.code == 1


def test_every_case_at_once_from_the_command_line(tmp_path):
    """As `make html` and `make publish` run Pelican: no traceback, every problem listed."""
    content = make_content(tmp_path / "content", *CASES)
    wide = {"COLUMNS": "2000"}  # one log record per line
    preview = run_pelican(str(content), "-o", str(tmp_path / "preview"), "-s", "pelicanconf.py",
                          env=wide)
    strict = run_pelican(str(content), "-o", str(tmp_path / "strict"), "-s", "publishconf.py",
                         env={**wide, "SITEURL": SITEURL})
    assert preview.returncode == 0, preview.stderr[-3000:]
    assert strict.returncode == 1
    for result in (preview, strict):
        output = result.stdout + result.stderr
        assert "Traceback" not in output
        for case, spec in CASES.items():
            for line, start in spec.messages:
                where = location(content, case, line).replace(str(ROOT) + "/", "")
                assert f"{os.path.basename(where)}: {start}" in output, (case, output[-3000:])
    assert "strict build failed" in strict.stdout + strict.stderr
    expected = BASE_ARTICLES.union(*(spec.built for spec in CASES.values()))
    # the duplicate slug is the one left out: the first file keeps "bon"
    assert articles_written(tmp_path / "preview") == expected
    # `make lint` reads the same files without building and prints the same lines.
    lint = subprocess.run([os.path.join(os.path.dirname(sys.executable), "newsroom"), "lint",
                           "--content", str(content)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert lint.returncode == 1 and "Traceback" not in lint.stderr
    for case, spec in CASES.items():
        for line, start in spec.messages:
            assert f"{location(content, case, line)}: {start}" in lint.stdout, (case, lint.stdout)


# -- legitimate content renders as written -------------------------------------------

def meta(soup, prop):
    tag = soup.find("meta", attrs={"property": prop}) or soup.find("meta", attrs={"name": prop})
    return tag["content"] if tag else None


def json_ld(soup):
    return json.loads(soup.find("script", type="application/ld+json").string)


def test_bom_is_dropped(built):
    _, site = built("bom")
    html = (site.output / "2026/11/bom/index.html").read_text(encoding="utf-8")
    soup = site.soup("2026/11/bom/")
    assert "\ufeff" not in html
    assert soup.h1.get_text() == "Un article avec BOM"
    assert soup.select_one("a.category").get_text() == "IA"
    assert meta(soup, "description") == "Le BOM est ignoré."


def test_crlf_line_ends_are_read_as_lines(built):
    _, site = built("crlf")
    html = (site.output / "2026/11/crlf/index.html").read_text(encoding="utf-8")
    soup = site.soup("2026/11/crlf/")
    assert "\r" not in html
    assert soup.h1.get_text() == "Fins de ligne Windows"
    assert [p.get_text() for p in soup.select(".content p")] == [
        "Premier paragraphe.", "Second paragraphe."]
    assert meta(soup, "description") == "Écrit sous Windows."


def test_long_title_is_kept_whole(built):
    _, site = built("titre-long")
    soup = site.soup("en/2026/11/titre-long/")
    assert len(TITLE_LONG) == 500
    assert soup.h1.get_text() == TITLE_LONG
    assert soup.title.get_text().startswith(TITLE_LONG)
    assert meta(soup, "og:title") == TITLE_LONG
    assert json_ld(soup)["headline"] == TITLE_LONG
    listed = site.soup("en/").find("a", href="/en/2026/11/titre-long/")
    assert listed.get_text() == TITLE_LONG


def test_tricky_title_and_tags_are_text_everywhere(built):
    _, site = built("titre-piege")
    soup = site.soup("en/2026/11/titre-piege/")
    assert soup.h1.get_text() == TRICKY_SHOWN and soup.h1.find("b") is None
    assert soup.title.get_text().startswith(TRICKY_SHOWN)
    assert meta(soup, "og:title") == meta(soup, "twitter:title") == TRICKY_SHOWN
    assert json_ld(soup)["headline"] == TRICKY_SHOWN
    for script in soup.find_all("script"):  # the title's <script> is text, never an element
        assert script.get("src") or script.get("type") == "application/ld+json"
    # The summary is text too: <i> shown, not applied.
    summary = "A summary with <i>markup</i> & </script> ]]> 🎉"
    assert meta(soup, "description") == summary == json_ld(soup)["description"]
    excerpt = site.soup("en/").find("a", href="/en/2026/11/titre-piege/").find_parent("article")
    assert excerpt.select_one(".excerpt").get_text() == summary
    assert excerpt.select_one(".excerpt i") is None
    # Tags: each its own text, its own page, a URL-safe slug.
    links = soup.select("ul.tags a")
    assert [a.get_text() for a in links] == TRICKY_TAGS_SHOWN
    hrefs = [a["href"] for a in links]
    assert len(set(hrefs)) == len(TRICKY_TAGS)
    for href, name in zip(hrefs, TRICKY_TAGS_SHOWN):
        assert re.fullmatch(r"/en/tag/[a-z0-9-]+/", href), href
        assert (site.output / href.lstrip("/") / "index.html").is_file()
        assert site.soup(href.lstrip("/")).h1.get_text().strip().endswith(name)
    assert "/en/tag/rocket/" in hrefs
    # A share link carries the title back unchanged.
    share = soup.select_one("a.share-hackernews")["href"]
    assert parse_qs(urlsplit(share).query)["t"] == [TRICKY_SHOWN]


def test_right_to_left_text_in_an_english_article(built):
    _, site = built("rtl")
    soup = site.soup("en/2026/11/rtl/")
    assert (soup.html["lang"], soup.html["dir"]) == ("en", "ltr")
    assert soup.h1.get_text() == "Interview: مرحبا بالعالم"
    paragraphs = [p.get_text() for p in soup.select(".content p")]
    assert "مرحبا بالعالم! كيف حالك؟" in paragraphs  # no French spacing, no reordering
    assert meta(soup, "description") == "English with Arabic: أهلا وسهلا."


def test_category_in_one_language_only(built):
    _, site = built("categorie-une-langue")
    assert (site.output / "category/donnees/index.html").is_file()
    assert not (site.output / "en/category/data").exists()
    page = site.soup("category/donnees/")
    hreflangs = {link["hreflang"] for link in page.find_all("link", rel="alternate", hreflang=True)}
    assert hreflangs == {"fr", "x-default"}  # no link to an English page that does not exist
    en_menu = [a.get_text() for a in site.soup("en/").select(".main-nav a")]
    assert "Data" not in en_menu and "AI" in en_menu


def test_hostile_slug_stays_inside_the_output(built):
    content, site = built("slug-hostile")
    assert (site.output / "2026/11/evil/index.html").is_file()
    root = content.parent
    escaped = [p for p in root.rglob("evil") if site.output not in p.parents]
    assert escaped == []
    assert site.soup("2026/11/evil/").find("link", rel="canonical")["href"] == "/2026/11/evil/"


def test_control_characters_are_removed_from_the_page(built):
    _, site = built("caracteres-controle")
    html = (site.output / "2026/11/caracteres-controle/index.html").read_text(encoding="utf-8")
    assert "\x08" not in html and "\x0c" not in html
    assert site.soup("2026/11/caracteres-controle/").h1.get_text() == "Copié d’un PDF"  # typography: ’


def test_two_megabyte_article_is_built_whole(built):
    _, site = built("deux-mo")
    html = (site.output / "2026/11/deux-mo/index.html").read_text(encoding="utf-8")
    assert LAST_PARAGRAPH in html and len(html.encode("utf-8")) > 2_000_000


def test_a_date_without_offset_is_read_in_timezone(built):
    """`Date: 2026-11-05 10:00` is 10:00 in Paris (winter time), as Pelican documents it."""
    _, site = built("date-sans-fuseau")
    stamp = site.soup("2026/11/date-sans-fuseau/").find("time")["datetime"]
    assert stamp.startswith("2026-11-05T10:00:00+01:00"), stamp


def test_a_skipped_local_time_says_which_offsets_to_write(built):
    content, site = built("heure-inexistante")
    message = next(m for m in site.errors() if "does not exist in Europe/Paris" in m)
    # Pelican keeps the first reading (01:30 UTC): what the page shows, and the first choice.
    assert "e.g. 2026-03-29T03:30:00+02:00 (the moment the build reads now)" in message
    assert "or 2026-03-29T01:30:00+01:00" in message
    stamp = site.soup("2026/03/heure-inexistante/").find("time")["datetime"]
    assert (datetime.datetime.fromisoformat(stamp)
            == datetime.datetime.fromisoformat("2026-03-29T03:30:00+02:00")), stamp
    _, site = built("heure-ambigue")
    message = next(m for m in site.errors() if "is ambiguous in Europe/Paris" in m)
    assert ("2026-10-25T02:30:00+02:00 for the first, 2026-10-25T02:30:00+01:00 for the second"
            in message)
