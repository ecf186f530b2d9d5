"""What each page of the preview is made from: the articles and pages it shows.

After a full build, the preview's build process (preview.py) lists every page
the page generators would write (their ``write_file`` calls, captured without
rendering: :class:`CaptureWriter`) and, for each, the items it can show:

* the items in its template arguments — the article or page itself, the
  listed articles (for a paginated listing, those of each page only: a page
  shows its own slice), the taxonomy lists, the status page's pending items —
* and, one step further, what those items link to (translations, previous
  and next articles, related articles, the original of a translation), which
  an article page shows too (titles in "next", the switcher).

A page made from the templates, catalogs, settings or code depends on all of
them: a change there restarts the build process, which builds everything.
Images and other static files are not tracked here: a change to one is a full
build. What every page shows (the site's pages in the footer, the categories
in the menu) is also left to full builds: the build process never takes the
page path for a change to a page (``Page``) that other pages can show. The
side column's latest articles are items every page of their language shows
(``LATEST_SHOWN``), paginated listings included.
"""

from __future__ import annotations

import os

from pelican.contents import Content
from pelican.paginator import Page as PaginatedPage

from . import buildstate

#: Attributes of an item that its own page shows other items through.
LINK_ATTRIBUTES = ("translations", "related_articles", "prev_article", "next_article")
#: How deep the template arguments are searched for items (lists of (tag, articles)…).
DEPTH = 4
#: Articles of each language that every page of it shows (the side column's latest,
#: theme/templates/partials/aside.html: the first 6, less the article being read).
LATEST_SHOWN = 6


class CaptureWriter:
    """A writer that only lists the pages a generator would write (nothing is rendered)."""

    def __init__(self):
        self.jobs = []

    def write_file(self, name, template, context, *args, **kwargs):
        self.jobs.append((name, template, context, args, kwargs))

    def write_feed(self, *args, **kwargs):
        return None


def _items(value, found, depth=DEPTH):
    if isinstance(value, Content):
        found[id(value)] = value
    elif depth and isinstance(value, (list, tuple, set, frozenset)):
        for member in value:
            _items(member, found, depth - 1)
    elif depth and isinstance(value, dict):
        for member in value.values():
            _items(member, found, depth - 1)
    elif depth and isinstance(value, PaginatedPage):
        _items(value.object_list, found, depth - 1)


def _linked(items):
    more = {}
    for item in items.values():
        for name in LINK_ATTRIBUTES:
            _items(getattr(item, name, None), more, 1)
        notes = getattr(item, "editorial", None)
        original = getattr(notes, "original", None)
        if original is not None:
            more[id(original)] = original
    return {**items, **more}


def _latest(job, cache):
    """{id: article} of the latest articles the job's page shows in its side column."""
    _, _, context, _, kwargs = job
    state = buildstate.of(context).languages  # plugins/multilingual
    if state is None:
        return {}
    code = state.page_language(kwargs, kwargs.get("url")).code
    if code not in cache:
        cache[code] = {id(a): a for a in state.articles_in(code)[:LATEST_SHOWN]}
    return cache[code]


def paginated_keys(job, settings):
    """The template arguments the writer splits into pages for this job (none: one page)."""
    name, template, context, args, kwargs = job
    template_name = kwargs.get("template_name", args[2] if len(args) > 2 else None)
    if template_name not in settings["PAGINATED_TEMPLATES"]:
        return ()
    paginated = kwargs.get("paginated", args[1] if len(args) > 1 else None)
    if paginated is None:
        paginated = {k: v for k, v in kwargs.items() if k in ("articles", "dates")}
    return tuple(paginated)


class PageIndex:
    """Every page job of the last full build and the items each can show."""

    def __init__(self, jobs, owners, settings):
        self.jobs = jobs
        self.owners = owners  # per job: the generator that writes it
        self.depends = []  # per job: {id: item}
        self.own = []  # per job: the id of the article or page it is the page of
        latest = {}  # language code: its LATEST_SHOWN articles
        for job in jobs:
            kwargs = job[4]
            skip = paginated_keys(job, settings)
            found = {}
            for key, value in kwargs.items():
                if key not in skip:
                    _items(value, found)
            # The paginated lists count item by item too (a page shows its slice:
            # see Listed); their length is structure (the build process compares it).
            for key in skip:
                _items(kwargs.get(key), found)
            found.update(_latest(job, latest))
            self.depends.append(_linked(found))
            item = kwargs.get("article") or kwargs.get("page")
            self.own.append(id(item) if item is not None else None)

    def jobs_of(self, own, shown):
        """Indexes of the jobs that are the page of an item in ``own`` or show one in ``shown``."""
        return [i for i, deps in enumerate(self.depends)
                if self.own[i] in own or any(key in deps for key in shown)]


class Listed:
    """A template stand-in for a paginated listing: a page whose slice shows none
    of the changed items is not rendered, and its file is left as it is (the
    writer is told to discard it: see ``compat.discard_writes``); the others are
    rendered."""

    def __init__(self, template, shown, output_path, kept):
        self.template, self.shown, self.output_path = template, shown, output_path
        self.kept = kept  # absolute paths of the pages left as they are

    def render(self, localcontext):
        slices = [value for key, value in localcontext.items()
                  if key.endswith("_page") and isinstance(value, PaginatedPage)]
        path = os.path.abspath(os.path.join(self.output_path, localcontext["output_file"]))
        state, page = buildstate.of(localcontext).languages, localcontext.get("i18n")
        latest = state.articles_in(page.code)[:LATEST_SHOWN] if state and page else []
        if slices and os.path.isfile(path) and not any(
                id(item) in self.shown for page in slices for item in page.object_list) \
                and not any(id(item) in self.shown for item in latest):
            self.kept.add(path)
            return ""
        self.kept.discard(path)
        return self.template.render(localcontext)
