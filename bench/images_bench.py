"""`make bench-images`: what images cost at archive scale.

1. **Per derivative** (``costs``): on camera photos drawn by ``bench/camera.py``
   (3000×2000 JPEG, noise and texture) and on a drawn chart (the sample site's kind
   of image), the CPU and the bytes of each format (AVIF, WebP, JPEG) at each width,
   with the decode and resize costs: the figures ``newsroom.media.DEFAULTS`` and
   ``plugins/images/responsive.ladder`` are chosen from.
2. **An archive** (``archive``): N articles in French and English (translations
   written Pelican's way: ``Lang:`` and a shared ``Slug:``), each with a camera-sized
   lead photo, every other one a body photo too; one cold build per mode, measuring
   CPU per photo (user + system of every process: the build, its workers, the
   encoders; ``RUSAGE_CHILDREN`` and the sampled CPU of processes not waited for),
   cache MB per photo, wall time, peak memory (PSS of the process tree), and the
   projection for 10,000 photos.

Modes: ``MODES`` maps a name to a function giving the build's extra settings for a
work folder (a context manager: a mode may start a server and stop it). Only
``"build"`` (encode at build time) is here; an image-service mode adds its entry.

    make bench-images [IMAGES_N=40] [IMAGE_MODES=build]

Results: ``bench/images-results.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "plugins"))
import camera  # noqa: E402
import corpus  # noqa: E402
from run import tree_rss_kb  # noqa: E402

FORMATS = {  # as plugins/images/derivatives.encode_image writes them
    "avif": ("AVIF", {"quality": 55, "speed": 8, "max_threads": 1}),
    "webp": ("WEBP", {"quality": 75, "method": 2}),
    "jpeg": ("JPEG", {"quality": 80, "optimize": True}),
}
WIDTHS = (480, 800, 1200, 1600)


def log(msg):
    print(msg, flush=True)


def cpu_self():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- 1. per derivative -------------------------------------------------------------------

def _timed(fn, repeat=3):
    fn()
    start = cpu_self()
    for _ in range(repeat):
        result = fn()
    return (cpu_self() - start) / repeat, result


def costs(work: Path, photos=3):
    """{image kind: {"decode": s, "rows": [(width, resize s, {fmt: (s, bytes)})]}}."""
    from PIL import Image

    import sample_images

    sources = {}
    for seed in range(photos):
        path = work / f"camera-{seed}.jpg"
        camera.save_photo(path, seed)
        sources[f"camera photo {seed + 1} (3000×2000 JPEG, {path.stat().st_size // 1024} KB)"] = path
    chart = work / "chart.png"
    sample_images.draw("bars").save(chart)
    sources["drawn chart (1200×675 PNG, 16 colours)"] = chart
    table = {}
    for label, path in sources.items():
        decode, image = _timed(lambda: _decode(path), 2)
        image = image.convert("RGB")
        rows = []
        for width in WIDTHS:
            if width > image.width:
                continue
            height = round(image.height * width / image.width)
            resize, resized = _timed(lambda: image.resize((width, height), Image.LANCZOS), 2)
            cells = {}
            for fmt, (name, options) in FORMATS.items():
                seconds, size = _timed(lambda: _encoded_size(resized, name, options), 2)
                cells[fmt] = (seconds, size)
            rows.append((width, resize, cells))
        draft = None
        if path.suffix == ".jpg":
            draft, _ = _timed(lambda: _decode(path, (1500, 1000)), 2)
        table[label] = {"decode": decode, "draft": draft, "rows": rows}
        log(f"bench-images: costs of {label} measured")
    return table


def _decode(path, draft=None):
    from PIL import Image

    image = Image.open(path)
    if draft:
        image.draft("RGB", draft)
    image.load()
    return image


def _encoded_size(image, name, options):
    out = io.BytesIO()
    image.save(out, name, **options)
    return len(out.getvalue())


# -- 2. an archive ---------------------------------------------------------------------

def make_archive(dest: Path, n: int, seed=7):
    """N articles per language (fr, en), each original with a lead photo and every
    other one a body photo; returns the number of photos."""
    from PIL import Image, ImageDraw

    corpus.generate(dest, n, ["fr", "en"], seed=seed)
    photos = dest / "images/photos"
    photos.mkdir(parents=True)
    # Drawing a 6-MP photo costs about a second: a few are drawn, each file is then
    # made unique (shifted, mirrored, marked), so that every one is a new source.
    bases = [camera.draw_photo(s) for s in range(4)]
    rng = random.Random(seed)
    count = 0

    def photo(name, i):
        nonlocal count
        base = bases[i % len(bases)]
        dx, dy = rng.randrange(0, 200), rng.randrange(0, 150)
        image = base.transform(base.size, Image.AFFINE, (1, 0, dx, 0, 1, dy))
        if i % 2:
            image = image.transpose(Image.FLIP_LEFT_RIGHT)
        draw = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randrange(3000), rng.randrange(2000)
            draw.rectangle((x, y, x + rng.randrange(20, 200), y + rng.randrange(20, 120)),
                           fill=tuple(rng.randrange(256) for _ in range(3)))
        image.save(photos / name, "JPEG", quality=92, exif=camera.exif_block())
        count += 1

    for path in sorted((dest / "articles").glob("*.md")):
        slug, lang = path.name.split(".")[:2]
        i = int(slug.rsplit("-", 1)[1])
        text = path.read_text(encoding="utf-8")
        head, body = text.split("\n\n", 1)
        lines = [line for line in head.split("\n")]
        if lang == "fr":
            photo(f"lead-{i:05d}.jpg", i)
            lines += [f"Image: images/photos/lead-{i:05d}.jpg", "ImageAlt: Une photo de reportage"]
            if i % 2 == 0:
                photo(f"body-{i:05d}.jpg", i + 1)
        else:
            # A translation Pelican's way: Lang: and the original's Slug:; it shows
            # the original's photo with its own alt text.
            lines += [f"Slug: {slug}", "Lang: en", "ImageAlt: A news photo"]
        if i % 2 == 0:
            body += f"\n![{'Une photo' if lang == 'fr' else 'A photo'}]({{static}}/images/photos/body-{i:05d}.jpg)\n"
        new = dest / "articles" / (f"{slug}.{lang}.md" if lang == "fr" else f"{slug}-en.md")
        path.unlink()
        new.write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")
    return count


@contextlib.contextmanager
def build_time_mode(work: Path):
    """Encode every derivative at build time (the default), into a fresh cache."""
    cache = work / "cache-build"
    shutil.rmtree(cache, ignore_errors=True)
    yield {"IMAGES": {"cache": str(cache)}}, cache


from images_service import service_mode  # noqa: E402 (bench/images_service.py)

#: name -> context manager giving ({setting: value} overrides, cache folder or None).
MODES = {"build": build_time_mode, "service": service_mode}


def _tree_cpu(pid, seen):
    """Sample the CPU (s) of every process below ``pid`` into ``seen`` {pid: s}."""
    tick = os.sysconf("SC_CLK_TCK")
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append((int(entry), fields))
            except (OSError, ValueError, IndexError):
                pass
    stack = [pid]
    while stack:
        for child, fields in children.get(stack.pop(), []):
            # its own utime + stime (not the children it waited for: sampled apart)
            seen[child] = (int(fields[11]) + int(fields[12])) / tick
            stack.append(child)


def run_build(content: Path, out: Path, overrides: dict, langs="fr,en"):
    """One cold build: (wall s, CPU s of every process, peak PSS MiB, output)."""
    cmd = [sys.executable, "-m", "pelican", str(content), "-o", str(out), "-s",
           str(HERE / "ourconf.py"), "--delete-output-directory", "-e",
           *[f"{key}={json.dumps(value)}" for key, value in overrides.items()]]
    before = cpu_children()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "BENCH_LANGS": langs},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, sampled = [0], {}

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            _tree_cpu(proc.pid, sampled)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"bench-images: the build failed:\n{output[-3000:]}")
    waited = cpu_children() - before
    # Processes the build did not wait for (a fork server's encoders) are not in
    # RUSAGE_CHILDREN: their last sampled CPU is added. Waited ones are already in
    # their parent's figure, which the sample of the parent includes too, so the
    # larger of the two totals is taken, never their sum.
    return wall, max(waited, sum(sampled.values())), peak[0] / 1024, output


def archive(work: Path, n: int, modes):
    content = work / "archive"
    shutil.rmtree(content, ignore_errors=True)
    log(f"bench-images: drawing an archive of {n} articles × fr, en…")
    photos = make_archive(content, n)
    sources = sum(1 for _ in (content / "articles").glob("*.md"))
    results = {}
    for name in modes:
        with MODES[name](work) as (overrides, cache):
            log(f"bench-images: cold build, mode {name!r}…")
            wall, cpu, peak, output = run_build(content, work / f"out-{name}", overrides)
            cache_mb = (sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) / 1e6
                        if cache is not None and cache.exists() else 0.0)
        results[name] = {"photos": photos, "sources": sources, "wall": wall, "cpu": cpu,
                         "peak": peak, "cache_mb": cache_mb,
                         "log": [line for line in output.splitlines() if "images:" in line]}
        log(f"bench-images: {name}: {wall:.1f} s, {cpu / photos:.3f} s CPU per photo, "
            f"{cache_mb / photos:.3f} MB cache per photo, peak {peak:.0f} MiB")
    return results


# -- report -------------------------------------------------------------------------------

def report(table, results, args, cores):
    lines = ["# Images at archive scale (`make bench-images`)", "",
             f"Run on {cores} cores, shared (other builds ran at the same time: compare "
             "the figures of one run, not across runs).", ""]
    if table:
        lines += ["## What each derivative costs and weighs", "",
                  "CPU of this process (median-free: the mean of 2 runs after a warm-up); "
                  "sizes in KB. AVIF quality 55 speed 8, WebP 75 method 2, JPEG 80 "
                  "optimised (the plugin's settings).", ""]
        for label, data in table.items():
            draft = (f", decoded in draft mode at 1/2 (1500×1000) {data['draft'] * 1000:.0f} ms"
                     if data["draft"] is not None else "")
            lines += [f"### {label}", "", f"Full decode {data['decode'] * 1000:.0f} ms{draft}.", "",
                      "| width | resize from the original | AVIF | WebP | JPEG | bytes AVIF saves vs WebP |",
                      "|---|---|---|---|---|---|"]
            for width, resize, cells in data["rows"]:
                cell = {f: f"{s * 1000:.0f} ms, {b / 1024:.0f} KB" for f, (s, b) in cells.items()}
                gain = 1 - cells["avif"][1] / cells["webp"][1]
                lines.append(f"| {width} | {resize * 1000:.0f} ms | {cell['avif']} | "
                             f"{cell['webp']} | {cell['jpeg']} | {gain:+.0%} |")
            lines.append("")
    if results:
        lines += ["## Cold build of an archive", "",
                  f"{args.n} articles × fr, en (translations with `Lang:` and a shared "
                  "`Slug:`), each original with a 3000×2000 camera photo as its lead image "
                  "and every other one a body photo. CPU: user + system of every process "
                  "of the build.", "",
                  "| mode | photos | wall time | CPU per photo | cache per photo | peak memory "
                  "(PSS) | 10,000 photos: CPU | on 2 cores | cache |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for name, r in results.items():
            per = r["cpu"] / r["photos"]
            mb = r["cache_mb"] / r["photos"]
            lines.append(f"| {name} | {r['photos']} | {r['wall']:.1f} s | **{per:.3f} s** | "
                         f"{mb:.3f} MB | {r['peak']:.0f} MiB | {per * 10_000 / 3600:.1f} h | "
                         f"{per * 10_000 / 2 / 60:.0f} min | {mb * 10_000 / 1000:.1f} GB |")
        lines += ["", "CPU per photo includes everything the build does for the "
                  "articles (reading, rendering, search index), so it is an upper bound "
                  "of what the photos cost."]
        for name, r in results.items():
            lines += ["", f"Build log ({name}): " + "; ".join(r["log"]) if r["log"] else ""]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=int(os.environ.get("IMAGES_N", 40)),
                        help="articles per language")
    parser.add_argument("--modes", default=os.environ.get("IMAGE_MODES", "build"),
                        help=f"comma-separated, among {sorted(MODES)}")
    parser.add_argument("--skip-costs", action="store_true")
    parser.add_argument("--work", default=str(HERE / "work-images"))
    parser.add_argument("--out", default=str(HERE / "images-results.md"))
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    unknown = set(modes) - set(MODES)
    if unknown:
        parser.error(f"unknown mode(s) {sorted(unknown)}; known: {sorted(MODES)}")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    table = None if args.skip_costs else costs(work)
    results = archive(work, args.n, modes) if args.n else {}
    text = report(table, results, args, os.cpu_count())
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
