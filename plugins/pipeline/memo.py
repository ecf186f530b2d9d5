"""Skip rendering pages whose inputs did not change since the last build (warm rebuilds).

Only with Pelican's content cache on (``CACHE_CONTENT`` and
``LOAD_CONTENT_CACHE``): an editor's preview after editing one article then
renders that article's page, not the whole site again.

What a page may show is over-approximated by two fingerprints:

* the *site* fingerprint: the settings, the theme, the plugins' code, library
  versions, and for every article and page everything a listing or another
  page can show of it (URL, metadata, summary, reading time, translations,
  neighbours, related articles, editorial notes), but not its body;
* for a page of one article or page, that item's rendered body as well;
* the page's own template arguments (``arguments``): what a generator computed
  for it besides the site's items (the translation status rows, made from
  every source — an orphaned translation has no item —, their totals …).

What an item's digest covers is newsroom/changes.py (the preview asks the same
model). A page is kept when both are those of the last build and every file it wrote
is still in the output, byte for byte as written. Kept pages are still
written through Pelican's writer (from the output itself), so every signal
and check runs as in a full build. Any doubt (no memo, a file changed or
missing, a different fingerprint) and the page is rendered.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import logging
import os
import sys

from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from newsroom.build import update_with_folder
from newsroom.changes import canonical as _canonical
from newsroom.changes import item_digest, items_of
from newsroom.changes import ref as _ref

from .document import file_stamp

logger = logging.getLogger(__name__)

LIBRARIES = ("pelican", "jinja2", "babel", "markdown", "pygments", "pillow", "unidecode")


def arguments(value, depth=8):
    """A page's template arguments as plain data, for its key: an article or page by
    its source (what others show of it is in the site fingerprint), a category, tag
    or author by its name, plain values as they are. Anything else counts by its
    type only (what it shows comes from the items and settings, fingerprinted)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Content):
        return ["item", _ref(value)]
    if isinstance(value, URLWrapper):
        return [type(value).__name__, str(value)]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if depth and isinstance(value, dict):
        return {str(key): arguments(member, depth - 1) for key, member in value.items()}
    if depth and isinstance(value, (list, tuple)):
        return [arguments(member, depth - 1) for member in value]
    if depth and isinstance(value, (set, frozenset)):
        return sorted((arguments(member, depth - 1) for member in value), key=_canonical)
    return type(value).__name__


def code_digest(settings, plain_settings):
    """Hash of the settings, Python and library versions and code (plugins,
    ``newsroom``) that reading a source depends on (see cache.py)."""
    digest = hashlib.sha256(_canonical(plain_settings).encode())
    digest.update(sys.version.encode())
    for name in LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = None
        digest.update(f"{name}={version}".encode())
    plugins = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for folder in [*settings.get("PLUGIN_PATHS", []), plugins,
                   os.path.join(os.path.dirname(plugins), "newsroom")]:
        if os.path.isdir(folder):
            update_with_folder(digest, folder)
    return digest


def site_fingerprint(settings, generators, plain_settings, code) -> str:
    """``code``: this build's reading fingerprint (code, libraries; see cache.py),
    so the plugins are not hashed twice; the theme and all settings are added."""
    digest = hashlib.sha256(code.encode())
    digest.update(_canonical(plain_settings).encode())
    if os.path.isdir(settings["THEME"]):
        update_with_folder(digest, settings["THEME"])
    for generator in generators:
        # Static files (images): pages show their sizes (SEO cards, sized images).
        for static in getattr(generator, "staticfiles", None) or []:
            digest.update(f"{static.source_path}\0{file_stamp(static.source_path)}".encode())
    for _, item in items_of(generators):
        digest.update(item_digest(item).encode())
    return digest.hexdigest()


class RenderMemo:
    """Last build's pages: for each ``write_file`` name, its inputs' key and files written."""

    def __init__(self, settings, generators, plain_settings, code):
        self.path = os.path.join(settings.get("CACHE_PATH") or "cache", "render-memo.json")
        try:
            with open(self.path, encoding="utf-8") as fh:
                self.old = json.load(fh)
        except (OSError, ValueError):
            self.old = {}
        self.new = {}
        self.site = site_fingerprint(settings, generators, plain_settings, code)

    def key(self, name, template, kwargs) -> str:
        item = kwargs.get("article") or kwargs.get("page")
        parts = [self.site, name, getattr(template, "name", None), kwargs.get("template_name"),
                 None if item is None else hashlib.sha256(item.content.encode()).hexdigest(),
                 arguments(kwargs)]
        return hashlib.sha256(_canonical(parts).encode()).hexdigest()

    def is_current(self, name, key, output_path) -> bool:
        """True if ``name``'s pages in the output are what rendering would give."""
        old = self.old.get(name)
        if not old or old["key"] != key or not old["files"]:
            return False
        for rel, sha in old["files"].items():
            try:
                with open(os.path.join(output_path, rel), "rb") as fh:
                    if hashlib.sha256(fh.read()).hexdigest() != sha:
                        return False
            except OSError:
                return False
        return True

    def keep(self, name):
        """``name``'s pages are kept as they are: so is what the memo knows of them."""
        self.new[name] = self.old[name]

    def record(self, name, key, rel, html):
        entry = self.new.setdefault(name, {"key": key, "files": {}})
        entry["files"][rel] = hashlib.sha256(html.encode("utf-8")).hexdigest()

    def save(self):
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        with open(self.path, "w", encoding="utf-8") as fh:
            json.dump({**self.old, **self.new}, fh, sort_keys=True)


class Recording:
    """A template stand-in that renders a page and records what it wrote."""

    def __init__(self, template, memo, name, key):
        self.template, self.memo, self.name, self.key = template, memo, name, key

    def wrap(self, outer):
        """The same recording around ``outer(inner template)``."""
        return Recording(outer(self.template), self.memo, self.name, self.key)

    def render(self, localcontext):
        html = self.template.render(localcontext)
        self.memo.record(self.name, self.key, localcontext["output_file"], html)
        return html
