"""Image service mode's share of `make bench-images`: what a build costs per photo when
an image service (``IMAGES['service']``, plugins/images/service.py) encodes instead.

An archive of N articles in fr with their en translations (Pelican's way: ``Lang:``
and a shared ``Slug:``), each original with a 3000×2000 camera JPEG lead photo
(EXIF with GPS, ``bench/camera.py``), every other one a body photo as well. Four
photos are drawn and copied (service mode reads a file's header and its
metadata blocks, which are the same in a copy; the files are distinct, so
nothing is shared between them but the bytes).

Two cold builds in the same run, alternating over ROUNDS rounds: the archive in
service mode, and the same archive without its photos. Reported: CPU per photo
(user + system of every process of the build; the difference of the two builds
over the photo count, and the whole build over it), wall time, peak memory (PSS
of the process tree, warm-up round), cache and output bytes per photo, and the
projection for 10,000 photos. The build needs no running service: it writes
URLs (a Thumbor preset with a key from the environment, as in production).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import camera  # noqa: E402
import corpus  # noqa: E402
from run import log, measure  # noqa: E402

DISTINCT_PHOTOS = 4
KEY_ENV = "BENCH_THUMBOR_KEY"
SERVICE = {"preset": "thumbor", "url": "http://127.0.0.1:8888", "key_env": KEY_ENV}
TARGET = 0.02  # s of CPU per photo (issue 21)


def archive(dest: Path, n: int, photos: bool) -> int:
    """The archive under ``dest``; returns the number of photos it shows."""
    corpus.generate(dest, n, ["fr", "en"])
    images = dest / "images"
    if photos:
        drawn = []
        for seed in range(DISTINCT_PHOTOS):
            path = images / f"drawn-{seed}.jpg"
            camera.save_photo(path, seed)
            drawn.append(path)
    count = 0
    for i in range(n):
        slug = f"article-{i:05d}"
        for lang in ("fr", "en"):
            path = dest / "articles" / f"{slug}.{lang}.md"
            if not path.exists():
                continue
            text = path.read_text(encoding="utf-8")
            meta, body = text.split("\n\n", 1)
            # Pelican's way: the language and a shared slug in the metadata.
            meta += f"\nLang: {lang}\nSlug: {slug}"
            if photos:
                meta += f"\nImageAlt: {'Photo' if lang == 'en' else 'Une photo'} {i}"
                # A translation written Pelican's way repeats its original's header.
                lead = images / f"lead-{i:05d}.jpg"
                meta += f"\nImage: images/{lead.name}\nImageFocus: 40% 30%"
                extra = images / f"body-{i:05d}.jpg"
                if i % 2 == 0:
                    body += f"\n\n![Une autre photo]({{static}}/images/{extra.name})\n"
                if lang == "fr":
                    shutil.copyfile(drawn[i % DISTINCT_PHOTOS], lead)
                    count += 1
                    if i % 2 == 0:
                        shutil.copyfile(drawn[(i + 1) % DISTINCT_PHOTOS], extra)
                        count += 1
            new = dest / "articles" / f"{slug}-{lang}.md"  # the slug is in the metadata now
            path.unlink()
            new.write_text(f"{meta}\n\n{body}", encoding="utf-8")
    if photos:
        for path in drawn:
            path.unlink()
    return count


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def command(src: Path, out: Path):
    return [sys.executable, "-m", "pelican", str(src), "-o", str(out), "-s",
            str(HERE / "ourconf.py"), "--delete-output-directory"]


def run(n: int, rounds: int, work: Path) -> dict:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    log(f"bench-images (service mode): drawing an archive of {n} articles × fr, en…")
    with_photos, without = work / "photos", work / "text"
    photos = archive(with_photos, n, photos=True)
    archive(without, n, photos=False)
    sources = len(list((with_photos / "articles").glob("*.md")))
    photo_mb = folder_bytes(with_photos / "images") / 1e6
    cache = work / "cache"
    builds = {
        "service mode": (with_photos, {"BENCH_IMAGES": json.dumps({"service": SERVICE,
                                                                   "cache": str(cache)})}),
        "same archive, no photos": (without, {"BENCH_IMAGES": json.dumps({"cards": False,
                                                                          "cache": str(cache)})}),
    }
    env_key = {KEY_ENV: os.environ.get(KEY_ENV) or "bench-key-not-a-secret"}
    results = {name: {"wall": [], "cpu": []} for name in builds}
    peaks, sizes = {}, {}
    for rnd in range(rounds + 1):
        label = "warm-up" if rnd == 0 else f"round {rnd}/{rounds}"
        for name, (src, env) in builds.items():
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(ROOT / "cache", ignore_errors=True)  # Pelican's content cache: cold
            out = work / ("out-" + re.sub(r"\W+", "-", name))
            log(f"bench-images: {label}: {name}…")
            wall, peak, cpu = measure(command(src, out),
                                      {**env, **env_key, "BENCH_CORPUS": str(src),
                                       "BENCH_LANGS": "fr,en,de"}, memory=rnd == 0)
            if rnd == 0:
                peaks[name] = peak
                sizes[name] = (folder_bytes(cache), folder_bytes(out / "img"),
                               folder_bytes(out / "images"))
            else:
                results[name]["wall"].append(wall)
                results[name]["cpu"].append(cpu)
    med = {name: {k: statistics.median(v) for k, v in r.items()} for name, r in results.items()}
    a, b = med["service mode"], med["same archive, no photos"]
    per_photo = (a["cpu"] - b["cpu"]) / photos
    return {"n": n, "rounds": rounds, "photos": photos, "sources": sources,
            "photo_mb": photo_mb, "median": med, "runs": results, "peak": peaks,
            "sizes": sizes, "cpu_per_photo": per_photo, "cpu_per_photo_all": a["cpu"] / photos}


def report(r: dict, out: Path):
    med, photos = r["median"], r["photos"]
    lines = [
        "# Image service mode: build cost per photo (`make bench-images`)",
        "",
        f"Archive: {r['n']} articles × fr, en ({r['sources']} sources, translations written "
        f"Pelican's way), {photos} camera photos of 3000×2000 ({r['photo_mb'] / photos:.2f} MB "
        f"each; lead photo on every original, a body photo on every other one). Cold builds, "
        f"{r['rounds']} round(s) after a warm-up, medians; CPU = user + system of every "
        "process of the build.",
        "",
        "| build | wall (s) | CPU (s) | peak memory (MiB) | cache (MB) | derivatives (MB) | originals published (MB) |",
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
        f"* Cache per photo: {r['sizes']['service mode'][0] / 1e6 / photos:.4f} MB (nothing is "
        "encoded; the derivatives folder holds no photo).",
        f"* Projection for 10,000 photos: {per * 10_000:.0f} s of CPU for the photos "
        f"({per * 10_000 / 60:.1f} min; about {per * 10_000 / 120:.1f} min of wall time on 2 "
        "cores), and no cache growth. The service encodes on first request instead "
        "(Thumbor: see README, Image service).",
        "",
        "Per round (wall s / CPU s): " + "; ".join(
            f"{name}: " + ", ".join(f"{w:.1f}/{c:.1f}" for w, c in zip(v["wall"], v["cpu"]))
            for name, v in r["runs"].items()),
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=int(os.environ.get("N", 200)),
                        help="articles (each in fr and en)")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("ROUNDS", 1)))
    parser.add_argument("--work", default=str(HERE / "work-images-service"))
    parser.add_argument("--out", default=str(HERE / "images-service-results.md"))
    args = parser.parse_args(argv)
    report(run(args.n, args.rounds, Path(args.work)), Path(args.out))


if __name__ == "__main__":
    main()
