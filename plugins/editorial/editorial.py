"""editorial: what editors need from the build.

* Drafts (``Status: draft``) and scheduled articles (dated after "now") are
  left out of publish builds entirely (so of feeds, sitemaps and search);
  preview builds write them under drafts/ with a "Draft" / "Scheduled for …"
  banner.
* The content rules the other plugins do not check (``newsroom.rules.BUILD_RULES``:
  missing metadata, images without alt text, broken ``{filename}`` links, summary
  length, closed categories …) are logged with the same text as `make lint`:
  errors fail a strict build, a preview goes on.
* A translation whose original changed since (``newsroom.status``) shows
  readers a notice linking to the original.
* Preview builds write the translation status page (``EDITORIAL['status_url']``).
* Under `newsroom serve` (``EDITORIAL['live']``) pages get the reload script and
  the build's problems are reported to the server.

Settings: ``EDITORIAL`` (defaults and validation: ``newsroom.config``).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from jinja2 import pass_context
from pelican.contents import Article, Page
from pelican.generators import Generator

from newsroom import config as config_mod
from newsroom import buildstate, phases, rules, sources, status
from newsroom.build import BuildOnly, Problems

logger = logging.getLogger(__name__)

LIVE_SCRIPT = "livereload.js"  # theme/static/js/, injected by partials/editorial.html


@dataclass
class Notes:
    """What templates show about an article or page (``item.editorial``)."""

    state: str | None = None  # "draft" or "scheduled" (preview builds only)
    outdated: bool = False  # a translation whose original changed since
    original: object = None  # the original's article/page, for translations


@dataclass
class EditorialState:
    """Per-build state (its slot in ``newsroom.buildstate``)."""

    ctx: rules.RuleContext
    left_out: list = field(default_factory=list)  # (state, source path) in publish builds
    rows: list = field(default_factory=list)  # newsroom.status rows


def _state(context) -> EditorialState:
    return buildstate.of(context).get(EditorialState)


class Recorder(BuildOnly, Problems):
    """Collects a live build's warnings and errors for `newsroom serve` (a slot in
    ``newsroom.buildstate``)."""


def configure(pelican):
    """Validate EDITORIAL once; in live mode, start recording problems."""
    settings = pelican.settings
    settings["EDITORIAL"] = config = config_mod.validate(settings)
    if not config["live"]:
        # Pelican copies every theme static file; the reload script only belongs
        # in `newsroom serve` builds (where asset() writes it), never elsewhere.
        settings["IGNORE_FILES"] = [*settings.get("IGNORE_FILES", []), LIVE_SCRIPT]
    else:
        recorder = Recorder()
        logging.getLogger().addHandler(recorder)
        buildstate.of(settings).put(recorder)


@pass_context
def editorial_datetime(ctx, value):
    """Date and time in the page's language ("24 novembre 2026 à 09:30")."""
    page = ctx.get("i18n")
    code = page.code if page is not None else ctx.get("DEFAULT_LANG", "en")
    locale = Locale.parse(code.replace("-", "_"))
    date = format_date(value, "long", locale=locale)
    time = format_time(value, "short", tzinfo=value.tzinfo, locale=locale)
    # CLDR's way of joining them ("{1} 'à' {0}"); quotes mark literal text.
    return str(locale.datetime_formats["long"]).replace("'", "").format(time, date)


def attach(generator):
    build = buildstate.of(generator.context)
    if build.get(EditorialState) is None:
        settings = generator.settings
        build.put(EditorialState(rules.RuleContext.from_settings(settings, settings["EDITORIAL"])))
    generator.env.filters["editorial_datetime"] = editorial_datetime


def classify(generator, metadata):
    """Before Pelican makes the article or page: drafts and scheduled posts.

    Publish builds skip them (status "skip": never read further, never written);
    preview builds make them drafts, so they go to drafts/ and no listing.
    """
    settings = generator.settings
    config = settings["EDITORIAL"]
    date = metadata.get("date")
    if date is not None and getattr(date, "tzinfo", True) is None:
        date = date.replace(tzinfo=ZoneInfo(metadata.get("timezone") or settings["TIMEZONE"]))
    state = sources.publication_state(str(metadata.get("status") or ""), date,
                                      config_mod.now(config))
    if state not in ("draft", "scheduled"):
        return
    if not config["preview"]:
        metadata["status"] = "skip"
        _state(generator.context).left_out.append(state)
        return
    metadata["status"] = "draft"
    metadata["editorial_state"] = state


def check_source(doc):
    """Document step: the build's share of the content rules, where the source is read.

    Runs in the pipeline's worker processes, in parallel; the problems travel
    back as notes and are logged (and counted by strict builds) in the build.
    """
    path = doc.path
    if not path.lower().endswith(sources.MARKDOWN_EXTENSIONS) or not os.path.isfile(path):
        return
    settings = doc.settings
    ctx = rules.RuleContext.from_settings(settings, settings["EDITORIAL"])
    source = doc.source  # parsed from the bytes Markdown converts: the file is read once
    for problem in rules.check_file(source, ctx, only=rules.BUILD_RULES):
        (doc.error if problem.severity == rules.ERROR else doc.warning)(str(problem))
    for _, _, _, target in rules.links(source):  # missing_link_targets looked for them
        doc.depends_on(target)
    doc.metadata["editorial_checked"] = True


def check_content(instance):
    """Run the build's share of the content rules on each article and page read
    (unless the pipeline step already did, where the source was read)."""
    if not isinstance(instance, (Article, Page)):
        return
    instance.editorial = Notes(state=getattr(instance, "editorial_state", None))
    path = instance.source_path
    if not path or not path.lower().endswith(sources.MARKDOWN_EXTENSIONS) or not os.path.isfile(path):
        return
    # A translation scaffold: what is below the translator's marker is the
    # original, kept for reference, never published.
    match = sources.MARKER_HTML_RE.search(instance._content or "")
    if match:
        instance._content = instance._content[: match.start()]
    settings = instance.settings
    state = buildstate.of(instance._context).get(EditorialState) if instance._context else None
    ctx = state.ctx if state else rules.RuleContext.from_settings(settings, settings["EDITORIAL"])
    if instance.metadata.get("editorial_checked"):
        return
    for problem in rules.check_file(sources.of_item(instance), ctx, only=rules.BUILD_RULES):
        if problem.severity == rules.ERROR:
            logger.error("%s", problem)
        else:
            logger.warning("%s", problem)


def _items(context):
    for key in ("articles", "hidden_articles", "drafts", "pages", "hidden_pages", "draft_pages"):
        yield from context.get(key) or []


class EditorialGenerator(Generator):
    """Runs after articles and pages: translation freshness, status page."""

    #: Writes the status page from the items (newsroom/phases.py); its arguments are
    #: made from every source, so page builds ask ``refresh_after_edit``.
    preview_role = phases.PAGES

    def translation_group(self, paths):
        """{path: recorded fingerprint or None} of every source in the status rows
        (one per kind and translation key) of the sources ``paths``, items or not (a
        source that failed to read is in its row): what follows an edit to one."""
        group = {}
        for row in _state(self.context).rows:
            members = {cell.source.path: cell.recorded for cell in row.cells.values()
                       if cell.source is not None}
            if paths & members.keys():
                group.update(members)
        return group

    def refresh_after_edit(self):
        """The translation status and notes again, from the sources as they are now
        (the preview, after reading edited ones again): True if what the status page
        shows of its rows changed."""
        def shown():
            return [(row.kind, row.slug, row.title,
                     [(lang, cell.state, cell.publication) for lang, cell in row.cells.items()])
                    for row in _state(self.context).rows]

        before = shown()
        self.generate_context()
        return shown() != before

    def generate_context(self):
        state = _state(self.context)
        config = self.settings["EDITORIAL"]
        # The sources the build read are not read again (one content model).
        known = buildstate.of(self.settings).sources
        scan = sources.scan(self.settings, known=known)
        state.rows = status.translation_status(scan.sources, state.ctx)
        by_path = {os.path.abspath(item.source_path): item for item in _items(self.context)}
        for row in state.rows:
            original = by_path.get(row.original.path) if row.original else None
            for cell in row.cells.values():
                item = by_path.get(cell.source.path) if cell.source is not None else None
                if item is None or cell.source is row.original:
                    continue
                notes = getattr(item, "editorial", None) or Notes()
                notes.original = original
                notes.outdated = cell.state == status.OUTDATED
                item.editorial = notes
        if state.left_out:
            logger.info("editorial: %d draft(s) and %d scheduled item(s) left out of this "
                        "publish build", state.left_out.count("draft"),
                        state.left_out.count("scheduled"))

    def status_rows(self):
        """The status table with the URLs of this build."""
        state = _state(self.context)
        by_path = {os.path.abspath(item.source_path): item for item in _items(self.context)}
        rows = []
        for row in state.rows:
            cells = []
            for lang, cell in row.cells.items():
                item = by_path.get(cell.source.path) if cell.source is not None else None
                cells.append({"lang": lang, "state": cell.state,
                              "publication": cell.publication if cell.source else None,
                              "url": item.url if item is not None else None,
                              "path": cell.source.rel if cell.source else None})
            rows.append({"kind": row.kind, "slug": row.slug, "title": row.title, "cells": cells})
        return rows

    def generate_output(self, writer):
        config = self.settings["EDITORIAL"]
        url = config["status_url"]
        if not config["preview"] or not url:
            return  # never in publish builds
        default = self.settings["DEFAULT_LANG"]
        rows = self.status_rows()
        pending = [item for item in _items(self.context)
                   if getattr(getattr(item, "editorial", None), "state", None)]
        pending.sort(key=lambda i: (getattr(i, "date", None) is None, str(getattr(i, "date", "")), i.url))
        totals = status.counts(_state(self.context).rows)
        writer.write_file(
            url + "index.html", self.get_template("translation_status"), self.context,
            self.settings["RELATIVE_URLS"], url=url, template_name="translation_status",
            page_name=url + "index", i18n_lang=default, i18n_group={default: url},
            editorial_rows=rows, editorial_pending=pending, editorial_totals=totals,
        )


def editorial_generator(pelican):
    return EditorialGenerator


def report(pelican):
    """Live builds: hand this build's warnings and errors to `newsroom serve`."""
    settings = pelican.settings
    recorder = buildstate.of(settings).pop(Recorder)
    if recorder is None:
        return
    logging.getLogger().removeHandler(recorder)
    path = settings["EDITORIAL"].get("live_report")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump({"errors": recorder.errors, "warnings": recorder.warnings}, fh,
                      ensure_ascii=False)


def register():
    phases.build_started.connect(configure)
    phases.connect_step(check_source, phases.PRIORITY["content_rules"])
    phases.on("generator_init", attach)
    phases.on("article_generator_context", classify)
    phases.on("page_generator_context", classify)
    phases.on("content_object_init", check_content)
    phases.on("get_generators", editorial_generator)
    phases.pages_written.connect(report)
