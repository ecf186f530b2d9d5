"""The redirects plugin: content/redirects.txt checked in previews, written in publish builds."""

from __future__ import annotations

import sys
import textwrap

import pytest

from .conftest import ROOT, build

sys.path.insert(0, str(ROOT / "plugins"))
import redirects.redirects as rd  # noqa: E402


SETTINGS = dict(
    LANGUAGES=["fr", "en"], I18N_OVERRIDES={}, I18N_TAXONOMY={},
    ARTICLE_PATHS=["2024"], PAGE_PATHS=["pages"], STATIC_PATHS=["images"],
    EDITORIAL={"categories": None, "now": "2026-12-01T09:00:00+01:00"},
    NEWSLETTER={"provider": "none"}, SEO={"default_image": None, "publisher_logo": None},
)


def make_site(root, redirects):
    (root / "2024").mkdir(parents=True)
    (root / "pages").mkdir()
    (root / "2024" / "un.fr.md").write_text(textwrap.dedent("""\
        Title: Un
        Date: 2024-11-27T09:30:00+01:00
        Category: IA

        Texte.
        """), encoding="utf-8")
    (root / "redirects.txt").write_text(redirects, encoding="utf-8")


def test_preview_reports_bad_lines_and_writes_nothing(tmp_path):
    content = tmp_path / "content"
    make_site(content, "# comment\n/ancien/  {filename}/2024/un.fr.md\n"
                       "/absent/  {filename}/2024/absent.fr.md\n"
                       "une ligne illisible\n/relatif/ ailleurs\n")
    site = build(tmp_path / "output", PATH=str(content), **SETTINGS)
    warnings = [w for w in site.warnings() if w.startswith("redirects:")]
    assert any("redirects.txt:3: {filename}/2024/absent.fr.md is not a published" in w for w in warnings)
    assert any("redirects.txt:4: cannot read 'une ligne illisible'" in w for w in warnings)
    assert any("redirects.txt:5: the target 'ailleurs'" in w for w in warnings)
    assert not (site.output / "_redirects").exists()
    assert not (site.output / "ancien").exists()


def test_strict_publish_fails_on_a_missing_target(tmp_path):
    content = tmp_path / "content"
    make_site(content, "/absent/  {filename}/2024/absent.fr.md\n")
    with pytest.raises(SystemExit):  # the strict plugin ends the build
        build(tmp_path / "output", conf="publishconf.py", PATH=str(content),
              SITEURL="https://news.example.org", **SETTINGS)


def test_publish_writes_every_format_escaped(tmp_path):
    content = tmp_path / "content"
    make_site(content, '/vieux chemin/é"/\t{filename}/2024/un.fr.md\n/?p=3  /2024/11/un/\n'
                       "/../../etc/  /2024/11/un/\n")
    site = build(tmp_path / "output", conf="publishconf.py", PATH=str(content),
                 SITEURL="https://news.example.org", **SETTINGS)
    out = site.output
    assert (out / "_redirects").read_text().split("\n")[1] == "/vieux%20chemin/%C3%A9%22/ /2024/11/un/ 301"
    nginx = (out / "nginx-redirects.conf").read_text()
    assert '"/vieux%20chemin/%C3%A9%22/" "/2024/11/un/";' in nginx and '"/?p=3" "/2024/11/un/";' in nginx
    page = (out / 'vieux chemin/é"/index.html').read_text()
    assert '<link rel="canonical" href="https://news.example.org/2024/11/un/">' in page
    assert not (tmp_path / "etc").exists()  # never outside the output folder


def test_page_path_stays_inside(tmp_path):
    assert rd.page_path(str(tmp_path), "/a/b/") == str(tmp_path / "a/b/index.html")
    assert rd.page_path(str(tmp_path), "/old.html") == str(tmp_path / "old.html")
    assert rd.page_path(str(tmp_path), "/?p=1") is None
    # ".." above the root is dropped, as servers normalise it: still inside
    assert rd.page_path(str(tmp_path), "/%2e%2e/x/") == str(tmp_path / "x/index.html")
