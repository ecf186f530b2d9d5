"""Rules on a source's metadata lines: required fields, dates, language, slug,
summary, category, status, repeated fields, corrections."""

from __future__ import annotations

import os
import re
from zoneinfo import ZoneInfo

from .. import corrections as corrections_mod
from .. import sources as src_mod
from .base import DATE_KEYS, ERROR, ISO_EXAMPLE, STATUSES, WARNING, _problem
from .characters import strip_invisible

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
