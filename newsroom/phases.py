"""The build's phases, in order: the one place that names them.

Like Pelican's own ``pelican/plugins/signals.py``, each phase is a blinker
signal. Plugins connect to these in ``register()``; nothing depends on a
plugin's position in ``PLUGINS``. The ``pipeline`` plugin (the build engine)
sends them, bridged from Pelican's signals:

=================  ==========================================  ===================================
phase              sent                                        receivers get
=================  ==========================================  ===================================
build_started      Pelican ``initialized`` (settings read)      the Pelican object
source_read        once per source, inside Python-Markdown,    a ``Document`` (``.root`` = the
                   after Markdown's own tree processors         element tree), steps by priority
item_ready         per article or page, before items_ready      the item, ``settings=``
                   (and by the preview, per item read again)
items_ready        Pelican ``all_generators_finalized``         the generators: every article and
                   (every article, page, static file exists)    page exists, with the fields the
                                                                steps put in their metadata
pages_written      generators whose class says                  the Pelican object (signal, at
                   ``phase = "newsroom.pages_written"`` write   Pelican ``finalized``, first)
                   after every other generator, then the signal
build_finished     Pelican ``finalized``, last                  the Pelican object
pages_rewritten    preview only: after a page build             the Pelican object, ``pages=``,
                                                                ``interrupted=``
work_left          preview only: once a build's pages are       the Pelican object; returns a
                   served (derivatives still being encoded)     ``newsroom.build.Pending``
=================  ==========================================  ===================================

``source_read`` is special: its receivers are *document steps*, run in the
order of their explicit priority (highest first, as Python-Markdown orders its
own processors), never in the order they were connected::

    from newsroom import phases

    def my_step(doc):            # doc: pipeline.document.Document
        for img in doc.root.iter("img"):
            ...

    def register():
        phases.connect_step(my_step, phases.PRIORITY["images"])

The priorities of the project's steps are below, in ``PRIORITY``.

Pelican's own signals are reached through ``on`` only (``PELICAN_SIGNALS``, at
the end, lists each with its phase)::

    def register():
        phases.on("content_object_init", annotate)

What a plugin keeps during a build is in ``newsroom/buildstate.py``.
"""

from __future__ import annotations

from blinker import Namespace

from . import buildstate

_phases = Namespace()

#: Settings are read; plugins validate their setting (receivers: the Pelican object).
build_started = _phases.signal("newsroom.build_started")
#: One source, inside Python-Markdown: the document steps (receivers: a Document).
source_read = _phases.signal("newsroom.source_read")
#: Every article and page exists with its plugin fields (receivers: the generators).
items_ready = _phases.signal("newsroom.items_ready")
#: Every page is written (receivers: the Pelican object).
pages_written = _phases.signal("newsroom.pages_written")
#: The build is over, successful or strict-failed next (receivers: the Pelican object).
build_finished = _phases.signal("newsroom.build_finished")

#: One article or page is final (receivers: the item; ``settings=`` the build's):
#: its own whole-site fields (reading time). Sent for every item just before
#: ``items_ready``, and by the preview for an item it read again after an edit, so
#: per-item work runs the same way in both.
item_ready = _phases.signal("newsroom.item_ready")
#: The preview's build process wrote again the pages that show the changed items
#: (receivers: the Pelican object; ``pages=`` every page job of the site as
#: (name, template, context, args, kwargs), ``interrupted=`` a function that
#: says another edit waits: stop, the next build does it). What is made from every
#: page follows (the search index); never sent in a full build.
pages_rewritten = _phases.signal("newsroom.pages_rewritten")

#: The preview only, once a build's pages are served: the work it left running
#: (receivers: the Pelican object; each returns a ``newsroom.build.Pending`` or
#: None). The images plugin's derivatives are encoded after the pages that show
#: them are served (those point at the originals meanwhile); as they are ready,
#: the preview builds those pages again (a page build). Never sent by a publish build.
work_left = _phases.signal("newsroom.work_left")

#: The phases, in the order a build goes through them.
PHASES = (build_started, source_read, item_ready, items_ready, pages_written, build_finished)

# -- what a generator's output is, for the preview's page builds -----------------
#
# A generator class says it in ``preview_role``; the preview's build process
# (newsroom/preview.py) builds everything while a generator without one runs.

#: Writes pages through the writer, from the items and settings only: a page build
#: captures its pages and renders those that show a changed item.
PAGES = "pages"
#: Writes files made from files (static, assets, headers) or from every page (the
#: search index, see ``pages_rewritten``): a page build leaves them.
FILES = "files"
#: Writes from the URLs and dates of every item (sitemaps): written again after
#: each page build that changed what an item shows.
AFTER_PAGES = "after_pages"
ROLES = (PAGES, FILES, AFTER_PAGES)

#: Priorities of the document steps (``source_read``): higher runs first. Leave
#: gaps; a new step picks the number that puts it where it belongs.
PRIORITY = {
    "text_metadata": 100,   # security: metadata as text, no forbidden characters, safe slugs
    "content_rules": 90,    # editorial: the build's share of newsroom.rules (reads the source)
    "images": 70,           # images (#14): body images -> <picture>/<figure>
    "typography": 60,       # typography: French spacing in body, title, summary
    "reading_time": 50,     # reading_time: one pass over the text nodes
    "lead_summary": 40,     # seo: first paragraph as summary; description (after typography)
    "article_extras": 30,   # article_extras: heading anchors, sized lazy images, external links
}

#: Python-Markdown priority of the tree processor that runs the steps: after
#: all of Markdown's own (``unescape`` is 0), before serialisation.
TREEPROCESSOR_PRIORITY = -10


class StepError(ValueError):
    """A document step connected without a priority."""


def connect_step(step, priority):
    """Run ``step(doc)`` on every source read, at ``priority`` (higher first).

    ``step`` must be a module-level function (worker processes get it by name).
    Connecting it again only changes its priority.
    """
    if not isinstance(priority, (int, float)) or isinstance(priority, bool):
        raise StepError(f"the priority of step {step.__qualname__} must be a number, "
                        f"e.g. phases.PRIORITY['reading_time']; got {priority!r}")
    step.step_priority = priority
    source_read.connect(step, weak=False)
    return step


def disconnect_step(step):
    source_read.disconnect(step)


def document_steps():
    """The connected document steps, highest priority first (then by name: stable)."""
    steps = list(source_read.receivers_for(None))
    for step in steps:
        if not hasattr(step, "step_priority"):
            raise StepError(f"{step.__module__}.{step.__qualname__} is connected to "
                            "source_read without a priority: use phases.connect_step(step, n)")
    return sorted(steps, key=lambda s: (-s.step_priority, s.__module__, s.__qualname__))


# -- every Pelican signal the kit uses, by phase ----------------------------------
#
# The build order on one screen: each Pelican signal a plugin (or the preview)
# connects to, the phase it belongs to, and what the kit does there, in the
# order Pelican sends them. README's Architecture section is this table.
# Plugins connect with ``on(name, receiver)``, which refuses a signal not listed
# here; tests/test_engine.py checks that nothing connects to Pelican's signals
# directly.

#: (Pelican signal, phase, what runs there), in the order of a build.
PELICAN_SIGNALS = (
    ("initialized", "build_started", "settings read: the settings get the per-build "
     "state; each plugin validates its setting; the engine installs its readers"),
    ("get_generators", "build_started", "a new build state (newsroom/buildstate.py); "
     "plugins add their generators; the content "
     "cache drops a half-written entry; reading workers fork"),
    ("get_writer", "build_started", "the multilingual writer (page language, switcher)"),
    ("generator_init", "build_started", "plugins make their per-build state; "
     "template globals and filters installed"),
    ("readers_init", "build_started", "the readers are checked (security)"),
    ("article_generator_init", "source_read", "sources handed to the reading workers"),
    ("page_generator_init", "source_read", "sources handed to the reading workers"),
    ("article_generator_context", "source_read", "drafts and scheduled items sorted out"),
    ("page_generator_context", "source_read", "drafts sorted out"),
    ("content_object_init", "source_read", "each article or page made: notes logged, "
     "its content model kept on it, its problems checked, share links"),
    ("article_generator_pretaxonomy", "source_read", "languages split, translations "
     "linked by translation key, taxonomies mapped"),
    ("article_generator_finalized", "source_read", "articles grouped by language, "
     "related articles; the cache records a complete reading"),
    ("page_generator_finalized", "source_read", "pages linked; the newsletter's privacy "
     "page found; the cache records a complete reading"),
    ("static_generator_finalized", "source_read", "static files kept (images)"),
    ("all_generators_finalized", "items_ready", "item_ready for each item, then "
     "items_ready; late generators moved last; the pool stops; pages rendered on "
     "every core"),
    ("content_written", "pages_written", "each page written: search copy, sitemap "
     "entry, output ledger"),
    ("finalized", "build_finished", "pages_written, then build_finished: reports, "
     "strict failure, stale files removed"),
)


class UnknownSignal(ValueError):
    """A plugin asked for a Pelican signal the table above does not list."""


def on(name, receiver, **connect):
    """Run ``receiver`` at Pelican's signal ``name``: the one way plugins (and the
    preview) learn when they run, so that the table above is the whole build order::

        phases.on("content_object_init", annotate)

    ``name`` must be in ``PELICAN_SIGNALS`` (add it there, with its phase and what
    the kit does there, to use another). ``connect`` goes to blinker's ``connect``
    (``weak=False`` for a receiver nothing else keeps). Returns ``receiver``.
    """
    if name not in _PELICAN_NAMES:
        raise UnknownSignal(
            f"{getattr(receiver, '__module__', '?')}.{getattr(receiver, '__qualname__', receiver)}"
            f" connects to Pelican's {name!r}, which newsroom/phases.py's PELICAN_SIGNALS "
            f"does not list: add it there (signal, phase, what runs there), or use one of "
            f"{', '.join(_PELICAN_NAMES)}")
    from pelican import signals

    getattr(signals, name).connect(receiver, **connect)
    return receiver


_PELICAN_NAMES = tuple(name for name, _, _ in PELICAN_SIGNALS)


class EngineMissing(RuntimeError):
    """A plugin connected to the phases, but nothing sends them."""


_engine = {"registered": False}


def engine_registered():
    """Called by the engine (plugins/pipeline) in its ``register()``."""
    _engine["registered"] = True


def check_engine(pelican=None):
    """Pelican ``initialized``: plugins that connected to a phase need the engine,
    which sends them; without it they would silently never run."""
    if _engine["registered"]:
        return
    waiting = sorted({getattr(receiver, "__module__", "?").split(".")[0]
                      for signal in (*PHASES, pages_rewritten)
                      for receiver in signal.receivers_for(None)})
    if waiting:
        raise EngineMissing(
            f"plugin(s) {', '.join(waiting)} run in the build's phases (newsroom/phases.py), "
            "which the 'pipeline' plugin (the build engine) sends: add \"pipeline\" to "
            "PLUGINS in your settings")


def _state_made(pelican):
    """``initialized``: the settings hold the per-build state (newsroom/buildstate.py)
    before Pelican copies them into the context of its first run."""
    buildstate.of(pelican.settings)


def _build_begins(pelican):
    """``get_generators``, first of its receivers: a run is a new build, with its own state."""
    buildstate.begin(pelican.settings)


# Connected as this module is imported, so before any plugin's receiver (plugins
# connect through ``on``, which needs this module; Pelican's signals keep the
# order receivers were connected in).
on("initialized", _state_made)
on("initialized", check_engine)
on("get_generators", _build_begins)
