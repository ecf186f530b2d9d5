"""Draw the sample articles' lead images (run: .venv/bin/python bench/sample_images.py).

Every picture is drawn by this script (charts and diagrams, no photo, no
third-party artwork): the project may ship and relicense them; see CREDITS.
Output: content/images/lead/<slug>.png, 1200×675, a few colours (small files).
Deterministic: the same script draws the same bytes.
"""

from __future__ import annotations

import math
import os
import random

from PIL import Image, ImageDraw

W, H = 1600, 900  # drawing space
SIZE = (1200, 675)  # saved size: enough for the layout (IMAGES['min_width'] is 800)
HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "content", "images")
PALETTES = {
    "blue": ("#0b3d73", "#1f6fbf", "#8cc4ff", "#ffd166", "#f5f7fa"),
    "green": ("#0f3d2e", "#1f8a5b", "#9be3bf", "#ffb347", "#f3faf6"),
    "purple": ("#2d1b4e", "#6b3fa0", "#c9a7ff", "#ffd166", "#f7f3ff"),
    "red": ("#4a1010", "#b33a3a", "#ffb3a7", "#ffe08a", "#fff5f3"),
    "teal": ("#083b3f", "#17838a", "#8fe3e8", "#ffcf70", "#f1fbfc"),
}


def bars(draw, rng, pal):
    n = 9
    for i in range(n):
        h = rng.randint(150, 650)
        x = 170 + i * 145
        draw.rectangle((x, 780 - h, x + 100, 780), fill=pal[1 + (i % 3 == 2)])
    draw.line((120, 780, 1480, 780), fill=pal[4], width=8)


def line_chart(draw, rng, pal):
    for y in range(180, 800, 120):
        draw.line((120, y, 1480, y), fill=pal[1], width=3)
    points, y = [], 650
    for i in range(15):
        y = min(760, max(200, y + rng.randint(-110, 80)))
        points.append((120 + i * 97, y))
    draw.line(points, fill=pal[3], width=14, joint="curve")
    for p in points:
        draw.ellipse((p[0] - 14, p[1] - 14, p[0] + 14, p[1] + 14), fill=pal[4])


def network(draw, rng, pal):
    nodes = [(rng.randint(160, 1440), rng.randint(140, 760)) for _ in range(22)]
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            if math.dist(a, b) < 360:
                draw.line((a, b), fill=pal[1], width=5)
    for i, (x, y) in enumerate(nodes):
        r = 18 + (i % 4) * 9
        draw.ellipse((x - r, y - r, x + r, y + r), fill=pal[3] if i % 5 == 0 else pal[2])


def blocks(draw, rng, pal):
    for row in range(6):
        for col in range(12):
            colour = pal[1 + rng.randint(0, 2)] if rng.random() < .8 else pal[4]
            x, y = 140 + col * 112, 130 + row * 112
            draw.rounded_rectangle((x, y, x + 92, y + 92), radius=14, fill=colour)


def key(draw, rng, pal):
    draw.ellipse((300, 250, 700, 650), outline=pal[3], width=60)
    draw.rectangle((680, 420, 1350, 480), fill=pal[3])
    for x in (1150, 1270):
        draw.rectangle((x, 480, x + 50, 600), fill=pal[3])
    for i in range(5):
        draw.rounded_rectangle((900 + i * 90, 650, 960 + i * 90, 710), radius=12, fill=pal[2])


def columns(draw, rng, pal):
    for col in range(5):
        x = 200 + col * 250
        draw.rectangle((x, 150, x + 180, 760), fill=pal[1] if col != 2 else pal[3])
        for row in range(10):
            y = 170 + row * 59
            draw.rectangle((x + 18, y, x + 162, y + 36), fill=pal[2] if col != 2 else pal[4])


def gauge(draw, rng, pal):
    draw.pieslice((400, 180, 1200, 980), 180, 360, fill=pal[1])
    draw.pieslice((400, 180, 1200, 980), 180, 290, fill=pal[3])
    draw.pieslice((560, 340, 1040, 820), 180, 360, fill=pal[0])
    draw.line((800, 580, 1090, 330), fill=pal[4], width=18)


def timeline(draw, rng, pal):
    draw.line((140, 450, 1460, 450), fill=pal[2], width=12)
    for i in range(6):
        x = 200 + i * 240
        draw.ellipse((x - 40, 410, x + 40, 490), fill=pal[3] if i < 3 else pal[4])
        top = 200 if i % 2 else 560
        draw.rounded_rectangle((x - 90, top, x + 90, top + 140), radius=18, fill=pal[1])


def shield(draw, rng, pal):
    draw.polygon([(800, 140), (1150, 260), (1110, 560), (800, 780), (490, 560), (450, 260)],
                 fill=pal[1])
    draw.line([(640, 470), (760, 590), (990, 340)], fill=pal[3], width=48, joint="curve")


def scales(draw, rng, pal):
    draw.rectangle((785, 200, 815, 760), fill=pal[2])
    draw.line((420, 300, 1180, 260), fill=pal[2], width=20)
    for cx, cy in ((440, 520), (1160, 480)):
        draw.pieslice((cx - 170, cy - 170, cx + 170, cy + 170), 0, 180, fill=pal[3])
    draw.rectangle((640, 740, 960, 780), fill=pal[2])


IMAGES = {
    "sora-fuite": ("purple", network),
    "ai-act-calendrier": ("blue", timeline),
    "bases-de-donnees-vectorielles": ("teal", network),
    "cles-d-acces": ("green", key),
    "python-sans-gil": ("blue", line_chart),
    "quantification-modeles-de-langage": ("purple", blocks),
    "rgpd-minimisation": ("red", shield),
    "columnar-storage-explained": ("teal", columns),
    "langages-surete-memoire": ("green", gauge),
    "licences-libres": ("red", scales),
    "bars": ("blue", bars),  # spare, for tests and new articles
}


def draw(slug):
    name, painter = IMAGES[slug]
    pal = PALETTES[name]
    image = Image.new("RGB", (W, H), pal[0])
    painter(ImageDraw.Draw(image), random.Random(slug), pal)
    # At most 16 colours: a small PNG, and no noise for the encoders to keep.
    image = image.resize(SIZE, Image.LANCZOS)
    return image.quantize(16, dither=Image.Dither.NONE)


def main():
    folder = os.path.join(HERE, "lead")
    os.makedirs(folder, exist_ok=True)
    for slug in IMAGES:
        draw(slug).save(os.path.join(folder, f"{slug}.png"), optimize=True)


if __name__ == "__main__":
    main()
