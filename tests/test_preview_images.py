"""The first preview of an image-rich site does not wait for the derivatives.

A real preview server (`newsroom serve`, its own build process, one for this
module) previews a site whose articles carry camera-sized photos drawn here
(3000×2000 JPEGs, a lead image and a body image each), with a cold derivative
cache and one encoder. While it starts, the test samples it again and again:
every page served, every ``src``/``srcset`` URL in it, and which derivative files
exist. It checks the order of events (an article's page is served while its
derivatives do not exist yet, showing the original), that no sampled page ever
points at a missing file, and that once the files are encoded the pages were
built again (page builds, "images ready" in /__build.json) and the whole output
is the cold build's, byte for byte.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image, ImageDraw

from .conftest import ROOT, run_pelican
from .test_editor_devserver import NEWSROOM, fetch, free_port
from .test_preview_incremental import NOW, differences, editorial

PHOTOS = 10
#: An article with no image: its drawn card does not make its pages wait.
TEXT_ONLY = "2026/11/texte-seul/index.html"


def camera_photo(path: Path, seed: int):
    """A 3000×2000 JPEG with noise and shapes (so it encodes as a photo does)."""
    rng = random.Random(seed)
    image = Image.effect_noise((3000, 2000), 40).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x, y = rng.randrange(3000), rng.randrange(2000)
        draw.ellipse((x, y, x + rng.randrange(100, 600), y + rng.randrange(100, 600)),
                     fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    image.save(path, "JPEG", quality=88)


def photo_site(content: Path):
    (content / "images" / "photos").mkdir(parents=True)
    (content / "2026").mkdir()
    for i in range(PHOTOS):
        camera_photo(content / "images" / "photos" / f"photo-{i}.jpg", i)
        (content / "2026" / f"photo-{i}.fr.md").write_text(
            f"Title: Reportage photo {i}\nDate: 2026-11-{10 + i:02d}T10:00:00+01:00\n"
            f"Category: IA\nTags: Python\nAuthors: Claire Dubois\n"
            f"Image: {{static}}/images/photos/photo-{i}.jpg\nImageAlt: Une photo {i}\n\n"
            f"Un texte {i}.\n\n![Une autre vue {i}]({{static}}/images/photos/"
            f"photo-{(i + 1) % PHOTOS}.jpg)\n", encoding="utf-8")
    (content / "2026" / "texte-seul.fr.md").write_text(
        "Title: Un article sans image\nDate: 2026-11-09T10:00:00+01:00\nCategory: IA\n"
        "Tags: Python\nAuthors: Claire Dubois\n\nSeulement du texte.\n", encoding="utf-8")
    (content / "2026" / "photo-0.en.md").write_text(  # it shows its original's image
        "Title: Photo story 0\nDate: 2026-11-10T10:00:00+01:00\nCategory: AI\nTags: Python\n"
        "Authors: Claire Dubois\nTranslation: true\nImageAlt: A photo 0\n\nA text.\n",
        encoding="utf-8")


def image_urls(html: str):
    """Every URL a page's ``<img src>``, ``srcset`` and ``<source srcset>`` name."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(["img", "source"]):
        if tag.get("src"):
            yield tag["src"]
        for entry in (tag.get("srcset") or "").split(","):
            if entry.strip():
                yield entry.split()[0]


class Sampler(threading.Thread):
    """Samples the server until it has nothing left to do: /__build.json, every page
    served, its image URLs (each must be a file there), the derivative files."""

    def __init__(self, url, output: Path):
        super().__init__(daemon=True)
        self.url, self.output = url, output
        self.samples = []  # (state, {page: [image URLs]}, set of derivative files)
        self.missing = []  # (sample number, page, URL) pointing at no file
        self.cards = []  # og:image of TEXT_ONLY in each sample that served it
        self.done = threading.Event()

    def exists(self, url):
        path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).lstrip("/")
        return (self.output / path).is_file()

    def sample(self):
        state = json.loads(fetch(f"{self.url}/__build.json")[1])
        derivatives = {p.name for p in (self.output / "img").glob("photo-*")} \
            if (self.output / "img").is_dir() else set()
        pages = {}
        for page in sorted(self.output.rglob("*.html")):
            rel = page.relative_to(self.output).as_posix()
            status, html = fetch(f"{self.url}/{rel}")
            if status != 200:
                continue
            pages[rel] = list(image_urls(html))
            if rel == TEXT_ONLY:
                card = BeautifulSoup(html, "html.parser").find("meta", property="og:image")
                self.cards.append(card["content"] if card else None)
            self.missing += [(len(self.samples), rel, url) for url in pages[rel]
                             if url.startswith("/") and not self.exists(url)]
        self.samples.append((state, pages, derivatives))
        return state

    def run(self):
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                state = self.sample()
            except OSError:
                time.sleep(0.1)
                continue
            if state["build"] >= 1 and not state["building"] and not state["waiting"]:
                self.sample()  # (once more, settled)
                break
        self.done.set()


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("preview-images")
    content = tmp / "content"
    photo_site(content)
    images = json.dumps({"cache": str(tmp / "cache"), "workers": 1})
    port = free_port()
    log = tmp / "serve.log"
    process = subprocess.Popen(
        [NEWSROOM, "serve", "--content", str(content), "--output", str(tmp / "out"),
         "--port", str(port), "--", "-e", f"IMAGES={images}",
         "EDITORIAL=" + json.dumps({"now": NOW})],
        cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    sampler = Sampler(f"http://127.0.0.1:{port}", tmp / "out")
    try:
        sampler.start()
        assert sampler.done.wait(600), log.read_text()[-3000:]
        yield sampler, content, tmp, images, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def lead_src(pages, rel):
    return next((url for url in pages.get(rel, ()) if "photo-" in url), None)


def test_pages_are_served_before_their_derivatives_exist(started):
    sampler, *_, log = started
    article = "2026/11/photo-9/index.html"
    served = [(n, pages, files) for n, (_, pages, files) in enumerate(sampler.samples)
              if article in pages]
    assert served, log.read_text()[-3000:]
    first, pages, files = served[0]
    # Served showing the original, while none of its files is encoded yet.
    assert lead_src(pages, article) == "/images/photos/photo-9.jpg", pages[article]
    assert not any(name.startswith("photo-9-") for name in files), sorted(files)
    later = [n for n, (_, pages, files) in enumerate(sampler.samples)
             if any(name.startswith("photo-9-") for name in files)]
    assert later and later[0] > first


def test_no_page_ever_points_at_a_missing_file(started):
    sampler, *_ = started
    assert len(sampler.samples) >= 3
    assert not sampler.missing, sampler.missing[:10]


def test_the_pages_are_built_again_when_the_files_are_ready(started):
    sampler, *_, log = started
    states = [state for state, _, _ in sampler.samples]
    assert any(s["waiting"] == ["images"] and s["build"] >= 1 for s in states)
    final = states[-1]
    assert final["waiting"] == [] and final["ok"], final
    # The rebuilds were page builds of the preview's normal path, and said why.
    assert "built (pages, images ready)" in log.read_text()
    assert "full: first build" in log.read_text()
    assert log.read_text().count("built (full") == 1, log.read_text()[-3000:]
    _, pages, _ = sampler.samples[-1]
    for i in range(PHOTOS):
        assert lead_src(pages, f"2026/11/photo-{i}/index.html").startswith("/img/photo-")
    # The translation shows its original's derivatives too.
    assert lead_src(pages, "en/2026/11/photo-0/index.html").startswith("/img/photo-0-")


def test_a_drawn_card_does_not_make_its_pages_wait(started):
    """A drawn card costs milliseconds: the page of an article without an image has
    its card's address from the first build (only social networks read og:image),
    so a text-only archive is not built twice; the card is there once encoded."""
    sampler, _, tmp, *_ = started
    assert sampler.cards and sampler.cards[0], sampler.cards
    assert set(sampler.cards) == {sampler.cards[0]}, sampler.cards
    card = urllib.parse.urlsplit(sampler.cards[0]).path.lstrip("/")
    assert card.endswith(".jpg") and (tmp / "out" / card).is_file(), card


def test_once_ready_the_preview_is_the_cold_build(started):
    sampler, content, tmp, images, _ = started
    result = run_pelican(str(content), "-o", str(tmp / "cold"), "-s", "pelicanconf.py", "-e",
                         f"IMAGES={images}", "EDITORIAL=" + json.dumps(editorial()))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    different, detail = differences(tmp / "out", tmp / "cold")
    assert not different, f"{len(different)} file(s) differ: {different[:10]}{detail}"
