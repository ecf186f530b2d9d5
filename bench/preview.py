"""`make bench-preview`: how fast an edit shows in `newsroom serve`, measured as an editor sees it.

On the bench corpus (N articles × LANGS, as `make bench`):

1. a cold build (`pelican`, as `make html`): wall time and peak memory (PSS of
   the whole process tree);
2. `newsroom serve` on the same corpus: time until its first build is served,
   and the peak memory of the server and its build process over the session;
3. body edits: a sentence appended to an article, then the article's page
   polled over HTTP until it shows it (time from the write);
4. title and summary edits: the newest article's title (then summary) changed,
   then the home page polled until it shows it.

Each corpus of ``--corpus`` (default: the sample's way and Pelican's way, see
bench/corpus.py) in turn; every full build's reason (/__build.json) is listed.
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


def header(path: Path):
    """The source's metadata lines, as {lower-case key: value}."""
    head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return {k.strip().lower(): v.strip() for k, _, v in
            (line.partition(":") for line in head.splitlines())}


def article_url(path: Path, default_lang):
    meta = header(path)
    year, month = meta["date"][:4], meta["date"][5:7]
    name = path.name[:-len(".md")]
    slug, _, lang = name.partition(".")
    slug, lang = meta.get("slug", slug), meta.get("lang", lang or default_lang)
    prefix = "" if lang == default_lang else f"{lang}/"
    return f"{prefix}{year}/{month}/{slug}/"


def originals(site: Path, default_lang):
    """The sources in the default language (either way of naming translations)."""
    return sorted(p for p in (site / "articles").glob("*.md")
                  if header(p).get("lang", p.name.split(".")[-2] if p.name.count(".") > 1
                                   else default_lang) == default_lang)


def set_line(path: Path, key: str, value: str):
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M),
                    encoding="utf-8")


def edit_and_wait(base, process, url, needle, change):
    """Seconds from ``change()`` (a file write) until ``url`` shows ``needle``; the build."""
    t0 = time.monotonic()
    change()
    seconds = poll_until(url, needle, t0)
    return seconds, wait_idle(base, process)


def bench_corpus(args, style, work):
    """One corpus: cold build, then the preview server and its edits; the results."""
    langs = args.langs.split(",")
    site = work / "site"
    files = corpus.generate(site, args.n, langs, style=style)
    env = {"BENCH_LANGS": args.langs, "BENCH_CORPUS": str(site), "BENCH_STYLE": style}
    conf = str(HERE / "ourconf.py")
    log(f"bench-preview [{style}]: corpus of {files} files ({args.n} × {','.join(langs)})")

    log(f"bench-preview [{style}]: cold build (as make html)…")
    cold, cold_peak, _ = measure([sys.executable, "-m", "pelican", str(site), "-o",
                                  str(work / "out-cold"), "-s", conf], env, memory=True)
    log(f"bench-preview [{style}]: cold build {cold:.1f} s, peak {cold_peak:.0f} MiB")

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
    timings = {"body": [], "title": [], "summary": []}
    kinds = []
    try:
        wait_idle(base, process)
        first = time.monotonic() - started
        first_peak = sampler.peak / 1024
        log(f"bench-preview [{style}]: first preview build served after {first:.1f} s "
            f"(peak so far {first_peak:.0f} MiB)")
        articles = originals(site, langs[0])
        step = max(1, len(articles) // (args.body_edits + 1))
        victims = [articles[(i + 1) * step] for i in range(args.body_edits)]
        if style == "pelican":  # one with a standing lint warning (corpus.WARN_EVERY)
            victims[0] = articles[3]
        for i, victim in enumerate(victims):
            sentence = f"Phrase ajoutée numéro {i} pour le banc."

            def append(victim=victim, sentence=sentence):
                with victim.open("a", encoding="utf-8") as fh:
                    fh.write(f"\n{sentence}\n")

            seconds, after = edit_and_wait(base, process,
                                           f"{base}/{article_url(victim, langs[0])}",
                                           sentence, append)
            timings["body"].append(seconds)
            kinds.append(("body", after.get("kind"), after.get("reason")))
            log(f"bench-preview [{style}]: body edit {i + 1}: visible after {seconds:.3f} s "
                f"({after.get('kind')}{': ' + after['reason'] if after.get('reason') else ''})")
        newest = max(articles, key=lambda p: header(p)["date"])
        for field, count in (("title", args.title_edits), ("summary", args.title_edits)):
            for i in range(count):
                value = f"{field.capitalize()} revu numéro {i} du banc"
                seconds, after = edit_and_wait(
                    base, process, f"{base}/", value,
                    lambda: set_line(newest, field.capitalize(), value))
                timings[field].append(seconds)
                kinds.append((field, after.get("kind"), after.get("reason")))
                log(f"bench-preview [{style}]: {field} edit {i + 1}: on the home page after "
                    f"{seconds:.3f} s ({after.get('kind')}"
                    f"{': ' + after['reason'] if after.get('reason') else ''})")
    finally:
        peak = sampler.stop()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    return {"style": style, "files": files, "cold": cold, "cold_peak": cold_peak,
            "first": first, "first_peak": first_peak, "peak": peak, "kinds": kinds, **timings}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=int(os.environ.get("N", 1000)))
    parser.add_argument("--langs", default=os.environ.get("LANGS", "fr,en,de"))
    parser.add_argument("--corpus", default=os.environ.get("CORPUS", "today,pelican"),
                        help=f"comma-separated corpus styles among {corpus.STYLES} "
                             "(default: %(default)s)")
    parser.add_argument("--body-edits", type=int, default=5)
    parser.add_argument("--title-edits", type=int, default=3)
    parser.add_argument("--work", default=str(HERE / "work-preview"))
    parser.add_argument("--out", default=str(HERE / "preview-results.md"))
    args = parser.parse_args(argv)
    results = []
    for style in args.corpus.split(","):
        work = Path(args.work) / style
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        results.append(bench_corpus(args, style, work))
    report(args, results, Path(args.out))


def report(args, results, out):
    def fmt(values, how):
        return f"{how(values):.3f} s" if values else "—"

    measures = [
        ("cold build (`pelican`, as `make html`)", lambda r: f"{r['cold']:.1f} s", "—"),
        ("first preview build, served",
         lambda r: f"{r['first']:.1f} s ({r['first'] / r['cold']:.2f}× cold)", "≤ 1× cold"),
        ("body edit visible in its page, median",
         lambda r: fmt(r["body"], statistics.median), "≤ 0.3 s"),
        ("body edit, worst", lambda r: fmt(r["body"], max), "≤ 1 s"),
        ("title edit visible on the home page, worst", lambda r: fmt(r["title"], max),
         "≤ 1.5 s"),
        ("summary edit visible on the home page, worst", lambda r: fmt(r["summary"], max),
         "≤ 1.5 s"),
        ("cold build peak memory (PSS, whole tree)", lambda r: f"{r['cold_peak']:.0f} MiB", "—"),
        ("server peak memory, whole session (server + build process + workers)",
         lambda r: f"{r['peak']:.0f} MiB ({r['peak'] / r['cold_peak']:.2f}× cold)", "≤ 1.5×"),
        ("edits that were full builds",
         lambda r: f"{sum(k == 'full' for _, k, _ in r['kinds'])} of {len(r['kinds'])}", "0"),
    ]
    lines = [f"# Preview benchmark: {args.n} articles × {len(args.langs.split(','))} languages",
             "", f"Command: `make bench-preview N={args.n} LANGS={args.langs} "
             f"CORPUS={args.corpus}` on {os.cpu_count()} cores. Edits are timed from the file "
             "write to the first HTTP response showing them (polled every 10 ms). Corpora "
             "(bench/corpus.py): `today` (the sample's way), `pelican` (translations with "
             "`Lang:` and a shared `Slug:`, `Author:`, dates without offset, the site's own "
             "categories, a few lint warnings).", "",
             "| measure | " + " | ".join(f"{r['style']} ({r['files']} files)" for r in results)
             + " | target |", "|---|" + "---|" * (len(results) + 1)]
    lines += ["| " + " | ".join([name, *(how(r) for r in results), target]) + " |"
              for name, how, target in measures]
    for r in results:
        lines += ["", f"`{r['style']}`: body edits {', '.join(f'{s:.3f}' for s in r['body'])} s; "
                  f"title {', '.join(f'{s:.3f}' for s in r['title'])} s; "
                  f"summary {', '.join(f'{s:.3f}' for s in r['summary'])} s."]
        lines += [f"- full build after a {what} edit: {reason}"
                  for what, kind, reason in r["kinds"] if kind == "full"]
    text = "\n".join(lines) + "\n"
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
