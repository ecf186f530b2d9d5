"""`newsroom import-wordpress`: read the export twice (light, then bodies), write aside,
move in, report.

The first reading keeps only what is needed to plan (ids, types, statuses,
languages, translation groups, slugs, dates, links, attachments); the second
converts one body at a time and writes it to the stage, so memory stays flat
however large the export is.
"""

from __future__ import annotations

import os
import pprint
from collections import Counter
from dataclasses import dataclass, field

from .. import sources as src_mod
from . import convert, document, plan as plan_mod, wxr
from .write import CREATED, KEPT, UNCHANGED, UPDATED, Stage

REDIRECTS_FILE = "redirects.txt"
TAXONOMY_FILE = "wordpress_taxonomy.py"


class ImportFailed(Exception):
    """The import stopped and wrote nothing; the message says why and what to do."""


@dataclass
class Outcome:
    plan: plan_mod.Plan
    files: dict  # rel -> created/updated/unchanged/kept
    media_copied: list = field(default_factory=list)
    media_missing: dict = field(default_factory=dict)  # rel under uploads -> [post rel]
    shortcodes: Counter = field(default_factory=Counter)
    shortcode_files: dict = field(default_factory=dict)  # name -> [rel]
    featured: int = 0
    taxonomy_snippet: str = ""
    taxonomy_path: str = ""
    redirects: int = 0
    unread_folders: list = field(default_factory=list)  # folders outside ARTICLE/PAGE_PATHS


def run(export_path, settings, content_root, lang=None, uploads=None) -> Outcome:
    if not os.path.isfile(export_path):
        raise ImportFailed(f"no file {export_path!r} (give the WordPress export: WXR=export.xml)")
    if uploads and not os.path.isdir(uploads):
        raise ImportFailed(f"UPLOADS={uploads!r} is not a folder (give your copy of "
                           "wp-content/uploads)")
    languages = tuple(settings.get("LANGUAGES") or [settings.get("DEFAULT_LANG", "en")])
    if lang and lang not in languages:
        raise ImportFailed(f"LANG={lang!r} is not in LANGUAGES {list(languages)}")
    items = []
    try:
        channel = wxr.read(export_path, items.append, with_content=False)
    except wxr.WXRError as exc:
        raise ImportFailed(str(exc)) from None
    plan = plan_mod.make_plan(items, channel, settings, lang)
    del items
    media = convert.Media(plan.attachments, plan.uploads_prefixes, uploads)
    stage = Stage(content_root)
    try:
        outcome = Outcome(plan, {})
        translations = []

        def on_item(item):
            entry = plan.entries.get(item.post_id)
            if entry is None:
                return
            text = _document(item, entry, plan, media, outcome)
            stage.write_text(entry.rel, text)
            if not entry.original:
                translations.append(entry)

        try:
            wxr.read(export_path, on_item)
        except wxr.WXRError as exc:  # the file changed between the two readings
            raise ImportFailed(str(exc)) from None
        _record_fingerprints(stage, plan, translations, settings)
        for rel, found in sorted(media.images.items()):
            if found:
                stage.copy(f"images/{rel}", os.path.join(uploads, rel))
                outcome.media_copied.append(rel)
        outcome.redirects = _write_redirects(stage, plan)
        outcome.files = stage.commit()
    finally:
        stage.discard()
    outcome.unread_folders = unread_folders(plan, settings)
    if plan.taxonomy:
        outcome.taxonomy_snippet = ("# I18N_TAXONOMY from the WordPress import (term translations);\n"
                                    "# merge it into I18N_TAXONOMY in pelicanconf.py\n"
                                    f"I18N_TAXONOMY = {pprint.pformat(plan.taxonomy, width=88)}\n")
        outcome.taxonomy_path = os.path.join(os.path.dirname(os.path.abspath(content_root)),
                                             TAXONOMY_FILE)
        with open(outcome.taxonomy_path, "w", encoding="utf-8") as fh:
            fh.write(outcome.taxonomy_snippet)
    return outcome


def _document(item, entry, plan, media, outcome) -> str:
    result = convert.convert(item.content, media)
    for name in result.unknown_shortcodes:
        outcome.shortcodes[name] += 1
        outcome.shortcode_files.setdefault(name, [])
        if entry.rel not in outcome.shortcode_files[name]:
            outcome.shortcode_files[name].append(entry.rel)
    for rel in result.images:
        if not media.found(rel):
            _missing(outcome, rel, entry.rel)
    categories = [name for _, name in item.terms_in("category")]
    if len(categories) > 1:
        categories = [c for c in categories if c.lower() not in ("uncategorized", "non classé")] or categories
    tags = [name for _, name in item.terms_in("post_tag")] + categories[1:]
    authors = [plan.authors.get(item.creator, item.creator)] if item.creator else []
    image = alt = ""
    thumbnail = item.meta.get("_thumbnail_id", "").strip()
    if thumbnail.isdigit() and int(thumbnail) in plan.attachments:
        url, alt = plan.attachments[int(thumbnail)]
        rel = media.local(url)
        if rel is not None and media.found(rel):
            image = f"images/{rel}"
            outcome.featured += 1
        elif rel is not None:
            _missing(outcome, rel, entry.rel)
    title = document.one_line(item.title) or entry.slug
    fields = [("Title", title), ("Date", entry.date)]
    if entry.kind == "article":
        fields += [("Category", categories[0] if categories else ""),
                   ("Tags", document.name_list(tags)),
                   ("Authors", document.name_list(authors))]
    fields.append(("Summary", convert.plain_text(item.excerpt)))
    if entry.slug != entry.key:
        fields.append(("Slug", entry.slug))
    if not entry.original:
        fields.append(("Translation", "true"))
    if entry.draft:
        fields.append(("Status", "draft"))
    if image:
        fields += [("Image", image), ("ImageAlt", alt)]
    fields.append(("WordPress-Id", str(item.post_id)))
    return document.render(fields, result.markdown)


def unread_folders(plan, settings) -> list:
    """Folders the import wrote to that the build does not read (ARTICLE_PATHS, PAGE_PATHS)."""
    def covered(folder, paths):
        return any(p in ("", ".") or folder == p.strip("/") or folder.startswith(p.strip("/") + "/")
                   for p in paths)
    folders = set()
    for entry in plan.entries.values():
        folder = entry.rel.rsplit("/", 1)[0]
        key = "PAGE_PATHS" if entry.kind == "page" else "ARTICLE_PATHS"
        if not covered(folder, settings.get(key) or []):
            folders.add((key, folder))
    return sorted(folders)


def _missing(outcome, rel, user):
    users = outcome.media_missing.setdefault(rel, [])
    if user not in users:
        users.append(user)


def _record_fingerprints(stage, plan, translations, settings):
    """``Translation-Of: <fingerprint>`` of its original in each translation: `make status`
    then says it is up to date, and outdated once the original is edited."""
    originals = {}
    for entry in translations:
        group = plan.groups[entry.group]
        original = next(e for e in group.values() if e.original)
        if original.rel not in originals:
            text = stage.read_text(original.rel)
            fields, duplicates, body, body_line, header_end = src_mod.parse(text)
            originals[original.rel] = src_mod.fingerprint(
                src_mod.Source(original.rel, fields, body, body_line))
        text = stage.read_text(entry.rel)
        text = document.set_field(text, "Translation-Of", originals[original.rel], "Translation")
        with open(stage.target(entry.rel), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def _write_redirects(stage, plan) -> int:
    """``content/redirects.txt``: each old URL and the source it now lives in."""
    lines = ["# Old WordPress URLs and the file each now lives in (written by",
             "# `newsroom import-wordpress`; the redirects plugin turns them into _redirects,",
             "# an nginx map and redirect pages in publish builds). Add your own lines:",
             "#   /old/path/   {filename}/2024/new-slug.fr.md   (or a site path: /new/path/)",
             ""]
    count = 0
    for entry in sorted(plan.entries.values(), key=lambda e: e.post_id):
        for old in entry.old_urls:
            lines.append(f"{old}\t{{filename}}/{entry.rel}")
            count += 1
    if count:
        stage.write_text(REDIRECTS_FILE, "\n".join(lines) + "\n")
    return count


__all__ = ["run", "ImportFailed", "Outcome", "CREATED", "UPDATED", "UNCHANGED", "KEPT"]
