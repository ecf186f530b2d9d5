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
  URL and everything else :func:`newsroom.changes.item_digest` covers are
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

from . import phases
from .build import Problems
from .changes import changed_fields, dependencies_changed, display, item_digest, items_of, \
    structure

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
        from pelican import parse_arguments
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
        phases.on("all_generators_finalized", self._keep_generators)

    def _keep_generators(self, generators):
        self.generators = generators

    # -- full builds ------------------------------------------------------------

    def full(self):
        _reset_between_builds()
        self.generators = self.index = None
        # (The engine's parsed sources start empty, as in a cold build: each run is a
        # build with its own state, newsroom/buildstate.py; a source whose reading
        # failed never keeps the one from before.)
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

        self.index = PageIndex(*self.page_jobs(), self.settings)

    # -- page builds --------------------------------------------------------------

    def items(self):
        """(generator, item) for every article and page the last build made, by source path."""
        found = {}
        for generator, item in items_of(self.generators or ()):
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
                return f"{self._rel(path)} was {kind}"
        if self._feeds():
            return "this preview writes feeds (they show titles and bodies)"
        unknown = self._unknown_generators()
        if unknown:
            return f"generators the preview does not know: {unknown}"
        fresh = []
        for path in sorted({os.path.abspath(p) for _, p in changes}):
            if path not in items:  # not an article or page: an image, a new file…
                return f"{self._rel(path)} is not an article or page of the site"
            generator, old = items[path]
            new, why = self._read_again(generator, old)
            if new is None:
                return f"{self._rel(path)}: {why}"
            fresh.append((generator, old, new))
        if self.index is None:
            self.index = PageIndex(*self.page_jobs(), self.settings)
        changed = [old for _, old, _ in fresh]
        # Items whose listing-visible data can follow the changed ones: themselves, the
        # other items of their row of the translation status (same kind and
        # translation key — file slug or Translation-Of —, any language or state:
        # drafts and hidden items are not in Pelican's ``translations``), whose
        # "outdated" state follows the original's text.
        paths = {os.path.abspath(item.source_path) for item in changed}
        group = {}
        for generator in self._with("translation_group"):
            group.update(generator.translation_group(paths))
        rows_of = {(type(item), item.slug) for item in changed}
        candidates = {id(item): item for path, (_, item) in items.items()
                      if path in group or (type(item), getattr(item, "slug", None)) in rows_of}
        candidates.update((id(item), item) for item in changed)
        for item in changed:
            for other in getattr(item, "translations", ()) or ():
                candidates[id(other)] = other
        before = {key: item_digest(item) for key, item in candidates.items()}
        # The status page shows an original's title and each translation's state, which
        # follows the original's title, summary and text when it records its
        # fingerprint (Translation-Of) — whether or not that translation is an item
        # (one that fails to read is on the status page all the same).
        tracked = any(display(old) != display(new) for _, old, new in fresh) or any(
            "translation-of" in item.metadata for item in candidates.values()) or any(
            recorded for path, recorded in group.items() if path not in paths)
        for _, old, new in fresh:
            _replace(old, new)
        # Generators whose pages' arguments are made from every source (the
        # translation status): made again, and their pages captured again below.
        refreshed = [g for g in self._with("refresh_after_edit")
                     if tracked and g.refresh_after_edit()]
        shown = {key for key, item in candidates.items() if item_digest(item) != before[key]}
        if any(isinstance(candidates[key], Page) for key in shown):
            return "a page's title or summary changed: every page shows the menu"
        chosen = self.index.jobs_of({id(item) for item in changed}, shown)
        # The pages of a generator whose arguments are computed as they are written
        # (status rows, totals) are captured again, not taken from the index.
        computed = {id(g) for g in self._with("refresh_after_edit")}
        again = {id(g) for g in refreshed} | {id(self.index.owners[i]) for i in chosen
                                             if id(self.index.owners[i]) in computed}
        jobs = [self.index.jobs[i] for i in chosen if id(self.index.owners[i]) not in again]
        jobs += self.page_jobs([g for g in self.generators if id(g) in again])[0]
        self._write(jobs, shown)
        return None

    def _with(self, method):
        """The generators that offer ``method`` to page builds (newsroom/phases.py)."""
        return [g for g in self.generators or () if callable(getattr(g, method, None))]

    def _problems_of(self, level, path):
        """The ``level`` ("errors", "warnings") messages the last build logged about the
        file ``path`` (they start with its ``path:line`` or its path, as shown)."""
        shown = os.path.relpath(path)
        return sorted(m for m in self.problems[level]
                      if m == shown or m.startswith((shown + ":", shown + " ")))

    def _rel(self, path):
        """A path as the reason of a full build names it: inside the content folder."""
        return os.path.relpath(path, self.settings["PATH"])

    def page_jobs(self, generators=None):
        """(jobs, owners): every page the page generators (or ``generators``) would
        write, captured without rendering, and the generator of each."""
        from .pagedeps import CaptureWriter

        jobs, owners = [], []
        for generator in self._role(phases.PAGES) if generators is None else generators:
            capture = CaptureWriter()
            type(generator).generate_output(generator, capture)
            jobs += capture.jobs
            owners += [generator] * len(capture.jobs)
        return jobs, owners

    def _role(self, role):
        return [g for g in self.generators if role_of(g, self.settings) == role]

    def _unknown_generators(self):
        """Generators that do not say what their output is (``preview_role``)."""
        return ", ".join(sorted({type(g).__name__ for g in self.generators
                                 if role_of(g, self.settings) not in phases.ROLES}))

    def _feeds(self):
        """True if this preview writes feeds (which show titles and bodies): full builds."""
        feeds = self.settings.get("I18N_FEEDS") or {}
        return any(feeds.values()) or any(
            self.settings.get(key) for key in self.settings
            if key.endswith(("FEED_ATOM", "FEED_RSS")))

    def _write(self, jobs, shown):
        """Write the page ``jobs`` through Pelican's writer (paginated listings:
        only the pages whose slice shows an item of ``shown``)."""
        from pelican import signals

        from .compat import discard_writes, forget_logged_messages, writer_of
        from .pagedeps import Listed, paginated_keys

        kept = set()
        writer = discard_writes(writer_of(self.pelican), kept.__contains__)
        forget_logged_messages()  # (Pelican logs a message once per process)
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
        # Rendering may log what the last build logged too (a link to a missing
        # file): the problems listed stay the same. A new one: the full build reports it.
        new = [m for level in ("errors", "warnings") for m in getattr(problems, level)
               if m not in self.problems[level]]
        if new:
            raise ValueError(f"a page build logged a new problem: {new[0][:300]}")
        logging.getLogger(__name__).info(
            "preview: %d page job(s) rendered (%d listing page(s) showing no change kept)",
            len(jobs), len(kept))
        if shown:
            for generator in self._role(phases.AFTER_PAGES):
                type(generator).generate_output(generator, writer)
        pages = self.index.jobs
        self.after_reply = lambda interrupted: phases.pages_rewritten.send(
            self.pelican, pages=pages, interrupted=interrupted)

    def _read_again(self, generator, old):
        """(a new reading of ``old``'s source, None), or (None, why) if it changes more
        than what a page build can show."""
        from pelican import signals
        from pelican.contents import Article, Page

        from .compat import forget_logged_messages, forget_reading

        is_article = isinstance(old, Article)
        name = "article" if is_article else "page"
        # Pelican logs a message once per process: the file's standing warnings must
        # reach ``quiet`` again to be compared with the last build's.
        forget_logged_messages()
        if dependencies_changed(old.metadata):  # (an image's files are encoded now)
            forget_reading(generator, old.source_path)
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
        # A problem the last build reported for this file already (a summary too long,
        # as any archive has) stays as it is: the problems listed do not change.
        for level, found in (("errors", quiet.errors), ("warnings", quiet.warnings)):
            before = self._problems_of(level, old.source_path)
            if sorted(found) != before:
                return None, f"its {level} changed: " + "; ".join(
                    sorted(set(found) ^ set(before)))[:300]
        if type(new) is not type(old):
            return None, "it is no longer a " + type(old).__name__
        # What the whole-site steps add to each item: its reading time (from
        # its words), then what links it to the others (translations,
        # neighbours, related articles, editorial notes, card image), which
        # depend on metadata found equal below (its translations are linked to it
        # first: its lead image may be its original's).
        for key in LINKS & set(vars(old)):
            setattr(new, key, getattr(old, key))
        phases.item_ready.send(new, settings=self.settings)
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
        # (``authors`` too where the source says ``Author:``: the names are the same.)
        for key, value in old.metadata.items():
            if _taxonomy(value) and (key in new.metadata or key == "authors"):
                new.metadata[key] = value
        if structure(new) != structure(old):
            return None, "changed " + changed_fields(old, new)
        return new, None

    after_reply = None

    def work_left(self):
        """What the last build left running (``phases.work_left``: derivatives being
        encoded), each a ``newsroom.build.Pending``."""
        return [pending for _, pending in phases.work_left.send(self.pelican)
                if pending is not None and pending.waiting]

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


def role_of(generator, settings):
    """What a generator's output is for page builds (``newsroom.phases`` roles):
    Pelican's own by their class, a plugin's by its ``preview_role`` (None: it does not
    say, and every build is full while it runs)."""
    from pelican.generators import (ArticlesGenerator, PagesGenerator, SourceFileGenerator,
                                    StaticGenerator, TemplatePagesGenerator)

    if isinstance(generator, (ArticlesGenerator, PagesGenerator)):
        return phases.PAGES
    if isinstance(generator, (StaticGenerator, SourceFileGenerator)):
        return phases.FILES
    if isinstance(generator, TemplatePagesGenerator) and not settings.get("TEMPLATE_PAGES"):
        return phases.FILES  # (none to write)
    return getattr(generator, "preview_role", None)


LINKS = frozenset({"translations", "related_articles", "prev_article", "next_article",
                   "editorial", "seo_image", "in_default_lang"})


def _taxonomy(value):
    """True for a category, tag or author, or a list of them."""
    from pelican.urlwrappers import URLWrapper

    if isinstance(value, (list, tuple)):
        return bool(value) and all(isinstance(v, URLWrapper) for v in value)
    return isinstance(value, URLWrapper)


def _names(metadata):
    """The category, tag and author names in ``metadata`` (``Author:`` alone counts as
    the ``authors`` list the whole-site steps give it: plugins/multilingual)."""
    def written(v):  # the name as written, before the display filters (typography)
        return getattr(v, "written", None) or str(v)

    names = {key: [written(v) for v in value] if isinstance(value, (list, tuple)) else written(value)
             for key, value in metadata.items() if _taxonomy(value)}
    if "author" in names and "authors" not in names:
        names["authors"] = [names["author"]]
    return names


def _replace(old, new):
    """``old`` (the object every list and link of the site holds) becomes ``new``."""
    from .compat import forget_memoised

    forget_memoised(old)
    vars(old).clear()
    vars(old).update(vars(new))


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
        # This process stays after each build: work the pages need not wait for
        # (image derivatives) is done once they are served (``phases.work_left``).
        site = PreviewSite([a for a in args.pelican_args if a != "--"],
                           {**(args.editorial or {}), "background": True})
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
        work = site.work_left() if failure is None else []
        reply(kind=kind, reason=site.reason if kind == FULL else None,
              ok=failure is None and not site.problems["errors"],
              errors=site.problems["errors"], warnings=site.problems["warnings"],
              failure=failure, seconds=round(time.monotonic() - started, 3),
              next_change=next_change, waiting=[w.what for w in work])
        if site.after_reply is not None:
            # Work the served pages do not wait for (the search index, the page
            # index); an edit that comes meanwhile stops it: its build does it again.
            try:
                site.after_reply(commands.waiting)
            except Exception as exc:  # noqa: BLE001 - the next build does it whole
                logging.getLogger(__name__).error("preview: %s", exc)
                site.ok = False
        reply(kind="idle")
        line = commands.next(work, reply)
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

    def next(self, work=(), reply=None):
        """The next line; meanwhile, as the ``work`` a build left running (Pending)
        makes pages ready, ``reply(kind="ready", changes=…)``: the server builds them."""
        work = list(work)
        while b"\n" not in self.buffer and not self.closed:
            if not work:
                self._fill(None)
                continue
            readable = select.select([self.fd, *work], [], [])[0]
            for pending in [w for w in work if w in readable]:
                paths = pending.take()
                if not pending.waiting:
                    work.remove(pending)
                    pending.close()
                if paths or pending not in work:
                    reply(kind="ready", what=pending.what, waiting=[w.what for w in work],
                          changes=[("modified", path) for path in sorted(paths)])
            if self.fd in readable:
                self._fill(0)
        if b"\n" not in self.buffer:
            return None
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode("utf-8")


if __name__ == "__main__":
    sys.exit(main())
