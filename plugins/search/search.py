"""Index the site's articles with Pagefind in every build.

Pagefind splits its index by ``<html lang>``, so each language's search page
only finds that language's articles. Only article bodies are indexed (the
theme marks them ``data-pagefind-body``). It runs as part of the Pelican
build, so `make html`, `make devserver` and `make publish` all get a working
search with no server and no third-party request.

Pagefind is given a search copy of each article page, not the site: as each
article page is written (``content_written``), a small page with the same
path, ``lang``, ``<h1>`` title and body is written to a scratch folder, and
Pagefind indexes that folder into the site's ``output_subdir``. The index is
the same (Pagefind reads only the title and the marked body), and Pagefind no
longer parses every listing and the whole chrome of every page: half its time
on a 1,000-article × 3-language site.

Pagefind runs once per language, one after the other, into the same bundle
(its index is per language anyway), and the languages of the bundle's entry
file are merged: its memory peak is then that of the largest language, not
of the whole site (137 MB instead of 300 MB at 1,000 articles × 3 languages).
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import weakref

from markupsafe import escape
from pelican.generators import Generator

from newsroom import buildstate, outputs, phases
from newsroom.build import BuildOnly, scratch_folder

logger = logging.getLogger(__name__)

DEFAULTS = {"enabled": True, "output_subdir": "pagefind"}

SEARCH_COPY = ('<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
               "<title>{title}</title></head><body><h1>{title}</h1>{image}"
               "<div data-pagefind-body>{body}</div></body></html>")


class SearchCopies(BuildOnly):
    """This build's scratch folder of article search copies (removed once indexed);
    its slot in ``newsroom.buildstate``.

    Pagefind numbers a language's pages in the order it finds their files, which
    is the order the folders were made in (memory-backed folders list their
    entries by creation): the same copies written in another order give another
    index. Each language's ``digests`` therefore follows the copies in the order
    they were written (paths and bytes), and is what ``IndexMemo`` compares.
    """

    def __init__(self):
        self.folder = scratch_folder("pelican-search-")
        self.count = 0
        self.languages = {}  # language code -> its subfolder
        self.digests = {}  # language code -> hash of its copies, in the order written
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, True)

    def add(self, rel, lang, title, body, image=""):
        sub = self.languages.setdefault(lang, str(len(self.languages)))
        path = os.path.join(self.folder, sub, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        text = SEARCH_COPY.format(lang=escape(lang), title=escape(title), body=body, image=image)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        digest = self.digests.setdefault(lang, hashlib.sha256())
        digest.update(rel.encode() + b"\0" + text.encode() + b"\0")
        self.count += 1

    def remove(self):
        self._cleanup()


class SearchSettingsError(ValueError):
    pass


def configure(pelican):
    value = pelican.settings.get("SEARCH") or {}
    if not isinstance(value, dict) or set(value) - set(DEFAULTS):
        raise SearchSettingsError(f"SEARCH must be a dict with keys among {sorted(DEFAULTS)}")
    pelican.settings["SEARCH"] = {**DEFAULTS, **value}


def attach(generator):
    # Once per build (every generator shares the context), not once per generator.
    if generator.settings["SEARCH"]["enabled"]:
        buildstate.of(generator.context).slot(SearchCopies)


def _attribute(value):
    """Escaped for a double-quoted attribute as the page's own (an apostrophe stays:
    Pagefind keeps ``&#39;`` as is)."""
    return html.escape(str(value), quote=False).replace('"', "&quot;")


def record(path, context):
    """Write the search copy of an article page just written."""
    copies = buildstate.of(context).get(SearchCopies) if context else None
    if copies is not None:
        copy_article(copies, path, context)


def copy_article(copies, path, context):
    """The search copy of the page at ``path`` if it is an article's (``context``:
    the page's, with ``article``, ``i18n`` and ``OUTPUT_PATH``)."""
    article = context.get("article")
    page = context.get("i18n")
    if article is None or not path.endswith(".html"):
        return
    rel = os.path.relpath(path, context["OUTPUT_PATH"])
    lang = page.code if page is not None else str(getattr(article, "lang", ""))
    # The lead image (images plugin), where the page has it: Pagefind shows the
    # first image after the title with each result.
    lead = getattr(article, "lead_image", None)
    image = (f'<img src="{_attribute(lead.image.src)}" alt="{_attribute(lead.alt)}">'
             if lead is not None else "")
    copies.add(rel, lang, str(article.title), article.content, image)


class SearchGenerator(Generator):
    """Indexes the search copies once every article page is written."""

    #: A page build leaves the index to ``refresh`` (newsroom/phases.py).
    preview_role = phases.FILES

    #: Written after every page (newsroom/phases.py), wherever the plugin is in PLUGINS.
    phase = "newsroom.pages_written"

    def generate_context(self):
        pass

    def generate_output(self, writer):
        copies = buildstate.of(self.context).get(SearchCopies)
        if copies is None:
            return
        try:
            index(self.settings, copies, self.output_path)
        finally:
            copies.remove()


def index(settings, copies, output_path, interrupted=None):
    """Index ``copies`` into the output's bundle; False if ``interrupted()`` said to
    stop before a language (the preview's build process, when another edit comes)."""
    config = settings["SEARCH"]
    bundle = os.path.join(os.path.abspath(output_path), config["output_subdir"])
    entry_path = os.path.join(bundle, "pagefind-entry.json")
    memo = IndexMemo(settings, bundle)
    languages, entry, kept = {}, None, []
    for lang, sub in sorted(copies.languages.items()):
        site = os.path.join(copies.folder, sub)
        digest = memo.digest(copies.digests[lang])
        previous = memo.get(lang, digest)
        if previous is not None:
            languages[lang], entry = previous["language"], entry or previous["entry"]
            kept.append(lang)
            keep_language(settings, bundle, lang, previous["language"])
            continue
        if interrupted is not None and interrupted():
            return False
        # Pagefind does not write a shard it finds already there: the language's
        # shards of the last build go first, so those it writes are seen as this
        # build's and the others as stale (newsroom.outputs).
        outputs.release_matching(settings, bundle, language_files(lang))
        # Into a folder of its own, then moved into the bundle in place of this
        # language's earlier shards (see replace_shards): the preview's page builds
        # have no ledger, and the shards they write are in no manifest.
        fresh = tempfile.mkdtemp(prefix=".pagefind-", dir=os.path.dirname(bundle))
        try:
            command = [sys.executable, "-m", "pagefind", "--site", site,
                       "--output-path", fresh, "--quiet"]
            try:
                result = subprocess.run(command, capture_output=True, text=True, timeout=600)
            except (OSError, subprocess.TimeoutExpired) as exc:
                logger.error("search: could not run Pagefind (%s); run `make venv` to install it",
                             exc)
                return
            if result.returncode != 0:
                logger.error("search: Pagefind failed on the %s pages (exit %s): %s", lang,
                             result.returncode, (result.stderr or result.stdout).strip()[-2000:])
                return
            with open(os.path.join(fresh, "pagefind-entry.json"), encoding="utf-8") as fh:
                entry = json.load(fh)
            replace_shards(fresh, bundle, lang)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
        languages.update(entry["languages"])
        memo.put(lang, digest, entry)
    if languages:
        entry = {**entry, "languages": languages}  # each run wrote only its own language
        with open(entry_path, "w", encoding="utf-8") as fh:
            json.dump(entry, fh)
        normalise_entry(bundle)
        memo.save()
        logger.info("search: Pagefind index of %d article page(s) in %d language(s) written "
                    "to %s%s", copies.count, len(languages), bundle,
                    f" (unchanged, kept: {', '.join(kept)})" if kept else "")
    return True


def replace_shards(fresh, bundle, lang):
    """Move Pagefind's output for ``lang`` from ``fresh`` into ``bundle``, whose
    shards of ``lang`` from an earlier build are removed first.

    Pagefind names its shards by their content hash and never removes any: an
    edit would leave the previous ones behind (which a cold build has not).
    """
    old = [os.path.join(bundle, name) for name in _names(bundle, f"pagefind.{lang}_")
           if name.endswith(".pf_meta")]
    for sub in ("fragment", "index"):
        folder = os.path.join(bundle, sub)
        old += [os.path.join(folder, name) for name in _names(folder, f"{lang}_")]
    for path in old:
        try:
            os.remove(path)
        except FileNotFoundError:  # released already (newsroom.outputs)
            pass
    for root, _, files in os.walk(fresh):
        target = os.path.join(bundle, os.path.relpath(root, fresh))
        os.makedirs(target, exist_ok=True)
        for name in files:
            os.replace(os.path.join(root, name), os.path.join(target, name))


def _names(folder, prefix):
    try:
        return [n for n in os.listdir(folder) if n.startswith(prefix)]
    except OSError:
        return []


def language_files(lang):
    """Whether a file name in the bundle is one of language ``lang``'s: Pagefind names
    them ``pagefind.<lang>_<hash>.pf_meta``, ``<lang>_<hash>.pf_index`` (and
    ``pf_fragment``, ``pf_filter``) and ``wasm.<lang>.pagefind``."""
    return lambda name: (name.startswith((f"{lang}_", f"pagefind.{lang}_"))
                         or name == f"wasm.{lang}.pagefind")


def keep_language(settings, bundle, lang, language):
    """The files of a language index kept from the last build are this build's too
    (``newsroom.outputs`` removes the files a build does not produce)."""
    outputs.claim_matching(settings, bundle, language_files(language.get("wasm") or lang))
    # And the bundle's files of no language (pagefind.js, the UI, wasm.unknown…), which
    # only a Pagefind run writes: a build that indexes no language keeps them too.
    outputs.claim_matching(settings, bundle, shared_file)


def shared_file(name):
    """Whether a file name in the bundle belongs to no language's index."""
    return not (re.match(r"(pagefind\.)?[A-Za-z]{2,3}(-[A-Za-z0-9]+)*_", name)
                or (name.startswith("wasm.") and name != "wasm.unknown.pagefind"))


class IndexMemo:
    """With the content cache on, which language indexes in the output are still
    current: a language whose search copies are byte for byte those of the last
    build, and whose index files are still in the output, is not indexed again
    (after editing one article, only its language is). Pagefind itself has no
    incremental mode."""

    def __init__(self, settings, bundle):
        self.enabled = bool(settings.get("CACHE_CONTENT"))
        self.bundle = bundle
        self.path = os.path.join(settings.get("CACHE_PATH") or "cache", "search-index.json")
        self.data = {}
        if self.enabled and settings.get("LOAD_CONTENT_CACHE"):
            try:
                with open(self.path, encoding="utf-8") as fh:
                    self.data = json.load(fh)
            except (OSError, ValueError):
                self.data = {}

    def digest(self, written):
        """Hash of a language's search copies (``written``: its hash in
        ``SearchCopies.digests``, paths and bytes in the order written) and of
        Pagefind's version."""
        if not self.enabled:
            return None
        digest = hashlib.sha256(importlib.metadata.version("pagefind").encode())
        digest.update(written.digest())
        return digest.hexdigest()

    def get(self, lang, digest):
        previous = self.data.get(lang) if digest is not None else None
        if not previous or previous.get("digest") != digest or previous.get("bundle") != self.bundle:
            return None
        meta = os.path.join(self.bundle, f"pagefind.{previous['language'].get('hash')}.pf_meta")
        return previous if os.path.exists(meta) else None

    def put(self, lang, digest, entry):
        if digest is not None:
            self.data[lang] = {"digest": digest, "bundle": self.bundle,
                               "language": entry["languages"][lang],
                               "entry": {k: v for k, v in entry.items() if k != "languages"}}

    def save(self):
        if self.enabled:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            with open(self.path, "w", encoding="utf-8") as fh:
                json.dump(self.data, fh, sort_keys=True)


def normalise_entry(folder):
    """Sort pagefind-entry.json's keys: Pagefind writes its languages in hash-map
    order, which changes from run to run and breaks byte-identical builds."""
    path = os.path.join(folder, "pagefind-entry.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            entry = json.load(fh)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(entry, fh, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def search_generator(pelican):
    return SearchGenerator


def refresh(pelican, pages, interrupted):
    """``pages_rewritten`` (the preview, after a page build): the search copies of
    every article page again (from memory, nothing rendered), then Pagefind on the
    languages whose copies changed (``IndexMemo`` finds them); stops early if
    ``interrupted()`` says another edit waits (its build does it again)."""
    settings = pelican.settings
    if not settings["SEARCH"]["enabled"]:
        return
    output = settings["OUTPUT_PATH"]
    copies = SearchCopies()
    try:
        for count, (name, _, _, _, kwargs) in enumerate(pages):
            if count % 200 == 0 and interrupted():
                return
            if kwargs.get("article") is not None:
                # (the page's language is its article's: copy_article without i18n)
                copy_article(copies, os.path.join(output, name),
                             {**kwargs, "OUTPUT_PATH": output, "i18n": kwargs.get("i18n")})
        done = index(settings, copies, output, interrupted)
    finally:
        copies.remove()
    config = settings.get("OUTPUTS")
    if done and config:  # the output folder's manifest (newsroom.outputs) follows
        outputs.refresh_manifest(output, config["manifest"], [settings["SEARCH"]["output_subdir"]])


def register():
    phases.build_started.connect(configure)
    phases.on("generator_init", attach)
    phases.on("content_written", record)
    phases.on("get_generators", search_generator)
    phases.pages_rewritten.connect(refresh)
