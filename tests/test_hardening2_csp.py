"""The CSP check reads elements, not text (issue 22): a Summary:, ImageAlt: or title that
mentions ``onclick=`` or `` onerror=`` is text and publishes clean; real inline code is
still found, at the editor's line (lint and build alike) or on the page (theme)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from newsroom import inline_code

from .hardening2 import lint, make_content, strict, where

TEXT = 'le piège onclick="alert(1)" et  onerror=alert(2) style="x"'
ARTICLE = f"""Title: Les attributs onclick= et onerror= expliqués
Date: 2026-11-06T10:00:00+01:00
Category: IA
Summary: Comment {TEXT} trompent les filtres.
Image: images/lead/bars.png
ImageAlt: Une image  onerror=alert(3) avec onclick=x

Le texte parle de `onclick=` et de onerror= sans en contenir : a < b, b > c.
"""


def content_with(folder: Path, **files) -> Path:
    content = make_content(folder / "content")
    (content / "2026" / "attributs.fr.md").write_text(ARTICLE, encoding="utf-8")
    for rel, text in files.items():
        (content / rel.replace("__", "/")).write_text(text, encoding="utf-8")
    return content


def handlers(path: Path) -> list:
    """Attributes named on… of the real elements of a page."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return [(el.name, name) for el in soup.find_all(True) for name in el.attrs
            if name.lower().startswith("on")]


def test_text_that_mentions_handlers_publishes_clean(tmp_path):
    content = content_with(tmp_path)
    code, out, _ = lint(content)
    assert code == 0 and "raw HTML" not in out, out
    code, messages, tracebacks = strict(content, tmp_path / "output")
    assert (code, tracebacks) == (0, [])
    assert not [m for m in messages if "inline code" in m or "raw HTML" in m], messages
    page = tmp_path / "output" / "2026" / "11" / "attributs" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    description = soup.find("meta", attrs={"name": "description"})["content"]
    assert 'onclick="alert(1)"' in description  # the text, as written (an attribute value)
    assert any("onerror=alert(3)" in (img.get("alt") or "") for img in soup.find_all("img"))
    assert "onclick=" in soup.find("h1").get_text()
    for html in [page, *(tmp_path / "output").rglob("*.html")]:
        assert handlers(html) == [], html  # no element got a handler from the text


def test_raw_html_handler_is_the_editors_line_not_a_page_problem(tmp_path):
    content = content_with(tmp_path, **{"2026__bouton.fr.md": (
        "Title: Bouton\nDate: 2026-11-07T10:00:00+01:00\nCategory: IA\n\nUn.\n\n"
        '<p title="a > b" onclick="alert(1)">clic</p>\n\n<div\n  style="color: red">rouge</div>\n')})
    source = content / "2026" / "bouton.fr.md"
    code, out, _ = lint(content)
    assert f"{where(source, 7)}: the onclick= attribute in the raw HTML does not work" in out, out
    assert f"{where(source, 9)}: inline style in the raw HTML does not work" in out, out
    assert "attributs.fr.md" not in out
    code, messages, tracebacks = strict(content, tmp_path / "output")
    assert code == 1 and tracebacks == []  # a warning fails a strict build
    assert any(m.startswith(f"{where(source, 7)}: the onclick= attribute") for m in messages)
    assert not [m for m in messages if m.startswith("security:")], messages


def test_inline_code_of_the_theme_is_still_reported(tmp_path):
    overrides = tmp_path / "templates" / "partials"
    overrides.mkdir(parents=True)
    (overrides / "footer.html").write_text(
        '<footer><p title="a > b" onclick="go()">x</p><p title=" onclick= text">y</p></footer>')
    content = content_with(tmp_path)
    code, messages, tracebacks = strict(content, tmp_path / "output",
                                        THEME_TEMPLATES_OVERRIDES=[str(tmp_path / "templates")])
    assert code == 1 and tracebacks == []
    found = [m for m in messages if m.startswith("security:") and "inline code" in m]
    assert found and all("onclick=\"go()\"" in m for m in found), messages


def test_find_reads_elements_only():
    found = inline_code.find(
        '<meta content="x onclick=y"><img alt=" onerror=z" src="a.png">'
        '<script type="application/ld+json">{"a": "onclick="}</script>'
        '<script src="/a.js"></script><p>onclick=1 &lt;b onclick=2&gt;</p>'
        '<a href="#" ONCLICK="x">a</a><svg onload="y"/><script>run()</script>'
        '<script type="module">m()</script><style>p{}</style><b style="c">b</b>')
    assert [(i.kind, i.name) for i in found] == [
        ("handler", "onclick"), ("handler", "onload"), ("script", "script"),
        ("script", "script"), ("style", "style"), ("style-attribute", "style")]
    assert inline_code.find("<p>plain text, no tags</p>") == []
