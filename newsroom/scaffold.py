"""New articles, translation scaffolds, and recording that a translation caught up."""

from __future__ import annotations

import datetime
import os
import re
import subprocess

from babel import Locale

from . import sources as src_mod
from .rules import RuleContext

# Fields a translation does not copy from its original: its own language and
# slug come from its file name; it gets its own Translation/Status lines.
NOT_CARRIED = {"lang", "slug", "translation", "translation-of", "status", "save_as", "url"}


class ScaffoldError(Exception):
    """A file cannot be created or updated; the message says why and what to do."""


def make_slug(title: str, settings) -> str:
    """Slug from a title with Pelican's slugify: accents folded, apostrophes split words.

    "Sécurité des données" → "securite-des-donnees"; "Clés d’accès" → "cles-d-acces".
    """
    from pelican.utils import slugify

    text = re.sub(r"['’ʼ‘`]", " ", title)
    return slugify(text, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
                   preserve_case=False, use_unicode=settings.get("SLUGIFY_USE_UNICODE", False))


def language_name(code: str) -> str:
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name("en")
    except (ValueError, TypeError):
        return code


def git_user() -> str | None:
    try:
        result = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True,
                                timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def _check_language(lang, ctx):
    if lang not in ctx.languages:
        raise ScaffoldError(f"language {lang!r} is not in LANGUAGES {list(ctx.languages)} "
                            "(use one of them, or add it to LANGUAGES in pelicanconf.py)")


def _category_for(name, lang, ctx):
    """The category name to write in ``lang``; checked against a closed list."""
    key = ctx.taxonomy_key(lang, name)
    if ctx.categories:
        allowed = {c.casefold(): c for c in ctx.categories}
        key = ctx.taxonomy_key(ctx.default_lang, key)
        if key.casefold() not in allowed:
            raise ScaffoldError(
                f"unknown category {name!r}: use one of "
                f"{', '.join(ctx.taxonomy_name(lang, c) for c in ctx.categories)} "
                "(the list is EDITORIAL['categories'] in pelicanconf.py)")
        key = allowed[key.casefold()]
    return ctx.taxonomy_name(lang, key)


def _write_new(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{os.path.relpath(path)} already exists; it was not changed "
                            "(choose another title or --slug)") from None


def new_article(settings, ctx: RuleContext, scan, title, lang=None, category=None, tags=None,
                authors=None, date=None, slug=None, summary=None) -> str:
    """Create ``<content>/<year>/<slug>.<lang>.md`` as a draft; return its path."""
    title = (title or "").strip()
    if not title:
        raise ScaffoldError("a title is required: make article TITLE=\"Mon titre\"")
    lang = lang or ctx.default_lang
    _check_language(lang, ctx)
    slug = slug or make_slug(title, settings)
    if not slug or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise ScaffoldError(f"cannot make a slug from the title {title!r} (got {slug!r}); "
                            "give one with SLUG=… / --slug …")
    when = _parse_when(date, ctx)
    folder = str(when.year)
    if ctx.article_paths and not any(p.strip("/") in ("", folder) or folder.startswith(p.strip("/") + "/")
                                     for p in ctx.article_paths):
        raise ScaffoldError(
            f"the build does not read content/{folder}/ yet: add {folder!r} to ARTICLE_PATHS in "
            "pelicanconf.py, then run this again")
    for source in scan.sources:
        if source.kind == "article" and source.slug == slug and source.lang == lang:
            raise ScaffoldError(f"slug {slug!r} in language {lang!r} is already used by "
                                f"{source.display} (choose another title or --slug)")
    path = os.path.join(scan.root, folder, f"{slug}.{lang}.md")
    written_category = _category_for(category, lang, ctx) if category else ""
    tag_names = [t.strip() for t in (tags or "").split(",") if t.strip()]
    lines = [
        f"Title: {title}",
        f"Date: {when.isoformat(timespec='seconds')}",
        f"Category: {written_category}",
        f"Tags: {', '.join(ctx.taxonomy_name(lang, t) for t in tag_names)}",
        f"Authors: {authors or git_user() or settings.get('AUTHOR') or ''}",
        f"Summary: {summary or ''}",
        "Status: draft",
        "",
        "",
    ]
    _write_new(path, "\n".join(line.rstrip() for line in lines))
    return path


def _parse_when(value, ctx):
    if not value:
        return datetime.datetime.now(ctx.tz).replace(second=0, microsecond=0)
    try:
        when, had_offset = src_mod.parse_date(value, ctx.tz)
    except ValueError:
        raise ScaffoldError(f"invalid date {value!r}; write e.g. 2026-11-24T09:30:00+01:00") from None
    clash = None if had_offset else src_mod.local_time_clash(when)
    if clash is not None:  # the daylight-saving change: no single moment
        choices = " or ".join(d.isoformat(timespec="seconds") for d in clash[1:])
        raise ScaffoldError(f"{value!r} is not one moment in {ctx.tz.key} (the clocks change "
                            f"that night); write it with its UTC offset: {choices}")
    return when


def find_original(scan, slug, kind=None):
    """The original whose translation key (or slug) is ``slug``, and all its versions."""
    keys = {s.translation_key for s in scan.sources
            if slug in (s.translation_key, s.slug) and (kind is None or s.kind == kind)}
    candidates = [s for s in scan.sources
                  if s.translation_key in keys and (kind is None or s.kind == kind)]
    originals = [s for s in candidates if not s.is_translation]
    if not originals:
        if candidates:
            raise ScaffoldError(f"{candidates[0].display} is a translation and no original with "
                                f"slug {slug!r} exists")
        raise ScaffoldError(f"no article or page with slug {slug!r} in {os.path.relpath(scan.root)} "
                            "(`make status` lists the slugs)")
    if len({s.kind for s in originals}) > 1:
        raise ScaffoldError(f"slug {slug!r} is both an article and a page; say which with --kind")
    return originals[0], candidates


def new_translation(settings, ctx: RuleContext, scan, slug, lang, kind=None, title=None) -> str:
    """Create the ``lang`` translation of the original with ``slug``, next to it.

    With ``title`` (the translated title) it gets that title and its own slug, made
    from it (``Slug:``; its URL is then /en/…/<that slug>/).
    """
    _check_language(lang, ctx)
    original, candidates = find_original(scan, slug, kind)
    if original.lang == lang:
        raise ScaffoldError(f"{original.display} is the original, already in {lang!r}")
    for source in candidates:
        if source.lang == lang and source.kind == original.kind:
            raise ScaffoldError(f"the {lang!r} version already exists: {source.display}")
    ext = os.path.splitext(original.path)[1]
    path = os.path.join(os.path.dirname(original.path), f"{original.translation_key}.{lang}{ext}")
    named = src_mod.file_name_metadata(os.path.relpath(path, scan.root), settings).get("slug")
    own_slug = make_slug(title, settings) if title else None
    if title and not own_slug:
        raise ScaffoldError(f"cannot make a slug from the title {title!r}; write the 'Slug:' "
                            "line yourself")
    header = [f"Title: {title}"] if title else []
    if own_slug and own_slug != named:
        header.append(f"Slug: {own_slug}")
    for name, entry in original.fields.items():
        if name in NOT_CARRIED or (title and name == "title"):
            continue
        if name == "category" and entry.value.strip():
            header.append(f"{entry.key}: {ctx.taxonomy_name(lang, ctx.taxonomy_key(original.lang, entry.value.strip()))}")
        elif name == "tags" and entry.value.strip():
            names = [t.strip() for t in re.split(r"[;,]", entry.value) if t.strip()]
            header.append(f"{entry.key}: "
                          + ", ".join(ctx.taxonomy_name(lang, ctx.taxonomy_key(original.lang, t))
                                      for t in names))
        else:
            header.extend(entry.lines)
    recorded = src_mod.format_translation_of(
        original.translation_key if original.translation_key != named else None,
        src_mod.fingerprint(original))
    header += ["Translation: true", f"Translation-Of: {recorded}", "Status: draft"]
    marker = (f"<!-- newsroom:original {original.lang} — translate the title, summary and text "
              f"above into {language_name(lang)}, then delete this line and everything below "
              "it (it is never published) -->")
    text = "\n".join(header) + "\n\n\n\n" + marker + "\n\n" + original.body.strip("\n") + "\n"
    _write_new(path, text)
    return path


def find_translation(scan, slug, lang, kind=None):
    original, candidates = find_original(scan, slug, kind)
    for source in candidates:
        if source.lang == lang and source.kind == original.kind and source is not original:
            return original, source
    raise ScaffoldError(f"no {lang!r} translation with slug {slug!r} "
                        f"(create it with `make translation SLUG={slug} LANG={lang}`)")


def record_fingerprint(translation, fingerprint) -> str | None:
    """Write ``Translation-Of: [key] <fingerprint>`` into a translation (a key it has is
    kept); return the old fingerprint."""
    with open(translation.path, encoding="utf-8", newline="") as fh:
        lines = fh.read().split("\n")
    key, old = src_mod.parse_translation_of(translation.get("translation-of"))
    fingerprint = src_mod.format_translation_of(key, fingerprint)
    entry = translation.fields.get("translation-of")
    if entry is not None:
        index = entry.line - 1
        ending = "\r" if lines[index].endswith("\r") else ""
        lines[index:index + len(entry.lines)] = [f"{entry.key}: {fingerprint}{ending}"]
    else:
        after = translation.fields.get("translation")
        index = (after.line - 1 + len(after.lines)) if after else translation.header_end
        if after is None and index > 0 and not lines[index - 1].strip():
            index -= 1  # before the blank line that ends the header
        ending = "\r" if index and lines[index - 1].endswith("\r") else ""
        lines.insert(index, f"Translation-Of: {fingerprint}{ending}")
    with open(translation.path, "w", encoding="utf-8", newline="") as fh:
        fh.write("\n".join(lines))
    return old


def proposed_slug(settings, original, translation) -> str | None:
    """The slug the translated title gives, when the translation has no 'Slug:' line
    and its title differs from the original's (None otherwise)."""
    if translation.has("slug") or not translation.title or translation.title == original.title:
        return None
    proposed = make_slug(translation.title, settings)
    return proposed if proposed and proposed != translation.slug else None


def translation_done(settings, ctx, scan, slug, lang, kind=None):
    """Record the original's current fingerprint in a translation: (path, old, new)."""
    original, translation = find_translation(scan, slug, lang, kind)
    _, marker = src_mod.split_marker(translation.body)
    if marker is not None:
        raise ScaffoldError(
            f"{translation.display}:{translation.body_line + marker}: the original text is still "
            "below the translator's marker; translate it, delete the marker line and everything "
            "below it, then run this again")
    new = src_mod.fingerprint(original)
    old = translation.recorded_fingerprint
    if old != new:
        record_fingerprint(translation, new)
    return translation.display, old, new
