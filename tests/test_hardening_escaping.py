"""Whatever the metadata holds, every output context gives it back (property-based).

Hypothesis writes English articles (typography off: text as typed) whose title, summary,
tags and slug are any Unicode text that fits on one metadata line, markup,
quotes, ``</script>`` and ``]]>`` included; each example is one real publish
build (feeds, sitemaps, share links, JSON-LD; not strict, so an invalid slug
is reported instead of stopping the build). Then each context is parsed back:
HTML text and attributes (BeautifulSoup), URLs (urllib), XML (ElementTree),
JSON-LD (json.loads of the script element).

What the site does to metadata, and so what "the same" means here:
* Markdown expands tabs (to the next multiple of 4 columns of the line);
* control characters and noncharacters, which HTML and XML forbid, are removed;
* the meta description collapses runs of whitespace (a lone no-break space stays).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from pelican.settings import read_settings

from newsroom import rules
from newsroom.sources import FORBIDDEN_CHARS_RE

from .conftest import FIXTURES, ROOT, build

SITEURL = "https://news.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
# What cannot be inside one metadata line (str.splitlines' separators).
SEPARATORS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
NASTY = ['"', "'", "<", ">", "&", "</script>", "]]>", "<!--", "<b>", "&amp;", "🚀", "\u202e",
         "{filename}", "%20", "\\", "\u00a0", "\t", "\x01", "\ufffe", "é"]

# Each example is a whole build: few examples, and no shrinking (minutes of rebuilds);
# a failure prints the generated articles as they were.
BOUNDED = settings(max_examples=12, deadline=None, database=None,
                   phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def line_text(max_size, exclude=""):
    """Any text for one metadata line: Unicode, markup pieces; no separator, no edge spaces."""
    chars = st.characters(exclude_categories=("Cs",), exclude_characters=SEPARATORS + exclude)
    piece = st.one_of(st.text(chars, min_size=1, max_size=8),
                      st.sampled_from([n for n in NASTY if not set(n) & set(exclude)]))
    return (st.lists(piece, min_size=1, max_size=max_size).map("".join).map(str.strip)
            .filter(lambda s: as_read("Title", s).strip() != ""))


def markdown_line(line):
    """A line as Python-Markdown reads it: STX/ETX (its placeholders) dropped, then tabs
    expanded."""
    return line.replace("\x02", "").replace("\x03", "").expandtabs(4)


def as_read(key, value):
    """``value`` of a ``key:`` line as the site shows it: tabs expanded, forbidden
    characters removed."""
    expanded = markdown_line(f"{key}: {value}")[len(key) + 2:]
    cleaned = FORBIDDEN_CHARS_RE.sub("", expanded)
    if key.lower() in rules.NAME_KEYS:  # a name: no invisible or bidirectional controls
        cleaned = rules.strip_invisible(cleaned)
    return cleaned.strip() if cleaned != expanded else cleaned


def tags_as_read(tags):
    """The tags of a ``Tags: a, b`` line as the site shows them (Pelican splits on commas)."""
    line = markdown_line(f"Tags: {', '.join(tags)}")[len("Tags: "):]
    names = []
    for raw in line.split(","):
        name = raw.strip()
        cleaned = rules.strip_invisible(FORBIDDEN_CHARS_RE.sub("", name))
        name = cleaned.strip() if cleaned != name else name
        if name and name not in names:  # Pelican drops a repeated tag
            names.append(name)
    return names


def collapsed(text):
    """Whitespace runs as the meta description has them."""
    return re.sub(r"\s+", lambda m: m.group() if m.group() in ("\xa0", "\u202f") else " ",
                  text).strip()


article = st.fixed_dictionaries({
    "title": line_text(6),
    "summary": line_text(6),
    "tags": st.lists(line_text(3, exclude=",;"), min_size=1, max_size=3),
})


def publish_plugins():
    plugins = read_settings(str(ROOT / "publishconf.py"))["PLUGINS"]
    return [p for p in plugins if "precompress" not in str(p)]


def build_site(folder: Path, articles):
    """A publish build (not strict, no Pagefind, no .gz copies) of generated articles."""
    content = folder / "content"
    shutil.copytree(FIXTURES / "malformed" / "base" / "pages", content / "pages")
    shutil.copytree(ROOT / "content" / "images", content / "images")
    (content / "2026").mkdir()
    for n, item in enumerate(articles):
        lines = [f"Title: {item['title']}", f"Date: 2026-11-03T1{n}:00:00+01:00",
                 "Category: AI"]
        if "summary" in item:
            lines.append(f"Summary: {item['summary']}")
        if item.get("tags"):
            lines.append("Tags: " + ", ".join(item["tags"]))
        if "slug" in item:
            lines.append(f"Slug: {item['slug']}")
        name = item.get("file", f"g{n}")
        (content / "2026" / f"{name}.en.md").write_text("\n".join(lines) + "\n\nThe text.\n",
                                                        encoding="utf-8")
    return build(folder / "output", conf="publishconf.py", PATH=str(content), SITEURL=SITEURL,
                 STRICT=False, SEARCH={"enabled": False}, PLUGINS=publish_plugins(),
                 TYPOGRAPHY={"languages": ["fr"]},  # text as typed: escaping is tested here
                 NEWS_SITEMAP_NOW="2026-11-04T12:00:00+01:00")


def meta(soup, key):
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


@BOUNDED
@given(st.lists(article, min_size=3, max_size=3))
def test_titles_summaries_and_tags_round_trip_in_every_context(articles):
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(Path(tmp), articles)
        out = site.output
        feed = ET.parse(out / "en/feeds/all.atom.xml").getroot()
        entries = {e.find(f"{ATOM}link").get("href"): e for e in feed.iter(f"{ATOM}entry")}
        news = ET.parse(out / "news-sitemap.xml").getroot()
        news_titles = {u.find(f"{SITEMAP}loc").text: u.find(f"{NEWS}news/{NEWS}title").text
                       for u in news.iter(f"{SITEMAP}url")}
        sitemap = ET.parse(out / "sitemap-en.xml").getroot()
        locs = {u.find(f"{SITEMAP}loc").text for u in sitemap.iter(f"{SITEMAP}url")}
        home = site.soup("en/")
        for n, item in enumerate(articles):
            title = as_read("Title", item["title"])
            summary = as_read("Summary", item["summary"])
            tags = tags_as_read(item["tags"])
            path = f"en/2026/11/g{n}/"
            url = f"{SITEURL}/{path}"
            soup = site.soup(path)
            # HTML text
            assert soup.h1.get_text() == title
            assert soup.title.get_text() == f"{title} – Le Fil Tech"
            link = home.find("a", href=url)
            assert link.get_text() == title
            excerpt = link.find_parent("article").select_one(".excerpt")
            assert excerpt.get_text() == summary and len(excerpt.find_all(True)) == 1  # one <p>
            assert [a.get_text() for a in soup.select("ul.tags a")] == tags
            # HTML attributes
            assert meta(soup, "og:title") == meta(soup, "twitter:title") == title
            description = collapsed(summary)
            assert meta(soup, "description") == meta(soup, "og:description") == description
            assert meta(soup, "twitter:description") == description
            assert [m["content"] for m in soup.find_all("meta", property="article:tag")] == tags
            assert soup.select_one(".share-tools")["data-share-title"] == title
            # URLs
            assert soup.find("link", rel="canonical")["href"] == url == meta(soup, "og:url")
            assert soup.find("link", hreflang="en")["href"] == url
            shares = {a["class"][1]: parse_qs(urlsplit(a["href"]).query)
                      for a in soup.select("a.share-link")}
            assert shares["share-x"] == {"url": [url], "text": [title]}
            assert shares["share-hackernews"] == {"u": [url], "t": [title]}
            assert shares["share-email"] == {"subject": [title], "body": [url]}
            assert shares["share-mastodon"] == {"text": [f"{title} {url}"]}
            for a in soup.select("ul.tags a"):
                assert re.fullmatch(r"/en/tag/[a-z0-9_-]+/", urlsplit(a["href"]).path)
                assert (out / urlsplit(a["href"]).path.lstrip("/") / "index.html").is_file()
            # XML
            entry = entries[url]
            assert entry.find(f"{ATOM}title").text == title
            entry_summary = BeautifulSoup(entry.find(f"{ATOM}summary").text, "html.parser")
            assert entry_summary.get_text() == summary
            terms = [c.get("term") for c in entry.findall(f"{ATOM}category")]
            assert terms == ["AI", *tags]
            assert news_titles[url] == title
            assert url in locs
            # JSON-LD
            data = json.loads(soup.find("script", type="application/ld+json").string)
            assert data["headline"] == title
            assert data["description"] == description
            assert data["mainEntityOfPage"] == url


# Slugs: a file name prefix keeps them apart; what follows is any text.
slugs = st.lists(line_text(4), min_size=3, max_size=3)


@BOUNDED
@given(slugs)
# Found by CI: a tab after STX (Markdown removes STX, then expands tabs), a tab after
# a control character (counted as a column).
@example(["[\x02\xa0\t<", "&\u202eÃ\U0003d492", '<%20"m\x95ꡟ'])
@example(["\x87{filename}", "\u202e</script>🚀~iĄ£³çC\U00078ecf", "\x01\t[®\x07\x90ÞÝ¹Ê"])
def test_any_slug_gives_a_working_url_inside_the_output(written):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        articles = [{"title": f"Article {n}", "summary": "S.", "tags": [],
                     "slug": f"s{n}-{value}", "file": f"g{n}"} for n, value in enumerate(written)]
        site = build_site(folder, articles)
        problems = site.errors()
        for n, item in enumerate(articles):
            # as messages quote it: read as Markdown reads the header (its whitespace
            # normalisation: STX and ETX removed, then tabs expanded to 4-column stops,
            # as Pelican's own reader gives the value), then cleaned
            line = f"Slug: {item['slug']}".replace("\x02", "").replace("\x03", "")
            line = line.expandtabs(4)
            slug = FORBIDDEN_CHARS_RE.sub("", line[len("Slug: "):]).strip()
            valid = re.fullmatch(r"[A-Za-z0-9_-]+", slug) is not None
            where = f"{os.path.relpath(folder / 'content/2026' / f'g{n}.en.md', ROOT)}:5: "
            reported = [m for m in problems if m.startswith(where + f"Slug {slug!r} cannot")]
            if valid:
                used = slug
                assert reported == []
            else:
                assert len(reported) == 1, problems
                used = re.search(r"the build uses '([^']+)'\)$", reported[0]).group(1)
            assert re.fullmatch(rf"s{n}-?[A-Za-z0-9_-]*", used), used
            page = site.output / "en/2026/11" / used / "index.html"
            assert page.is_file()
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            assert soup.find("link", rel="canonical")["href"] == f"{SITEURL}/en/2026/11/{used}/"
            assert soup.h1.get_text() == f"Article {n}"
        # Nothing but the output and the sources in the folder.
        assert sorted(p.name for p in folder.iterdir()) == ["content", "output"]
        assert [p for p in (folder / "content").rglob("*") if p.suffix == ".html"] == []
        assert not [r for r in site.records if r.exc_info and r.levelno >= logging.ERROR]
