"""Text processing in linear time (issue 22): reading one document — Markdown and
every document step (typography, reading time, anchors, links, images…) — costs
the same per KB at 600 KB as at 30 KB, within 2×. Measured in the same run, CPU
time of this process (``time.process_time``), the best of a few repetitions: a
quadratic step (typography matched 20,000 quote pairs by rescanning them all:
9–12 s for 120 KB) makes the large size 20× dearer per KB."""

from __future__ import annotations

import time

import pytest
from PIL import Image
from pelican import Pelican
from pelican.readers import Readers
from pelican.settings import read_settings

from .conftest import ROOT

SMALL, LARGE = 30, 600  # KB
HEAD = "Title: Long\nDate: 2026-01-10T09:00:00+01:00\nCategory: IA\nSummary: Long.\n\n"

#: One repeated block per shape of text a step could be quadratic in.
SHAPES = {
    # quote pairs, nested pairs, apostrophes, French spacing around ; : ! ? « »
    "quotes": 'Le "mot" dit l\'Europe : « oui » ? Il a dit "bien "très" bien" et \'ok\' ! '
              "Un 12\" d'écran ; les '90s.\n\n",
    # headings with the same text (anchors: note, note-2, note-3 …) and links
    "headings": "## Note\n\nVoir [le site](https://example.org/a?b=1) et *ceci* : « oui ».\n\n",
    # inline HTML: a language span, tags opened and never closed, end tags never opened
    "inline html": 'Du <span lang="en">"quoted" text</span> et <i>ouvert "mot" et </b> '
                   "<kbd>'code'</kbd> puis « fin » !\n\n",
    # body images (a real photo, made below) and links
    "images and links": '![Une "photo"](/images/photo.jpg) et [l\'autre](/2026/01/autre/) '
                        "puis `code \"brut\"` : fin.\n\n",
    # lists and quotes with text in them
    "lists": '- un "point" : oui\n    - sous-point « cité » ?\n\n> une "citation" !\n\n',
}


@pytest.fixture(scope="module")
def read(tmp_path_factory):
    folder = tmp_path_factory.mktemp("linear")
    (folder / "2026").mkdir()
    (folder / "images").mkdir()
    Image.new("RGB", (640, 400), (40, 90, 160)).save(folder / "images" / "photo.jpg")
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "PATH": str(folder), "OUTPUT_PATH": str(folder / "out"), "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False, "STATIC_PATHS": ["images"]})
    readers = Readers(Pelican(settings).settings)  # every plugin's document steps

    def cost(name, block, kb):
        path = folder / "2026" / f"{name.replace(' ', '-')}-{kb}.fr.md"
        path.write_text(HEAD + block * (kb * 1024 // len(block.encode())), encoding="utf-8")
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            content = readers.read_file(str(folder), str(path))
            best = min(best, time.process_time() - start)
        assert "<p>" in content.content or "<li>" in content.content
        return best / kb

    return cost


@pytest.mark.parametrize("shape", SHAPES)
def test_reading_a_document_is_linear_in_its_size(read, shape):
    small = read(shape, SHAPES[shape], SMALL)
    large = read(shape, SHAPES[shape], LARGE)
    print(f"{shape}: {small * 1000:.2f} ms/KB at {SMALL} KB, {large * 1000:.2f} at {LARGE} KB")
    assert large <= 2 * small, (f"{shape}: {large * 1000:.2f} ms/KB at {LARGE} KB, "
                                f"{small * 1000:.2f} ms/KB at {SMALL} KB")
