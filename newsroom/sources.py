"""Markdown sources as editors wrote them: metadata with line numbers, and body.

The one parse of a source, by the ``newsroom`` command and by the build (whose
engine reads each file once: this model is made from its bytes, Pelican's
metadata from this model's header, and Markdown converts only the body). The
metadata header is parsed as Python-Markdown's ``meta`` extension parses it
(the one Pelican uses), on the lines as Markdown sees them (its whitespace
normalisation); the slug and the file-name language come from Pelican's own
``FILENAME_METADATA`` handling, so both sides agree on them. The build puts
each item's ``Source`` on the item (``of_item``).
"""

from __future__ import annotations

import datetime
import functools
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


def is_translation_value(value) -> bool:
    """The ``Translation:`` flag as the build and lint both read it ("off" is false)."""
    return str(value if value is not None else "false").strip().lower() not in FALSE_VALUES


@dataclass
class Field:
    key: str  # as written ("Title")
    value: str  # continuation lines joined with "\n"
    line: int  # 1-based
    lines: list = field(default_factory=list)  # raw source lines of the field
    #: The value of each line, as Markdown's ``meta`` extension lists them.
    parts: list = field(default_factory=list)


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
    size: int = 0  # bytes on disk
    #: (line, byte) of the first byte that is not UTF-8 text, or (line, 0) for a NUL
    #: byte (a binary file); None for a readable text file.
    unreadable: tuple | None = None
    unicode_slugs: bool = False  # SLUGIFY_USE_UNICODE
    #: The whole decoded text (set when read; what Markdown converts in the build).
    text: str | None = field(default=None, repr=False, compare=False)
    #: Memo of rules that look at the body line by line (filled on first use).
    body_lines_memo: list | None = field(default=None, repr=False, compare=False)
    #: Memo of ``fingerprint``: ((title, summary, body), value) (the preview asks again
    #: at every edit).
    fingerprint_memo: tuple | None = field(default=None, repr=False, compare=False)

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
        return language(self.get("lang"), self.filename, self.default_lang)

    @property
    def written_slug(self) -> str:
        """The slug as written: the 'Slug:' line, else the file name (without the
        forbidden characters the build drops)."""
        written = (self.get("slug") or "").strip() or self.filename.get("slug") or ""
        return strip_forbidden(written).strip()

    @property
    def slug(self) -> str:
        """The slug the build uses: ``written_slug`` made safe for a URL (see ``safe_slug``)."""
        written = self.written_slug
        return safe_slug(written, self.filename.get("slug") or "", self.unicode_slugs) if written else ""

    @property
    def translation_key(self) -> str:
        """What links this file to its translations (see ``translation_key``)."""
        return translation_key(self.filename.get("slug") or "", self.get("translation-of"), self.slug,
                               self.filename.get("lang"))

    @property
    def recorded_fingerprint(self) -> str | None:
        """The original's fingerprint recorded in ``Translation-Of:`` (None: not tracked)."""
        return parse_translation_of(self.get("translation-of"))[1]

    @property
    def empty(self) -> bool:
        return not self.fields and not self.body.strip()

    @property
    def is_translation(self) -> bool:
        return is_translation_value(self.get("translation"))

    @property
    def status(self) -> str:
        return (self.get("status") or "").strip().lower() or "published"

    def meta(self) -> dict:
        """The header as Python-Markdown's ``meta`` extension gives it (``md.Meta``, what
        Pelican's reader takes): {lower-case key: [value of each line]}, a key repeated
        adding its lines to the first one's, keys in the order first written."""
        found = {key: list(first.parts) for key, first in self.fields.items()}
        for later in self.duplicates:
            found[later.key.lower()].extend(later.parts)
        return found


#: Where the build keeps an item's ``Source``: the reader's metadata key, then the
#: article's or page's attribute (``item.newsroom_source``). Pickled with the item
#: (or the reader's result) by the content cache and by the reading workers.
ITEM_KEY = "newsroom_source"


def of_item(item) -> Source:
    """The ``Source`` an article or page was made from, as the build parsed it.

    Every Markdown item the build's engine read carries it; an item another reader
    made (an HTML or reStructuredText file, a reader of the user's) is parsed
    here, from its file, once.
    """
    found = getattr(item, ITEM_KEY, None)
    if found is None:
        path, settings = item.source_path, item.settings
        try:
            found = read_source(path, settings, settings["PATH"], kind_of(path, settings))
        except OSError:
            found = Source(os.path.abspath(path), {}, "", 1)
        setattr(item, ITEM_KEY, found)
    return found


def keep_on_error(exc: BaseException, source: Source) -> BaseException:
    """Have ``exc``, raised while the build read ``source``, carry it (``of_error``):
    what reports the failure (with its line) does not read the file again."""
    setattr(exc, ITEM_KEY, source)
    return exc


def of_error(exc: BaseException):
    """The ``Source`` whose reading raised ``exc`` (``keep_on_error``), or None."""
    return getattr(exc, ITEM_KEY, None)


def markdown_line(line: str, tab_length: int = 4) -> str:
    """A line as Python-Markdown's ``meta`` extension sees it: after Markdown's
    ``normalize_whitespace`` (its placeholder characters STX and ETX removed, tabs
    expanded; a line of spaces after another line is emptied, which ``parse``'s
    blank-line test already covers)."""
    if "\t" in line or "\x02" in line or "\x03" in line:
        line = line.replace("\x02", "").replace("\x03", "").expandtabs(tab_length)
    return line


def language(written, filename: dict, default: str) -> str:
    """A source's language, as Pelican gives it to the item: its ``Lang:`` line, else
    its file name's (``file_name_metadata``), else ``default`` (DEFAULT_LANG)."""
    return str(written or "").strip() or filename.get("lang") or default


def parse(text: str, tab_length: int = 4):
    """(fields, duplicates, body, body_line, header_end) of a Markdown source.

    The header ends where Markdown's ``meta`` extension ends it, line for line
    (``tab_length``: Markdown's, from the ``MARKDOWN`` setting); ``body`` is the
    rest, as written.
    """
    lines = text.split("\n")
    index = 0
    if lines and BEGIN_RE.match(markdown_line(lines[0], tab_length)):
        index = 1
    fields, duplicates, current = {}, [], None
    while index < len(lines):
        line = markdown_line(lines[index], tab_length)
        if not line.strip() or END_RE.match(line):
            index += 1  # the blank line (or end marker) belongs to the header
            break
        match = META_RE.match(line)
        if match:
            value = match.group("value").strip()
            current = Field(match.group("key"), value, index + 1, [lines[index]], [value])
            if current.key.lower() in fields:
                duplicates.append(current)
            else:
                fields[current.key.lower()] = current
            index += 1
            continue
        more = META_MORE_RE.match(line)
        if more and current is not None:
            value = more.group("value").strip()
            current.value = f"{current.value}\n{value}".strip()
            current.lines.append(lines[index])
            current.parts.append(value)
            index += 1
            continue
        break  # not metadata: the body starts here
    body = "\n".join(lines[index:])
    return fields, duplicates, body, index + 1, index


def decode(raw: bytes):
    """(text, problem) of a file's bytes: UTF-8 (a BOM is dropped), line ends made ``\n``.

    ``problem`` is None, ``(line, byte)`` for the first byte that is not UTF-8,
    or ``(line, 0)`` for a NUL byte (a binary file); the text then has U+FFFD
    in place of what could not be read.
    """
    problem = None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = (raw.count(b"\n", 0, exc.start) + 1, raw[exc.start])
        text = raw.decode("utf-8-sig", errors="replace")
    nul = raw.find(b"\x00")
    if nul >= 0:  # text files never hold one; binary ones (images, PDF) always do
        problem = (raw.count(b"\n", 0, nul) + 1, 0)
    return text.replace("\r\n", "\n").replace("\r", "\n"), problem


#: Characters HTML and XML forbid (C0 and C1 controls but tab and line ends,
#: noncharacters): invisible, they break feeds and sitemaps. The build drops
#: them from titles, summaries and texts; lint points at them.
FORBIDDEN_CHARS_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(f"{chr(p * 0x10000 + 0xfffe)}{chr(p * 0x10000 + 0xffff)}" for p in range(17))
    + "]")
# A class of 34 astral code points makes `re` test each character slowly (a
# tenth of a millisecond per article); this cheap class finds every candidate
# (any astral character) and FORBIDDEN_CHARS_RE then decides.
_FORBIDDEN_CANDIDATES_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\U00010000-\U0010ffff]")


def find_forbidden(text: str):
    """The first forbidden character's match in ``text``, or None."""
    if _FORBIDDEN_CANDIDATES_RE.search(text) is None:
        return None
    return FORBIDDEN_CHARS_RE.search(text)


def strip_forbidden(text: str) -> str:
    """``text`` without the characters HTML and XML forbid."""
    return FORBIDDEN_CHARS_RE.sub("", text) if find_forbidden(text) else text



def safe_slug(slug: str, fallback: str = "", use_unicode: bool = False) -> str:
    """``slug`` if it is usable as one URL segment (letters, digits, ``-``, ``_``), else
    Pelican's slugify of it, else of ``fallback`` (the file name), else a hash.

    Never contains ``/``, ``.``, markup or spaces, so it cannot leave the output
    folder or break a URL.
    """
    if is_safe_slug(slug, use_unicode):
        return slug
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify

    subs = DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]
    for candidate in (slug, fallback):
        made = slugify(candidate, regex_subs=subs, use_unicode=use_unicode) if candidate else ""
        if is_safe_slug(made, use_unicode):
            return made
    return "article-" + hashlib.sha256(slug.encode("utf-8")).hexdigest()[:8]


def is_safe_slug(slug: str, use_unicode: bool = False) -> bool:
    pattern = r"[\w-]*[^\W_][\w-]*" if use_unicode else r"[A-Za-z0-9_-]*[A-Za-z0-9][A-Za-z0-9_-]*"
    return bool(slug) and re.fullmatch(pattern, slug, 0 if use_unicode else re.ASCII) is not None


def read_source(path, settings=None, root=None, kind=None) -> Source:
    """Parse one source. With Pelican ``settings`` the file-name slug and language
    are read with Pelican's FILENAME_METADATA."""
    path = os.path.abspath(path)
    with open(path, "rb") as fh:
        raw = fh.read()
    return source_from_bytes(path, raw, settings, root, kind)


def kind_of(path, settings) -> str:
    """"page" for a source under PAGE_PATHS, else "article"."""
    rel = os.path.relpath(path, settings["PATH"]).replace(os.sep, "/")
    pages = [p.strip("/") for p in settings.get("PAGE_PATHS") or []]
    return "page" if any(p and (rel == p or rel.startswith(p + "/")) for p in pages) else "article"


def source_from_bytes(path, raw: bytes, settings=None, root=None, kind=None) -> Source:
    """``read_source`` of bytes already read (the build reads each file once: this
    model and Markdown's text come from the same bytes)."""
    path = os.path.abspath(path)
    text, unreadable = decode(raw)
    tab_length = ((settings or {}).get("MARKDOWN") or {}).get("tab_length", 4)
    fields, duplicates, body, body_line, header_end = parse(text, tab_length)
    source = Source(path, fields, body, body_line, duplicates, header_end,
                    root=os.path.abspath(root) if root else None, kind=kind,
                    size=len(raw), unreadable=unreadable)
    source.text = text
    if settings is not None:
        base = source.root or settings.get("PATH") or os.path.dirname(path)
        rel = os.path.relpath(path, base)
        source.filename = file_name_metadata(rel, settings)
        source.default_lang = settings.get("DEFAULT_LANG", "en")
        source.unicode_slugs = bool(settings.get("SLUGIFY_USE_UNICODE"))
    return source


def file_name_metadata(rel_path, settings) -> dict:
    """``{"slug", "lang"}`` of a file, from its name, with Pelican's FILENAME_METADATA."""
    from pelican.readers import parse_path_metadata

    meta = parse_path_metadata(source_path=rel_path, settings=settings, process=None)
    return {k: meta[k] for k in ("slug", "lang") if meta.get(k)}


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


def scan(settings, root=None, known=None) -> Scan:
    """Read every Markdown source of the content folder (default: settings PATH).

    ``known``: {absolute path: Source} already parsed (the build's engine parsed
    them as it read them): those are not read again.
    """
    known = known or {}
    root = os.path.abspath(root or settings["PATH"])
    seen, sources = set(), []
    for kind, paths_key, excludes_key in (("page", "PAGE_PATHS", "PAGE_EXCLUDES"),
                                          ("article", "ARTICLE_PATHS", "ARTICLE_EXCLUDES")):
        excludes = {e.strip("/") for e in settings.get(excludes_key) or []}
        for path in _walk(root, settings.get(paths_key) or [], excludes):
            if path.lower().endswith(MARKDOWN_EXTENSIONS) and path not in seen:
                seen.add(path)
                parsed = known.get(os.path.abspath(path))
                sources.append(parsed if parsed is not None and parsed.kind == kind
                               else read_source(path, settings, root, kind))
    strays = [read_source(p, settings, root, None)
              for p in _walk(root, [""], set())
              if p.lower().endswith(MARKDOWN_EXTENSIONS) and p not in seen]
    sources.sort(key=lambda s: s.path)
    return Scan(root, sources, strays)


# -- dates and publication --------------------------------------------------

def parse_date(value: str, tz: ZoneInfo):
    """(datetime, had_offset) as Pelican reads a Date; raises ValueError."""
    return _parse_date(value, tz)


@functools.lru_cache(maxsize=1 << 16)
def _parse_date(value: str, tz: ZoneInfo):
    # Cached: the translation status reads every source's date, again for each
    # edit in the preview (dateutil takes 0.4 ms a date). Results are immutable.
    from pelican.utils import get_date

    try:
        date = get_date(value)
    except OverflowError:
        raise ValueError(value) from None
    if date.tzinfo is None:
        return date.replace(tzinfo=tz), False
    return date, True


def local_time_clash(date):
    """Whether a date read without offset (``parse_date``: its wall time in the zone)
    names one moment of that zone.

    None when it does; else ``(kind, first, second)``: ``kind`` is ``"missing"``
    (the clocks went forward over that time: it never showed) or ``"twice"`` (the
    clocks went back: it showed twice); ``first`` and ``second`` are the two
    readings (``fold=0``, the one Pelican keeps, and ``fold=1``), each as the
    zone's clocks show it. Daylight-saving changes are the usual cause.
    """
    early, late = date.replace(fold=0), date.replace(fold=1)
    if early.utcoffset() == late.utcoffset():
        return None
    utc = datetime.timezone.utc
    first, second = early.astimezone(utc).astimezone(date.tzinfo), late.astimezone(utc).astimezone(date.tzinfo)
    if first.replace(tzinfo=None) != early.replace(tzinfo=None):
        return "missing", first, second
    return "twice", first, second


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
    key = (source.get("title"), source.get("summary"), source.body)
    memo = source.fingerprint_memo
    if memo is not None and memo[0] == key:  # the same strings: compared by identity first
        return memo[1]
    text, _ = split_marker(source.body)
    parts = [normalise(source.get("title") or ""), normalise(source.get("summary") or ""),
             normalise(text)]
    digest = hashlib.sha256("\n\x1e\n".join(parts).encode("utf-8")).hexdigest()
    source.fingerprint_memo = (key, f"sha256:{digest[:16]}")
    return source.fingerprint_memo[1]


def where(source: Source, key) -> str:
    """``path:line`` of a source's ``Key:`` metadata line (``path`` alone if there is none).

    For messages about one metadata value, from the build's plugins and the tools alike.
    """
    line = source.line(key)
    return f"{source.display}:{line}" if line is not None else source.display


# -- translation keys ---------------------------------------------------------
#
# A translation may have its own slug (its own URL): ``sora-fuite.fr.md`` and
# ``sora-fuite.en.md`` with ``Slug: sora-leak`` are one article, at
# /2024/11/sora-fuite/ and /en/2024/11/sora-leak/. What links them is the
# translation key: the key given in a ``Translation-Of:`` line
# (``Translation-Of: sora-fuite sha256:…``), else the file-name slug. Lint, the
# build, `make status`, `make translation` and the WordPress importer all use
# these functions.



def parse_translation_of(value) -> tuple:
    """``(key, fingerprint)`` of a ``Translation-Of:`` value; each may be None.

    ``sha256:…`` alone (what `make translation` has always written) is a
    fingerprint; ``sora-fuite``, a key; ``sora-fuite sha256:…``, both.
    """
    key = fingerprint_ = None
    for token in str(value or "").split():
        if token.lower().startswith("sha256:"):  # a fingerprint, even a mistyped one
            fingerprint_ = fingerprint_ or token
        elif key is None:
            key = token
    return key, fingerprint_


def original_of(group, default_lang: str, is_translation=lambda member: member.is_translation):
    """Of the files of one translation key (one per language), the original: one not
    marked ``Translation:``, the default language's first (as Pelican's way writes
    translations: ``Lang:`` and a shared ``Slug:``, none marked); None if every one is
    marked. The translation status, lint and the build (lead images) ask this."""
    originals = sorted((m for m in group if not is_translation(m)),
                       key=lambda m: str(m.lang) != default_lang)
    return originals[0] if originals else None


def translation_key(file_slug: str, translation_of=None, slug: str = "",
                    file_lang: str | None = "") -> str:
    """The key that links a file to its translations: the key of its
    ``Translation-Of:`` line, else its file-name slug, else its slug.

    A file whose name gives no language (``file_lang`` None) but that has a slug of
    its own is linked by that slug, as Pelican links translations: ``x.md`` and
    ``x-en.md`` with ``Lang: en`` and ``Slug: x`` are one article.
    """
    key, _ = parse_translation_of(translation_of)
    if key:
        return key
    if file_lang is None and slug:
        return slug
    return file_slug or slug


def format_translation_of(key: str | None, fingerprint_: str | None) -> str:
    """The ``Translation-Of:`` value for a key (None: the file name says it) and a fingerprint."""
    return " ".join(part for part in (key, fingerprint_) if part)
