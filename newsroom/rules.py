"""Content rules: one implementation for `make lint` and for the build.

Each rule is a pure function of a parsed source (``newsroom.sources.Source``:
path, metadata with line numbers, body) and returns Problems that print as
``path:line: message (how to fix)``. `newsroom lint` runs them all. The build
runs the same functions: the multilingual plugin logs ``unknown_language``,
``duplicate_slug``, ``duplicate_key`` and ``orphan_translation`` (translations are
grouped by ``Source.translation_key``, URLs by slug), the strict plugin
``invalid_date`` (when Pelican cannot read a file), and the editorial plugin
the rules in ``BUILD_RULES``. So a message reads the same in both.
"""

from __future__ import annotations

import datetime
import os
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from . import corrections as corrections_mod
from . import inline_code as inline_code_mod
from . import media
from . import paths as paths_mod
from . import sources as src_mod

ERROR = "error"
WARNING = "warning"

DATE_KEYS = ("date", "modified")
STATUSES = ("published", "draft", "hidden", "skip")
ISO_EXAMPLE = "2026-11-24T09:30:00+01:00"


@dataclass(frozen=True)
class Problem:
    path: str  # as shown: relative to the working directory
    line: int | None
    message: str
    fix: str
    severity: str = ERROR
    rule: str = ""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.location}: {self.message} ({self.fix})"


@dataclass
class RuleContext:
    """What the rules need to know about the site (from the Pelican settings)."""

    languages: tuple
    default_lang: str
    taxonomy: dict  # I18N_TAXONOMY: {default-language name: {lang: name}}
    categories: tuple | None
    summary_max: int | None
    root: str
    now: datetime.datetime
    tz: ZoneInfo
    article_paths: tuple = ()
    page_paths: tuple = ()
    static_paths: tuple = ()
    images: dict = None  # IMAGES (newsroom.media.validate)

    @classmethod
    def from_settings(cls, settings, editorial, root=None):
        from .config import now, timezone

        return cls(
            languages=tuple(settings.get("LANGUAGES") or [settings.get("DEFAULT_LANG", "en")]),
            default_lang=settings.get("DEFAULT_LANG", "en"),
            taxonomy=dict(settings.get("I18N_TAXONOMY") or {}),
            categories=editorial.get("categories"),
            summary_max=editorial.get("summary_max"),
            root=os.path.abspath(root or settings["PATH"]),
            now=now(editorial),
            tz=timezone(settings),
            article_paths=tuple(settings.get("ARTICLE_PATHS") or ()),
            page_paths=tuple(settings.get("PAGE_PATHS") or ()),
            static_paths=tuple(settings.get("STATIC_PATHS") or ()),
            images=media.validate(settings),
        )

    def taxonomy_key(self, lang: str, name: str) -> str:
        """Default-language name of a category or tag written in ``lang``."""
        folded = name.casefold()
        for canonical, names in self.taxonomy.items():
            if canonical.casefold() == folded:
                return canonical
            if any(n.casefold() == folded for code, n in names.items() if code == lang):
                return canonical
        return name

    def taxonomy_name(self, lang: str, name: str) -> str:
        """The name a (default-language) category or tag has in ``lang``."""
        key = self.taxonomy_key(self.default_lang, name)
        if lang == self.default_lang:
            return key
        return self.taxonomy.get(key, {}).get(lang, name)


def _problem(source, line, message, fix, severity=ERROR, rule=""):
    return Problem(source.display, line, message, fix, severity, rule)


# -- per-file rules -----------------------------------------------------------

#: Larger sources slow every build down and are not articles (a pasted book,
#: inline data: images): warned about.
MAX_SOURCE_BYTES = 1_000_000


def not_text(source, ctx=None):
    """A file that is not UTF-8 text: binary, or saved in another encoding."""
    if source.unreadable is None:
        return []
    line, byte = source.unreadable
    if byte == 0 or source.body.count("\ufffd") > 8:
        return [_problem(
            source, line, "this is a binary file, not Markdown text",
            "move it out of content/; images go in content/images/ and are shown with "
            "![description]({static}/images/<name>)", ERROR, "not_text")]
    return [_problem(
        source, line, f"not UTF-8 text: byte 0x{byte:02x} on this line cannot be read",
        "save the file as UTF-8 in your editor, e.g. Save with Encoding → UTF-8; "
        "it was probably saved as Latin-1 or Windows-1252", ERROR, "not_text")]


def empty_file(source, ctx=None):
    if not source.empty or source.unreadable is not None:
        return []
    return [_problem(
        source, None, "the file is empty",
        "write the metadata lines Title:, Date: and Category:, a blank line and the text, "
        "or delete the file; `make article TITLE=\"…\"` creates a filled-in one", ERROR,
        "empty_file")]


def no_text(source, ctx=None):
    """Metadata and nothing else: an empty page would be published."""
    if source.empty or source.status == "draft" or source.unreadable is not None:
        return []
    text, _ = src_mod.split_marker(source.body)
    if text.strip():
        return []
    last = max((f.line for f in [*source.fields.values(), *source.duplicates]), default=1)
    return [_problem(
        source, last, "no text after the metadata",
        "write the article below the metadata, after one blank line, or mark it "
        "'Status: draft' until it is written", WARNING, "no_text")]


def too_large(source, ctx=None):
    if source.size <= MAX_SOURCE_BYTES:
        return []
    return [_problem(
        source, None, f"the file is {source.size / 1_000_000:.1f} MB, more than "
        f"{MAX_SOURCE_BYTES / 1_000_000:g} MB", "split it into several articles; put images "
        "and data in content/images/ rather than inside the text", WARNING, "too_large")]


def control_characters(source, ctx=None):
    """Invisible characters HTML and XML forbid (pasted from a PDF or a word processor)."""
    if source.unreadable is not None:
        return []  # not_text says what is wrong with the whole file
    fields = [*source.fields.values(), *source.duplicates]
    forbidden = src_mod.find_forbidden
    if not forbidden(source.body) and not any(forbidden(raw) for f in fields for raw in f.lines):
        return []  # the usual case, found without splitting the file into lines
    problems = []
    lines = [(f.line + n, raw) for f in fields for n, raw in enumerate(f.lines)]
    lines += [(source.body_line + n, line) for n, line in enumerate(source.body.split("\n"))]
    for number, line in sorted(lines):
        match = src_mod.find_forbidden(line)
        if match:
            problems.append(_problem(
                source, number, f"invisible control character U+{ord(match.group()):04X}, "
                "which the build removes", "delete it: retype the text around it; such "
                "characters come from copying out of a PDF or a word processor", WARNING,
                "control_characters"))
    return problems


# -- invisible and bidirectional characters in names ---------------------------------
#
# A title, slug, category, tag or author is a name readers see and URLs are made of. In
# these fields (``NAME_KEYS``), precisely:
#
# * always refused: the bidirectional embeddings, overrides and isolates U+202A–U+202E and
#   U+2066–U+2069 (they reorder what follows: "Facture\u202egpj.exe" shows as
#   "Facturexe.jpg"), and invisible characters with no use in a name: U+200B ZERO WIDTH
#   SPACE, U+2060 WORD JOINER, U+FEFF ZERO WIDTH NO-BREAK SPACE, U+180E, the invisible
#   operators U+2061–U+2064, the deprecated format characters U+206A–U+206F and the
#   interlinear annotation characters U+FFF9–U+FFFB;
# * U+200C ZERO WIDTH NON-JOINER and U+200D ZERO WIDTH JOINER are allowed between two
#   letters, marks (a virama, a variation selector) or symbols (emoji, skin-tone
#   modifiers), which is where Persian, Indic scripts and emoji sequences need them;
#   elsewhere (alone, at an end, next to a space or a digit) they are refused;
# * everything else is allowed: Arabic and Hebrew text (the page sets its direction),
#   U+200E/U+200F/U+061C direction marks, which cannot reorder text around them.
#
# The build removes the refused characters from these fields (plugins/security; a slug
# holding one is not a safe slug: ``sources.safe_slug`` makes one, ``invalid_slug`` says
# which); the rule ``invisible_characters`` reports each, in `make lint` and in the build.

NAME_KEYS = ("title", "slug", "category", "tags", "author", "authors")
JOINERS = "\u200c\u200d"
_INVISIBLE_RE = re.compile(
    "[\u180e\u200b\u200c\u200d\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def _joinable(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LM" or category in ("So", "Sk")


def invisible_in(text: str):
    """(index, character) of each character ``NAME_KEYS`` fields refuse in ``text``."""
    for match in _INVISIBLE_RE.finditer(text):
        char, i = match.group(), match.start()
        if char in JOINERS and 0 < i < len(text) - 1 \
                and _joinable(text[i - 1]) and _joinable(text[i + 1]):
            continue
        yield i, char


def strip_invisible(text: str) -> str:
    """``text`` without the characters ``invisible_in`` finds."""
    found = {i for i, _ in invisible_in(text)}
    return "".join(c for i, c in enumerate(text) if i not in found) if found else text


def character_name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}"


def invisible_characters(source, ctx=None):
    """Invisible or bidirectional control characters in a title, slug, category, tag or
    author (see ``NAME_KEYS`` above for what is refused and what is allowed)."""
    problems = []
    for key in NAME_KEYS:
        field = source.fields.get(key)
        if field is None:
            continue
        seen = set()
        for index, char in invisible_in(field.value):
            number = field.line + field.value.count("\n", 0, index)
            if (number, char) in seen:
                continue
            seen.add((number, char))
            if char in JOINERS:
                what = "outside a word or an emoji sequence, where it joins nothing"
            elif "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
                what = "an invisible character that reorders the text shown after it"
            else:
                what = "an invisible character"
            problems.append(_problem(
                source, number, f"{field.key}: {character_name(char)}, {what}",
                f"delete it: retype the {field.key.lower()} around it; right-to-left text "
                "is written as is, the page sets its direction", ERROR, "invisible_characters"))
    return problems


def invalid_slug(source, ctx=None):
    """A slug ('Slug:' line or file name) that cannot be one part of a URL."""
    written = source.written_slug
    if not written or src_mod.is_safe_slug(written, source.unicode_slugs):
        return []
    used = source.slug
    if source.line("slug"):
        return [_problem(
            source, source.line("slug"), f"Slug {written!r} cannot be used in a URL",
            f"write it with letters, digits and hyphens only, e.g. 'Slug: {used}'; "
            f"the build uses {used!r}", ERROR, "invalid_slug")]
    ext = os.path.splitext(source.path)[1]
    lang = source.filename.get("lang")
    name = f"{used}.{lang}{ext}" if lang else f"{used}{ext}"
    return [_problem(
        source, None, f"the file name gives the slug {written!r}, which cannot be used in a URL",
        f"rename the file to {name}: letters, digits and hyphens only; "
        f"the build uses {used!r}", ERROR, "invalid_slug")]


THIRD_PARTY_MD_RE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<url>(?:https?:)?//[^\s)>]+)")
THIRD_PARTY_HTML_RE = re.compile(
    r"<(?:img|iframe|script|video|audio|source|embed|object|link|track)\b[^>]*?\b"
    r"(?:src|href|data|poster)\s*=\s*[\"']?(?P<url>(?:https?:)?//[^\s\"'>]+)", re.IGNORECASE)


def third_party_resources(source, ctx=None):
    """Images, frames or scripts loaded from another site: blocked by the published
    site's Content-Security-Policy, and each would tell that site who reads us."""
    problems = []
    for number, line in _body_lines(source):
        for regex in (THIRD_PARTY_MD_RE, THIRD_PARTY_HTML_RE):
            for match in regex.finditer(line):
                problems.append(_problem(
                    source, number, f"loads {match.group('url')} from another site, which "
                    "the published site's Content-Security-Policy blocks",
                    "download the file into content/images/ and write {static}/images/<name>; "
                    "for a video, link to it instead of embedding it", ERROR,
                    "third_party_resources"))
    return problems


def inline_code(source, ctx=None):
    """Raw HTML with inline script or style: kept, but the published site's
    Content-Security-Policy does not run or apply it. Found on elements and their
    attributes (``newsroom.inline_code``), never in text that mentions ``onclick=``."""
    lines = _body_lines(source)
    if not lines:
        return []
    first = lines[0][0]
    text = [""] * (lines[-1][0] - first + 1)
    for number, line in lines:
        text[number - first] = line
    problems, seen = [], set()
    for found in inline_code_mod.find("\n".join(text)):
        number = first + found.line - 1
        if number in seen:
            continue  # one problem a line
        seen.add(number)
        script = found.kind in ("script", "handler")
        fix = ("remove it: the published site runs only the theme's scripts "
               "(theme/static/js/)" if script else
               "remove it, or use a class styled in theme/static/css/main.css")
        problems.append(_problem(
            source, number, f"{found.what} in the raw HTML does not work on the published site, "
            "whose Content-Security-Policy allows only the theme's scripts and styles",
            fix, WARNING, "inline_code"))
    return problems


def missing_metadata(source, ctx):
    """Title (everything), Date and Category (articles); drafts only get warnings."""
    if source.empty or source.unreadable is not None:
        return []  # empty_file / not_text say it better
    required = ["title"] if source.kind == "page" else ["title", "date", "category"]
    draft = source.status == "draft"
    problems = []
    for key in required:
        if source.has(key):
            continue
        label = key.capitalize()
        empty = source.line(key)
        what = f"{label} is empty" if empty else f"no {label}"
        if key == "title":
            fix = "add a 'Title: …' line at the top of the file"
        elif key == "date":
            fix = f"add 'Date: {ISO_EXAMPLE}'"
        else:
            fix = ("add 'Category: …' with one of " + ", ".join(ctx.categories)
                   if ctx.categories else "add a 'Category: …' line")
            fix += "; without it the folder name becomes the category"
        if draft and key != "title":
            problems.append(_problem(source, empty or 1, f"{what} (needed before publishing)",
                                     fix, WARNING, "missing_metadata"))
        else:
            problems.append(_problem(source, empty or 1, what, fix, ERROR, "missing_metadata"))
    if source.line("summary") and not source.has("summary"):
        problems.append(_problem(
            source, source.line("summary"), "Summary is empty",
            "write one or two sentences, or delete the line to use the start of the text",
            WARNING, "missing_metadata"))
    return problems


def invalid_date(source, ctx=None):
    """A Date or Modified Pelican cannot read (the build skips the file)."""
    tz = ctx.tz if ctx else ZoneInfo("UTC")
    problems = []
    for key in DATE_KEYS:
        if not source.has(key):
            continue
        value = source.get(key)
        try:
            src_mod.parse_date(value, tz)
        except ValueError:
            problems.append(_problem(
                source, source.line(key), f"invalid {key.capitalize()} {value!r}",
                f"write it as {ISO_EXAMPLE}, ISO 8601 with a UTC offset", ERROR, "invalid_date"))
    return problems


def _zone(source, ctx):
    """The zone a source's dates without offset are read in: its ``Timezone:``
    line (as Pelican reads it), else TIMEZONE."""
    name = (source.get("timezone") or "").strip()
    if name:
        try:
            return ZoneInfo(name)
        except (ValueError, KeyError, OSError):  # zoneinfo's errors for a bad key
            pass
    return ctx.tz if ctx else ZoneInfo("UTC")


def _hours(delta) -> str:
    minutes = int(abs(delta).total_seconds()) // 60
    return f"{minutes // 60}:{minutes % 60:02d}"


def local_time_clash(source, ctx):
    """A Date without UTC offset is read in TIMEZONE, as Pelican documents it; a
    wall time the clocks skipped or showed twice (a daylight-saving change) names
    no single moment: an error, with the offsets to choose from."""
    problems = []
    tz = _zone(source, ctx)
    for key in DATE_KEYS:
        if not source.has(key):
            continue
        value = source.get(key)
        try:
            date, had_offset = src_mod.parse_date(value, tz)
        except ValueError:
            continue  # invalid_date reports it
        clash = None if had_offset else src_mod.local_time_clash(date)
        if clash is None:
            continue
        kind, first, second = clash
        shift = _hours(second.utcoffset() - first.utcoffset())
        first, second = (d.isoformat(timespec="seconds") for d in (first, second))
        if kind == "missing":
            message = (f"{key.capitalize()} {value!r} does not exist in {tz.key}: the clocks "
                       f"go forward {shift} over that time")
            fix = (f"write the time with its UTC offset, e.g. {first} (the moment the build "
                   f"reads now) or {second}")
        else:
            message = (f"{key.capitalize()} {value!r} is ambiguous in {tz.key}: the clocks go "
                       f"back {shift} and show that time twice")
            fix = f"write it with its UTC offset: {first} for the first, {second} for the second"
        problems.append(_problem(source, source.line(key), message, fix, ERROR,
                                 "local_time_clash"))
    return problems


def modified_before_date(source, ctx):
    """A Modified earlier than Date: no "Updated" notice is shown, and feeds,
    sitemaps and JSON-LD would carry a modification before the publication."""
    if not source.has("modified") or not source.has("date"):
        return []
    try:
        date, _ = src_mod.parse_date(source.get("date"), ctx.tz)
        modified, _ = src_mod.parse_date(source.get("modified"), ctx.tz)
    except ValueError:
        return []  # invalid_date reports it
    if modified >= date:
        return []
    return [_problem(
        source, source.line("modified"),
        f"Modified {source.get('modified')!r} is before Date {source.get('date')!r}",
        "write when the article was last changed (after its Date), or remove the line",
        WARNING, "modified_before_date")]


def unknown_language(source, lang, languages):
    """The file's language (name or 'Lang:') is not one the site publishes."""
    if lang in languages:
        return None
    return _problem(
        source, source.line("lang"),
        f"language {lang!r} is not in LANGUAGES {list(languages)}",
        f"rename the file to <slug>.<lang>.md with one of them, fix its 'Lang:' line, or add "
        f"{lang!r} to LANGUAGES in pelicanconf.py and run `make translations`",
        ERROR, "unknown_language")


def language_mismatch(source, ctx):
    """File name says one language, 'Lang:' another ('Lang:' wins)."""
    named, written = source.filename.get("lang"), (source.get("lang") or "").strip()
    if not named or not written or named == written:
        return []
    return [_problem(
        source, source.line("lang"),
        f"the file name says language {named!r} but its 'Lang:' line says {written!r}, "
        "which the build uses",
        f"rename the file to {source.slug}.{written}{os.path.splitext(source.path)[1]} "
        "or remove the 'Lang:' line", WARNING, "language_mismatch")]


FENCE_RE = re.compile(r"(`{3,}|~{3,})")
CODE_SPAN_RE = re.compile(r"`+[^`]*`+")


def _body_lines(source):
    """(line number, text) of body lines outside fenced code, inline code removed.

    Stops at the translator's marker: what is below it is not published.
    Computed once per source: several rules walk the same lines.
    """
    if source.body_lines_memo is None:
        source.body_lines_memo = list(_scan_body(source))
    return source.body_lines_memo


def _scan_body(source):
    text, _ = src_mod.split_marker(source.body)
    fence = None
    for offset, line in enumerate(text.split("\n")):
        stripped = line.lstrip()
        opener = FENCE_RE.match(stripped)
        if fence:
            if opener and stripped.startswith(fence):
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            continue
        yield source.body_line + offset, CODE_SPAN_RE.sub("", line) if "`" in line else line


#: Lists and quotes inside one another, at most: Python-Markdown converts a list
#: nested ~250 levels deep by recursion and fails (RecursionError), so the build
#: refuses more than this, well below, and lint says so first.
MAX_DEPTH = 100
NESTING_RE = re.compile(r"((?:[ \t]*>)*)([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")


def too_deep(source, ctx=None):
    """A list item nested more than ``MAX_DEPTH`` levels deep (4 columns of
    indentation per list level, one ``>`` per quote around it)."""
    if source.unreadable is not None:
        return []
    for number, line in _body_lines(source):
        match = NESTING_RE.match(line)
        if match is None:
            continue
        depth = match.group(1).count(">") + len(match.group(2).expandtabs(4)) // 4 + 1
        if depth > MAX_DEPTH:
            return [_problem(
                source, number, f"lists and quotes are nested {depth} levels deep here, "
                f"more than {MAX_DEPTH}", f"flatten the text: at most {MAX_DEPTH} levels of "
                "lists and quotes inside one another; the build cannot convert it", ERROR,
                "too_deep")]
    return []


IMAGE_MD_RE = re.compile(r"!\[(?P<alt>[^\]]*)\]\s*[\[(]")
IMAGE_HTML_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ALT_RE = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def images_without_alt(source, ctx):
    """Every image needs a text alternative (screen readers, broken images)."""
    problems = []
    for number, line in _body_lines(source):
        for match in IMAGE_MD_RE.finditer(line):
            if not match.group("alt").strip():
                problems.append(_problem(
                    source, number, "image without alt text",
                    "describe the image between the brackets: ![What the image shows](…)",
                    ERROR, "images_without_alt"))
        for match in IMAGE_HTML_RE.finditer(line):
            alt = ALT_RE.search(match.group(0))
            if alt is None or not "".join(g or "" for g in alt.groups()).strip():
                problems.append(_problem(
                    source, number, "<img> without alt text",
                    'add alt="what the image shows" to the <img> tag',
                    ERROR, "images_without_alt"))
    return problems


IMAGE_SRC_RE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<src>[^\s)>]+)")


def image_problems(source, ctx):
    """The lead image (``Image:``, ``ImageAlt:``) and the body's images: files the build
    can use (an image, not truncated, within the pixel limit, wide enough for a lead).

    The images plugin uses the same ``newsroom.media`` checks and leaves out what
    fails them; this rule is what reports it, in `make lint` and in the build alike.
    """
    config = ctx.images or media.validate({})
    root = source.root or os.path.dirname(source.path)
    problems = []
    if source.has("image"):
        line = source.line("image")
        if not source.has("imagealt"):
            problems.append(_problem(
                source, line, "Image: without ImageAlt:",
                "add a line 'ImageAlt: what the image shows', in the article's language",
                ERROR, "image_problems"))
        target = media.image_target(source.get("image"), source.path, root, metadata=True)
        if target is None:
            problems.append(_problem(
                source, line, f"Image {source.get('image')!r} is on another site: only social "
                "networks show it, the page shows no lead image",
                "copy the image into content/images/ and write 'Image: images/<name>'",
                WARNING, "image_problems"))
        for message, fix in media.lead_problems(source.get("image"), source.path, root, config):
            problems.append(_problem(source, line, message, fix, ERROR, "image_problems"))
    elif source.has("imagealt") or source.has("imagecaption"):
        if not source.is_translation:
            key = "imagealt" if source.has("imagealt") else "imagecaption"
            problems.append(_problem(
                source, source.line(key), f"{source.fields[key].key}: without Image:",
                "add 'Image: images/<name>' or remove the line", WARNING, "image_problems"))
    for number, line in _body_lines(source):
        for match in IMAGE_SRC_RE.finditer(line):
            for message, fix in media.body_problems(match.group("src"), source.path, root, config):
                problems.append(_problem(source, number, message, fix, ERROR, "image_problems"))
    return problems


def translation_image_alt(source, original):
    """A translation showing its original's image gives its own alt text (and caption,
    if the original has one), in its language."""
    if not original.has("image") or source.has("image"):
        return None
    missing = [(what, key) for what, key in (("alt text", "ImageAlt"), ("caption", "ImageCaption"))
               if not source.has(key) and (key == "ImageAlt" or original.has(key))]
    if not missing:
        return None
    return _problem(
        source, source.line("translation"),
        f"the translation shows the image of {original.display} without "
        + " and ".join(f"{what} ({key}:)" for what, key in missing) + " in its language",
        "add " + " and ".join(f"'{key}: …'" for _, key in missing) + " in this language",
        WARNING, "translation_image_alt")


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


def summary_text(value: str) -> str:
    """The text of a Markdown summary: links, emphasis and tags reduced to words."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", value)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"[*_`]+", "", text)
    return re.sub(r"\s+", " ", text).strip()


def summary_too_long(source, ctx):
    if not ctx.summary_max or not source.has("summary"):
        return []
    length = len(summary_text(source.get("summary")))
    if length <= ctx.summary_max:
        return []
    return [_problem(
        source, source.line("summary"),
        f"Summary is {length} characters long, more than {ctx.summary_max}",
        f"shorten it to one or two sentences; the limit is EDITORIAL['summary_max']",
        WARNING, "summary_too_long")]


def unknown_category(source, ctx):
    """With a closed list of categories, only those (or their translations) are allowed."""
    if not ctx.categories or source.kind == "page" or not source.has("category"):
        return []
    name = strip_invisible(source.get("category")).strip()  # as the build reads it
    key = ctx.taxonomy_key(source.lang, name)
    allowed = {c.casefold() for c in ctx.categories}
    if key.casefold() in allowed:
        return []
    names = [ctx.taxonomy_name(source.lang, c) for c in ctx.categories]
    fix = f"use one of: {', '.join(names)}"
    if source.lang != ctx.default_lang:
        fix += f", or map {name!r} to one of them in I18N_TAXONOMY"
    fix += ", or add it to EDITORIAL['categories'] in pelicanconf.py"
    return [_problem(source, source.line("category"), f"unknown category {name!r}", fix,
                     ERROR, "unknown_category")]


def invalid_status(source, ctx):
    value = (source.get("status") or "").strip().lower()
    if not source.line("status") or value in STATUSES:
        return []
    return [_problem(source, source.line("status"), f"unknown Status {source.get('status')!r}",
                     "write 'Status: draft', 'Status: hidden' or remove the line to publish",
                     ERROR, "invalid_status")]


def leftover_original(source, ctx):
    """A translation scaffold still holds the original text below the marker."""
    _, offset = src_mod.split_marker(source.body)
    if offset is None:
        return []
    return [_problem(
        source, source.body_line + offset,
        "the original text is still below the translator's marker, and is not published",
        "translate it above the marker, then delete the marker line and everything below it",
        WARNING, "leftover_original")]


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


#: Keys an editor may repeat: each line is one more value.
REPEATABLE_KEYS = (corrections_mod.KEY,)


def duplicate_fields(source, ctx):
    return [_problem(source, f.line, f"{f.key} is given twice (line {source.line(f.key)} is used)",
                     "keep one of the two lines", WARNING, "duplicate_fields")
            for f in source.duplicates if f.key.lower() not in REPEATABLE_KEYS]


def invalid_correction(source, ctx):
    """``Correction:`` lines the build cannot read (see ``newsroom.corrections``)."""
    tz = ctx.tz if ctx else ZoneInfo("UTC")
    fields = [f for f in (source.fields.get(corrections_mod.KEY), *source.duplicates)
              if f is not None and f.key.lower() == corrections_mod.KEY]
    problems = []
    for item in sorted(fields, key=lambda f: f.line):
        for offset, line in enumerate(item.value.split("\n")):
            _, problem, fix = corrections_mod.parse(line, tz)
            if problem:
                problems.append(_problem(source, item.line + offset, problem, fix, ERROR,
                                         "invalid_correction"))
    return problems


# -- rules across files --------------------------------------------------------

def duplicate_slug(source, slug, lang, first):
    """A second file with the same slug in the same language (``first`` is the first)."""
    return _problem(
        source, source.line("slug"),
        f"slug {slug!r} in language {lang!r} is already used by {first}",
        "give one of them another slug: rename the file or add a 'Slug:' line; "
        "the build skips this file", ERROR, "duplicate_slug")


def duplicate_key(source, key, lang, first):
    """Two files of one language claim the same translation key (``first`` is the first)."""
    return _problem(
        source, source.line("translation-of"),
        f"{first} is already the {lang!r} version of {key!r}",
        "give this file another name, or fix its 'Translation-Of:' line; "
        "the build skips this file", ERROR, "duplicate_key")


def orphan_translation(source, slug, default_lang, original=None, state=None):
    """A translation whose original is missing (or, with ``original``, not published)."""
    if original is None:
        return _problem(
            source, source.line("translation"),
            f"marked 'Translation: true' but no original with slug {slug!r} exists",
            f"add the original, e.g. {slug}.{default_lang}.md, or remove the 'Translation' "
            "line to publish it as an original", ERROR, "orphan_translation")
    return _problem(
        source, source.line("translation"),
        f"marked 'Translation: true' but its original {original} is not published "
        f"({state or 'draft'})",
        "publish the original first, or give this translation 'Status: draft' (or the same Date)",
        ERROR, "orphan_translation")


def links_to_unpublished(source, by_path, ctx):
    """A published source linking with {filename} to a draft or scheduled one."""
    problems = []
    if src_mod.state_of(source, ctx.tz, ctx.now) not in ("published", "hidden"):
        return problems
    for number, kind, _, path in links(source):
        target = by_path.get(path) if kind == "filename" else None
        if target is None:
            continue
        state = src_mod.state_of(target, ctx.tz, ctx.now)
        if state in ("draft", "scheduled"):
            problems.append(_problem(
                source, number, f"links to {target.display}, which is {state}",
                "publish the target first, or remove the link until it is; a publish "
                "build cannot resolve it", WARNING, "links_to_unpublished"))
    return problems


#: Per-file rules `newsroom lint` runs on every source the build reads.
FILE_RULES = {
    "not_text": not_text,
    "empty_file": empty_file,
    "no_text": no_text,
    "too_large": too_large,
    "too_deep": too_deep,
    "control_characters": control_characters,
    "invisible_characters": invisible_characters,
    "invalid_slug": invalid_slug,
    "third_party_resources": third_party_resources,
    "inline_code": inline_code,
    "missing_metadata": missing_metadata,
    "invalid_date": invalid_date,
    "local_time_clash": local_time_clash,
    "modified_before_date": modified_before_date,
    "language_mismatch": language_mismatch,
    "images_without_alt": images_without_alt,
    "image_problems": image_problems,
    "missing_link_targets": missing_link_targets,
    "paths_outside_content": paths_outside_content,
    "summary_too_long": summary_too_long,
    "unknown_category": unknown_category,
    "invalid_status": invalid_status,
    "leftover_original": leftover_original,
    "duplicate_fields": duplicate_fields,
    "invalid_correction": invalid_correction,
}

#: The per-file rules the editorial plugin runs during a build. The others are
#: logged elsewhere in the build: invalid_date (and not_text, for a file
#: Pelican cannot decode) by the strict plugin, unknown_language / duplicate_slug / duplicate_key /
#: orphan_translation by the multilingual plugin, invalid_status and
#: duplicate_fields by Pelican itself.
BUILD_RULES = (
    "not_text",
    "empty_file",
    "no_text",
    "too_large",
    "too_deep",
    "control_characters",
    "invisible_characters",
    "invalid_slug",
    "third_party_resources",
    "inline_code",
    "missing_metadata",
    "local_time_clash",
    "modified_before_date",
    "language_mismatch",
    "images_without_alt",
    "image_problems",
    "missing_link_targets",
    "paths_outside_content",
    "summary_too_long",
    "unknown_category",
    "leftover_original",
    "invalid_correction",
)


def unreadable(source, ctx=None) -> list[Problem]:
    """Why Pelican could not read a source (the strict plugin logs it): encoding, date,
    nesting (``too_deep``, which the build's document step also runs when Markdown
    could convert the file)."""
    return not_text(source, ctx) or invalid_date(source, ctx) or too_deep(source, ctx)


def check_file(source, ctx, only=None) -> list[Problem]:
    names = only or FILE_RULES
    problems = []
    for name in names:
        problems.extend(FILE_RULES[name](source, ctx))
    return problems


#: Publication states whose files are on the published site (a hidden article has
#: its page, only left out of the listings): a translation of either is published.
ON_SITE = ("published", "hidden")


@dataclass
class Member:
    """A file as the rules across files see it: made from a ``Source`` by `make lint`,
    from a Pelican item (its bucket giving ``state``) by the build."""

    kind: str
    slug: str
    lang: str
    key: str  # translation key
    file_slug: str  # the slug its file name gives
    is_translation: bool
    state: str  # publication state: published, hidden, draft, scheduled
    timestamp: float | None  # its Date (None: none)
    path: str  # absolute
    load: object  # () -> Source: the file read with line numbers, for messages
    item: object = None  # the build's item

    @property
    def display(self) -> str:
        return os.path.relpath(self.path)

    def record(self):
        return self.load()

    @classmethod
    def of_source(cls, source, ctx):
        date = None
        if source.has("date"):
            try:
                date = src_mod.parse_date(source.get("date"), ctx.tz)[0].timestamp()
            except ValueError:
                pass
        return cls(source.kind, source.slug, source.lang, source.translation_key,
                   source.filename.get("slug") or "", source.is_translation,
                   src_mod.state_of(source, ctx.tz, ctx.now), date, source.path,
                   lambda: source)


def established(member: Member) -> tuple:
    """Which of several files of one language claiming one translation key stays
    (the smallest): the one whose key is its own file name (the others claim it
    with ``Translation-Of:``), then the earliest Date, then the first path. A newer
    file never displaces the translation already there; it gets the error."""
    return (member.file_slug != member.key,
            member.timestamp if member.timestamp is not None else float("inf"), member.path)


def resolve_collection(members, languages, default_lang):
    """The rules across files, one implementation for `make lint` and the build.

    Returns (groups, problems): ``groups`` are the files that are built, as lists
    of the translations of one another (one file per language, the original
    first), after dropping an unknown language, a second file with the same slug
    and language (the first by path stays), a second file of one language with
    the same translation key (the ``established`` one stays) and a translation
    whose original is missing, or is a draft or scheduled while the translation is
    on the site (``ON_SITE``: published and hidden alike).
    """
    problems, known = [], []
    for member in members:
        if member.lang not in languages:
            problems.append(unknown_language(member.record(), member.lang, languages))
        else:
            known.append(member)
    first_url, unique = {}, []
    for member in sorted(known, key=lambda m: m.path):
        first = first_url.setdefault((member.kind, member.slug, member.lang), member)
        if first is not member:
            problems.append(duplicate_slug(member.record(), member.slug, member.lang,
                                           first.display))
        else:
            unique.append(member)
    groups = {}
    for member in unique:
        groups.setdefault((member.kind, member.key), []).append(member)
    kept = []
    for (_, key), group in groups.items():
        by_lang = {}
        for member in sorted(group, key=established):
            first = by_lang.setdefault(member.lang, member)
            if first is not member:
                problems.append(duplicate_key(member.record(), key, member.lang, first.display))
        members_ = sorted(by_lang.values(), key=lambda m: m.path)
        originals = [m for m in members_ if not m.is_translation]
        translations = [m for m in members_ if m.is_translation]
        if not originals:
            problems.extend(orphan_translation(m.record(), key, default_lang) for m in translations)
            kept.append(originals)
            continue
        if not any(o.state in ON_SITE for o in originals):
            for member in [t for t in translations if t.state in ON_SITE]:
                problems.append(orphan_translation(member.record(), key, default_lang,
                                                   originals[0].display, originals[0].state))
                translations.remove(member)
        kept.append(originals + translations)
    return [group for group in kept if group], problems


def check_collection(sources, ctx) -> list[Problem]:
    """Rules about the whole content: languages, duplicate slugs, orphans, links."""
    members = [Member.of_source(source, ctx) for source in sources]
    groups, problems = resolve_collection(members, ctx.languages, ctx.default_lang)
    for group in groups:
        original = src_mod.original_of(group, ctx.default_lang)
        for member in group:
            if member is not original:  # marked, or Pelican's way (another language)
                problem = translation_image_alt(member.record(), original.record())
                if problem:
                    problems.append(problem)
    by_path = {s.path: s for s in sources}
    for source in sources:
        problems.extend(links_to_unpublished(source, by_path, ctx))
    return problems


def lint(scan, ctx) -> list[Problem]:
    """Every problem in a scanned content folder, in file then line order."""
    problems = []
    for source in scan.sources:
        problems.extend(check_file(source, ctx))
    problems.extend(check_collection(scan.sources, ctx))
    for source in scan.strays:
        problems.extend(outside_paths(source, ctx))
    for path in static_files(ctx.root, ctx.static_paths):
        problem = static_file_outside(path, ctx.root)
        if problem is not None:
            problems.append(problem)
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
