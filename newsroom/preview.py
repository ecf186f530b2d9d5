"""The build process of `newsroom serve`: the site stays in memory between edits.

`newsroom serve` (serve.py) starts this process once; it builds the whole
site, then waits for the list of files that changed (one JSON line on stdin)
and answers, after each build, with one JSON line on the result pipe (build
kind, seconds, errors, warnings, failure). It is restarted by the server, not
reused, when plugin or ``newsroom`` code, the theme, the catalogs or the
settings change: then everything is built again.

Two kinds of build, chosen per change, so that the output is always what a
cold preview build of the same files gives:

* **pages** — every changed file is an article or page the site already has,
  and read again it differs from what the site holds only in what no page but
  its own shows: its body (its metadata, summary, reading time, problems,
  URL and everything else :func:`plugins.pipeline.memo.item_digest` covers are
  those of the last build, and no translation tracks its text with
  ``Translation-Of``). The new reading replaces the old one in memory, only
  the item's own page(s) are rendered and written (through Pelican's writer,
  as in a full build), and the search index of its language is rebuilt.
* **full** — anything else (a title, a date, a new or deleted file, an image,
  a broken file, an error): Pelican's whole ``run()`` in this process, with
  the content cache and render memo of warm builds (plugins/pipeline/): every
  source is read and every page rendered that can show the change, the rest
  is kept. Modules, settings, plugins and the Jinja templates' compiled code
  stay loaded.

Scheduled articles: the reply tells the server when the next one goes live
(``next_change``), and the server builds again at that time, as a cold build
would then publish it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import select
import sys
import time
import traceback

from .build import Problems

FULL, PAGES = "full", "pages"


def _reset_between_builds():
    """What Pelican keeps at class level from one ``run()`` to the next in one process:
    the messages its log filter has shown (a problem fixed and made again would go
    unreported) and its memoised contents and summaries (every earlier build's)."""
    from .compat import forget_logged_messages, forget_memoised

    forget_logged_messages()
    forget_memoised()


class PreviewSite:
    """One Pelican object, its settings and the last build's generators, kept between edits."""

    def __init__(self, pelican_args, editorial=None):
        from pelican import parse_arguments, signals
        from pelican.log import init as init_logging

        from .compat import pelican_instance

        args = parse_arguments(pelican_args)
        init_logging(level=args.verbosity, fatal=args.fatal, name="pelican",
                     logs_dedup_min_level=getattr(logging, args.logs_dedup_min_level))
        # The settings as the file says now (with the server's live EDITORIAL values).
        self.pelican, self.settings = pelican_instance(args, editorial)
        self.generators = None
        self.index = None  # newsroom.pagedeps.PageIndex of the last full build
        self.problems = {"errors": [], "warnings": []}
        self.ok = False
        signals.all_generators_finalized.connect(self._keep_generators)

    def _keep_generators(self, generators):
        self.generators = generators

    # -- full builds ------------------------------------------------------------

    def full(self):
        _reset_between_builds()
        self.generators = self.index = None
        # The engine's parsed sources start empty, as in a cold build: a source whose
        # reading failed would otherwise keep the one from before (its old date in
        # the translation status).
        registry = getattr(self.settings.get(SOURCES_KEY), "by_path", None)
        if registry is not None:
            registry.clear()
        self.ok = False
        problems = Problems()
        root = logging.getLogger()
        root.addHandler(problems)
        try:
            self.pelican.run()
        finally:
            root.removeHandler(problems)
        self.problems = {"errors": problems.errors, "warnings": problems.warnings}
        self.ok = self.generators is not None
        if self.ok:  # once the pages are served: what each page shows, for the next edit
            self.after_reply = lambda interrupted: interrupted() or self._index_pages()
        return FULL

    def _index_pages(self):
        from .pagedeps import PageIndex

        self.index = PageIndex(self.page_jobs(), self.settings)
        self._known_sources()

    # -- page builds --------------------------------------------------------------

    def items(self):
        """(generator, item) for every article and page the last build made, by source path."""
        from pipeline.memo import ITEM_LISTS

        found = {}
        for generator in self.generators or ():
            for cls, names in ITEM_LISTS.items():
                if isinstance(generator, cls):
                    for name in names:
                        for item in getattr(generator, name, None) or []:
                            found.setdefault(os.path.abspath(item.source_path), (generator, item))
        return found

    #: Why the last build was full (None: a page build, or the first build).
    reason = None

    def update(self, changes):
        """Build after ``changes`` ([(kind, path)]); returns the build kind."""
        if self.ok and self.generators is not None:
            try:
                reason = self._pages(changes)
            except Exception as exc:  # noqa: BLE001 - any doubt: the full build decides
                reason = f"{type(exc).__name__}: {exc}"
            if reason is None:
                self.reason = None
                return PAGES
        else:
            reason = "the last build failed or had no pages"
        logging.getLogger(__name__).warning("preview: full build: %s", reason)
        self.reason = reason
        return self.full()

    def _pages(self, changes):
        """Rebuild only the pages that show the changed items, if the site's structure
        (which pages exist, what each lists, in which order) stays the same; else
        say why not (the full build's reason, in /__build.json and the terminal)."""
        from pelican.contents import Page

        from .pagedeps import PageIndex

        items = self.items()
        changes = settled(changes, items)
        if not changes:
            return "no file changed that the site has"
        for kind, path in changes:
            if kind != "modified":
                return f"{os.path.relpath(path)} was {kind}"
        if self._feeds():
            return "this preview writes feeds (they show titles and bodies)"
        unknown = self._unknown_generators()
        if unknown:
            return f"generators the preview does not know: {unknown}"
        fresh = []
        for path in sorted({os.path.abspath(p) for _, p in changes}):
            if path not in items:  # not an article or page: an image, a new file…
                return f"{os.path.relpath(path)} is not an article or page of the site"
            generator, old = items[path]
            new, why = self._read_again(generator, old)
            if new is None:
                return f"{os.path.relpath(path)}: {why}"
            fresh.append((generator, old, new))
        if self.index is None:
            self.index = PageIndex(self.page_jobs(), self.settings)
        changed = [old for _, old, _ in fresh]
        # Items whose listing-visible data can follow the changed ones: themselves, the
        # other items of their row of the translation status (same kind and slug, any
        # language or state: drafts are not in Pelican's ``translations``), whose
        # "outdated" state follows the original's text.
        rows_of = {(type(item), item.slug) for item in changed}
        candidates = {id(item): item for _, item in items.values()
                      if (type(item), getattr(item, "slug", None)) in rows_of}
        candidates.update((id(item), item) for item in changed)
        for item in changed:
            for other in getattr(item, "translations", ()) or ():
                candidates[id(other)] = other
        before = {key: item_digest(item) for key, item in candidates.items()}
        # The status page shows an original's title and each translation's state, which
        # follows the original's title, summary and text when it records Translation-Of.
        tracked = any(display(old) != display(new) for _, old, new in fresh) or any(
            "translation-of" in item.metadata for item in candidates.values())
        rows = self._status_rows() if tracked else None
        for _, old, new in fresh:
            _replace(old, new)
        if tracked:
            self._refresh_status()
        shown = {key for key, item in candidates.items() if item_digest(item) != before[key]}
        if any(isinstance(candidates[key], Page) for key in shown):
            return "a page's title or summary changed: every page shows the menu"
        jobs = [self.index.jobs[i]
                for i in self.index.jobs_of({id(item) for item in changed}, shown)]
        # The status page's arguments are computed as it is written (rows, totals):
        # captured again, not taken from the index.
        status = [job for job in jobs if job[4].get("template_name") == "translation_status"]
        if status or (tracked and rows != self._status_rows()):
            jobs = [job for job in jobs if job not in status]
            jobs += self.page_jobs({"EditorialGenerator"})
        self._write(jobs, shown)
        return None

    def page_jobs(self, only=None):
        """Every page the page generators would write, captured without rendering."""
        from .pagedeps import CaptureWriter

        only = PAGE_GENERATORS if only is None else only
        capture = CaptureWriter()
        for generator in self.generators:
            if type(generator).__name__ in only:
                type(generator).generate_output(generator, capture)
        return capture.jobs

    def _unknown_generators(self):
        """Generators this module does not know to be page generators or not (see
        ``OTHER_GENERATORS``; Pelican's template pages: only when there are some)."""
        names = {type(g).__name__ for g in self.generators}
        if not self.settings.get("TEMPLATE_PAGES"):
            names.discard("TemplatePagesGenerator")
        return ", ".join(sorted(names - PAGE_GENERATORS - OTHER_GENERATORS))

    def _feeds(self):
        """True if this preview writes feeds (which show titles and bodies): full builds."""
        feeds = self.settings.get("I18N_FEEDS") or {}
        return any(feeds.values()) or any(
            self.settings.get(key) for key in self.settings
            if key.endswith(("FEED_ATOM", "FEED_RSS")))

    def _editorial(self):
        return next((g for g in self.generators or () if type(g).__name__ == "EditorialGenerator"),
                    None)

    def _status_rows(self):
        """What the status page shows of its rows (their URLs are structure)."""
        generator = self._editorial()
        if generator is None:
            return None
        return [(row.kind, row.slug, row.title,
                 [(lang, cell.state, cell.publication) for lang, cell in row.cells.items()])
                for row in generator.context[EDITORIAL_STATE].rows]

    def _refresh_status(self):
        """The translation status again: from the build engine's parsed sources
        (``newsroom.sources``), where reading a changed source again put its new one."""
        generator = self._editorial()
        if generator is not None:
            type(generator).generate_context(generator)

    def _known_sources(self):
        """Parse the sources the last build took from the content cache (once), so that
        the translation status never reads the content folder again."""
        from pelican.contents import Page

        from . import sources

        registry = getattr(self.settings.get(SOURCES_KEY), "by_path", None)
        if registry is None:
            return
        root = self.settings["PATH"]
        for path, (_, item) in self.items().items():
            if path not in registry and os.path.isfile(path):
                registry[path] = sources.read_source(
                    path, self.settings, root, "page" if isinstance(item, Page) else "article")

    def _write(self, jobs, shown):
        """Write the page ``jobs`` through Pelican's writer (paginated listings:
        only the pages whose slice shows an item of ``shown``)."""
        from pelican import signals

        from .compat import discard_writes, writer_of
        from .pagedeps import Listed, paginated_keys

        kept = set()
        writer = discard_writes(writer_of(self.pelican), kept.__contains__)
        output = self.settings["OUTPUT_PATH"]
        problems = Problems()
        root = logging.getLogger()
        root.addHandler(problems)
        try:
            # Nothing listens to these writes: the search index and the sitemaps are
            # made again below, from memory (the pages written are those of the
            # last full build, at the same paths).
            with signals.content_written.muted():
                for job in jobs:
                    name, template, job_context, args, kwargs = job
                    if paginated_keys(job, self.settings):
                        template = Listed(template, shown, output, kept)
                    writer.write_file(name, template, job_context, *args, **kwargs)
        finally:
            root.removeHandler(problems)
        if problems.errors or problems.warnings:
            raise ValueError("a page build logged problems: the full build reports them")
        logging.getLogger(__name__).info(
            "preview: %d page job(s) rendered (%d listing page(s) showing no change kept)",
            len(jobs), len(kept))
        sitemap = next((g for g in self.generators if type(g).__name__ == "SitemapGenerator"),
                       None)
        if sitemap is not None and shown:
            type(sitemap).generate_output(sitemap, writer)
        refresh, jobs = SearchRefresh(self.settings), self.index.jobs
        self.after_reply = lambda interrupted: refresh.run(jobs, interrupted)

    def _read_again(self, generator, old):
        """(a new reading of ``old``'s source, None), or (None, why) if it changes more
        than what a page build can show."""
        from pelican import signals
        from pelican.contents import Article, Page

        is_article = isinstance(old, Article)
        name = "article" if is_article else "page"
        quiet = Problems()
        root = logging.getLogger()
        root.addHandler(quiet)
        try:
            new = generator.readers.read_file(
                base_path=generator.path, path=os.path.relpath(old.source_path, generator.path),
                content_class=Article if is_article else Page, context=generator.context,
                preread_signal=getattr(signals, f"{name}_generator_preread"),
                preread_sender=generator,
                context_signal=getattr(signals, f"{name}_generator_context"),
                context_sender=generator)
        finally:
            root.removeHandler(quiet)
        if quiet.errors or quiet.warnings:
            return None, f"reading it logged {(quiet.errors + quiet.warnings)[0]}"
        if type(new) is not type(old):
            return None, "it is no longer a " + type(old).__name__
        # What the whole-site steps add to each item: its reading time (from
        # its words), then what links it to the others (translations,
        # neighbours, related articles, editorial notes, card image), which
        # depend on metadata found equal below.
        reading_time = sys.modules.get("reading_time.reading_time")
        if reading_time is not None:
            reading_time.measure(new, self.settings[reading_time.SETTING])
        if hasattr(new, "refresh_metadata_intersite_links"):
            new.refresh_metadata_intersite_links()
        if _names(old.metadata) != _names(new.metadata):
            return None, "another category, tags or authors (other listings)"
        # The whole-site steps also made its category, tags and authors those of its
        # language (plugins/multilingual): the old ones are kept when the names are the
        # same (structure() compares them).
        for key, value in vars(old).items():
            if key not in vars(new) or key in LINKS or _taxonomy(value):
                setattr(new, key, value)
        for key, value in old.metadata.items():
            if _taxonomy(value) and key in new.metadata:
                new.metadata[key] = value
        if structure(new) != structure(old):
            return None, "changed " + _changed_fields(old, new)
        return new, None

    after_reply = None

    def next_change(self):
        """Seconds until the next scheduled item goes live (None: none)."""
        if (self.settings.get("EDITORIAL") or {}).get("now"):
            return None  # a fixed "now": nothing goes live by itself
        now = datetime.datetime.now(datetime.timezone.utc)
        later = [item.date for _, item in self.items().values()
                 if getattr(getattr(item, "editorial", None), "state", None) == "scheduled"
                 and getattr(item, "date", None) is not None and item.date > now]
        return (min(later) - now).total_seconds() if later else None


def settled(changes, items):
    """The changes as they stand once the batch is over: a known source that exists is
    "modified" (an editor's save may replace the file: "deleted" then "added"), and a
    file that came and went within the batch (an editor's or sed's temporary file) is
    left out."""
    kinds = {}
    for kind, path in changes:
        kinds.setdefault(os.path.abspath(path), set()).add(kind)
    result = []
    for path, seen in sorted(kinds.items()):
        if path in items and os.path.isfile(path):
            result.append(("modified", path))
        elif {"added", "deleted"} <= seen and not os.path.exists(path):
            continue
        else:
            result.extend((kind, path) for kind in sorted(seen))
    return result


#: Generators that only write pages through the writer (no other side effect).
PAGE_GENERATORS = frozenset({"ArticlesGenerator", "PagesGenerator", "ListingsGenerator",
                             "EditorialGenerator", "ConfirmPageGenerator",
                             "CorrectionsGenerator"})
#: Generators whose output no page build has to write again: files copied or made
#: from files (a change to one is a full build), or made again by ``_write`` (the
#: sitemaps, the search index). Any other generator (a plugin's new one) may write
#: a page that shows an item: while it is in neither set, every build is full.
OTHER_GENERATORS = frozenset({"StaticGenerator", "SourceFileGenerator", "AssetsGenerator",
                              "HeadersGenerator", "SitemapGenerator", "SearchGenerator"})
EDITORIAL_STATE, SOURCES_KEY = "EDITORIAL_STATE", "NEWSROOM_SOURCES"
#: Metadata that changes what pages show of an item, not which pages exist or what they list.
DISPLAY_METADATA = frozenset({"title", "summary", "summary_from_body"})


def item_digest(item):
    from pipeline.memo import item_digest as digest

    return digest(item)


def display(item):
    """What pages show of an item besides its body (its title, its summary)."""
    return [str(item.metadata.get(key)) for key in sorted(DISPLAY_METADATA)]


def structure_parts(item):
    """Everything of an item but what pages show of it, by name: which pages exist,
    what each lists and in which order (and the problems it reports) follow from this."""
    from pipeline.memo import BODY_ONLY_METADATA, _ref

    metadata = {k: v for k, v in item.metadata.items()
                if k not in BODY_ONLY_METADATA and k not in DISPLAY_METADATA}
    notes = getattr(item, "editorial", None)
    return {
        "type": type(item).__name__, "url": item.url, "save_as": item.save_as,
        "status": item.status, "lang": item.lang, "metadata": metadata,
        "fields": sorted(item.metadata),
        "translations": [(t.lang, _ref(t)) for t in getattr(item, "translations", [])],
        "related": [_ref(a) for a in getattr(item, "related_articles", None) or []],
        "neighbours": [_ref(getattr(item, "prev_article", None)),
                       _ref(getattr(item, "next_article", None))],
        "state": None if notes is None else notes.state,
        "image": getattr(item, "seo_image", None),
    }


def structure(item):
    from pipeline.memo import _canonical

    return _canonical(structure_parts(item))


def _changed_fields(old, new):
    """What differs between two items' structures, as the reason of a full build."""
    from pipeline.memo import _canonical

    before, after = structure_parts(old), structure_parts(new)
    names = [name for name in before if _canonical(before[name]) != _canonical(after[name])]
    if "metadata" in names:
        keys = sorted(k for k in set(before["metadata"]) | set(after["metadata"])
                      if _canonical(before["metadata"].get(k)) != _canonical(after["metadata"].get(k)))
        names[names.index("metadata")] = "metadata " + ", ".join(keys)
    return "; ".join(names) or "its structure"


LINKS = frozenset({"translations", "related_articles", "prev_article", "next_article",
                   "editorial", "seo_image", "in_default_lang"})


def _taxonomy(value):
    """True for a category, tag or author, or a list of them."""
    from pelican.urlwrappers import URLWrapper

    if isinstance(value, (list, tuple)):
        return bool(value) and all(isinstance(v, URLWrapper) for v in value)
    return isinstance(value, URLWrapper)


def _names(metadata):
    """The category, tag and author names in ``metadata``."""
    return {key: [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)
            for key, value in metadata.items() if _taxonomy(value)}


def _replace(old, new):
    """``old`` (the object every list and link of the site holds) becomes ``new``."""
    from .compat import forget_memoised

    forget_memoised(old)
    vars(old).clear()
    vars(old).update(vars(new))


class SearchRefresh:
    """The search index after a page build: the search copies of every article
    page again (from memory, nothing rendered), then Pagefind on the languages
    whose copies changed (search.py's own memo finds them)."""

    def __init__(self, settings):
        self.settings = settings

    def run(self, jobs, interrupted):
        """Refresh the index; stops early (the next build does it again) if
        ``interrupted()`` says another edit is waiting."""
        search = sys.modules.get("search.search")
        if search is None or not self.settings["SEARCH"]["enabled"]:
            return
        output = self.settings["OUTPUT_PATH"]
        copies = search.SearchCopies()
        try:
            for count, (name, _, context, _, kwargs) in enumerate(jobs):
                if count % 200 == 0 and interrupted():
                    return
                article = kwargs.get("article")
                if article is not None:
                    search.copy_article(copies, os.path.join(output, name),
                                        {**kwargs, "OUTPUT_PATH": output,
                                         "i18n": _page_language(context, kwargs)})
            done = search.index(self.settings, copies, output, interrupted)
        finally:
            copies.remove()
        config = self.settings.get("OUTPUTS")
        if done and config:  # the output folder's manifest (newsroom.outputs) follows
            from .outputs import refresh_manifest

            refresh_manifest(output, config["manifest"], [self.settings["SEARCH"]["output_subdir"]])


def _page_language(context, kwargs):
    """The page's language, as the multilingual writer gives it to the templates."""
    if kwargs.get("i18n") is not None:
        return kwargs["i18n"]
    multilingual = sys.modules.get("multilingual.state")
    state = context.get(multilingual.STATE_KEY) if multilingual is not None else None
    return state.page_language(kwargs, kwargs.get("url")) if state is not None else None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m newsroom.preview", description=__doc__)
    parser.add_argument("--result-fd", type=int, required=True)
    parser.add_argument("--editorial", type=json.loads, default=None,
                        help="JSON object merged into the settings file's EDITORIAL")
    parser.add_argument("pelican_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    results = os.fdopen(args.result_fd, "w", encoding="utf-8", buffering=1)

    def reply(**values):
        results.write(json.dumps(values, ensure_ascii=False, default=str) + "\n")
        results.flush()

    started = time.monotonic()
    try:
        site = PreviewSite([a for a in args.pelican_args if a != "--"], args.editorial)
    except SystemExit as exc:  # argparse or a settings check that exits
        reply(kind=FULL, ok=False, errors=[], warnings=[], seconds=0,
              failure=f"settings: {exc}")
        return 2
    except Exception as exc:  # noqa: BLE001 - reported to the server, which goes on
        reply(kind=FULL, ok=False, errors=[], warnings=[], seconds=0,
              failure=f"{type(exc).__name__}: {exc}")
        traceback.print_exc()
        return 1
    commands = Commands(sys.stdin.fileno())
    changes = None
    while True:
        failure = None
        site.after_reply = None
        try:
            kind = site.full() if changes is None else site.update(changes)
        except Exception as exc:  # noqa: BLE001 - the next change builds again
            kind, failure = FULL, f"{type(exc).__name__}: {exc}"
            logging.getLogger(__name__).critical("%s", failure, exc_info=True)
            site.ok = False
        try:
            next_change = site.next_change() if failure is None else None
        except Exception:  # noqa: BLE001
            next_change = None
        reply(kind=kind, reason=site.reason if kind == FULL else None,
              ok=failure is None and not site.problems["errors"],
              errors=site.problems["errors"], warnings=site.problems["warnings"],
              failure=failure, seconds=round(time.monotonic() - started, 3),
              next_change=next_change)
        if site.after_reply is not None:
            # Work the served pages do not wait for (the search index, the page
            # index); an edit that comes meanwhile stops it: its build does it again.
            try:
                site.after_reply(commands.waiting)
            except Exception as exc:  # noqa: BLE001 - the next build does it whole
                logging.getLogger(__name__).error("preview: %s", exc)
                site.ok = False
        reply(kind="idle")
        line = commands.next()
        if line is None:
            return 0
        started = time.monotonic()
        changes = [tuple(change) for change in json.loads(line)["changes"]]


class Commands:
    """Lines from the server on a file descriptor, with a look ahead: is one waiting?"""

    def __init__(self, fd):
        self.fd, self.buffer, self.closed = fd, b"", False

    def _fill(self, timeout):
        if self.closed or not select.select([self.fd], [], [], timeout)[0]:
            return
        data = os.read(self.fd, 1 << 16)
        if data:
            self.buffer += data
        else:
            self.closed = True

    def waiting(self):
        self._fill(0)
        return b"\n" in self.buffer or self.closed

    def next(self):
        while b"\n" not in self.buffer and not self.closed:
            self._fill(None)
        if b"\n" not in self.buffer:
            return None
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode("utf-8")


if __name__ == "__main__":
    sys.exit(main())
