"""Invisible and bidirectional control characters in names (issue 22): a title, slug,
category, tag or author with U+202E, U+200B … gets a ``path:line`` problem naming the
character, in `make lint` and in the build, and the published site does not carry it;
Arabic, Hebrew, Persian and Indic text and emoji sequences (ZWJ, ZWNJ) publish as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsroom import rules

from .hardening2 import lint_fails_with, make_content, preview, strict, where

REFUSED = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff"

SPOOF = ("2026/usurpation.fr.md",
         "Title: Facture\u202egpj.exe\n"                      # 1
         "Date: 2026-11-08T10:00:00+01:00\n"
         "Category: IA\u2066\n"                                # 3
         "Tags: sécurité, \u200b, \u200dzwj\n"                 # 4
         "Author: Alice\ufeff Martin\n"                        # 5
         "Slug: usurpation\u200b\n"                            # 6
         "\nLe texte.\n")
EXPECTED = [
    (1, "Title: U+202E RIGHT-TO-LEFT OVERRIDE, an invisible character that reorders"),
    (3, "Category: U+2066 LEFT-TO-RIGHT ISOLATE"),
    (4, "Tags: U+200B ZERO WIDTH SPACE, an invisible character"),
    (4, "Tags: U+200D ZERO WIDTH JOINER, outside a word or an emoji sequence"),
    (5, "Author: U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    (6, "Slug: U+200B ZERO WIDTH SPACE"),
    (6, "Slug 'usurpation\\u200b' cannot be used in a URL"),  # the build makes it safe
]
LEGIT_TITLE = "الذكاء الاصطناعي و בינה מלאכותית می\u200cخواهم क्\u200dष 👨\u200d👩\u200d👧"
LEGIT = ("2026/legitime.fr.md",
         f"Title: {LEGIT_TITLE}\nDate: 2026-11-09T10:00:00+01:00\nCategory: IA\n"
         "Tags: 🏳️\u200d🌈, عربي, עברית\nAuthor: فاطمة\n\nLe texte.\n")


def write(content: Path, *files):
    for rel, text in files:
        (content / rel).write_text(text, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def spoofed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("invisible")
    return folder, write(make_content(folder / "content"), SPOOF, LEGIT)


def assert_published_without_invisible_characters(output: Path):
    """No file name, page, feed, sitemap or JSON of the published site holds one."""
    assert (output / "2026" / "11" / "usurpation" / "index.html").is_file()
    for path in output.rglob("*"):
        assert not set(str(path.relative_to(output))) & set(REFUSED), path
        if path.suffix in (".html", ".xml", ".json"):
            found = set(path.read_text(encoding="utf-8")) & set(REFUSED)
            assert not found, (path, [hex(ord(c)) for c in found])


def messages_for(content):
    source = content / SPOOF[0]
    return [f"{where(source, line)}: {start}" for line, start in EXPECTED]


def test_the_rule_refuses_and_allows_what_it_says():
    for char in REFUSED:
        assert [c for _, c in rules.invisible_in(f"a{char}b")] == [char], hex(ord(char))
    for ok in ("می\u200cخواهم", "क्\u200dष", "👨\u200d👩\u200d👧", "🏳️\u200d🌈", "👍🏽\u200d🔥",
               "שלום", "\u200fمرحبا\u200e", "kbd\u00adx"):
        assert list(rules.invisible_in(ok)) == [], ok
    for bad in ("\u200dx", "x\u200c", "a \u200d b", "1\u200d2", "a\u200d\u200db"):
        assert list(rules.invisible_in(bad)), bad


def test_lint_names_each_character_at_its_line(spoofed):
    _, content = spoofed
    out = lint_fails_with(content, messages_for(content))
    assert "legitime" not in out, out  # Arabic, Hebrew, ZWNJ, ZWJ, emoji: no problem
    assert len([line for line in out.splitlines() if "usurpation" in line]) == len(EXPECTED), out


def test_preview_reports_the_same_and_publishes_no_invisible_character(spoofed):
    folder, content = spoofed
    site = preview(content, folder / "output")
    problems = site.errors() + site.warnings()
    for message in messages_for(content):
        assert any(p.startswith(message) for p in problems), (message, problems)
    assert not [p for p in problems if "legitime" in p], problems
    assert not [r for r in site.records if r.exc_info]
    for path in site.output.rglob("*"):
        assert not set(str(path.relative_to(site.output))) & set(REFUSED), path
    page = site.soup("2026/11/usurpation/")
    assert page.find("h1").get_text(strip=True) == "Facturegpj.exe"
    tags = {p.parent.name for p in (site.output / "tag").glob("*/index.html")}
    assert {"securite", "zwj"} <= tags and "" not in tags
    # the legitimate names are published as written
    legit = site.soup("2026/11/legitime/")
    assert legit.find("h1").get_text(strip=True) == LEGIT_TITLE
    shown = legit.get_text()
    for name in ("🏳️\u200d🌈", "عربي", "עברית", "فاطمة"):
        assert name in shown, name


def test_strict_build_fails_on_the_spoofed_names_only(spoofed, tmp_path):
    _, content = spoofed
    code, messages, tracebacks = strict(content, tmp_path / "output")
    assert code == 1 and tracebacks == []
    for message in messages_for(content):
        assert any(m.startswith(message) for m in messages), (message, messages)
    assert_published_without_invisible_characters(tmp_path / "output")
    clean = write(make_content(tmp_path / "clean"), LEGIT)
    code, messages, tracebacks = strict(clean, tmp_path / "clean-output")
    assert (code, tracebacks) == (0, []), messages
