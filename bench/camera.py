"""Camera-like photos drawn by code, for the image benchmarks (``make bench-images``).

A 3000×2000 JPEG (6 megapixels) as a camera or phone writes it: soft light over the
frame, out-of-focus shapes, sharp edges and texture in the foreground, sensor noise,
saved at quality 92 with the camera's EXIF block (make, model, GPS). Not flat
colour: encoders spend on a real photo what they spend here. Deterministic per seed,
drawn here (no third-party picture).
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFilter

SIZE = (3000, 2000)


def _clouds(rng, size, octaves=((12, 8), (48, 32), (192, 128), (750, 500)), sigma=60):
    """Smooth random light: noise at a few small sizes, blown up and blended."""
    layer = None
    for n, small in enumerate(octaves):
        noise = Image.effect_noise(small, sigma).resize(size, Image.BICUBIC)
        layer = noise if layer is None else Image.blend(layer, noise, 0.5 / (n + 1))
    return layer


def draw_photo(seed: int = 0, size=SIZE) -> Image.Image:
    rng = random.Random(seed)
    w, h = size
    channels = [_clouds(rng, size) for _ in range(3)]
    tint = [rng.randint(60, 200) for _ in range(3)]
    base = Image.merge("RGB", [c.point(lambda v, t=t: min(255, max(0, v - 128 + t)))
                               for c, t in zip(channels, tint)])
    # Background shapes, out of focus.
    back = Image.new("RGB", size)
    draw = ImageDraw.Draw(back)
    for _ in range(25):
        x, y, r = rng.randint(0, w), rng.randint(0, h), rng.randint(80, 500)
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=tuple(rng.randint(0, 255) for _ in range(3)))
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rectangle((0, 0, w, h), fill=90)
    base.paste(back.filter(ImageFilter.GaussianBlur(40)), mask=mask)
    # Foreground: sharp edges and texture (a building's windows, a fence, leaves).
    fore = ImageDraw.Draw(base)
    for _ in range(300):
        x, y = rng.randint(0, w), rng.randint(h // 3, h)
        fore.rectangle((x, y, x + rng.randint(8, 90), y + rng.randint(8, 60)),
                       fill=tuple(rng.randint(0, 255) for _ in range(3)))
    for _ in range(1500):
        x, y = rng.randint(0, w), rng.randint(0, h)
        fore.line((x, y, x + rng.randint(-40, 40), y + rng.randint(-40, 40)),
                  fill=tuple(rng.randint(0, 255) for _ in range(3)), width=rng.randint(1, 4))
    # Sensor noise, a little stronger in the dark (as a camera at ISO 800).
    grain = Image.merge("RGB", [Image.effect_noise(size, 14) for _ in range(3)])
    return Image.blend(base, grain, 0.16)


def exif_block():
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x0110] = "Model 7"
    exif[0x0112] = 1
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)})
    return exif


def save_photo(path, seed: int = 0, size=SIZE):
    """Draw photo ``seed`` and save it at ``path`` as a camera JPEG; returns its bytes."""
    draw_photo(seed, size).save(path, "JPEG", quality=92, exif=exif_block())
    with open(path, "rb") as fh:
        return len(fh.read())


if __name__ == "__main__":
    import sys

    print(save_photo(sys.argv[1] if len(sys.argv) > 1 else "photo.jpg"))
