"""`newsroom`: the editors' command line (make article, translation, lint, status, devserver).

Every subcommand has --help. Messages are in English. Paths are relative to
the working directory (run it from the project root, as make does).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import config as config_mod
from . import rules, scaffold, status
from . import sources as src_mod

EPILOG = """daily commands (make wraps them):
  make article TITLE="Sécurité des données" [LANG=fr] [CATEGORY=Sécurité]
  make translation SLUG=securite-des-donnees LANG=en
  make translation-done SLUG=securite-des-donnees LANG=en
  make lint
  make status
  make devserver"""


class Project:
    """Settings, EDITORIAL and the content folder the commands work on."""

    def __init__(self, args):
        from pelican.settings import read_settings

        if not os.path.isfile(args.settings):
            raise scaffold.ScaffoldError(f"no settings file {args.settings!r} (run from the "
                                         "project root, or pass --settings)")
        self.settings_path = args.settings
        overrides = {}
        for item in args.extra_settings or []:
            key, sep, value = item.partition("=")
            if not sep:
                raise scaffold.ScaffoldError(f"-e {item!r}: write SETTING=<JSON value>")
            try:
                overrides[key] = json.loads(value)
            except ValueError:
                raise scaffold.ScaffoldError(f"-e {item!r}: the value is not JSON") from None
        self.overrides = overrides  # `newsroom serve` passes them on to pelican
        self.settings = read_settings(args.settings, override=overrides or None)
        self.editorial = config_mod.validate(self.settings)
        self.root = os.path.abspath(args.content or self.settings["PATH"])
        if not os.path.isdir(self.root):
            raise scaffold.ScaffoldError(f"no content folder {args.content or self.root!r}")
        self.ctx = rules.RuleContext.from_settings(self.settings, self.editorial, self.root)

    def scan(self):
        return src_mod.scan(self.settings, self.root)


def cmd_article(args, project):
    path = scaffold.new_article(
        project.settings, project.ctx, project.scan(), args.title, lang=args.lang,
        category=args.category, tags=args.tags, authors=args.authors, date=args.date,
        slug=args.slug, summary=args.summary)
    source = src_mod.read_source(path, project.settings, project.root, "article")
    print(f"created {os.path.relpath(path)} (Status: draft)")
    empty = [key.capitalize() for key in ("category", "tags", "summary") if not source.has(key)]
    if empty:
        print(f"  fill in: {', '.join(empty)}")
    draft_url = project.settings.get(
        "DRAFT_URL" if source.lang == project.ctx.default_lang else "DRAFT_LANG_URL", "")
    if draft_url:
        print(f"  preview: make devserver, then http://127.0.0.1:8000/"
              f"{draft_url.format(slug=source.slug, lang=source.lang)}")
    print("  publish: delete the 'Status: draft' line (or keep a future Date to schedule it)")
    return 0


def cmd_translation(args, project):
    path = scaffold.new_translation(project.settings, project.ctx, project.scan(), args.slug,
                                    args.lang, kind=args.kind, title=args.title)
    print(f"created {os.path.relpath(path)} (Status: draft)")
    print("  the original text is below the marker line: translate the title, summary and text,")
    print("  delete the marker and everything below it, then delete 'Status: draft' to publish")
    return 0


def cmd_translation_done(args, project):
    scan = project.scan()
    if args.untracked:
        rows = status.translation_status(scan.sources, project.ctx)
        done = 0
        for row in rows:
            for lang, cell in row.cells.items():
                if cell.state == status.UNTRACKED and (not args.lang or lang == args.lang):
                    scaffold.record_fingerprint(cell.source, cell.current)
                    print(f"{cell.source.display}: Translation-Of: {cell.current}")
                    done += 1
        print(f"recorded {done} fingerprint(s)")
        return 0
    if not args.slug or not args.lang:
        raise scaffold.ScaffoldError("give SLUG and --lang (or --untracked)")
    path, old, new = scaffold.translation_done(project.settings, project.ctx, scan, args.slug,
                                               args.lang, kind=args.kind)
    if old == new:
        print(f"{path}: already up to date ({new})")
    else:
        print(f"{path}: Translation-Of: {new}" + (f" (was {old})" if old else ""))
    original, translation = scaffold.find_translation(project.scan(), args.slug, args.lang,
                                                      args.kind)
    proposed = scaffold.proposed_slug(project.settings, original, translation)
    if proposed:
        print(f"  its URL uses the original's slug {translation.slug!r}; for one made from the "
              f"translated title, add 'Slug: {proposed}' to its metadata")
    return 0


def cmd_import_wordpress(args, project):
    from . import wordpress
    from .wordpress import report

    try:
        outcome = wordpress.run(args.export, project.settings, project.root, lang=args.lang,
                                uploads=args.uploads)
    except wordpress.ImportFailed as exc:
        raise scaffold.ScaffoldError(f"{exc}; nothing was written") from None
    print("\n".join(report.lines(outcome, args.export)))
    return 0


def cmd_lint(args, project):
    scan = project.scan()
    problems = rules.lint(scan, project.ctx)
    errors = [p for p in problems if p.severity == rules.ERROR]
    warnings = [p for p in problems if p.severity == rules.WARNING]
    for problem in errors:
        print(problem)
    if warnings and not args.quiet:
        if errors:
            print()
        print("Warnings:")
        for problem in warnings:
            print(problem)
    count = len(scan.sources) + len(scan.strays)
    print(f"lint: {len(errors)} error(s), {len(warnings)} warning(s) in {count} file(s) "
          f"under {os.path.relpath(scan.root)}", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def cmd_status(args, project):
    scan = project.scan()
    rows = status.translation_status(scan.sources, project.ctx)
    languages = list(project.ctx.languages)
    if args.lang:
        if args.lang not in languages:
            raise scaffold.ScaffoldError(f"--lang {args.lang!r} is not in LANGUAGES {languages}")
        # the translations into one language: rows whose original is in another
        rows = [r for r in rows if r.original is None or r.original.lang != args.lang]
        for row in rows:
            row.cells = {args.lang: row.cells[args.lang]}
        languages = [args.lang]
    if args.json:
        print(json.dumps(status.as_json(rows), ensure_ascii=False, indent=2))
        return 0
    print(status.as_table(rows, languages))
    totals = status.counts(rows)
    print()
    print(f"missing: {totals[status.MISSING]} · outdated: {totals[status.OUTDATED]} · "
          f"up to date: {totals[status.CURRENT]} · not tracked: {totals[status.UNTRACKED]}")
    if totals[status.OUTDATED]:
        print("outdated: the original changed since the translation was made; update the "
              "translation, then `make translation-done SLUG=… LANG=…`")
    if totals[status.UNTRACKED]:
        print("not tracked: no 'Translation-Of:' line; `make translation-done SLUG=… LANG=…` "
              "records it once the translation matches its original")
    return 1 if args.check and (totals[status.OUTDATED] or totals[status.MISSING]) else 0


def _pelican_args(args):
    """The extra pelican options given after ``--``."""
    extra = list(args.pelican_args or [])
    return extra[1:] if extra and extra[0] == "--" else extra


def cmd_serve(args, project):
    from .serve import serve

    return serve(project, host=args.host, port=args.port, output=args.output,
                 extra=_pelican_args(args))


def cmd_cms(args, project):
    from . import cms

    try:
        return cms.run(project, host=args.host, port=args.port, output=args.output,
                       extra=_pelican_args(args),
                       mode="git" if args.workflow else "fs", repo=args.repo,
                       workflow=args.workflow, reload_project=lambda: Project(args))
    except (FileNotFoundError, RuntimeError) as exc:
        raise scaffold.ScaffoldError(str(exc)) from None


def cmd_cms_config(args, project):
    from . import cms

    backend = {"name": "github", "repo": args.github, "branch": args.branch} if args.github else None
    config = cms.editor_config(project.settings, project.ctx, args.repo or ".",
                               local_backend=None if args.github else cms.API_PATH,
                               workflow=args.workflow, backend=backend)
    print(json.dumps(config, ensure_ascii=False, indent=1))
    return 0


def server_options(p):
    """Options of the commands that serve the live preview (serve, cms)."""
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=int, default=8000, help="port (default: %(default)s; 0: any free port)")
    p.add_argument("--output", default="preview",
                   help="the preview's own folder, never the one you publish (default: %(default)s)")
    p.add_argument("pelican_args", nargs=argparse.REMAINDER, help="-- extra pelican options")


def cmd_cms_static(args, project):
    from . import cms

    try:
        target = cms.write_static(project, args.output, args.github, args.branch, args.auth_url,
                                  workflow=not args.simple)
    except (FileNotFoundError, ValueError) as exc:
        raise scaffold.ScaffoldError(str(exc)) from None
    print(f"wrote {os.path.relpath(target)}/ (Decap CMS for GitHub {args.github}, branch "
          f"{args.branch}); see README, 'Writing in the browser: production'")
    return 0


def build_parser():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-s", "--settings", default="pelicanconf.py",
                        help="Pelican settings file (default: %(default)s)")
    common.add_argument("--content", metavar="DIR",
                        help="content folder (default: the settings' PATH, content/)")
    common.add_argument("-e", "--extra-settings", metavar="SETTING=JSON", action="append",
                        help="override a setting, as `pelican -e` does (repeatable)")

    parser = argparse.ArgumentParser(
        prog="newsroom", description="Editors' tools for the Le Fil Tech site: scaffolding, "
        "content lint, translation status and live preview.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name, help_text, description):
        return sub.add_parser(name, parents=[common], help=help_text, description=description)

    p = add("article", "create a draft article",
            "Create content/<year>/<slug>.<lang>.md with every metadata field, Status: draft. "
            "The slug comes from the title, accents folded; an existing file is never "
            "overwritten.")
    p.add_argument("title", help="the article's title")
    p.add_argument("--lang", help="language code (default: DEFAULT_LANG)")
    p.add_argument("--category", help="category (a closed list is checked; the name is written "
                   "in the article's language)")
    p.add_argument("--tags", help="comma-separated tags")
    p.add_argument("--authors", help="comma-separated authors (default: git user.name)")
    p.add_argument("--summary", help="one or two sentences")
    p.add_argument("--date", help="publication date, ISO 8601 (default: now in TIMEZONE); "
                   "a future date schedules the article")
    p.add_argument("--slug", help="slug to use instead of the one made from the title")
    p.set_defaults(func=cmd_article)

    p = add("translation", "create a translation next to its original",
            "Create <slug>.<lang>.md next to the original: same slug, the original's metadata "
            "(category and tags in the target language), Translation: true, the original's "
            "fingerprint in Translation-Of:, Status: draft, and the original text below a "
            "marker line for the translator. With --title, the translated title and a slug "
            "of its own, made from it (its URL then differs from the original's).")
    p.add_argument("slug", help="slug (or translation key) of the original article or page")
    p.add_argument("--title", help="the translated title (proposes the translation's own slug)")
    p.add_argument("--lang", required=True, help="language of the translation")
    p.add_argument("--kind", choices=["article", "page"], help="when a slug is both")
    p.set_defaults(func=cmd_translation)

    p = add("translation-done", "record that a translation matches its original again",
            "Write the original's current fingerprint into the translation's Translation-Of: "
            "line, after the translator has caught up with the original's changes.")
    p.add_argument("slug", nargs="?", help="slug of the article or page")
    p.add_argument("--lang", help="language of the translation")
    p.add_argument("--kind", choices=["article", "page"], help="when a slug is both")
    p.add_argument("--untracked", action="store_true",
                   help="record the fingerprint in every translation that has none yet "
                   "(to adopt existing translations; with --lang, only that language)")
    p.set_defaults(func=cmd_translation_done)

    p = add("import-wordpress", "import a WordPress export (WXR) with its languages",
            "Turn a WordPress export (Tools > Export, WXR 1.0-1.2; Polylang or WPML languages) "
            "into content/<year>/<slug>.<lang>.md articles and content/pages/ pages, linked "
            "translations, content/redirects.txt (old URLs) and images copied from UPLOADS. "
            "All or nothing; importing again changes only what WordPress changed, never a "
            "file edited since the import.")
    p.add_argument("export", help="the export file (export.xml)")
    p.add_argument("--lang", help="language of an export without language data "
                   "(default: the export's <language>, else DEFAULT_LANG)")
    p.add_argument("--uploads", help="local copy of wp-content/uploads (images are copied "
                   "from it, never downloaded)")
    p.set_defaults(func=cmd_import_wordpress)

    p = add("lint", "check every content file without building",
            "Read every file in the content folder and report problems as "
            "path:line: message (how to fix). Exit status 1 when there are errors; warnings "
            "are listed separately.")
    p.add_argument("--strict", action="store_true", help="warnings fail too (as `make publish`)")
    p.add_argument("--quiet", action="store_true", help="errors only")
    p.set_defaults(func=cmd_lint)

    p = add("status", "translation status of every article and page",
            "A table per slug: the original, and for each language whether the translation "
            "is up to date, outdated (the original changed since), not tracked, or missing.")
    p.add_argument("--lang", help="only the translations into this language")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--check", action="store_true",
                   help="exit status 1 if a translation is missing or outdated")
    p.set_defaults(func=cmd_status)

    p = add("serve", "live preview: rebuild on change, serve, reload the browser",
            "Build the preview site, serve it on HOST:PORT, rebuild when content/, theme/, "
            "plugins/, newsroom/ or the settings change, and reload open pages. Build problems "
            "show in the terminal and over the page. Extra arguments after -- go to pelican.")
    server_options(p)
    p.set_defaults(func=cmd_serve)

    p = add("cms", "web editor: the live preview with Decap CMS at /admin/",
            "Start decap-server (Decap CMS's local backend, on 127.0.0.1) and the live preview "
            "with the editor at http://HOST:PORT/admin/; Ctrl-C stops both.")
    server_options(p)
    p.add_argument("--workflow", action="store_true",
                   help="editorial workflow: drafts on git branches (decap-server in git mode); "
                   "use a dedicated checkout, as it checks branches out")
    p.add_argument("--repo", help="the git checkout decap-server writes in (default: here)")
    p.set_defaults(func=cmd_cms)

    p = add("cms-config", "print the web editor's configuration (made from the settings)",
            "Print Decap CMS's configuration as the editor gets it at /admin/config.yml: "
            "languages, categories and fields from the settings. With --github, the "
            "production configuration (GitHub backend).")
    p.add_argument("--workflow", action="store_true", help="editorial workflow")
    p.add_argument("--github", metavar="OWNER/REPO", help="GitHub backend for production")
    p.add_argument("--branch", default="main", help="the branch it publishes to (default: main)")
    p.add_argument("--repo", help="the folder paths are relative to (default: here)")
    p.set_defaults(func=cmd_cms_config)

    p = add("cms-static", "write /admin/ into a built site, for the GitHub backend",
            "Write OUTPUT/admin/: the pinned editor, configured for GitHub (pull requests as "
            "the editorial workflow), with its own Content-Security-Policy. Publish builds "
            "never include /admin/ otherwise.")
    p.add_argument("--github", metavar="OWNER/REPO", required=True, help="the site's repository")
    p.add_argument("--branch", default="main", help="the branch it publishes to (default: main)")
    p.add_argument("--auth-url", help="https:// URL of the OAuth provider (Decap's base_url)")
    p.add_argument("--simple", action="store_true", help="no editorial workflow: commit directly")
    p.add_argument("--output", default="output", help="the built site (default: %(default)s)")
    p.set_defaults(func=cmd_cms_static)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        project = Project(args)
        return args.func(args, project)
    except (scaffold.ScaffoldError, config_mod.EditorialSettingsError) as exc:
        print(f"newsroom {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
