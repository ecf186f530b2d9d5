"""Rules across files: one implementation for `make lint` and the build (languages,
duplicate slugs and translation keys, orphan translations, links to unpublished files)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .. import sources as src_mod
from .base import ERROR, WARNING, Problem, _problem
from .body import translation_image_alt
from .links import links
from .metadata import unknown_language


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
