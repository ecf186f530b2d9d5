"""Rules on the files a source names (``{filename}``, ``{static}``, ``{attach}``, images)
and on where files are: missing targets, paths out of the content folder, files the
build never reads."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

from .. import media
from .. import paths as paths_mod
from .base import ERROR, Problem, _problem
from .body import IMAGE_SRC_RE, _body_lines

LINK_RE = re.compile(r"""[{|](?P<kind>filename|static|attach)[}|](?P<target>[^\s)"'>\]]+)""")


def link_target(source, target):
    """Absolute path a ``{filename}``/``{static}`` target points to (Pelican's rule)."""
    target = unquote(re.split(r"[#?]", target, maxsplit=1)[0])
    if target.startswith("/"):
        base, target = source.root or os.path.dirname(source.path), target.lstrip("/")
    else:
        base = os.path.dirname(source.path)
    return os.path.normpath(os.path.join(base, target))


def links(source):
    """(line number, kind, target as written, absolute path) of each ``{filename}``,
    ``{static}`` and ``{attach}`` link in a source's body."""
    for number, line in _body_lines(source):
        for match in LINK_RE.finditer(line):
            target = match.group("target")
            yield number, match.group("kind"), target, link_target(source, target)


def content_paths(source):
    """(line, path as written, path it names) of every file a source names: its ``Image:``,
    its body images and its ``{filename}``/``{static}``/``{attach}`` links; once each."""
    root = source.root or os.path.dirname(source.path)
    found = []
    if source.has("image"):
        value = source.get("image").strip()
        target = media.image_target(value, source.path, root, metadata=True)
        if target is not None:
            found.append((source.line("image"), f"Image: {value}", target))
    for number, line in _body_lines(source):
        for match in IMAGE_SRC_RE.finditer(line):
            target = media.image_target(match.group("src"), source.path, root)
            if target is not None:
                found.append((number, match.group("src"), target))
    for number, kind, target, path in links(source):
        found.append((number, f"{{{kind}}}{target}", path))
    seen, unique = set(), []
    for number, written, path in found:
        if (number, written) not in seen:
            seen.add((number, written))
            unique.append((number, written, path))
    return unique


def paths_outside_content(source, ctx=None):
    """A path that leaves the content folder (``..`` above it, a symbolic link out of
    it): the build does not read the file (``newsroom.paths``)."""
    root = source.root or os.path.dirname(source.path)
    problems = []
    for number, written, path in content_paths(source):
        _, outside = paths_mod.checked(path, root, written)
        if outside is not None:
            problems.append(_problem(source, number, outside.message, outside.fix, ERROR,
                                     "paths_outside_content"))
    return problems


def in_static_paths(rel: str, static_paths) -> bool:
    """A file (path inside the content folder, posix) is under one of STATIC_PATHS."""
    rel = rel.strip("/")
    return any(not top.strip("/") or rel == top.strip("/") or rel.startswith(top.strip("/") + "/")
               for top in static_paths)


def static_files(root, static_paths):
    """The files of STATIC_PATHS, as Pelican finds them (symbolic links followed, once)."""
    seen = set()
    for top in static_paths:
        start = os.path.join(root, top)
        if os.path.isfile(start):
            yield start
            continue
        for dirpath, dirs, files in os.walk(start, followlinks=True):
            real = os.path.realpath(dirpath)
            if real in seen:
                dirs[:] = []
                continue
            seen.add(real)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            yield from (os.path.join(dirpath, f) for f in sorted(files) if not f.startswith("."))


def static_file_outside(path, root):
    """A file of STATIC_PATHS that is a symbolic link out of the content folder (or in a
    linked folder out of it): Problem (the build does not publish it) or None."""
    _, outside = paths_mod.checked(os.path.normpath(path), root, "this file")
    if outside is None:
        return None
    return Problem(os.path.relpath(path), None, outside.message, outside.fix, ERROR,
                   "paths_outside_content")


def _outside(source, path):
    return not paths_mod.inside(path, source.root or os.path.dirname(source.path))


def missing_link_targets(source, ctx):
    """``{filename}``, ``{static}`` and ``{attach}`` links to files that do not exist."""
    problems = []
    for number, kind, target, path in links(source):
        if _outside(source, path):
            continue  # paths_outside_content reports it
        if not os.path.exists(path):
            root = source.root or os.path.dirname(source.path)
            hint = ("a path from the content folder starts with '/', e.g. {filename}/2024/x.fr.md"
                    if kind == "filename" else
                    "put the file in content/images/ and write {static}/images/<name>")
            problems.append(_problem(
                source, number, f"{{{kind}}}{target} points to a file that does not exist "
                f"in {os.path.relpath(root)}", f"fix the path; {hint}",
                ERROR, "missing_link_targets"))
    return problems


def outside_paths(source, ctx):
    """A Markdown file the build never reads (not under ARTICLE_PATHS or PAGE_PATHS)."""
    top = source.rel.split("/", 1)[0]
    if "" in ctx.article_paths:
        fix = f"move it out of {top}/, which the build skips (ARTICLE_EXCLUDES)"
    elif re.fullmatch(r"\d{4}", top):
        fix = f"add {top!r} to ARTICLE_PATHS in pelicanconf.py"
    else:
        fix = f"move it under one of {list(ctx.article_paths) + list(ctx.page_paths)}"
    return [_problem(source, None, "this file is outside ARTICLE_PATHS and PAGE_PATHS: the build "
                     "never reads it", fix, ERROR, "outside_paths")]
