"""Per-build state: one typed object per build, handed to every plugin.

A build keeps things while it runs that are no settings: the sources it read,
its output ledger, each plugin's pools, queues and records. They live in one
``BuildState``, reached from the settings (or the context Pelican copies from
them, or an item's ``_context``) through one function::

    from newsroom import buildstate

    state = buildstate.of(settings)
    state.sources                       # {absolute path: newsroom.sources.Source} read
    state.outputs                       # the output ledger (plugins/outputs), or None
    copies = state.slot(SearchCopies)   # a plugin's own state: made on first use
    state.slot(Assets, settings)        # ... with these arguments
    state.get(SearchCopies)             # ... or None if nobody made it
    state.put(Images(config, pool))     # ... made with arguments
    state.pop(Images)                   # ... taken out (None if absent)

A plugin's state is keyed by its own class: no string settings key is typed
twice, and a plugin never needs another's name for its state.

One build is one ``Pelican.run()``: ``pelican --autoreload`` and the preview
run one Pelican object again and again, and each run gets a new ``BuildState``
at Pelican's ``get_generators`` (the first signal of a run; ``phases`` connects
its receiver before any plugin can). What is put in before the first run (at
``initialized``) belongs to the first run. A slot a failed build left behind
is ``abandon()``-ed (when its class has that method: pools, encoders) as the
next build starts.

The content cache pickles the settings and the context with every article;
the state is ``BuildOnly`` (saved as None), and so never comes back from the
cache. Worker processes get plain settings (``build.plain_settings``): there
``of(settings)`` is an empty state. Forked renderers share this process's
memory, and so the state.
"""

from __future__ import annotations

from typing import TypeVar

from .build import BuildOnly

T = TypeVar("T")

#: The one settings (and context) entry that holds the state; only this module uses it.
_ENTRY = "NEWSROOM_BUILD"


class BuildState(BuildOnly):
    """What one build keeps while it runs."""

    def __init__(self):
        #: {absolute path: newsroom.sources.Source} of every source the engine read
        #: (here or in a worker); the translation status uses them instead of reading
        #: the content folder again (``sources.scan(settings, known=…)``).
        self.sources: dict = {}
        #: This build's record of the output folder (``newsroom.outputs.OutputLedger``),
        #: None outside a build that keeps one.
        self.outputs = None
        #: The multilingual plugin's state (plugins/multilingual/state.py) that the
        #: preview's page index asks which language a page is in and which articles
        #: it lists (``page_language``, ``articles_in``); None without the plugin.
        self.languages = None
        #: {theme path: text} of files made as the build starts (the brand's
        #: stylesheet), which the assets plugin writes like the theme's own.
        self.generated_files: dict[str, str] = {}
        #: {theme file: its fingerprinted name} (plugins/assets): the security headers
        #: let browsers keep those for good.
        self.asset_names: dict[str, str] = {}
        #: URLs that pages post forms to (the newsletter sign-up, one per language):
        #: the security policy allows them.
        self.form_actions: list[str] = []
        self._slots: dict[type, object] = {}
        self.begun = False

    def slot(self, cls: type[T], *args, **kwargs) -> T:
        """The build's ``cls`` object, made (``cls(*args, **kwargs)``) on first use."""
        found = self._slots.get(cls)
        if found is None:
            found = self._slots[cls] = cls(*args, **kwargs)
        return found

    def get(self, cls: type[T]) -> T | None:
        return self._slots.get(cls)

    def put(self, value: T) -> T:
        """Make ``value`` the build's object of its class."""
        self._slots[type(value)] = value
        return value

    def pop(self, cls: type[T]) -> T | None:
        return self._slots.pop(cls, None)

    def slots(self) -> tuple:
        """Every plugin's object in this build (what tests and a debugger look at)."""
        return tuple(self._slots.values())

    def abandon(self):
        """A build that ended without taking its slots out (it failed): free them."""
        for value in list(self._slots.values()):
            abandon = getattr(value, "abandon", None)
            if abandon is not None:
                abandon()
        self._slots.clear()


class _Current(BuildOnly):
    """The holder in the settings: the context Pelican copies from them at each run
    shares it, so both see the running build's state."""

    def __init__(self):
        self.state = BuildState()


def of(mapping) -> BuildState:
    """The running build's state, from its settings, its context or an item's context."""
    holder = mapping.get(_ENTRY)
    if holder is None:
        if _ENTRY in mapping:
            raise RuntimeError("buildstate.of() on a context the content cache saved: "
                               "use the generator's settings or context")
        holder = _Current()
        try:
            mapping[_ENTRY] = holder
        except TypeError:  # a template's context (read-only) made without one: empty
            pass
    return holder.state


def begin(settings):
    """Pelican ``get_generators``: a build (``Pelican.run()``) starts (see the module)."""
    holder = settings.get(_ENTRY)
    if holder is None:
        holder = settings[_ENTRY] = _Current()
    if holder.state.begun:
        holder.state.abandon()
        holder.state = BuildState()
    holder.state.begun = True
    return holder.state
