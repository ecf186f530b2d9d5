"""Build logs: cheap plain lines where nobody watches a terminal, and a summary
of repeated problems at the end.

Pelican's command line prints every record through rich's console handler
(columns, time, highlighting): about 3.7 ms per record, 14 % of a build that
logs a few thousand warnings. Where no one reads it live (stderr or the
console is not a terminal, ``CI`` is set: CI, `make publish > log`, the dev
server's pipe), records go through a plain ``logging.StreamHandler`` instead:
``LEVEL    path:line: message (what to do)``, one line each, a few
microseconds. Worker processes never write to the console (``plugins/pipeline``
sends their records back to the build, which logs them here).

Whatever the handler, every problem is still logged with its ``path:line``;
``ProblemKinds`` also counts them by kind (the message with its file, quoted
values and numbers taken out), and the build ends with one line per kind that
occurred more than once: ``summary: 2800 warning(s): unknown category '…'
(first: content/2026/x.fr.md:3)``.
"""

from __future__ import annotations

import logging
import os
import re
import sys

from .build import BuildOnly

#: Logged at INFO on a logger of its own (level INFO): printed by the console
#: handler in a default build (whose root level is WARNING), never counted as
#: a warning by strict builds or tests.
summary_logger = logging.getLogger("newsroom.summary")
summary_logger.setLevel(logging.INFO)

PLAIN_FORMAT = "%(levelname)-8s %(message)s"
#: ``CI=true`` is set by GitHub Actions, GitLab CI and most others.
CI_VARIABLES = ("CI", "GITHUB_ACTIONS")
#: At most this many kinds are summarised (the most frequent first).
SUMMARY_LINES = 20


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def want_plain(environ=None) -> bool:
    """Plain lines unless a person is watching a terminal: stderr and Pelican's
    console are both terminals and no CI variable is set."""
    environ = os.environ if environ is None else environ
    if any((environ.get(name) or "").lower() not in ("", "0", "false") for name in CI_VARIABLES):
        return True
    if not _is_terminal(sys.stderr):
        return True
    try:
        from pelican.log import console
    except ImportError:
        return True
    return not console.is_terminal


def plain_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter(PLAIN_FORMAT))
    handler.plain_console = True
    return handler


def use_plain_console(environ=None) -> bool:
    """Replace rich's console handler on the root logger by a plain one (once per
    process) when ``want_plain()``; True if the console is plain."""
    root = logging.getLogger()
    if any(getattr(h, "plain_console", False) for h in root.handlers):
        return True
    if not want_plain(environ):
        return False
    try:
        from rich.logging import RichHandler
    except ImportError:
        return False
    rich = [h for h in root.handlers if isinstance(h, RichHandler)]
    if not rich:
        return False  # not Pelican's command line (a test, another tool): leave it be
    handler = plain_handler()
    handler.setLevel(rich[0].level)
    for old in rich:
        root.removeHandler(old)
    root.addHandler(handler)
    return True


# -- kinds of problems -------------------------------------------------------------

#: ``[plugin: ]path[:line]: `` at the start of a problem line.
_LOCATION_RE = re.compile(r"^(?P<prefix>[a-z_]+: )?(?P<where>[^\s:]+\.[A-Za-z0-9]+(?::\d+)?): ")
_QUOTED_RE = re.compile(r"'[^']*'|\"[^\"]*\"")
_PATH_RE = re.compile(r"\S*/\S+")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


def _without_fix(message: str) -> str:
    """``message`` without its closing ``(what to do)`` part."""
    if not message.endswith(")"):
        return message
    depth = 0
    for index in range(len(message) - 1, -1, -1):
        char = message[index]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                return message[:index].rstrip() if index else message
    return message


def kind_of(message: str):
    """(location or None, kind) of a problem line.

    ``content/a.fr.md:3: unknown category 'Sport' (use …)`` →
    ``("content/a.fr.md:3", "unknown category '…'")``.
    """
    first = message.split("\n", 1)[0]
    match = _LOCATION_RE.match(first)
    where, prefix = None, ""
    if match:
        where, prefix = match.group("where"), match.group("prefix") or ""
        first = first[match.end():]
    kind = _QUOTED_RE.sub("'…'", _without_fix(first))
    kind = _NUMBER_RE.sub("N", _PATH_RE.sub("…", kind))
    return where, prefix + kind


class ProblemKinds(BuildOnly, logging.Handler):
    """Counts one build's warnings and errors by kind (kept in the settings, which
    the content cache pickles with every article: saved as None)."""

    def __init__(self):
        logging.Handler.__init__(self, level=logging.WARNING)
        self.kinds = {}  # (levelno, kind) -> [count, first location]

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken log call must not break the build
            message = str(record.msg)
        where, kind = kind_of(message)
        level = logging.ERROR if record.levelno >= logging.ERROR else logging.WARNING
        entry = self.kinds.setdefault((level, kind), [0, where])
        entry[0] += 1
        if entry[1] is None:
            entry[1] = where

    def lines(self):
        """One line per kind seen more than once, the most frequent first."""
        repeated = sorted(((count, level, kind, where)
                           for (level, kind), (count, where) in self.kinds.items() if count > 1),
                          key=lambda row: (-row[0], -row[1], row[2]))
        lines = []
        for count, level, kind, where in repeated[:SUMMARY_LINES]:
            noun = "error(s)" if level >= logging.ERROR else "warning(s)"
            first = f" (first: {where})" if where else ""
            lines.append(f"summary: {count} {noun}: {kind}{first}")
        if len(repeated) > SUMMARY_LINES:
            lines.append(f"summary: and {len(repeated) - SUMMARY_LINES} more kind(s) of "
                         "repeated problems above")
        return lines

    def report(self):
        if logging.getLogger().getEffectiveLevel() > logging.WARNING:
            return  # `pelican -q`: critical messages only
        for line in self.lines():
            summary_logger.info("%s", line)
