"""Checks on a built site, with no network: files that decode, internal links and
hreflang reciprocity.

Each check returns a list of Problem(file, message, fix) so callers (tests,
`make check`) can print a readable report.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

LINK_ATTRS = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"),
              ("source", "src"), ("img", "srcset"), ("source", "srcset"), ("form", "action"))


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    fix: str

    def __str__(self):
        return f"{self.file}: {self.message} ({self.fix})"


class BuiltSite:
    """A built site folder, its pages parsed once."""

    def __init__(self, root, siteurl: str = ""):
        self.root = Path(root)
        self.siteurl = siteurl.rstrip("/")
        self._soups = {}
        #: Files ``check_files`` found empty or undecodable: the other checks skip them.
        self.broken: set[str] = set()

    def pages(self):
        return sorted(rel for p in self.root.rglob("*.html")
                      if (rel := p.relative_to(self.root).as_posix()) not in self.broken)

    def soup(self, rel):
        if rel not in self._soups:
            # errors="replace": a page that is not UTF-8 is check_files' problem
            text = (self.root / rel).read_text(encoding="utf-8", errors="replace")
            self._soups[rel] = BeautifulSoup(text, "html.parser")
        return self._soups[rel]

    def url_of(self, rel: str) -> str:
        """Site-relative URL a page is served at (``en/2024/11/x/``)."""
        return rel[: -len("index.html")] if rel.endswith("index.html") else rel

    def resolve(self, page_rel: str, ref: str) -> str | None:
        """Path (relative to root) a reference points to, or None if external."""
        ref = ref.strip()
        if not ref or ref.startswith(("mailto:", "tel:", "data:", "javascript:", "#")):
            return None
        if self.siteurl and ref.startswith(self.siteurl + "/"):
            ref = ref[len(self.siteurl):]
        elif self.siteurl and ref == self.siteurl:
            ref = "/"
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc:
            return None
        path = unquote(parts.path)
        if not path:
            return page_rel
        if path.startswith("/"):
            target = path.lstrip("/")
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page_rel), path))
        if target in ("", "."):
            target = ""
        if target == "" or path.endswith("/"):
            target = posixpath.join(target, "index.html")
        return target

    def exists(self, target: str) -> bool:
        path = self.root / target
        return path.is_file() or (path.is_dir() and (path / "index.html").is_file())


def check_links(site: BuiltSite) -> list[Problem]:
    """Every href/src/srcset to our own site resolves to a file."""
    problems = []
    for rel in site.pages():
        soup = site.soup(rel)
        for tag, attr in LINK_ATTRS:
            for el in soup.find_all(tag, attrs={attr: True}):
                values = [el[attr]]
                if attr == "srcset":
                    values = [c.strip().split(" ")[0] for c in el[attr].split(",") if c.strip()]
                for value in values:
                    target = site.resolve(rel, value)
                    if target is not None and not site.exists(target):
                        problems.append(Problem(
                            rel, f"<{tag} {attr}={value!r}> points to a missing file",
                            "fix the link or add the target"))
    return problems


def hreflang_map(site: BuiltSite, rel: str) -> dict[str, str]:
    """{hreflang: target path} of a page's alternate links."""
    result = {}
    for link in site.soup(rel).find_all("link", rel="alternate", hreflang=True):
        result[link["hreflang"]] = site.resolve(rel, link["href"])
    return result


def check_hreflang(site: BuiltSite) -> list[Problem]:
    """Each page lists itself; every alternate exists and lists the page back."""
    problems = []
    for rel in site.pages():
        alternates = hreflang_map(site, rel)
        if not alternates:
            continue
        lang = site.soup(rel).html.get("lang")
        if alternates.get(lang) != rel:
            problems.append(Problem(rel, f"no hreflang={lang!r} link to the page itself",
                                    "every page lists itself among its alternates"))
        for code, target in alternates.items():
            if target is None or not site.exists(target):
                problems.append(Problem(rel, f"hreflang={code!r} points to a missing page {target}",
                                        "link only translations that exist"))
                continue
            if code == "x-default" or target in site.broken:  # broken: check_files reports it
                continue
            back = hreflang_map(site, target)
            if back.get(lang) != rel:
                problems.append(Problem(rel, f"hreflang={code!r} → {target} does not link back "
                                        f"with hreflang={lang!r}", "alternates must be reciprocal"))
            if site.soup(target).html.get("lang") != code:
                problems.append(Problem(rel, f"hreflang={code!r} → {target} whose <html lang> is "
                                        f"{site.soup(target).html.get('lang')!r}",
                                        "hreflang must match the target's language"))
    return problems


def check_redirects(site: BuiltSite) -> list[Problem]:
    """Every redirect (``_redirects``, ``nginx-redirects.conf``, the HTML redirect pages) leads
    to a file of this site, by a normalised site path (``newsroom.paths.site_path``):
    never to another host (``//host``, ``/%2F/host``, ``/\\host``, another site's URL)."""
    problems = []
    sources = (("_redirects", re.compile(r"^(\S+)\s+(\S+)\s+30[1278]\b")),
               ("nginx-redirects.conf", re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s+"((?:[^"\\]|\\.)*)";')))
    for name, pattern in sources:
        path = site.root / name
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            match = pattern.match(line)
            if match is None or line.lstrip().startswith("#"):
                continue
            new = match.group(2).replace('\\"', '"').replace("\\\\", "\\")
            problem = _redirect_problem(site, f"{name}:{number}", match.group(1), new)
            if problem is not None:
                problems.append(problem)
    for rel in site.pages():
        for meta in site.soup(rel).find_all("meta", attrs={"http-equiv": True, "content": True}):
            if meta["http-equiv"].strip().lower() != "refresh":
                continue
            found = re.search(r"url\s*=\s*(.*)$", meta["content"], re.IGNORECASE | re.DOTALL)
            if found:
                problem = _redirect_problem(site, rel, "/" + site.url_of(rel),
                                            found.group(1).strip().strip("'\""))
                if problem is not None:
                    problems.append(problem)
    return problems


def _redirect_problem(site: BuiltSite, where: str, old: str, new: str) -> Problem | None:
    from .paths import site_path

    path = new[len(site.siteurl):] if site.siteurl and new.startswith(site.siteurl + "/") else new
    normal, why = site_path(path)
    if why is not None or unquote(normal) != unquote(path):
        return Problem(where, f"redirect {old} -> {new} leaves the site"
                       + (f": it {why}" if why else f" or is not normalised (as {normal})"),
                       "fix content/redirects.txt and build again: redirect targets are "
                       "paths of this site")
    target = site.resolve("index.html", path)
    if target is None or not site.exists(target):
        return Problem(where, f"redirect {old} -> {new} points to a missing page",
                       "fix content/redirects.txt (or the article it names)")
    return None


# -- every file about to be deployed decodes ------------------------------------
# A full disk or a killed writer leaves empty or cut files behind; none may be
# deployed. Each kind is decoded the way a reader's browser or feed reader would.
PAGES = {".html", ".htm"}
XML = {".xml", ".atom", ".rss", ".svg", ".xsl"}
JSON = {".json", ".webmanifest"}
IMAGES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".ico"}
NOT_EMPTY = {".css", ".js", ".mjs", ".wasm"}
REBUILD = "build the site again (was the disk full?); it must not be deployed as it is"


def _decompressors():
    import gzip

    found = {".gz": gzip.decompress}
    try:
        import brotli
    except ImportError:  # a site without .br copies needs no brotli
        pass
    else:
        found[".br"] = brotli.decompress
    return found


def _decode_problem(path: Path, suffix: str, data: bytes) -> str | None:
    """Why ``path`` (its bytes: ``data``) cannot be read as its kind, or None."""
    if suffix in PAGES:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"is not valid UTF-8 (byte {exc.start})"
    elif suffix in XML:
        import defusedxml.ElementTree as ET  # our own output, yet no entity is ever expanded

        try:
            ET.fromstring(data)
        except Exception as exc:  # noqa: BLE001 - ParseError, or defusedxml's refusals
            return f"is not well-formed XML ({exc})"
    elif suffix in JSON:
        import json

        try:
            json.loads(data.decode("utf-8"))
        except ValueError as exc:
            return f"is not valid JSON ({exc})"
    elif suffix in IMAGES:
        from PIL import Image

        try:
            with Image.open(path) as image:
                image.load()
        except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for cut files
            return f"is not an image that decodes ({type(exc).__name__}: {exc})"
    return None


def check_files(site: BuiltSite) -> list[Problem]:
    """Pages, feeds and other XML, JSON, images, CSS/JS: not empty and decodable; each
    precompressed copy (``.gz``, ``.br``) decompresses to its original, byte for byte.
    The files found broken are skipped by the other checks (``site.broken``)."""
    problems = []
    decompressors = _decompressors()
    for path in sorted(site.root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(site.root).as_posix()
        suffix = path.suffix.lower()
        if suffix not in PAGES | XML | JSON | IMAGES | NOT_EMPTY and suffix not in decompressors:
            continue
        data = path.read_bytes()
        if not data:
            problem = "the file is empty"
        elif suffix in decompressors:
            original = path.with_suffix("")
            problem = None
            if not original.is_file():
                problem = f"a compressed copy of {original.name}, which is missing"
            else:
                try:
                    same = decompressors[suffix](data) == original.read_bytes()
                except Exception as exc:  # noqa: BLE001 - zlib.error, brotli.error, EOFError
                    problem = f"does not decompress ({type(exc).__name__}: {exc})"
                else:
                    if not same:
                        problem = f"does not decompress to {original.name} as it is"
        else:
            problem = _decode_problem(path, suffix, data)
        if problem:
            site.broken.add(rel)
            problems.append(Problem(rel, problem, REBUILD))
    return problems
