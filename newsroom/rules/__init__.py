"""Content rules: one implementation for `make lint` and for the build.

Each rule is a pure function of a parsed source (``newsroom.sources.Source``:
path, metadata with line numbers, body) and returns Problems that print as
``path:line: message (how to fix)``. `newsroom lint` runs them all. The build
runs the same functions: the multilingual plugin logs ``unknown_language``,
``duplicate_slug``, ``duplicate_key`` and ``orphan_translation`` (translations are
grouped by ``Source.translation_key``, URLs by slug), the strict plugin
``invalid_date`` (when Pelican cannot read a file), and the editorial plugin
the rules in ``BUILD_RULES``. So a message reads the same in both.

The rules by concern, one module each (every name is importable from
``newsroom.rules``): ``base`` (Problem, RuleContext), ``characters`` (bytes and
characters), ``metadata`` (metadata lines), ``body`` (the text, its images),
``links`` (files a source names, files out of place), ``collection`` (across
files). This module lists the rules ``make lint`` and the build run.
"""

from __future__ import annotations

from .base import (DATE_KEYS, ERROR, ISO_EXAMPLE, STATUSES, WARNING, Problem,
                   RuleContext)
from .body import (images_without_alt, image_problems, inline_code,
                   third_party_resources, too_deep, translation_image_alt)
from .characters import (MAX_SOURCE_BYTES, NAME_KEYS, character_name,
                         control_characters, empty_file, invisible_characters, invisible_in,
                         no_text, not_text, strip_invisible, too_large)
from .collection import (ON_SITE, Member, check_collection, duplicate_key,
                         duplicate_slug, established, links_to_unpublished, orphan_translation,
                         resolve_collection)
from .links import (content_paths, in_static_paths, link_target, links,
                    missing_link_targets, outside_paths, paths_outside_content,
                    static_file_outside, static_files)
from .metadata import (duplicate_fields, invalid_correction, invalid_date,
                       invalid_slug, invalid_status, language_mismatch, leftover_original,
                       local_time_clash, missing_metadata, modified_before_date,
                       summary_text, summary_too_long, unknown_category, unknown_language)

__all__ = ["BUILD_RULES", "character_name", "check_collection", "check_file", "content_paths",
           "control_characters", "DATE_KEYS", "duplicate_fields", "duplicate_key",
           "duplicate_slug", "empty_file", "ERROR", "established", "FILE_RULES",
           "image_problems", "images_without_alt", "in_static_paths", "inline_code",
           "invalid_correction", "invalid_date", "invalid_slug", "invalid_status",
           "invisible_characters", "invisible_in", "ISO_EXAMPLE", "language_mismatch",
           "leftover_original", "link_target", "links", "links_to_unpublished", "lint",
           "local_time_clash", "MAX_SOURCE_BYTES", "Member", "missing_link_targets",
           "missing_metadata", "modified_before_date", "NAME_KEYS", "no_text", "not_text",
           "ON_SITE", "orphan_translation", "outside_paths", "paths_outside_content",
           "Problem", "resolve_collection", "RuleContext", "static_file_outside",
           "static_files", "STATUSES", "strip_invisible", "summary_text", "summary_too_long",
           "third_party_resources", "too_deep", "too_large", "translation_image_alt",
           "unknown_category", "unknown_language", "unreadable", "WARNING"]


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
