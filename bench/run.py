"""`make bench`: build one synthetic corpus with four tools, alternating, and compare.

(a) this project, full theme and plugins; (b) Pelican + pelican-i18n-subsites,
default theme; (c) monolingual Pelican, default theme, same number of pages;
(d) Hugo with a minimal theme, when installed. Runs A B C D, A B C D … for
ROUNDS rounds after one warm-up round, then a warm rebuild of (a) after
editing one article. Reports median wall time (min–max), CPU time per source
file (user + system of the whole process tree), peak memory (PSS) of the whole
process tree in the warm-up run, pages written, pages/s, and per-round ratios.

Then the growth curve: for each N of ``--curve`` (``NS``, default 100, 1000,
3000), one build of (a) and of (c) with memory sampled: peak PSS of all their
processes and CPU per source, and the ratio. And what one log record costs
(``bench/logcost.py``).

``--corpus today`` (``CORPUS``) writes dates with their UTC offset and the
sample site's categories; ``--corpus issue`` the corpus issue 12 was measured
on: dates as Pelican's docs write them (``2026-11-20 09:30``) and categories
that are not in the sample's list.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402
import logcost  # noqa: E402

REF_VENV = HERE / ".venv-ref"
REF_REQUIREMENTS = ["pelican==4.12.0", "markdown==3.11.3", "pelican-i18n-subsites==1.0.0"]


def log(msg):
    print(msg, flush=True)


def ensure_reference_venv():
    """Pelican + i18n_subsites in their own virtualenv (they must not see our plugins)."""
    stamp = REF_VENV / ".installed"
    if stamp.exists() and stamp.read_text() == "\n".join(REF_REQUIREMENTS):
        return REF_VENV / "bin/python"
    log("bench: creating the reference virtualenv (pelican + pelican-i18n-subsites)…")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(REF_VENV)], check=True)
    subprocess.run([str(REF_VENV / "bin/python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", *REF_REQUIREMENTS], check=True)
    stamp.write_text("\n".join(REF_REQUIREMENTS))
    return REF_VENV / "bin/python"


def tree_rss_kb(pid):
    """Memory of a process and all its descendants (kB), from /proc.

    PSS (proportional set size): pages shared between a process and its
    forked workers are counted once, split between them, so a parallel build
    is not charged twice for the same memory. Falls back to RSS.
    """
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
        except (OSError, StopIteration):
            try:
                with open(f"/proc/{p}/status") as fh:
                    total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
            except (OSError, StopIteration):
                pass
    return total


def children_cpu():
    """CPU seconds (user + system) of this process's finished children and of the
    processes they waited for (a build's workers, render processes, Pagefind)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(cmd, env, cwd=ROOT, memory=False):
    """Run a build; returns (seconds, peak memory of the process tree in MiB or None,
    CPU seconds of the process tree).

    Memory is sampled only when asked (the warm-up round): reading the memory
    maps of every process of the tree 20 times a second costs about 9 ms of
    CPU per sample, which slows a build that uses both cores (ours) and not one
    that leaves a core idle for the sampler (Pelican), so timed runs are not
    sampled.
    """
    cpu = children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    err, _ = proc.communicate()  # stderr goes to stdout
    elapsed = time.perf_counter() - start
    if memory:
        sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"bench: {' '.join(map(str, cmd))} failed:\n{err[-3000:]}")
    return elapsed, (peak[0] / 1024 if memory else None), children_cpu() - cpu


def count_pages(folder):
    return sum(1 for _ in Path(folder).rglob("*.html"))


def hugo_site(work, n, langs):
    """A minimal multilingual Hugo site over the same corpus (front matter in YAML)."""
    site = work / "hugo"
    if site.exists():
        shutil.rmtree(site)
    corpus.generate(site / "content", n, langs, hugo=True)
    (site / "content/articles").rename(site / "content/posts")
    static = site / "static/images"
    static.mkdir(parents=True)
    shutil.move(str(site / "content/images/pixel.png"), static / "pixel.png")
    shutil.rmtree(site / "content/images")
    languages = "\n".join(f"  {lang}:\n    weight: {i + 1}\n    languageName: {lang}"
                          for i, lang in enumerate(langs))
    (site / "hugo.yaml").write_text(
        f"baseURL: /\ntitle: Bench\ndefaultContentLanguage: {langs[0]}\n"
        f"languages:\n{languages}\npagination:\n  pagerSize: 10\n"
        "markup:\n  goldmark:\n    renderer:\n      unsafe: true\n")
    layouts = site / "layouts/_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(
        '<!DOCTYPE html><html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8">'
        "<title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>")
    (layouts / "single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>'
        "{{ .Content }}{{ range .Translations }}<a href=\"{{ .RelPermalink }}\">{{ .Lang }}</a>"
        "{{ end }}{{ end }}")
    (layouts / "list.html").write_text(
        '{{ define "main" }}{{ range .Paginator.Pages }}<h2><a href="{{ .RelPermalink }}">'
        "{{ .Title }}</a></h2>{{ .Summary }}{{ end }}{{ end }}")
    # Hugo reads the content's "{static}" links literally; harmless for timing.
    return site


def build_commands(work, multi, mono, langs, ref_python, our_python):
    """{tool: (command, environment, output folder)} for (a), (b), (c)."""
    return {
        "this project": ([str(our_python), "-m", "pelican", str(multi), "-o", str(work / "out-a"),
                          "-s", str(HERE / "ourconf.py"), "--delete-output-directory"],
                         {"BENCH_LANGS": langs}, work / "out-a"),
        # The same build without drawn social cards (IMAGES = {"cards": False}): what
        # the cards cost, in the same run (target: with / without ≤ 1.15).
        "this project without cards": (
            [str(our_python), "-m", "pelican", str(multi), "-o", str(work / "out-a2"),
             "-s", str(HERE / "ourconf.py"), "--delete-output-directory"],
            {"BENCH_LANGS": langs, "BENCH_CARDS": "0"}, work / "out-a2"),
        "Pelican + i18n_subsites": ([str(ref_python), "-m", "pelican", str(multi), "-o",
                                     str(work / "out-b"), "-s", str(HERE / "subsitesconf.py"),
                                     "--delete-output-directory"],
                                    {"BENCH_LANGS": langs, "BENCH_CORPUS": str(multi)},
                                    work / "out-b"),
        "monolingual Pelican": ([str(ref_python), "-m", "pelican", str(mono), "-o",
                                 str(work / "out-c"), "-s", str(HERE / "monoconf.py"),
                                 "--delete-output-directory"],
                                {"BENCH_CORPUS": str(mono)}, work / "out-c"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=int(os.environ.get("N", 1000)),
                        help="articles per language (timed rounds)")
    parser.add_argument("--langs", default=os.environ.get("LANGS", "fr,en,de"))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", 3)))
    parser.add_argument("--curve", default=os.environ.get("NS", "100,1000,3000"),
                        help="articles per language of each point of the memory curve "
                             "(comma- or space-separated; empty: no curve)")
    parser.add_argument("--corpus", choices=corpus.STYLES,
                        default=os.environ.get("CORPUS", "today"))
    parser.add_argument("--work", default=str(HERE / "work"))
    parser.add_argument("--out", default=str(HERE))
    args = parser.parse_args(argv)
    langs = args.langs.split(",")
    curve = sorted({int(v) for v in args.curve.replace(",", " ").split()})
    work = Path(args.work)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)

    log(f"bench: corpus '{args.corpus}' of {args.n} articles × {len(langs)} languages "
        f"({','.join(langs)})")
    multi = work / "multi"
    files = corpus.generate(multi, args.n, langs, style=args.corpus)
    mono = work / "mono"
    mono_files = corpus.generate(mono, args.n, langs, monolingual=True, style=args.corpus)
    ref_python = ensure_reference_venv()
    our_python = Path(sys.executable)
    hugo = shutil.which("hugo")

    tools = build_commands(work, multi, mono, args.langs, ref_python, our_python)
    sources = {name: files for name in tools}
    sources["monolingual Pelican"] = mono_files
    if hugo:
        site = hugo_site(work, args.n, langs)
        tools["Hugo"] = ([hugo, "--quiet", "-s", str(site), "-d", str(work / "out-d")], {},
                         work / "out-d")
        sources["Hugo"] = files
    else:
        log("bench: Hugo is not installed (apt-get install hugo): its column is skipped")

    results = {name: [] for name in tools}
    cpu = {name: [] for name in tools}
    memory = {}
    for rnd in range(args.rounds + 1):
        label = "warm-up" if rnd == 0 else f"round {rnd}/{args.rounds}"
        for name, (cmd, env, out) in tools.items():
            if name.startswith("this project"):
                shutil.rmtree(ROOT / "cache", ignore_errors=True)
            log(f"bench: {label}: {name}…")
            seconds, rss, used = measure(cmd, env, memory=rnd == 0)
            per_source = used * 1000 / sources[name]
            if rnd:
                results[name].append(seconds)
                cpu[name].append(per_source)
                log(f"bench: {label}: {name}: {seconds:.1f} s, {per_source:.1f} ms CPU per "
                    f"source, {count_pages(out)} pages")
            else:
                memory[name] = rss
                log(f"bench: {label}: {name}: {seconds:.1f} s, peak {rss:.0f} MiB, "
                    f"{count_pages(out)} pages")
    pages = {name: count_pages(out) for name, (_, _, out) in tools.items()}

    # Warm rebuild of this project after editing one article (content cache on).
    warm = None
    cmd, env, out = tools["this project"]
    cache_cmd = [c for c in cmd if c != "--delete-output-directory"] + [
        "-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true"]
    try:
        measure(cache_cmd, env)  # fills the cache
        victim = next((multi / "articles").glob("*.fr.md"))
        victim.write_text(victim.read_text(encoding="utf-8") + "\nUne phrase ajoutée.\n",
                          encoding="utf-8")
        warm, _, _ = measure(cache_cmd, env)
        log(f"bench: warm rebuild after one edit: {warm:.1f} s")
    except RuntimeError as exc:
        log(f"bench: warm rebuild failed, reported as such: {exc}")

    points = memory_curve(curve, args, langs, ref_python, our_python,
                          at_n={"this project": (memory["this project"], statistics.median(
                                    cpu["this project"]), files),
                                "monolingual Pelican": (memory["monolingual Pelican"],
                                                        statistics.median(
                                                            cpu["monolingual Pelican"]),
                                                        mono_files)})
    log("bench: cost of one log record…")
    log_costs = logcost.measure()
    write_report(results, memory, pages, warm, args, files, Path(args.out), cpu=cpu,
                 curve=points, log_costs=log_costs)


CURVE_TOOLS = ("this project", "monolingual Pelican")


def memory_curve(ns, args, langs, ref_python, our_python, at_n):
    """[(n, {tool: (peak MiB, CPU ms per source, source files)})] for each n of ``ns``;
    the point at the timed rounds' N is the one measured there."""
    points = []
    for n in ns:
        if n == args.n:
            points.append((n, dict(at_n)))
            continue
        work = Path(args.work) / f"curve-{n}"
        if work.exists():
            shutil.rmtree(work)
        multi, mono = work / "multi", work / "mono"
        counts = {"this project": corpus.generate(multi, n, langs, style=args.corpus),
                  "monolingual Pelican": corpus.generate(mono, n, langs, monolingual=True,
                                                         style=args.corpus)}
        tools = build_commands(work, multi, mono, args.langs, ref_python, our_python)
        point = {}
        for name in CURVE_TOOLS:
            cmd, env, _ = tools[name]
            if name == "this project":
                shutil.rmtree(ROOT / "cache", ignore_errors=True)
            log(f"bench: curve N={n}: {name}…")
            seconds, peak, used = measure(cmd, env, memory=True)
            point[name] = (peak, used * 1000 / counts[name], counts[name])
            log(f"bench: curve N={n}: {name}: {seconds:.1f} s, peak {peak:.0f} MiB, "
                f"{point[name][1]:.1f} ms CPU per source")
        shutil.rmtree(work, ignore_errors=True)
        points.append((n, point))
    return points


def ratio_rows(results, a, b):
    return [x / y for x, y in zip(results[a], results[b])]


def write_report(results, memory, pages, warm, args, files, out, cpu=None, curve=(),
                 log_costs=None):
    med = {n: statistics.median(r) for n, r in results.items()}
    cpu = cpu or {}
    lines = [f"# Benchmark: {args.n} articles × {len(args.langs.split(','))} languages "
             f"({files} source files, corpus '{getattr(args, 'corpus', 'today')}'), "
             f"{args.rounds} rounds", "",
             f"Command: `make bench N={args.n} LANGS={args.langs} "
             f"CORPUS={getattr(args, 'corpus', 'today')}` on {os.cpu_count()} cores. "
             "Times: timed rounds, run alternately; CPU: user + system time of the build's "
             "whole process tree (workers and Pagefind included) per source file, median of "
             "the timed rounds; peak memory: the warm-up run "
             "(sampling memory costs CPU, so timed runs are not sampled).", "",
             "| build | median wall time (min–max) | CPU per source | peak memory (PSS) | pages "
             "| pages/s |",
             "|---|---|---|---|---|---|"]
    for name, times in results.items():
        per_source = f"{statistics.median(cpu[name]):.1f} ms" if cpu.get(name) else "–"
        lines.append(f"| {name} | {med[name]:.1f} s ({min(times):.1f}–{max(times):.1f}) | "
                     f"{per_source} | {memory[name]:.0f} MiB | {pages[name]} | "
                     f"{pages[name] / med[name]:.0f} |")
    lines += ["", "| ratio (per round; median) | value |", "|---|---|"]
    ours = "this project"
    for other in [n for n in results if n != ours]:
        per_round = ratio_rows(results, other, ours) if other == "Pelican + i18n_subsites" else \
            ratio_rows(results, ours, other)
        label = (f"{other} / this project (speed-up)" if other == "Pelican + i18n_subsites"
                 else f"this project / {other}")
        lines.append(f"| {label} | {', '.join(f'{r:.2f}' for r in per_round)}; "
                     f"median **{statistics.median(per_round):.2f}** |")
    lines.append(f"| peak memory this project / monolingual Pelican | "
                 f"**{memory[ours] / memory['monolingual Pelican']:.2f}** |")
    if warm is not None:
        lines.append(f"| warm rebuild (one article edited) / cold build | "
                     f"**{warm / med[ours]:.2f}** ({warm:.1f} s) |")
    if curve:
        lines += ["", "Memory curve: one build per N, memory sampled (peak PSS of all the "
                  "build's processes); CPU per source file of that build.", "",
                  "| N per language | sources (ours / mono) | this project: peak PSS | "
                  "monolingual: peak PSS | memory ratio | this project: CPU per source | "
                  "monolingual: CPU per source |", "|---|---|---|---|---|---|---|"]
        for n, point in curve:
            (a_mem, a_cpu, a_src), (c_mem, c_cpu, c_src) = (point["this project"],
                                                          point["monolingual Pelican"])
            lines.append(f"| {n} | {a_src} / {c_src} | {a_mem:.0f} MiB | {c_mem:.0f} MiB | "
                         f"**{a_mem / c_mem:.2f}** | {a_cpu:.1f} ms | {c_cpu:.1f} ms |")
    if log_costs:
        lines += ["", "One log record (CPU, output to a pipe, `bench/logcost.py`; target "
                  "≤ 0.2 ms):", ""]
        lines += [f"- {name}: {ms:.3f} ms" for name, ms in log_costs.items()]
    text = "\n".join(lines) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    chart(med, out / "results.png")


def chart(medians, path):
    """Bar chart of the median build times (Pillow, no plotting library needed)."""
    from PIL import Image, ImageDraw

    width, bar_h, gap, left = 900, 44, 18, 260
    height = gap + len(medians) * (bar_h + gap) + 30
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    top = max(medians.values()) or 1
    for i, (name, seconds) in enumerate(medians.items()):
        y = gap + i * (bar_h + gap)
        length = int((width - left - 90) * seconds / top)
        draw.text((10, y + bar_h / 3), name, fill="black")
        draw.rectangle([left, y, left + max(length, 1), y + bar_h],
                       fill="#0b5cad" if name == "this project" else "#9aa5b1")
        draw.text((left + length + 8, y + bar_h / 3), f"{seconds:.1f} s", fill="black")
    draw.text((10, height - 22), "median cold build time (lower is better)", fill="#333333")
    img.save(path)


if __name__ == "__main__":
    main()
