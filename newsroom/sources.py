"""Markdown sources as editors wrote them: metadata with line numbers, and body.

Read without building the site, by the ``newsroom`` command and by the build
plugins (which need line numbers Pelican does not keep). The metadata header
is parsed as Python-Markdown's ``meta`` extension parses it (the one Pelican
uses); the slug and the file-name language come from Pelican's own
``FILENAME_METADATA`` handling, so both sides agree on them.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")

# Python-Markdown's meta extension (markdown/extensions/meta.py)
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")
BEGIN_RE = re.compile(r"^-{3}(\s.*)?")
END_RE = re.compile(r"^(-{3}|\.{3})(\s.*)?")

#: Line a translation scaffold puts above the original text. The build drops it
#: and everything after it; lint warns while it is there.
MARKER_RE = re.compile(r"^<!--\s*newsroom:original\b.*$", re.MULTILINE)
MARKER_HTML_RE = re.compile(r"<!--\s*newsroom:original\b")

FALSE_VALUES = ("", "false", "no", "0", "off")


@dataclass
class Field:
    key: str  # as written ("Title")
    value: str  # continuation lines joined with "\n"
    line: int  # 1-based
    lines: list = field(default_factory=list)  # raw source lines of the field


@dataclass
class Source:
    """One Markdown source file."""

    path: str  # absolute
    fields: dict  # lower-case key -> first Field
    body: str
    body_line: int  # line number of the body's first line
    duplicates: list = field(default_factory=list)  # later Fields with an already-seen key
    header_end: int = 0  # index (0-based) of the first line after the header
    root: str | None = None  # content folder
    kind: str | None = None  # "article" or "page" (None: not read by the build)
    filename: dict = field(default_factory=dict)  # {"slug", "lang"} from the file name
    default_lang: str = "en"

    @property
    def display(self) -> str:
        """The path as messages show it: relative to the working directory."""
        return os.path.relpath(self.path)

    @property
    def rel(self) -> str:
        """Path inside the content folder (posix)."""
        base = self.root or os.path.dirname(self.path)
        return os.path.relpath(self.path, base).replace(os.sep, "/")

    def get(self, key: str, default=None):
        found = self.fields.get(key.lower())
        return found.value if found is not None else default

    def line(self, key: str) -> int | None:
        found = self.fields.get(key.lower())
        return found.line if found is not None else None

    def has(self, key: str) -> bool:
        """The field is present with a non-empty value."""
        return bool((self.get(key) or "").strip())

    @property
    def title(self) -> str:
        return (self.get("title") or "").strip()

    @property
    def lang(self) -> str:
        return (self.get("lang") or "").strip() or self.filename.get("lang") or self.default_lang

    @property
    def slug(self) -> str:
        return (self.get("slug") or "").strip() or self.filename.get("slug") or ""

    @property
    def is_translation(self) -> bool:
        return (self.get("translation") or "false").strip().lower() not in FALSE_VALUES

    @property
    def status(self) -> str:
        return (self.get("status") or "").strip().lower() or "published"


def parse(text: str):
    """(fields, duplicates, body, body_line, header_end) of a Markdown source."""
    lines = text.split("\n")
    index = 0
    if lines and BEGIN_RE.match(lines[0]):
        index = 1
    fields, duplicates, current = {}, [], None
    while index < len(lines):
        line = lines[index]
        if not line.strip() or (index > 0 and END_RE.match(line)):
            index += 1  # the blank line (or end marker) belongs to the header
            break
        match = META_RE.match(line)
        if match:
            current = Field(match.group("key"), match.group("value").strip(), index + 1, [line])
            if current.key.lower() in fields:
                duplicates.append(current)
            else:
                fields[current.key.lower()] = current
            index += 1
            continue
        more = META_MORE_RE.match(line)
        if more and current is not None:
            current.value = f"{current.value}\n{more.group('value').strip()}".strip()
            current.lines.append(line)
            index += 1
            continue
        break  # not metadata: the body starts here
    body = "\n".join(lines[index:])
    return fields, duplicates, body, index + 1, index


def read_text(path: str) -> str:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        return fh.read().replace("\r\n", "\n").replace("\r", "\n")


def read_source(path, settings=None, root=None, kind=None) -> Source:
    """Parse one source. With Pelican ``settings`` the file-name slug and language
    are read with Pelican's FILENAME_METADATA."""
    path = os.path.abspath(path)
    fields, duplicates, body, body_line, header_end = parse(read_text(path))
    source = Source(path, fields, body, body_line, duplicates, header_end,
                    root=os.path.abspath(root) if root else None, kind=kind)
    if settings is not None:
        from pelican.readers import parse_path_metadata

        base = source.root or settings.get("PATH") or os.path.dirname(path)
        rel = os.path.relpath(path, base)
        meta = parse_path_metadata(source_path=rel, settings=settings, process=None)
        source.filename = {k: meta[k] for k in ("slug", "lang") if meta.get(k)}
        source.default_lang = settings.get("DEFAULT_LANG", "en")
    return source


def _walk(root, paths, excludes):
    """Files under ``root/<path>`` for each path, as Pelican's get_files walks them."""
    found = []
    for sub in paths:
        top = os.path.join(root, sub) if sub else root
        if os.path.isfile(top):
            found.append(top)
            continue
        for dirpath, dirs, files in os.walk(top, followlinks=True):
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            dirs[:] = sorted(
                d for d in dirs
                if not d.startswith(".")
                and (f"{rel_dir}/{d}" if rel_dir != "." else d) not in excludes
            )
            found.extend(os.path.join(dirpath, f) for f in sorted(files) if not f.startswith("."))
    return found


@dataclass
class Scan:
    """Every Markdown source of a content folder, and the ones the build ignores."""

    root: str
    sources: list  # [Source] read by the build (kind set)
    strays: list  # [Source] Markdown files outside ARTICLE_PATHS and PAGE_PATHS


def scan(settings, root=None) -> Scan:
    """Read every Markdown source of the content folder (default: settings PATH)."""
    root = os.path.abspath(root or settings["PATH"])
    seen, sources = set(), []
    for kind, paths_key, excludes_key in (("page", "PAGE_PATHS", "PAGE_EXCLUDES"),
                                          ("article", "ARTICLE_PATHS", "ARTICLE_EXCLUDES")):
        excludes = {e.strip("/") for e in settings.get(excludes_key) or []}
        for path in _walk(root, settings.get(paths_key) or [], excludes):
            if path.lower().endswith(MARKDOWN_EXTENSIONS) and path not in seen:
                seen.add(path)
                sources.append(read_source(path, settings, root, kind))
    strays = [read_source(p, settings, root, None)
              for p in _walk(root, [""], set())
              if p.lower().endswith(MARKDOWN_EXTENSIONS) and p not in seen]
    sources.sort(key=lambda s: s.path)
    return Scan(root, sources, strays)


# -- dates and publication --------------------------------------------------

def parse_date(value: str, tz: ZoneInfo):
    """(datetime, had_offset) as Pelican reads a Date; raises ValueError."""
    from pelican.utils import get_date

    try:
        date = get_date(value)
    except OverflowError:
        raise ValueError(value) from None
    if date.tzinfo is None:
        return date.replace(tzinfo=tz), False
    return date, True


def publication_state(status: str, date, now) -> str:
    """'draft', 'scheduled' (published status, date after now), 'hidden' or 'published'."""
    status = (status or "published").strip().lower()
    if status == "draft":
        return "draft"
    if status == "published" and date is not None and date > now:
        return "scheduled"
    return status


def state_of(source: Source, tz: ZoneInfo, now) -> str:
    """Publication state of a source (an unreadable date counts as no date)."""
    date = None
    if source.has("date"):
        try:
            date, _ = parse_date(source.get("date"), tz)
        except ValueError:
            date = None
    return publication_state(source.status, date, now)


# -- translation fingerprints -----------------------------------------------

def split_marker(body: str):
    """(text above the translator's marker, line offset of the marker or None)."""
    match = MARKER_RE.search(body)
    if match is None:
        return body, None
    return body[: match.start()], body.count("\n", 0, match.start())


def normalise(text: str) -> str:
    """Text as compared for fingerprints: NFC, no trailing spaces, single blank lines."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def fingerprint(source: Source) -> str:
    """``sha256:<16 hex>`` of the normalised title, summary and text of a source.

    Recorded in a translation's ``Translation-Of:`` line; when the original's
    fingerprint changes, the translation is outdated.
    """
    text, _ = split_marker(source.body)
    parts = [normalise(source.get("title") or ""), normalise(source.get("summary") or ""),
             normalise(text)]
    digest = hashlib.sha256("\n\x1e\n".join(parts).encode("utf-8")).hexdigest()
    return f"sha256:{digest[:16]}"
