"""Redirects as an attack surface (issue 22): every hostile line of content/redirects.txt is a
``redirects.txt:line`` error, never a traceback nor a redirect to another host; targets are
written normalised in every format (_redirects, nginx map, HTML pages); `make check`
refuses a redirect that leaves the site."""

from __future__ import annotations

import os
import re

import pytest

from newsroom import check

from .conftest import ROOT
from .hardening2 import SITEURL, strict
from .test_redirects import SETTINGS, make_site

LINES = [
    "/vieux/  {filename}/2024/un.fr.md",        # 1: good
    "/sitemap.xml  /2024/11/un/",               # 2: a file the build writes
    "/feeds/all.atom.xml/x/  /2024/11/un/",     # 3: through one
    "/ouvert/  /%2F/host.example/",             # 4: open redirect, percent-encoded
    "/ouvert2/  //host.example/",               # 5: plainly
    "/ouvert3/  /%5Chost.example/",             # 6: a backslash browsers read as /
    "/ouvert4/  /\\host.example/",              # 7
    "/b/  /c/",                                 # 8: loop with 9
    "/c/  /b/",                                 # 9
    "/d/  /d",                                  # 10: loop on itself
    "/n1/  /2024//11/./un/",                    # 11: normalised
    "/n2/  /2024/11/x/%2e%2e/un/",              # 12: normalised
    "/e/  {filename}/../../secret.md",          # 13: out of the content folder
    "/vieux/  /2024/11/un/",                    # 14: already redirected on line 1
]
ERRORS = {
    2: "the old path /sitemap.xml is /sitemap.xml, a file this build writes",
    3: "the old path /feeds/all.atom.xml/x/ is /feeds/all.atom.xml, a file this build writes",
    4: "the target '/%2F/host.example/' leads to another host",
    5: "the target '//host.example/' leads to another host",
    6: "the target '/%5Chost.example/' leads to another host",
    7: "the target '/\\\\host.example/' leads to another host",
    8: "redirect loop /b/ → /c/ → /b/",
    9: "redirect loop /c/ → /b/ → /c/",
    10: "redirect loop /d/ → /d:",
    13: "{filename}/../../secret.md leads outside the content folder",
    14: "/vieux/ is already redirected on line 1",
}
GOOD = {"/vieux/": "/2024/11/un/", "/n1/": "/2024/11/un/", "/n2/": "/2024/11/un/"}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redirects")
    content = folder / "content"
    make_site(content, "\n".join(LINES) + "\n")
    (folder / "secret.md").write_text("Title: Secret\n\nSecret.\n")
    code, messages, tracebacks = strict(content, folder / "output", **SETTINGS)
    return folder, content, folder / "output", code, messages, tracebacks


def test_each_hostile_line_is_an_error_at_its_line(published):
    folder, content, _, code, messages, tracebacks = published
    assert code == 1 and tracebacks == []
    label = os.path.relpath(content / "redirects.txt", ROOT)
    for line, start in ERRORS.items():
        prefix = f"redirects: {label}:{line}: {start}"
        found = [m for m in messages if m.startswith(prefix)]
        assert found, (prefix, messages)
        assert found[0].endswith(")"), found[0]  # with what to do
    reported = {int(m.split(f"{label}:")[1].split(":")[0]) for m in messages
                if m.startswith(f"redirects: {label}:")}
    assert reported == set(ERRORS)  # the good and the normalised lines are not problems


def test_only_site_paths_are_written_normalised_in_every_format(published):
    _, _, out, *_ = published
    netlify = (out / "_redirects").read_text().splitlines()[1:]
    assert sorted(netlify) == sorted(f"{old} {new} 301" for old, new in GOOD.items())
    nginx = (out / "nginx-redirects.conf").read_text()
    pairs = dict(re.findall(r'^\s*"([^"]+)" "([^"]*)";', nginx, re.M))
    assert pairs == GOOD
    assert "host.example" not in (out / "_redirects").read_text() + nginx
    for old, new in GOOD.items():
        page = (out / old.strip("/") / "index.html").read_text()
        assert f'<link rel="canonical" href="{SITEURL}{new}">' in page
        assert f'content="0; url={SITEURL}{new}"' in page
    for old in ("ouvert", "ouvert2", "ouvert3", "ouvert4", "b", "c", "d", "e"):
        assert not (out / old).exists(), old
    # the files the build writes are its own, not redirect pages
    assert (out / "sitemap.xml").is_file()
    assert (out / "sitemap.xml").read_text().lstrip().startswith("<?xml")
    assert (out / "feeds" / "all.atom.xml").is_file()


def test_make_check_passes_the_written_redirects(published):
    _, _, out, *_ = published
    assert check.run(out, SITEURL, html=False, browser=False)["redirects"] == []


def test_make_check_refuses_a_redirect_that_leaves_the_site(published, tmp_path):
    """What the plugin wrote before this fix, and a page sending readers elsewhere."""
    _, _, out, *_ = published
    site = tmp_path / "site"
    (site / "2024" / "11" / "un").mkdir(parents=True)
    (site / "index.html").write_text((out / "index.html").read_text())
    (site / "2024/11/un/index.html").write_text("<!DOCTYPE html><title>un</title>")
    (site / "_redirects").write_text("# header\n/ouvert/ ///host.example/ 301\n"
                                     "/bon/ /2024/11/un/ 301\n/barre/ /\\host.example/ 301\n"
                                     "/double/ /2024//11/un/ 301\n")
    (site / "nginx-redirects.conf").write_text(
        'map $request_uri $new_uri {\n    default "";\n    "/ouvert/" "///host.example/";\n}\n')
    (site / "ailleurs").mkdir()
    (site / "ailleurs" / "index.html").write_text(
        '<!DOCTYPE html><meta http-equiv="refresh" content="0; url=https://evil.example/">')
    problems = check.run(site, SITEURL, html=False, browser=False)["redirects"]
    shown = sorted(str(p) for p in problems)
    assert [p.file for p in sorted(problems, key=lambda p: p.file)] == [
        "_redirects:2", "_redirects:4", "_redirects:5", "ailleurs/index.html",
        "nginx-redirects.conf:3"], shown
    assert all("leaves the site" in p for p in shown)
    code = check.main([str(site), "--no-html", "--no-browser"])
    assert code == 1
