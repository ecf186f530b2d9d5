"""`make bench-cms`: the web editor on the bench corpus (N articles × LANGS), as an editor sees it.

1. `newsroom cms` (decap-server + the live preview): time until the first build is served;
2. the editor in headless Chromium: time from opening /admin/ to the login button
   (the bundle loaded), then to the article list (every entry read through decap-server);
3. saves: a title changed through /admin/api/v1 (the request Decap sends: every
   language file of the entry, through the kit's save checks and decap-server), then
   the home page polled until it shows it; against the same edit written straight to
   the file, in the same run (the ratio is what the editor path adds).

Writes bench/cms-results.md. Uses both cores for minutes at N=1000.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402
from preview import free_port, get, log, poll_until, wait_idle  # noqa: E402

NEWSROOM = str(Path(sys.executable).parent / "newsroom")


def persist(base, files):
    body = json.dumps({"action": "persistEntry", "params": {
        "branch": "main", "dataFiles": files, "assets": [],
        "options": {"collectionName": "articles-articles", "commitMessage": "bench",
                    "useWorkflow": False, "status": "draft"}}}).encode()
    request = urllib.request.Request(f"{base}/admin/api/v1", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as reply:
            return reply.status
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"save refused: {exc.code} {exc.read()[:2000]!r}") from None


def editor_load(base, runs):
    from playwright.sync_api import sync_playwright

    args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
    ui, listed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                    args=args)
        for _ in range(runs):
            context = browser.new_context(timezone_id="Europe/Paris")
            page = context.new_page()
            t0 = time.monotonic()
            page.goto(f"{base}/admin/#/collections/articles-articles")
            page.get_by_role("button", name="Login").wait_for(timeout=120000)
            ui.append(time.monotonic() - t0)
            page.get_by_role("button", name="Login").click()
            page.locator('a[href*="/entries/"]').first.wait_for(timeout=300000)
            listed.append(time.monotonic() - t0)
            context.close()
        browser.close()
    return ui, listed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=int(os.environ.get("N", 1000)))
    parser.add_argument("--langs", default=os.environ.get("LANGS", "fr,en,de"))
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--loads", type=int, default=2)
    parser.add_argument("--work", default=str(HERE / "work-cms"))
    parser.add_argument("--out", default=str(HERE / "cms-results.md"))
    args = parser.parse_args(argv)
    langs = args.langs.split(",")
    work = Path(args.work)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    site = work / "site"
    files = corpus.generate(site, args.n, langs)
    env = {"BENCH_LANGS": args.langs, "BENCH_CORPUS": str(site)}
    conf = str(HERE / "ourconf.py")
    log(f"bench-cms: corpus of {files} files ({args.n} × {','.join(langs)})")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    process = subprocess.Popen(
        [NEWSROOM, "cms", "-s", conf, "--content", str(site), "--output", str(work / "out"),
         "--port", str(port)], cwd=ROOT, env={**os.environ, **env, "PYTHONUTF8": "1"},
        stdout=(work / "cms.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    via_editor, direct = [], []
    try:
        wait_idle(base, process, timeout=3600)  # a first build on a busy machine is slow
        first = time.monotonic() - started
        log(f"bench-cms: first preview build served after {first:.1f} s")
        ui, listed = editor_load(base, args.loads)
        log(f"bench-cms: editor UI in {', '.join(f'{s:.2f}' for s in ui)} s; article list "
            f"({files} files) in {', '.join(f'{s:.2f}' for s in listed)} s")
        articles = sorted((site / "articles").glob(f"*.{langs[0]}.md"))
        newest = max(articles, key=lambda p: re.search(r"^Date: (.*)$", p.read_text(
            encoding="utf-8"), re.M).group(1))
        slug = newest.name.split(".")[0]
        rel = lambda lang: os.path.relpath(site / "articles" / f"{slug}.{lang}.md", ROOT)  # noqa: E731
        for i in range(args.edits):
            for how, results in (("editor", via_editor), ("file", direct)):
                title = f"Titre revu {how} {i} du banc"
                text = newest.read_text(encoding="utf-8")
                edited = re.sub(r"^Title: .*$", f"Title: {title}", text, count=1, flags=re.M)
                t0 = time.monotonic()
                if how == "editor":
                    others = [{"path": rel(lang), "raw": (ROOT / rel(lang)).read_text(encoding="utf-8"),
                               "slug": slug} for lang in langs[1:]]
                    assert persist(base, [{"path": rel(langs[0]), "raw": edited, "slug": slug},
                                          *others]) == 200
                else:
                    newest.write_text(edited, encoding="utf-8")
                seconds = poll_until(f"{base}/", title, t0)
                results.append(seconds)
                wait_idle(base, process)
                log(f"bench-cms: title edit {i + 1} ({how}): on the home page after {seconds:.3f} s")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    ratio = statistics.median(via_editor) / statistics.median(direct)
    lines = [
        "# bench-cms results", "",
        f"Corpus: {args.n} articles × {len(langs)} languages ({files} files), bench/corpus.py. "
        f"Machine: {os.cpu_count()} CPUs, shared; load average at the end "
        f"{os.getloadavg()[0]:.1f} (above {os.cpu_count()}: other work was running, and the "
        "absolute times grow with it; the ratio compares two paths in the same run). "
        f"Command: `make bench-cms N={args.n}`.", "",
        "| measure | seconds |", "|---|---|",
        f"| first preview build served (`newsroom cms`) | {first:.1f} |",
        f"| editor UI shown (bundle loaded), per load | {', '.join(f'{s:.2f}' for s in ui)} |",
        f"| article list shown (all {files} files read by decap-server) | "
        f"{', '.join(f'{s:.2f}' for s in listed)} |",
        f"| title saved through /admin/api/v1 → on the home page (median of {len(via_editor)}) | "
        f"{statistics.median(via_editor):.3f} |",
        f"| the same edit written to the file → on the home page (median of {len(direct)}) | "
        f"{statistics.median(direct):.3f} |",
        f"| ratio editor / file | {ratio:.2f} |", "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    log("\n".join(lines))


if __name__ == "__main__":
    main()
