"""Old URLs keep working: ``content/redirects.txt`` turned into redirects, in publish builds.

Each line of the redirects file is ``old-path  new`` (a tab, or spaces when the old
path has none), where
``new`` is ``{filename}/2024/slug.fr.md`` (the source: its URL is looked up in
this build, so a later change of slug or URL pattern follows) or a site path
``/2024/11/slug/``. `newsroom import-wordpress` writes one line per old
WordPress URL (its permalink, ``/?p=ID``, ``/?page_id=ID``).

Publish builds (``REDIRECTS["write"]``) write:

* ``_redirects`` (Netlify and Cloudflare Pages): ``old new 301``. Old URLs with a
  query (``/?p=12``) are left out: neither host matches a query value;
* an nginx ``map`` (``nginx-redirects.conf``) on ``$request_uri``, query URLs included;
* an HTML page at each old path (GitHub Pages): ``<meta http-equiv="refresh">`` and
  ``<link rel="canonical">`` to the new URL.

An old path that a page of the new site uses is not redirected at all.

A line whose target is not a published source, or that cannot be read, is
logged as ``content/redirects.txt:line: problem`` (a warning: `make publish` fails).
Hostile or broken lines are errors at their line and are left out of every format:

* a target is a path of this site only (``newsroom.paths.site_path``): ``//host``,
  ``/%2F/host``, a backslash, a tab or a line end (which browsers read as another
  host) are refused; ``.``/``..`` segments and repeated ``/`` are normalised before
  the target is written; a ``{filename}`` target must be in the content folder;
* an old path that is a file the build writes (``/sitemap.xml``, a feed), or goes
  through one, cannot also be a redirect;
* loops (``/b/ → /c/ → /b/``, ``/d/ → /d``, where a server adds the slash) and an old
  path redirected twice.
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from newsroom import buildstate, paths, phases
from newsroom.build import BuildOnly

from .config import SETTING, validate

logger = logging.getLogger(__name__)
SAFE_PATH = "/%:@!$&'()*+,;=-._~?"  # characters kept as they are in a path and query


@dataclass
class Redirect:
    old: str  # site path, percent-encoded, may carry a query
    new: str  # site path of the target
    line: int


@dataclass(eq=False)
class State(BuildOnly):
    """This build's redirects (its slot in ``newsroom.buildstate``)."""

    config: dict
    redirects: list = field(default_factory=list)
    label: str = "redirects.txt"  # the redirects file, as messages name it


def parse(text: str, path_label: str):
    """[(line, old, target)] and [problem] of a redirects file."""
    entries, problems = [], []
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        # tab-separated lines may hold spaces in the old path; otherwise any blanks separate
        parts = [p.strip() for p in line.split("\t") if p.strip()] if "\t" in line else line.split()
        if len(parts) != 2 or not parts[0].startswith("/"):
            problems.append(f"{path_label}:{number}: cannot read {line[:80]!r} (write "
                            "'/old/path/  {filename}/2024/slug.fr.md' or '/old/path/  /new/path/')")
            continue
        entries.append((number, encode(parts[0]), parts[1]))
    return entries, problems


def encode(path: str, safe: str = SAFE_PATH) -> str:
    """A path as it travels in a request: non-ASCII and spaces percent-encoded, once."""
    return quote(unquote(path), safe=safe)


def configure(pelican):
    pelican.settings[SETTING] = validate(pelican.settings)


def collect(generators):
    """After every generator read its content: resolve each line of the redirects file."""
    settings = generators[0].settings
    config = settings[SETTING]
    state = buildstate.of(settings).put(State(config))
    if not config["source"]:
        return
    path = os.path.join(settings["PATH"], config["source"])
    if not os.path.isfile(path):
        return
    label = os.path.relpath(path)
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        entries, problems = parse(fh.read(), label)
    for problem in problems:
        logger.warning("redirects: %s", problem)
    urls = {}
    for generator in generators:
        for name in ("articles", "pages", "hidden_articles", "hidden_pages"):
            for item in getattr(generator, name, None) or []:
                rel = (getattr(item, "relative_source_path", "") or "").replace(os.sep, "/")
                urls[rel] = "/" + item.url.lstrip("/")
    state.label = label
    root = os.path.abspath(settings["PATH"])
    for number, old, target in entries:
        new = resolve_target(target, root, urls, f"{label}:{number}")
        if new is None:
            continue
        if new != old:
            # "$" would be a variable in nginx's map value
            state.redirects.append(Redirect(old, encode(new, SAFE_PATH.replace("$", "")), number))
    state.redirects = without_loops(state.redirects, label)


def resolve_target(target, root, urls, where):
    """The site path a line's target names, or None (the problem is logged)."""
    if target.startswith("{filename}"):
        written = target[len("{filename}"):]
        path, outside = paths.resolve(written.split("#")[0], root, written=target)
        if outside is not None:
            logger.error("redirects: %s: %s (%s)", where, outside.message, outside.fix)
            return None
        new = urls.get(os.path.relpath(path, root).replace(os.sep, "/"))
        if new is None:
            logger.warning("redirects: %s: %s is not a published article or page (fix "
                           "the path, publish it, or delete the line)", where, target)
        return new
    if target.startswith("/"):
        new, why = paths.site_path(target)
        if why is not None:
            logger.error("redirects: %s: the target %r %s (a redirect only leads to a page of "
                         "this site: write its path, e.g. /2024/11/slug/, or "
                         "{filename}/2024/slug.fr.md)", where, target, why)
        return new
    logger.warning("redirects: %s: the target %r is neither {filename}/… nor /…", where, target)
    return None


def _key(path: str) -> str:
    """What a server serves at a path: ``/d``, ``/d/`` and ``/d/index.html`` are one."""
    path, mark, query = path.partition("?")
    path = unquote(path)
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return (path.rstrip("/") or "/") + mark + query


def without_loops(redirects, label):
    """The redirects but those in a loop (``/b/ → /c/ → /b/``, ``/d/ → /d``) or naming an
    old path a line above already redirects; each of those is logged as an error."""
    by_old, kept = {}, []
    for redirect in redirects:
        first = by_old.setdefault(_key(redirect.old), redirect)
        if first is not redirect:
            logger.error("redirects: %s:%d: %s is already redirected on line %d (keep one of "
                         "the two lines)", label, redirect.line, redirect.old, first.line)
            continue
        kept.append(redirect)
    looping = set()
    for redirect in kept:
        chain, current = [redirect], by_old.get(_key(redirect.new))
        while current is not None and current not in chain:
            chain.append(current)
            current = by_old.get(_key(current.new))
        if current is redirect:
            looping.add(id(redirect))
            steps = " → ".join([redirect.old] + [r.new for r in chain])
            logger.error("redirects: %s:%d: redirect loop %s: browsers would go round it "
                         "forever (point the line at the final page, or delete it)",
                         label, redirect.line, steps)
    return [r for r in kept if id(r) not in looping]


def netlify(redirects) -> str:
    lines = ["# Old URLs (content/redirects.txt); written by the redirects plugin"]
    lines += [f"{r.old} {r.new} 301" for r in redirects if "?" not in r.old]
    return "\n".join(lines) + "\n"


def nginx(redirects) -> str:
    def quoted(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    lines = ["# Old URLs (content/redirects.txt). In nginx's http {}:  include nginx-redirects.conf;",
             "# and in server {}:  if ($new_uri) { return 301 $new_uri; }",
             "map $request_uri $new_uri {", "    default \"\";"]
    lines += [f"    {quoted(r.old)} {quoted(r.new)};" for r in redirects]
    lines.append("}")
    return "\n".join(lines) + "\n"


def page(new_url: str, lang: str) -> str:
    url = html.escape(new_url, quote=True)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang, quote=True)}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{url}</title>\n'
            f'<link rel="canonical" href="{url}">\n'
            f'<meta http-equiv="refresh" content="0; url={url}">\n'
            '<meta name="robots" content="noindex">\n</head>\n<body>\n'
            f'<p><a href="{url}">{url}</a></p>\n</body>\n</html>\n')


def page_path(output, old: str) -> str | None:
    """Where the redirect page of an old path goes (None: a query, or outside the output)."""
    parts = urlsplit(old)
    if parts.query:
        return None
    path = posixpath.normpath(unquote(parts.path))
    if ".." in path.split("/") or "\x00" in path:
        return None
    rel = path.lstrip("/")
    if not rel.endswith((".html", ".htm")):
        rel = posixpath.join(rel, "index.html")
    target = os.path.normpath(os.path.join(output, rel))
    return target if target.startswith(os.path.abspath(output) + os.sep) else None


def occupied(output, old: str, ours=()) -> str | None:
    """The file of the built site (not a page) an old path names or goes through
    (``/sitemap.xml``, ``/feeds/all.atom.xml/x/``), as ``/sitemap.xml``; None when there
    is none. ``ours``: the file names this plugin writes at the top of the output."""
    path = posixpath.normpath(unquote(urlsplit(old).path))
    parts = [p for p in path.split("/") if p not in ("", ".", "..")]
    if parts and parts[0] in ours:
        return "/" + parts[0]
    for depth in range(1, len(parts) + 1):
        candidate = os.path.join(output, *parts[:depth])
        if os.path.lexists(candidate) and not os.path.isdir(candidate):
            if depth == len(parts) and candidate.endswith((".html", ".htm")):
                return None  # a page of the new site: not redirected (see write)
            return "/" + "/".join(parts[:depth])
    return None


def write(pelican):
    settings = pelican.settings
    state = buildstate.of(settings).get(State)
    if state is None or not state.config["write"] or not state.redirects:
        return
    config = state.config
    output = os.path.abspath(pelican.output_path)
    siteurl = settings.get("SITEURL", "")
    # an old path the new site serves itself is not redirected (nginx would hide the page)
    ours = {name for name in (config["netlify_file"], config["nginx_file"]) if name}
    redirects, shadowed = [], 0
    for redirect in state.redirects:
        taken = occupied(output, redirect.old, ours)
        if taken is not None:
            logger.error("redirects: %s:%d: the old path %s is %s, a file this build writes: "
                         "it cannot also be a redirect (delete the line)", state.label,
                         redirect.line, redirect.old, taken)
            continue
        target = page_path(output, redirect.old)
        if target is not None and os.path.exists(target):
            shadowed += 1
        else:
            redirects.append((redirect, target))
    files = {}
    if config["netlify_file"]:
        files[config["netlify_file"]] = netlify([r for r, _ in redirects])
    if config["nginx_file"]:
        files[config["nginx_file"]] = nginx([r for r, _ in redirects])
    for name, text in files.items():
        with open(os.path.join(output, name), "w", encoding="utf-8") as fh:
            fh.write(text)
    written = 0
    if config["pages"]:
        lang = settings.get("DEFAULT_LANG", "en")
        for redirect, target in redirects:
            if target is None:
                continue  # a query URL: _redirects/nginx only
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(page(siteurl + redirect.new, lang))
            written += 1
    if shadowed:
        logger.info("redirects: %d old URL(s) are pages of the new site, not redirected", shadowed)
    logger.info("redirects: %d old URL(s), %d redirect page(s)", len(state.redirects), written)


def register():
    phases.build_started.connect(configure)
    phases.items_ready.connect(collect)
    phases.pages_written.connect(write)
