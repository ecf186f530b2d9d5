"""Paths written in content stay in their folder: one function for every one of them.

An ``Image:`` line, a body image (``![…](…)``), a ``{filename}``/``{static}``/``{attach}``
link, a redirect target: each names a file by a path the editor wrote. ``resolve``
turns such a path into the file it names, under its root (the content folder), or
into an ``Outside`` that says why it cannot be used. The content rule
``newsroom.rules.paths_outside_content`` reports it as ``path:line`` (in `make lint`
and in the build alike), and the build never reads, re-encodes nor publishes the file:
the images plugin (through ``newsroom.media.image_path``) and Pelican's static
files (the security plugin drops a static file that is not ``inside`` the content
folder) use the same test.

What leaves the root:

* ``..`` segments (also percent-encoded, ``%2e%2e``) that climb above it;
* a symbolic link (the file itself or a folder on its way) whose real path is not
  under the root's real path: content is what is in the content folder, and a link
  to ``/home/…`` or ``/etc/…`` would publish any file the build machine can read. A
  link from one place of the content folder to another is followed as usual.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote


@dataclass(frozen=True)
class Outside:
    """A written path that leads out of its root."""

    written: str  # as the editor wrote it
    path: str  # where it leads (absolute, before symbolic links are followed)
    symlink: bool  # inside lexically, out through a symbolic link

    @property
    def message(self) -> str:
        if self.symlink:
            return (f"{self.written} is a symbolic link to a file outside the content folder, "
                    "which the build does not publish")
        return (f"{self.written} leads outside the content folder (its '..' climbs above it), "
                "which the build does not publish")

    @property
    def fix(self) -> str:
        if self.symlink:
            return "copy the file into the content folder instead of linking to it"
        if self.written.startswith("{filename}"):
            return ("link to a source of the content folder, written from it, "
                    "e.g. {filename}/2026/<slug>.fr.md")
        return ("put the file in the content folder (images in content/images/) and write its "
                "path from there, e.g. {static}/images/<name>")


def inside(path: str, root: str) -> bool:
    """``path`` (absolute, or relative to the working directory) is ``root`` or under it,
    both lexically and once symbolic links are followed."""
    lexical, base = os.path.abspath(path), os.path.abspath(root)
    if not _under(lexical, base):
        return False
    return _under(os.path.realpath(lexical), os.path.realpath(base))


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def join(target: str, root: str, base: str | None = None) -> str:
    """The absolute path a written ``target`` names, without checking it: percent-decoded,
    with a leading ``/`` from ``root``, else from ``base`` (the source's folder; ``root``
    when None); ``..`` and ``.`` resolved lexically."""
    target = unquote(target)
    if target.startswith("/") or base is None:
        start, target = root, target.lstrip("/")
    else:
        start = base
    return os.path.normpath(os.path.join(os.path.abspath(start), target))


def resolve(target: str, root: str, base: str | None = None, written: str | None = None):
    """``(path, None)`` for a written path that names a file under ``root``, or
    ``(None, Outside)`` when it leads out (``..`` above the root, or a symbolic link
    out of it). ``written``: the path as shown in messages (default ``target``)."""
    path = join(target, root, base)
    return checked(path, root, written if written is not None else target)


def checked(path: str, root: str, written: str):
    """``resolve`` of a path already joined (absolute)."""
    if not _under(os.path.abspath(path), os.path.abspath(root)):
        return None, Outside(written, path, symlink=False)
    if not inside(path, root):
        return None, Outside(written, path, symlink=True)
    return path, None


# -- site paths (redirect targets) ---------------------------------------------------

#: Characters a browser drops from a URL or reads as ``/`` (tab, line ends, backslash),
#: and other controls: a site path never holds them.
_NOT_IN_PATH = re.compile(r"[\x00-\x1f\x7f\\]")
_SAFE = "/%:@!$&'()*+,;=-._~"  # kept as they are when a path is percent-encoded again


def site_path(target: str):
    """``(path, None)``: ``target`` as a path of this site, normalised (percent-decoded,
    then ``.``/``..`` segments resolved, repeated ``/`` made one, encoded again once),
    query and fragment kept; or ``(None, why)`` when it is not one: it does not start
    with ``/``, or it names another host the way browsers read it (``//host``, also
    written ``/%2F/host``; a backslash, a tab or a line end, which browsers drop or
    read as ``/``; a scheme).
    """
    raw = target.strip()
    cut = min((i for i in (raw.find("?"), raw.find("#")) if i >= 0), default=len(raw))
    path, tail = unquote(raw[:cut]), raw[cut:]
    if not path.startswith("/"):
        return None, "is not a path of this site (write it from the site's root: /…)"
    if path.startswith("//") or _NOT_IN_PATH.search(path + unquote(tail)):
        return None, ("leads to another host: browsers read '//', '\\', tabs and line ends "
                      "in it as the start of another site's address")
    trailing = path.endswith("/") or path.endswith("/.") or path.endswith("/..")
    normal = posixpath.normpath(re.sub(r"/{2,}", "/", path))
    if normal.startswith("//"):  # POSIX keeps two leading slashes
        normal = "/" + normal.lstrip("/")
    if trailing and normal != "/":
        normal += "/"
    return quote(normal, safe=_SAFE) + tail, None
