"""Image service mode in `make bench-images`, and what its photos alone cost.

* ``service_mode``: the ``"service"`` entry of ``bench/images_bench.py``'s ``MODES``: a cold
  build of the archive with ``IMAGES['service']`` (the Thumbor preset, its key from
  the environment as in production; the build needs no running service, it writes
  URLs). ``make bench-images`` reports its CPU per photo beside build-time mode's,
  which counts everything the build does for the articles too.
* ``make bench-images-service`` (``main``): the photos' share. The same archive
  (``bench/images_bench.py``'s ``make_archive``: N articles × fr, en, translations with
  ``Lang:`` and a shared ``Slug:``, a 3000×2000 camera photo per original, a body
  photo every other one) built in service mode and without its photos, alternating
  over ROUNDS rounds after a warm-up: CPU per photo is the difference of the medians
  over the photo count (user + system of every process of the build), with wall
  time, peak memory (PSS of the process tree), cache and output bytes, and the
  projection for 10,000 photos. Target: ≤ 0.02 s per photo (issue 21).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import re
import shutil
import statistics
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEY_ENV = "BENCH_THUMBOR_KEY"
SERVICE = {"preset": "thumbor", "url": "http://127.0.0.1:8888", "key_env": KEY_ENV}
TARGET = 0.02  # s of CPU per photo


@contextlib.contextmanager
def service_mode(work: Path):
    """Build in image service mode (Thumbor URLs), into a fresh cache."""
    cache = work / "cache-service"
    shutil.rmtree(cache, ignore_errors=True)
    old = os.environ.get(KEY_ENV)
    os.environ[KEY_ENV] = old or "bench-key-not-a-secret"  # run_build passes os.environ
    try:
        yield {"IMAGES": {"cache": str(cache), "service": SERVICE}}, cache
    finally:
        if old is None:
            os.environ.pop(KEY_ENV, None)


def without_photos(content: Path, dest: Path):
    """A copy of the archive ``content`` with no photo: its Image: lines and the
    body's photo references removed, the photo files left out."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(content, dest, ignore=shutil.ignore_patterns("photos"))
    for path in (dest / "articles").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^Image(Alt|Focus|Caption|Credit)?: .*\n", "", text, flags=re.M)
        text = re.sub(r"^!\[[^\]]*\]\(\{static\}/images/photos/[^)]*\)\n", "", text, flags=re.M)
        path.write_text(text, encoding="utf-8")


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def _bench_images():
    """`make bench-images`'s module, loaded by path (``images`` is also the plugin's
    package name; the module may be named ``images_bench.py``)."""
    path = next(p for p in (HERE / "images_bench.py", HERE / "images.py") if p.exists())
    spec = importlib.util.spec_from_file_location("bench_images", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(n: int, rounds: int, work: Path) -> dict:
    bench = _bench_images()
    work.mkdir(parents=True, exist_ok=True)
    content, text = work / "archive", work / "archive-text"
    shutil.rmtree(content, ignore_errors=True)
    bench.log(f"bench-images-service: drawing an archive of {n} articles × fr, en…")
    photos = bench.make_archive(content, n)
    without_photos(content, text)
    sources = sum(1 for _ in (content / "articles").glob("*.md"))
    # No drawn cards in either: the text-only build would draw one per article, and the
    # archive's translations (which show their original's photo) one each as well.
    builds = {"service mode": (content, {"cards": False}),
              "same archive, no photos": (text, {"cards": False})}
    runs = {name: {"wall": [], "cpu": []} for name in builds}
    peaks, sizes = {}, {}
    for rnd in range(rounds + 1):
        label = "warm-up" if rnd == 0 else f"round {rnd}/{rounds}"
        for name, (src, extra) in builds.items():
            with service_mode(work) as (overrides, cache):
                overrides["IMAGES"].update(extra)
                out = work / ("out-" + re.sub(r"\W+", "-", name))
                bench.log(f"bench-images-service: {label}: {name}…")
                wall, cpu, peak, _ = bench.run_build(src, out, overrides)
                if rnd == 0:
                    peaks[name] = peak
                    sizes[name] = (folder_bytes(cache), folder_bytes(out / "img"),
                                   folder_bytes(out / "images"))
                else:
                    runs[name]["wall"].append(wall)
                    runs[name]["cpu"].append(cpu)
    med = {name: {k: statistics.median(v) for k, v in r.items()} for name, r in runs.items()}
    a, b = med["service mode"], med["same archive, no photos"]
    return {"n": n, "rounds": rounds, "photos": photos, "sources": sources,
            "photo_mb": folder_bytes(content / "images/photos") / 1e6, "median": med,
            "runs": runs, "peak": peaks, "sizes": sizes,
            "cpu_per_photo": (a["cpu"] - b["cpu"]) / photos,
            "cpu_per_photo_all": a["cpu"] / photos}


def report(r: dict) -> str:
    med, photos = r["median"], r["photos"]
    lines = [
        "# Image service mode: what the photos cost a build (`make bench-images-service`)",
        "",
        f"Archive (`bench/images_bench.py`'s): {r['n']} articles × fr, en ({r['sources']} sources, "
        f"translations with `Lang:` and a shared `Slug:`), {photos} camera photos of "
        f"3000×2000 ({r['photo_mb'] / photos:.2f} MB each). Cold builds, {r['rounds']} "
        "round(s) after a warm-up, alternating, medians; CPU = user + system of every process "
        "of the build. Run on a shared machine: compare figures of one run.",
        "",
        "| build | wall (s) | CPU (s) | peak memory (MiB) | cache (MB) | derivatives (MB) | "
        "originals published (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, m in med.items():
        cache, derivatives, originals = (v / 1e6 for v in r["sizes"][name])
        lines.append(f"| {name} | {m['wall']:.1f} | {m['cpu']:.1f} | {r['peak'][name]:.0f} | "
                     f"{cache:.2f} | {derivatives:.2f} | {originals:.1f} |")
    per, whole = r["cpu_per_photo"], r["cpu_per_photo_all"]
    lines += [
        "",
        f"* **CPU per photo in service mode: {per:.4f} s** (the difference of the two builds "
        f"over {photos} photos; target ≤ {TARGET} s: {'met' if per <= TARGET else 'NOT met'}); "
        f"the whole service-mode build over its photos: {whole:.3f} s.",
        f"* Cache per photo: {r['sizes']['service mode'][0] / 1e6 / photos:.4f} MB: no photo "
        "is encoded (`cards: False` in both builds: drawn cards are not photos).",
        f"* 10,000 photos: {per * 10_000:.0f} s of CPU for the photos ({per * 10_000 / 60:.1f} "
        f"min, about {per * 10_000 / 120:.1f} min of wall time on 2 cores), no cache growth; "
        "the service encodes each size on its first request instead.",
        "",
        "Per round (wall s / CPU s): " + "; ".join(
            f"{name}: " + ", ".join(f"{w:.1f}/{c:.1f}" for w, c in zip(v["wall"], v["cpu"]))
            for name, v in r["runs"].items()),
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=int(os.environ.get("SERVICE_N", 200)),
                        help="articles per language")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("SERVICE_ROUNDS", 1)))
    parser.add_argument("--work", default=str(HERE / "work-images-service"))
    parser.add_argument("--out", default=str(HERE / "images-service-results.md"))
    args = parser.parse_args(argv)
    text = report(run(args.n, args.rounds, Path(args.work)))
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
