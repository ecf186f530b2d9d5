"""The web editor (Decap CMS): its configuration, made from the settings, and `make cms`.

- ``editor_config``: Decap's configuration from pelicanconf.py (LANGUAGES,
  EDITORIAL["categories"] with their I18N_TAXONOMY names, TIMEZONE, the URL
  patterns), never hand-kept. `newsroom cms-config` prints it.
- ``Admin``: what the preview server serves under /admin/: the editor page, the
  pinned Decap bundle (node_modules/.decap-cms/<version>/, checked by
  cms/fetch-decap.mjs), the "pelican" format (cms/pelican-format.js), the
  configuration, and /admin/api/v1, passed on to decap-server after the kit's
  own checks (``prepare_save``).
- ``run``: `newsroom cms` (make cms): decap-server on 127.0.0.1 and the live
  preview (newsroom/serve.py) with /admin/ mounted; both stop together.

Decap 3.16.3 limits worked around here (see /work/shared/notes/web-editor.md):
a folder collection has no pattern filter (one collection per year folder);
``i18n: duplicate`` is refused on list widgets; the format does not know the
language it writes (``prepare_save`` adds ``Translation: true`` and the
original's fingerprint to a new language version, server side, with the one
content model); an article that exists in one language only cannot be edited in
an i18n collection (the "each language file" collections can).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

from . import rules, status
from . import sources as src_mod

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(HERE)
CMS_DIR = os.path.join(PROJECT, "cms")
ADMIN_URL = "/admin/"
API_PATH = ADMIN_URL + "api/v1"
#: What /admin/ may load: its own files (the bundle, the format), the preview's CSS
#: and images, the API on the same origin. Decap's styles are injected at run time
#: (emotion: 'unsafe-inline' styles); its preview pane is an iframe of the same origin;
#: it checks its configuration with ajv, which compiles the schema with new Function
#: ('unsafe-eval': the editor's page only, never the readers').
ADMIN_CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
             "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; "
             "connect-src 'self' blob:; frame-src 'self' blob:; worker-src 'self' blob:; "
             "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


def bundle_dir() -> str:
    """Folder of the pinned, verified Decap bundle (make cms-install puts it there)."""
    with open(os.path.join(CMS_DIR, "decap.json"), encoding="utf-8") as fh:
        pin = json.load(fh)
    return os.path.join(PROJECT, "node_modules", ".decap-cms", pin["version"])


# -- configuration --------------------------------------------------------------

def _decap_path(pattern: str) -> str:
    """A Pelican URL pattern as a Decap preview_path ({date:%Y}/{slug}/ → {{year}}/{{slug}}/)."""
    for pelican, decap in (("{date:%Y}", "{{year}}"), ("{date:%m}", "{{month}}"),
                           ("{date:%d}", "{{day}}"), ("{slug}", "{{slug}}"), ("{lang}", "{{locale}}")):
        pattern = pattern.replace(pelican, decap)
    return pattern


def category_options(ctx) -> list:
    """The closed list of categories, each with its names in the other languages."""
    options = []
    for name in ctx.categories or ():
        others = [f"{lang}: {ctx.taxonomy_name(lang, name)}" for lang in ctx.languages
                  if lang != ctx.default_lang and ctx.taxonomy_name(lang, name) != name]
        options.append({"label": f"{name} ({', '.join(others)})" if others else name,
                        "value": name})
    return options


def fields(ctx, kind: str, summary_max=None, content="content") -> list:
    """Decap fields of an article or a page. ``i18n: true``: written in each language;
    ``duplicate``: the original's value, copied into every language version."""
    tz = ctx.tz.key if hasattr(ctx.tz, "key") else str(ctx.tz)
    date_format = {"format": "YYYY-MM-DDTHH:mm:ssZ", "date_format": "YYYY-MM-DD",
                   "time_format": "HH:mm", "picker_utc": False}
    out = [
        {"name": "__problem", "label": "File and translations", "widget": "pelican-problem", "required": False,
         "i18n": True},
        {"name": "title", "label": "Title", "widget": "string", "i18n": True},
        {"name": "__translation_done", "label": "Translation matches its original now",
         "widget": "boolean", "i18n": True, "required": False, "default": False,
         "hint": "Translations only: tick it once this language is up to date with the "
                 "original (as `make translation-done`), then save."},
    ]
    if kind == "article":
        out += [
            {"name": "date", "label": "Date", "widget": "datetime", "i18n": "duplicate",
             **date_format,
             "hint": f"Saved in {tz} time (the site's TIMEZONE). A date in the future schedules "
                     "the article: it goes live at that time, if its status is Published."},
            {"name": "status", "label": "Status", "widget": "select", "i18n": True,
             "required": False, "default": "draft",
             "options": [{"label": "Draft (not on the site)", "value": "draft"},
                         {"label": "Published (or scheduled, with a future date)",
                          "value": "published"}],
             "hint": "Each language has its own status."},
        ]
        category = {"name": "category", "label": "Category", "i18n": "duplicate",
                    "hint": "Written in each language's name (I18N_TAXONOMY) when saved."}
        if ctx.categories:
            category.update(widget="select", options=category_options(ctx))
        else:
            category.update(widget="string")
        out += [
            category,
            {"name": "tags", "label": "Tags", "widget": "list", "i18n": True, "required": False,
             "hint": "Comma-separated, in this language."},
            # a string: Decap refuses i18n "duplicate" on a list widget
            {"name": "authors", "label": "Authors", "widget": "string", "i18n": "duplicate",
             "required": False, "hint": "Comma-separated."},
        ]
    summary = {"name": "summary", "label": "Summary", "widget": "text", "i18n": True,
               "required": False, "hint": "One or two sentences."}
    if summary_max:
        summary["pattern"] = [rf"^[\s\S]{{0,{int(summary_max)}}}$",
                              f"At most {int(summary_max)} characters"]
        summary["hint"] += f" At most {int(summary_max)} characters."
    out.append(summary)
    if kind == "article":
        min_width = (ctx.images or {}).get("min_width")
        out += [
            {"name": "image", "label": "Lead image", "widget": "image", "i18n": "duplicate",
             "required": False, "choose_url": False,
             "media_folder": f"/{content}/images/lead", "public_folder": "images/lead",
             "hint": "JPEG, PNG or WebP" + (f", at least {min_width} pixels wide" if min_width
                                           else "") + ". Its derivatives are made by the build."},
            {"name": "imagealt", "label": "Lead image: alt text", "widget": "string",
             "i18n": True, "required": False,
             "hint": "What the image shows, in this language. Required with a lead image."},
            {"name": "imagecaption", "label": "Lead image: caption", "widget": "string",
             "i18n": True, "required": False},
            {"name": "imagecredit", "label": "Lead image: credit", "widget": "string",
             "i18n": "duplicate", "required": False},
            {"name": "imagefocus", "label": "Lead image: focus point", "widget": "string",
             "i18n": "duplicate", "required": False,
             "pattern": [r"^\s*$|^\s*\d{1,3}\s*%?\s*[ ,]\s*\d{1,3}\s*%?\s*$",
                         "Two percentages, across then down, e.g. 30% 40%"],
             "hint": "Where social cards are cut from: across then down, e.g. 30% 40%."},
            {"name": "modified", "label": "Modified (date of an update)", "widget": "datetime",
             "i18n": True, "required": False, **date_format,
             "hint": "Shows 'Updated …' on the article."},
            {"name": "correction", "label": "Corrections", "widget": "list", "i18n": True,
             "required": False, "field": {"name": "text", "label": "Correction", "widget": "string"},
             "hint": "One per line, e.g. 2026-11-12: The figure was 40 %, not 14 %."},
        ]
    out += [
        {"name": "slug", "label": "Slug of this language's URL (optional)", "widget": "string",
         "i18n": True, "required": False,
         "hint": "Empty: the file name's. Letters, digits and hyphens."},
        {"name": "body", "label": "Text (Markdown)", "widget": "markdown", "modes": ["raw"],
         "i18n": True, "required": False},
    ]
    return out


def article_folders(ctx, settings=None) -> list:
    """Folders (relative to the content folder) holding articles, newest year first:
    every folder with Markdown sources outside the pages, the excluded and the static
    folders, and this year's (where a new article goes). Decap has one collection per
    folder (its filter has no pattern)."""
    settings = settings or {}
    skip = {p.strip("/") for p in (*ctx.page_paths, *(settings.get("ARTICLE_EXCLUDES") or ()),
                                    *(settings.get("STATIC_PATHS") or ())) if p.strip("/")}
    found = {str(ctx.now.astimezone(ctx.tz).year)}
    for dirpath, dirs, files in os.walk(ctx.root):
        rel = os.path.relpath(dirpath, ctx.root).replace(os.sep, "/")
        dirs[:] = [d for d in dirs if not d.startswith(".")
                   and (d if rel == "." else f"{rel}/{d}") not in skip]
        if rel != "." and any(f.lower().endswith(src_mod.MARKDOWN_EXTENSIONS) for f in files):
            found.add(rel)
    years = sorted((f for f in found if re.fullmatch(r"\d{4}", f)), reverse=True)
    return years + sorted(f for f in found if f not in years)


def editor_config(settings, ctx, repo=".", *, local_backend: str | None = API_PATH,
                  workflow=False, backend: dict | None = None, site_url: str | None = None) -> dict:
    """Decap's configuration (a dict; Decap reads it as YAML, JSON being YAML); paths
    relative to ``repo``, the folder decap-server (or the git backend) works in."""
    content = os.path.relpath(ctx.root, os.path.abspath(repo)).replace(os.sep, "/")
    editorial = settings.get("EDITORIAL") or {}
    i18n = {"structure": "multiple_files", "locales": list(ctx.languages),
            "default_locale": ctx.default_lang}
    config = {
        "backend": backend or {"name": "git-gateway", "branch": "main"},
        "media_folder": f"{content}/images",
        "public_folder": "images",
        "i18n": i18n,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [],
    }
    if local_backend:
        config["local_backend"] = {"url": local_backend}
    if workflow:
        config["publish_mode"] = "editorial_workflow"
    if site_url:
        config["site_url"] = site_url
    article_url = _decap_path(settings.get("ARTICLE_URL", "{slug}.html"))
    summary_max = editorial.get("summary_max")
    for folder in article_folders(ctx, settings):
        config["collections"].append({
            "name": "articles-" + re.sub(r"[^A-Za-z0-9_-]", "-", folder),
            "label": f"Articles {folder}" if re.fullmatch(r"\d{4}", folder) else f"Articles: {folder}/",
            "label_singular": "Article", "folder": f"{content}/{folder}", "create": True,
            "format": "pelican", "extension": "md", "slug": "{{slug}}",
            "identifier_field": "title", "summary": "{{title}}",
            "sortable_fields": ["date", "title"],
            "preview_path": article_url, "preview_path_date_field": "date",
            "i18n": True, "fields": fields(ctx, "article", summary_max, content),
        })
    page_url = _decap_path(settings.get("PAGE_URL", "{slug}.html"))
    for folder in ctx.page_paths:
        folder = folder.strip("/")
        config["collections"].append({
            "name": f"pages-{folder}".rstrip("-") if folder != "pages" else "pages",
            "label": "Pages", "label_singular": "Page", "folder": f"{content}/{folder}",
            "create": True, "format": "pelican", "extension": "md", "slug": "{{slug}}",
            "identifier_field": "title", "preview_path": page_url,
            "i18n": True, "fields": fields(ctx, "page", summary_max, content),
        })
    # One language file at a time: an article that exists in one language only
    # (Decap's i18n collections need the default language's file to open it).
    for collection in list(config["collections"]):
        single = {k: v for k, v in collection.items() if k not in ("i18n", "preview_path",
                                                                   "preview_path_date_field")}
        single.update(name=collection["name"] + "-files", create=False,
                      label=collection["label"] + " (each language file)",
                      summary="{{title}} ({{slug}})",
                      fields=[_one_language(f) for f in collection["fields"]])
        config["collections"].append(single)
    return config


def _one_language(field: dict) -> dict:
    """A field of a one-language-file collection: no i18n; the category typed as written
    (the form does not know the file's language, so it offers no one language's list)."""
    field = {k: v for k, v in field.items() if k != "i18n"}
    if field["name"] == "category" and field.get("widget") == "select":
        names = "; ".join(option["label"] for option in field.pop("options"))
        field.update(widget="string", hint=f"In this file's language: {names}.")
    return field


def field_names(config) -> list:
    """Every field name the editor's widgets own (the format needs them: a key missing
    from an entry is a field emptied in the editor)."""
    return sorted({f["name"] for c in config["collections"] for f in c["fields"]
                   if not f["name"].startswith("__") and f["name"] != "body"})


# -- saving: the kit's rules on what the editor writes ---------------------------------

class SaveRefused(ValueError):
    """A save the kit refuses; the message names the file and what to do."""


def _with_line(text: str, key: str, value: str) -> str:
    """``text`` with ``Key: value`` set in its header (replacing the line, or appended to it)."""
    fields, _dups, _body, _line, header_end = src_mod.parse(text)
    lines = text.split("\n")
    found = fields.get(key.lower())
    if found is not None:
        start = found.line - 1
        lines[start:start + len(found.lines)] = [f"{found.key}: {value}"]
        return "\n".join(lines)
    at = header_end - 1 if header_end and header_end <= len(lines) and not lines[header_end - 1].strip() \
        else header_end
    lines.insert(max(at, 0), f"{key}: {value}")
    return "\n".join(lines)


def _without_line(text: str, key: str) -> str:
    fields, *_ = src_mod.parse(text)
    found = fields.get(key.lower())
    if found is None:
        return text
    lines = text.split("\n")
    del lines[found.line - 1:found.line - 1 + len(found.lines)]
    return "\n".join(lines)


def _in_site_zone(raw: str, source, on_disk, tz) -> str:
    """A Date or Modified set in the editor, written in the site's TIMEZONE: the browser
    writes its own zone's offset (the same moment; the file reads as the site's time)."""
    for key in ("date", "modified"):
        value = (source.get(key) or "").strip()
        if not value or (on_disk is not None and (on_disk.get(key) or "").strip() == value):
            continue  # unchanged lines stay as written
        try:
            moment, had_offset = src_mod.parse_date(value, tz)
        except ValueError:
            continue  # invalid_date says it
        local = moment.astimezone(tz).isoformat(timespec="seconds")
        if had_offset and local != value:
            raw = _with_line(raw, source.fields[key].key, local)
    return raw


#: Fields copied from the original into every language version by the editor
#: (i18n: duplicate): a translation that did not have one keeps inheriting it.
DUPLICATED = ("date", "authors", "image", "imagecredit", "imagefocus")
#: The line the format writes when "translation matches its original" is ticked.
DONE_KEY = "newsroom-translation-done"
#: Errors that refuse a save (the kit's own rules, newsroom/rules/): what the
#: build could not read or would refuse. The others show in the preview.
SAVE_RULES = ("control_characters", "missing_metadata", "invalid_date", "unknown_category",
              "invalid_status", "invalid_correction", "summary_too_long")


def prepare_save(project, files: list, repo=".") -> list:
    """The data files of one save (``[{"path", "raw"}, …]``, paths relative to the project),
    made what the kit expects: a new language version is a translation of the original
    (``Translation: true``, the original's fingerprint in ``Translation-Of:``, as
    `newsroom translation` writes them); a category is written in the file's language;
    a field copied from the original is not added to a translation that inherited it;
    a language version with neither title nor text is not written. Raises SaveRefused.
    """
    settings, ctx = project.settings, project.ctx
    parsed = []
    for item in files:
        path = os.path.abspath(os.path.join(repo, item["path"]))
        if os.path.commonpath([path, ctx.root]) != ctx.root:
            raise SaveRefused(f"{item['path']}: outside the content folder")
        source = src_mod.source_from_bytes(path, item["raw"].encode("utf-8"), settings,
                                           ctx.root, src_mod.kind_of(path, settings))
        parsed.append((item, path, source))
    by_lang = {source.lang: source for _, _, source in parsed}
    original = by_lang.get(ctx.default_lang)
    if original is None or original.is_translation:
        original = next((s for _, _, s in parsed if not s.is_translation and os.path.exists(s.path)),
                        original)
    if original is None and parsed and parsed[0][2].is_translation:
        # one language file saved alone: its original is the default language's file beside it
        first = parsed[0][2]
        ext = os.path.splitext(first.path)[1]
        beside = os.path.join(os.path.dirname(first.path), f"{first.translation_key}.{ctx.default_lang}{ext}")
        if os.path.isfile(beside):
            original = src_mod.read_source(beside, settings, ctx.root, first.kind)
    kept = []
    for item, path, source in parsed:
        raw = item["raw"]
        done = source.has(DONE_KEY)
        if done:
            raw = _without_line(raw, DONE_KEY)
            source = src_mod.source_from_bytes(path, raw.encode("utf-8"), settings, ctx.root,
                                               source.kind)
        exists = os.path.exists(path)
        on_disk = src_mod.read_source(path, settings, ctx.root, source.kind) if exists else None
        translation = original is not None and source is not original and \
            source.lang != original.lang
        if translation and not exists and not source.title and not source.body.strip():
            continue  # a language pane left empty: no file
        raw = _in_site_zone(raw, source, on_disk, ctx.tz)
        if translation:
            if source.has("category"):
                name = ctx.taxonomy_name(source.lang, source.get("category").strip())
                if name != source.get("category").strip():
                    raw = _with_line(raw, "Category", name)
            if on_disk is None:
                recorded = src_mod.format_translation_of(
                    original.translation_key if original.translation_key != source.filename.get("slug")
                    else None, src_mod.fingerprint(original))
                raw = _with_line(_with_line(raw, "Translation", "true"), "Translation-Of", recorded)
            else:
                if done:  # the translator caught up with the original
                    key, _ = src_mod.parse_translation_of(source.get("translation-of"))
                    raw = _with_line(raw, "Translation-Of", src_mod.format_translation_of(
                        key, src_mod.fingerprint(original)))
                for key in DUPLICATED:
                    if not on_disk.has(key) and source.get(key) == original.get(key):
                        raw = _without_line(raw, key)
        checked = src_mod.source_from_bytes(path, raw.encode("utf-8"), settings, ctx.root,
                                            source.kind)
        problems = [p for p in rules.check_file(checked, ctx, only=SAVE_RULES)
                    if p.severity == rules.ERROR]
        image_from = checked if checked.has("image") else (original if translation else None)
        if image_from is not None and image_from.has("image") and not checked.has("imagealt"):
            problems.append(f"{item['path']}: the lead image needs its alt text in this "
                            f"language ({checked.lang}): fill in 'Lead image: alt text'")
        if problems:
            raise SaveRefused("; ".join(str(p) for p in problems))
        kept.append({**item, "raw": raw})
    return kept


def check_upload(project, path: str, content: str, encoding: str, repo=".") -> None:
    """An image uploaded in the editor (decap-server's persistMedia), before it is written:
    the kit's image rules (newsroom/media.py: a readable image in a format the build takes,
    within the pixel limit; a lead image at least IMAGES["min_width"] wide). Raises SaveRefused."""
    import base64
    import tempfile

    from . import media

    ctx = project.ctx
    target = os.path.abspath(os.path.join(repo, path))
    if os.path.commonpath([target, ctx.root]) != ctx.root:
        raise SaveRefused(f"{path}: outside the content folder")
    rel = os.path.relpath(target, ctx.root).replace(os.sep, "/")
    if not rel.lower().endswith(media.IMAGE_EXTENSIONS + (".svg",)):
        raise SaveRefused(f"{path}: not an image the site takes ({', '.join(media.IMAGE_EXTENSIONS)})")
    data = base64.b64decode(content) if encoding == "base64" else content.encode("utf-8")
    config = ctx.images or media.validate({})
    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, rel)
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        with open(copy, "wb") as fh:
            fh.write(data)
        if rel.startswith("images/lead/"):
            problems = media.lead_problems(rel, os.path.join(scratch, "x.md"), scratch, config)
        else:
            problems = media.body_problems("/" + rel, os.path.join(scratch, "x.md"), scratch, config)
    if problems:
        name = os.path.basename(path)
        raise SaveRefused("; ".join(f"{message.replace(copy, name).replace(os.path.relpath(copy), name)}"
                                    f" ({fix})" for message, fix in problems))


# -- serving /admin/ ------------------------------------------------------------------

STATIC_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
TYPES = {".js": "text/javascript; charset=utf-8", ".html": "text/html; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".wasm": "application/wasm",
         ".json": "application/json; charset=utf-8", ".yml": "text/yaml; charset=utf-8",
         ".txt": "text/plain; charset=utf-8"}


class Admin:
    """/admin/ on the preview's own origin (a hook of newsroom/serve.py's handler)."""

    def __init__(self, project, backend_url: str | None, repo=".", workflow=False,
                 reload_project=None):
        self.project = project
        self.repo = os.path.abspath(repo)
        self.backend_url = backend_url  # decap-server's http://127.0.0.1:PORT/api/v1
        self.workflow = workflow
        self._reload = reload_project
        self._stamp = self._settings_stamp()
        self.folders = self_folders()

    def _settings_stamp(self):
        try:
            return os.stat(self.project.settings_path).st_mtime_ns
        except (OSError, AttributeError):
            return None

    def reload_project(self):
        """The project, read again when the settings file changed (the configuration
        follows pelicanconf.py without restarting `make cms`)."""
        stamp = self._settings_stamp()
        if self._reload is not None and stamp != self._stamp:
            try:
                self.project = self._reload()
                self._stamp = stamp
            except Exception as exc:  # a settings file being edited: keep the last good one
                print(f"newsroom cms: settings not reloaded ({exc})", flush=True)
        return self.project

    def config(self) -> dict:
        project = self.reload_project()
        # git mode publishes into backend.branch (Decap's default is "master"): the
        # checkout's own branch.
        backend = {"name": "git-gateway", "branch": current_branch(self.repo)} if self.workflow \
            else None
        config = editor_config(project.settings, project.ctx, self.repo, workflow=self.workflow,
                               backend=backend)
        config["x_pelican_fields"] = field_names(config)
        config["x_pelican_lists"] = list_fields(config)
        return config

    def __call__(self, handler) -> bool:
        """Answer ``handler``'s request if it is under /admin/; False: not ours."""
        path = handler.path.split("?", 1)[0]
        if path == ADMIN_URL.rstrip("/"):
            handler.send_response(301)
            handler.send_header("Location", ADMIN_URL)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return True
        if not path.startswith(ADMIN_URL):
            return False
        name = path[len(ADMIN_URL):] or "index.html"
        if handler.command == "POST" and path == API_PATH:
            return self._api(handler)
        if handler.command not in ("GET", "HEAD"):
            return self._send(handler, 405, b"", ".txt")
        if name == "status.json":  # `make status` for the editor's pages
            project = self.reload_project()
            rows = status.translation_status(project.scan().sources, project.ctx)
            body = json.dumps(status.as_json(rows), ensure_ascii=False).encode("utf-8")
            return self._send(handler, 200, body, ".json")
        if name == "config.yml":
            body = json.dumps(self.config(), ensure_ascii=False, indent=1).encode("utf-8")
            return self._send(handler, 200, body, ".yml")
        if STATIC_RE.fullmatch(name):
            for folder in self.folders:
                file = os.path.join(folder, name)
                if os.path.isfile(file):
                    with open(file, "rb") as fh:
                        return self._send(handler, 200, fh.read(), os.path.splitext(name)[1])
        return self._send(handler, 404, b"not found\n", ".txt")

    def _send(self, handler, code, body: bytes, ext: str) -> bool:
        handler.send_response(code)
        handler.send_header("Content-Type", TYPES.get(ext, "application/octet-stream"))
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Content-Security-Policy", ADMIN_CSP)
        handler.send_header("X-Content-Type-Options", "nosniff")
        handler.send_header("Referrer-Policy", "same-origin")
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)
        return True

    def _refusal(self, handler) -> str | None:
        """Why a request to /admin/api/v1 is not the editor's own, or None.

        The API writes files: only from this machine, to a loopback Host (no DNS
        rebinding), from the editor's own origin; JSON only, so that another site's
        page cannot post to it without a CORS preflight, which is never answered.
        """
        from urllib.parse import urlsplit

        if handler.client_address[0] not in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
            return "the editor's API answers this machine only"
        host = (handler.headers.get("Host") or "").lower()
        if urlsplit("//" + host).hostname not in ("127.0.0.1", "localhost", "::1"):
            return f"unexpected Host {host!r}"
        origin = handler.headers.get("Origin")
        if origin is not None and origin.lower() != f"http://{host}":
            return f"a request from another site ({origin}) is refused"
        if not (handler.headers.get("Content-Type") or "").lower().startswith("application/json"):
            return "JSON requests only"
        return None

    def _api(self, handler) -> bool:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        refusal = self._refusal(handler)
        if refusal:
            return self._send(handler, 403, json.dumps({"error": refusal}).encode("utf-8"), ".json")
        if self.backend_url is None:
            return self._send(handler, 503, b'{"error": "no local backend (make cms)"}', ".json")
        try:
            request = json.loads(raw or b"{}")
            if request.get("action") == "persistEntry":
                # params: "dataFiles" (every language file of the entry) or one "entry"
                params = request.get("params") or {}
                project = self.reload_project()
                if params.get("dataFiles") is not None:
                    params["dataFiles"] = prepare_save(project, params["dataFiles"], self.repo)
                elif params.get("entry") is not None:
                    params["entry"] = (prepare_save(project, [params["entry"]], self.repo)
                                       or [params["entry"]])[0]
                raw = json.dumps(request).encode("utf-8")
            elif request.get("action") == "persistMedia":
                asset = (request.get("params") or {}).get("asset") or {}
                check_upload(self.reload_project(), asset.get("path", ""), asset.get("content", ""),
                             asset.get("encoding", ""), self.repo)
        except SaveRefused as exc:
            body = json.dumps({"error": f"not saved: {exc}"}, ensure_ascii=False).encode("utf-8")
            return self._send(handler, 422, body, ".json")
        except (ValueError, AttributeError, TypeError) as exc:
            return self._send(handler, 400, json.dumps({"error": str(exc)}).encode(), ".json")
        forward = urllib.request.Request(self.backend_url, data=raw, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(forward, timeout=120) as reply:
                code, body = reply.status, reply.read()
        except urllib.error.HTTPError as exc:
            code, body = exc.code, exc.read()
        except OSError as exc:
            body = json.dumps({"error": f"decap-server: {exc}"}).encode("utf-8")
            code = 502
        return self._send(handler, code, body, ".json")


# -- production: /admin/ as static files for the GitHub backend ---------------------

def write_static(project, output: str, github: str, branch: str = "main",
                 auth_url: str | None = None, workflow: bool = True) -> str:
    """Write ``output/admin/``: the editor for the GitHub backend (its own policy in a
    <meta> tag; the readers' pages are untouched). Returns the folder. A publish
    build never writes it by itself: /admin/ exists in production only if you run this."""
    from urllib.parse import urlsplit

    backend = {"name": "github", "repo": github, "branch": branch}
    connect = ["'self'", "https://api.github.com"]
    if auth_url:
        backend["base_url"] = auth_url.rstrip("/")
        parts = urlsplit(auth_url)
        if parts.scheme != "https" or not parts.netloc:
            raise ValueError(f"--auth-url {auth_url!r}: an https:// URL of the OAuth provider")
        connect.append(f"https://{parts.netloc}")
    config = editor_config(project.settings, project.ctx, os.path.dirname(project.root),
                           local_backend=None, workflow=workflow, backend=backend)
    config["x_pelican_fields"] = field_names(config)
    config["x_pelican_lists"] = list_fields(config)
    policy = ADMIN_CSP.replace("connect-src 'self' blob:", "connect-src " + " ".join(connect)
                               + " blob:").replace("; frame-ancestors 'self'", "")
    target = os.path.join(output, "admin")
    os.makedirs(target, exist_ok=True)
    for folder in reversed(self_folders()):
        for name in os.listdir(folder):
            if STATIC_RE.fullmatch(name) and os.path.isfile(os.path.join(folder, name)) \
                    and name not in ("decap.json", "fetch-decap.mjs") and not name.endswith(".test.js"):
                shutil.copyfile(os.path.join(folder, name), os.path.join(target, name))
    with open(os.path.join(target, "index.html"), encoding="utf-8") as fh:
        page = fh.read()
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    with open(os.path.join(target, "index.html"), "w", encoding="utf-8") as fh:
        fh.write(page.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n  ' + meta, 1))
    with open(os.path.join(target, "config.yml"), "w", encoding="utf-8") as fh:
        json.dump(config, fh, ensure_ascii=False, indent=1)
    return target


def self_folders() -> list:
    """Where /admin/'s files come from, first match wins: the page, the format, the bundle."""
    return [os.path.join(CMS_DIR, "admin"), CMS_DIR, bundle_dir()]


def list_fields(config) -> list:
    """Fields edited as comma-separated lists (list widgets without sub-fields)."""
    return sorted({f["name"] for c in config["collections"] for f in c["fields"]
                   if f.get("widget") == "list" and "field" not in f})


# -- make cms -----------------------------------------------------------------------

def current_branch(repo) -> str:
    done = subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=repo,
                          capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() != "HEAD" else "main"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_backend(repo: str, mode: str = "fs", port: int | None = None, log=None,
                  origin: str = "http://127.0.0.1"):
    """decap-server on 127.0.0.1 (its own port) for ``repo``; (process, api url).

    The editor talks to it through /admin/api/v1 (server to server); its CORS
    ``ORIGIN`` is the preview's origin only (its default takes any localhost page)."""
    script = os.path.join(PROJECT, "node_modules", "decap-server", "dist", "index.js")
    if not os.path.isfile(script) or not os.path.isdir(bundle_dir()):
        raise FileNotFoundError("the web editor is not installed: run `make cms-install`")
    port = port or free_port()
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": mode,
           "ORIGIN": origin,
           "GIT_REPO_DIRECTORY": os.path.abspath(repo), "LOG_LEVEL": "warn"}
    # node itself (not a shell around it): stopping it by its pid stops the server.
    process = subprocess.Popen(["node", script], env=env, cwd=PROJECT, stdin=subprocess.DEVNULL,
                               stdout=log, stderr=subprocess.STDOUT if log else None)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"decap-server stopped at start (exit {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, f"http://127.0.0.1:{port}/api/v1"
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("decap-server did not start within 30 s")


def stop(process):
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(project, host="127.0.0.1", port=8000, output="output", extra=(), mode="fs",
        repo=None, workflow=False, reload_project=None) -> int:
    """`newsroom cms`: decap-server + the live preview with /admin/; stops both."""
    from .serve import serve

    repo = os.path.abspath(repo or os.getcwd())
    if os.path.commonpath([repo, project.root]) != repo:
        raise RuntimeError(f"the content folder {project.root} is not inside {repo}: run make cms "
                           "in the checkout decap-server writes in")
    if mode == "git" and not os.path.isdir(os.path.join(repo, ".git")):
        raise RuntimeError(f"{repo} is not a git checkout: the editorial workflow keeps drafts on "
                           "its branches (clone the site into a folder of its own for it)")
    process, url = start_backend(repo, mode, origin=f"http://{host}:{port}")
    print(f"newsroom cms: decap-server (pid {process.pid}) on {url} ({mode} mode)", flush=True)
    try:
        admin = Admin(project, url, repo, workflow=workflow, reload_project=reload_project)
        print(f"newsroom cms: the editor is at http://{host}:{port}{ADMIN_URL}", flush=True)
        return serve(project, host=host, port=port, output=output, extra=extra, mount=admin)
    finally:
        stop(process)
        print("newsroom cms: decap-server stopped", flush=True)

