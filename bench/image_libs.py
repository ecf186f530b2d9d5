"""Pillow or pyvips for the images plugin: time and peak memory on a large photo.

    .venv/bin/pip install pyvips==3.2.0 pyvips-binary==8.18.7   # only for this comparison
    .venv/bin/python bench/image_libs.py

Draws a 4000×3000 photo-like JPEG (gradients, shapes, noise), then, in a fresh
process per library and run, makes the plugin's derivatives: 4 widths (480,
800, 1200, 1600) × AVIF, WebP, JPEG, with the same settings on both sides
(AVIF quality 55 at Pillow speed 8 = libvips effort 1; WebP 75; JPEG 80).
Prints wall time and peak RSS (ru_maxrss) of each run (on a shared machine, take medians).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

WIDTHS = (480, 800, 1200, 1600)

PILLOW = """
import io, resource, sys, time
from PIL import Image, ImageOps
t = time.perf_counter()
with Image.open(sys.argv[1]) as im:
    im.draft("RGB", (im.width // 2, im.height // 2))  # JPEG shrink-on-load, as the plugin's decoder
    im = ImageOps.exif_transpose(im).convert("RGB")
for w in %(widths)r:
    r = im.resize((w, round(im.height * w / im.width)), Image.LANCZOS, reducing_gap=3.0)
    r.save(io.BytesIO(), "AVIF", quality=55, speed=8, max_threads=1)
    r.save(io.BytesIO(), "WEBP", quality=75, method=4)
    r.save(io.BytesIO(), "JPEG", quality=80, optimize=True, progressive=True)
print(f"{time.perf_counter() - t:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}")
"""

PYVIPS = """
import os, resource, sys, time
os.environ.setdefault("VIPS_CONCURRENCY", "1")
import pyvips
t = time.perf_counter()
for w in %(widths)r:
    r = pyvips.Image.thumbnail(sys.argv[1], w, size="down").copy_memory()
    r.write_to_buffer(".avif", Q=55, effort=1)
    r.write_to_buffer(".webp", Q=75, effort=4)
    r.write_to_buffer(".jpg", Q=80, optimize_coding=True, interlace=True, strip=True)
print(f"{time.perf_counter() - t:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}")
"""


def make_photo(path):
    import random

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(1)
    w, h = 4000, 3000
    gradient = Image.radial_gradient("L").resize((w, h))
    image = Image.merge("RGB", (gradient, gradient.rotate(90).resize((w, h)),
                                Image.linear_gradient("L").resize((w, h))))
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randrange(20, 300)
        draw.ellipse((x, y, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    noise = Image.effect_noise((w, h), 40).convert("RGB")
    Image.blend(image, noise, 0.15).filter(ImageFilter.GaussianBlur(1)).save(path, quality=90)


def main(runs=3):
    with tempfile.TemporaryDirectory() as tmp:
        photo = os.path.join(tmp, "photo.jpg")
        # In another process: Linux carries a parent's peak RSS over to its children.
        subprocess.run([sys.executable, __file__, "--photo", photo], check=True)
        for name, code in (("Pillow", PILLOW), ("pyvips", PYVIPS)):
            for _ in range(runs):
                result = subprocess.run([sys.executable, "-c", code % {"widths": WIDTHS}, photo],
                                        capture_output=True, text=True)
                if result.returncode:
                    print(f"{name}: not available ({result.stderr.strip().splitlines()[-1]})")
                    break
                seconds, mib = result.stdout.split()
                print(f"{name:7} {seconds:>6} s  {mib:>5} MiB peak")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--photo"]:
        make_photo(sys.argv[2])
    else:
        main()
