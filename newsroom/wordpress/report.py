"""The import's report, as printed by `newsroom import-wordpress`."""

from __future__ import annotations

import os
from collections import Counter

from . import plan as plan_mod
from .write import CREATED, KEPT, STALE, UNCHANGED, UPDATED

LIMIT = 30  # lines per list (missing files, skipped posts); the counts are always complete


def lines(outcome, export_path) -> list:
    plan = outcome.plan
    out = [f"import-wordpress: {os.path.relpath(export_path)}"]
    by_type = Counter()
    for (wp_type, status, lang), n in sorted(plan_mod.counts(plan).items()):
        by_type[wp_type] += n
        out.append(f"  {wp_type:5} {status:8} {lang:3} {n}")
    out.append("  total: " + (", ".join(f"{n} {t}(s)" for t, n in sorted(by_type.items())) or "nothing to import"))
    linked = plan.linked
    out.append(f"translations linked: {len(linked)} group(s), "
               f"{sum(len(g) for g in linked)} file(s)")
    if plan.skipped:
        out.append(f"skipped: {len(plan.skipped)}")
        for post_id, title, why in plan.skipped[:LIMIT]:
            out.append(f"  #{post_id} {title!r}: {why}")
        if len(plan.skipped) > LIMIT:
            out.append(f"  … and {len(plan.skipped) - LIMIT} more")
    files = Counter(outcome.files.values())
    out.append(f"files: {files[CREATED]} created, {files[UPDATED]} updated, "
               f"{files[UNCHANGED]} unchanged, {files[KEPT]} kept")
    for rel, state in sorted(outcome.files.items()):
        if state == KEPT:
            out.append(f"  kept content/{rel}: changed since the last import, not overwritten "
                       "(delete it and import again to take WordPress's version)")
        elif state == STALE:
            out.append(f"  content/{rel}: an earlier import wrote it, this export no longer "
                       "has it (deleted, renamed or made private in WordPress): delete it if so")
    if not files[CREATED] and not files[UPDATED]:
        out.append("nothing changed: content/ already matches the export")
    out.append(f"images and media: {len(outcome.media_copied)} copied into content/images/, "
               f"{len(outcome.media_missing)} missing; featured images: {outcome.featured}")
    missing = sorted(outcome.media_missing.items())
    for rel, users in missing[:LIMIT]:
        out.append(f"  missing {rel} (used by content/{users[0]}"
                   + (f" and {len(users) - 1} more" if len(users) > 1 else "")
                   + "): give UPLOADS=path/to/wp-content/uploads, or put the file there")
    if len(missing) > LIMIT:
        out.append(f"  … and {len(missing) - LIMIT} more missing file(s)")
    if outcome.shortcodes:
        out.append(f"shortcodes left as text: {sum(outcome.shortcodes.values())}")
        for name, n in outcome.shortcodes.most_common():
            where = outcome.shortcode_files.get(name, [])
            out.append(f"  [{name}] x{n} in content/{where[0]}"
                       + (f" and {len(where) - 1} more file(s)" if len(where) > 1 else ""))
    out.append(f"redirects: {outcome.redirects} old URL(s) in content/redirects.txt")
    for key, folder in outcome.unread_folders:
        out.append(f"the build does not read content/{folder}/ yet: add {folder!r} to {key} in "
                   "pelicanconf.py")
    if outcome.taxonomy_snippet:
        out.append(f"category and tag translations, written to {os.path.relpath(outcome.taxonomy_path)}:")
        out.extend("  " + line for line in outcome.taxonomy_snippet.rstrip().split("\n"))
    out.append("next: make lint (categories outside EDITORIAL['categories'], images without alt "
               "text…), make status, make html")
    return out
