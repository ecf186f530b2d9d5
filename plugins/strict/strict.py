"""Readable content errors, and strict builds that fail at the end.

Pelican 4.12 reports a source it cannot read as "Could not process <file>"
and hides the reason unless DEBUG is on. We log the reason first, with the
file and line, and what to do.

Problems repeated across sources also get one summary line per kind at the
end, and the console is plain (cheap) where no one watches a terminal
(``newsroom.logs``).

Pelican's own ``--fatal warnings`` stops at the first problem with a
traceback. With ``STRICT = True`` (publishconf.py) the build instead goes to
the end, so every problem is reported, then fails with a non-zero exit and a
one-line summary.
"""

from __future__ import annotations

import logging
import os


from newsroom import buildstate, compat, logs, phases, rules, sources
from newsroom.build import BuildOnly

logger = logging.getLogger(__name__)


class StrictBuildError(SystemExit):
    """Ends a strict build that logged warnings or errors: exit status 1, no traceback.

    A SystemExit, because Pelican's command line prints a traceback for any
    Exception raised by a plugin; the problems themselves are already logged.
    """


class ProblemCounter(BuildOnly, logging.Handler):
    """Counts warnings and errors logged during one build (kept in the settings,
    which the content cache pickles with every article: saved as None)."""

    def __init__(self):
        logging.Handler.__init__(self, level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def explain(path, exc):
    """A ``path:line: message (what to do)`` line for a source that failed to read.

    The messages are ``newsroom.rules.unreadable``'s (encoding, date), as `make lint`
    prints them.
    """
    rel = os.path.relpath(path)
    source = sources.of_error(exc)  # the build's reading of it (Markdown sources)
    try:
        problems = rules.unreadable(source if source is not None else sources.read_source(path))
    except OSError:
        problems = []
    if problems:
        return str(problems[0])
    return f"{rel}: cannot be read: {exc} (fix the file or move it out of content/)"


def _guarded(base):
    """A subclass of reader class ``base`` whose failures say which file, which line, and why."""

    def read(self, source_path):
        try:
            return base.read(self, source_path)
        except Exception as exc:
            logger.error("%s", explain(source_path, exc))
            raise

    return type(base.__name__, (base,), {"read": read, "strict_guarded": True})


def guard_readers(readers):
    """Use reader subclasses whose failures say which file, which line, and why."""
    for ext, cls in list(readers.reader_classes.items()):
        if cls and "strict_guarded" not in cls.__dict__:
            readers.reader_classes[ext] = _guarded(cls)


def start(pelican):
    # Pelican's LimitFilter drops a message it has already logged in this
    # process, so with autoreload (or several builds in one process) a content
    # error would be reported by the first build only. Every build reports its
    # own problems: forget the previous build's. (No public API for this.)
    compat.forget_logged_messages()
    logs.use_plain_console()
    kinds = logs.ProblemKinds()
    logging.getLogger().addHandler(kinds)
    build = buildstate.of(pelican.settings)
    build.put(kinds)
    if pelican.settings.get("STRICT"):
        counter = ProblemCounter()
        logging.getLogger().addHandler(counter)
        build.put(counter)


def finish(pelican):
    build = buildstate.of(pelican.settings)
    kinds = build.pop(logs.ProblemKinds)
    if kinds is not None:
        logging.getLogger().removeHandler(kinds)
        kinds.report()
    counter = build.pop(ProblemCounter)
    if counter is None:
        return
    logging.getLogger().removeHandler(counter)
    if counter.records:
        errors = sum(r.levelno >= logging.ERROR for r in counter.records)
        warnings = len(counter.records) - errors
        logger.critical(
            "strict build failed: %d error(s) and %d warning(s) above; fix them "
            "(or build a preview with `make html`)", errors, warnings,
        )
        raise StrictBuildError(1)


def register():
    phases.build_started.connect(start)
    phases.on("readers_init", guard_readers)
    phases.build_finished.connect(finish)
