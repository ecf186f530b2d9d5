"""`make bench-preview`: how fast an edit shows in `newsroom serve`, measured as an editor sees it.

On the bench corpus (N articles × LANGS, as `make bench`):

1. a cold build (`pelican`, as `make html`): wall time and peak memory (PSS of
   the whole process tree);
2. `newsroom serve` on the same corpus: time until its first build is served,
   and the peak memory of the server and its build process over the session;
3. body edits: a sentence appended to an article, then the article's page
   polled over HTTP until it shows it (time from the write);
4. title edits: the newest article's title changed, then the home page polled
   until it shows the new title.

Writes bench/preview-results.md. Run it at N=1000 once or twice only: it uses
both cores for minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402
from run import measure, tree_rss_kb  # noqa: E402

NEWSROOM = str(Path(sys.executable).parent / "newsroom")


def log(msg):
    print(msg, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def state(base):
    text = get(f"{base}/__build.json")
    return json.loads(text) if text else {}


def wait_idle(base, process, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the preview server stopped (exit {process.returncode})")
        current = state(base)
        if current.get("build", 0) >= 1 and not current.get("building") \
                and not current.get("indexing"):
            return current
        time.sleep(0.05)
    raise RuntimeError("the preview server did not finish its build")


def poll_until(url, needle, started, timeout=120):
    """Seconds from ``started`` until ``url`` serves ``needle`` (polled every 10 ms)."""
    deadline = started + timeout
    while time.monotonic() < deadline:
        if needle in get(url):
            return time.monotonic() - started
        time.sleep(0.01)
    raise RuntimeError(f"{url} never showed {needle!r}")


class Sampler:
    """Peak memory (PSS) of a process tree, sampled in a thread."""

    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, 0, True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            self.peak = max(self.peak, tree_rss_kb(self.pid))
            time.sleep(0.1)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.peak / 1024


def article_url(path: Path, default_lang):
    text = path.read_text(encoding="utf-8")
    date = re.search(r"^Date: (\d{4})-(\d{2})", text, re.M)
    slug, lang = path.name.split(".")[:2]
    prefix = "" if lang == default_lang else f"{lang}/"
    return f"{prefix}{date.group(1)}/{date.group(2)}/{slug}/"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=int(os.environ.get("N", 1000)))
    parser.add_argument("--langs", default=os.environ.get("LANGS", "fr,en,de"))
    parser.add_argument("--body-edits", type=int, default=5)
    parser.add_argument("--title-edits", type=int, default=3)
    parser.add_argument("--work", default=str(HERE / "work-preview"))
    parser.add_argument("--out", default=str(HERE / "preview-results.md"))
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
    log(f"bench-preview: corpus of {files} files ({args.n} × {','.join(langs)})")

    log("bench-preview: cold build (as make html)…")
    cold, cold_peak = measure([sys.executable, "-m", "pelican", str(site), "-o",
                               str(work / "out-cold"), "-s", conf], env, memory=True)
    log(f"bench-preview: cold build {cold:.1f} s, peak {cold_peak:.0f} MiB")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = work / "serve.log"
    started = time.monotonic()
    process = subprocess.Popen(
        [NEWSROOM, "serve", "-s", conf, "--content", str(site), "--output",
         str(work / "out-preview"), "--port", str(port)],
        cwd=ROOT, env={**os.environ, **env}, stdout=server_log.open("w"),
        stderr=subprocess.STDOUT, start_new_session=True)
    sampler = Sampler(process.pid)
    body, title = [], []
    try:
        wait_idle(base, process)
        first = time.monotonic() - started
        first_peak = sampler.peak / 1024
        log(f"bench-preview: first preview build served after {first:.1f} s "
            f"(peak so far {first_peak:.0f} MiB)")
        articles = sorted((site / "articles").glob(f"*.{langs[0]}.md"))
        step = max(1, len(articles) // (args.body_edits + 1))
        for i in range(args.body_edits):
            victim = articles[(i + 1) * step]
            sentence = f"Phrase ajoutée numéro {i} pour le banc d'essai."
            before = state(base)["build"]
            t0 = time.monotonic()
            with victim.open("a", encoding="utf-8") as fh:
                fh.write(f"\n{sentence}\n")
            seconds = poll_until(f"{base}/{article_url(victim, langs[0])}", sentence, t0)
            body.append(seconds)
            after = wait_idle(base, process)
            log(f"bench-preview: body edit {i + 1}: visible after {seconds:.3f} s "
                f"(build {before} → {after['build']}, {after.get('kind')})")
        newest = max(articles, key=lambda p: re.search(r"^Date: (.*)$", p.read_text(
            encoding="utf-8"), re.M).group(1))
        for i in range(args.title_edits):
            new_title = f"Titre revu numéro {i} du banc"
            text = newest.read_text(encoding="utf-8")
            t0 = time.monotonic()
            newest.write_text(re.sub(r"^Title: .*$", f"Title: {new_title}", text, count=1,
                                     flags=re.M), encoding="utf-8")
            seconds = poll_until(f"{base}/", new_title, t0)
            title.append(seconds)
            after = wait_idle(base, process)
            log(f"bench-preview: title edit {i + 1}: on the home page after {seconds:.3f} s "
                f"({after.get('kind')})")
    finally:
        peak = sampler.stop()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    report(args, files, cold, cold_peak, first, first_peak, peak, body, title, Path(args.out))


def report(args, files, cold, cold_peak, first, first_peak, peak, body, title, out):
    rows = [
        ("cold build (`pelican`, as `make html`)", f"{cold:.1f} s", "—"),
        ("first preview build, served", f"{first:.1f} s", f"≤ cold: {first / cold:.2f}×"),
        ("body edit visible in its page, median", f"{statistics.median(body):.3f} s", "≤ 0.3 s"),
        (f"body edit, worst of {len(body)}", f"{max(body):.3f} s", "≤ 1 s"),
        (f"title edit visible on the home page, worst of {len(title)}", f"{max(title):.3f} s",
         "≤ 1.5 s"),
        ("cold build peak memory (PSS, whole tree)", f"{cold_peak:.0f} MiB", "—"),
        ("server peak memory, whole session (server + build process + workers)",
         f"{peak:.0f} MiB", f"≤ 1.5×: {peak / cold_peak:.2f}×"),
        ("server peak memory during the first build", f"{first_peak:.0f} MiB",
         f"{first_peak / cold_peak:.2f}×"),
    ]
    lines = [f"# Preview benchmark: {args.n} articles × {len(args.langs.split(','))} languages "
             f"({files} source files)", "",
             f"Command: `make bench-preview N={args.n} LANGS={args.langs}` on "
             f"{os.cpu_count()} cores. Edits are timed from the file write to the first HTTP "
             "response showing them (polled every 10 ms).", "",
             "| measure | value | target |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines += ["", f"Body edits: {', '.join(f'{s:.3f}' for s in body)} s; "
              f"title edits: {', '.join(f'{s:.3f}' for s in title)} s."]
    text = "\n".join(lines) + "\n"
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
