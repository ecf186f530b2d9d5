"""One image reader: a decompression bomb, a truncated file, a non-image and a missing
file are one `file:line` problem in every consumer (lint rules, the images plugin, the
seo plugin's image sizes, article extras); the preview keeps every other page, a strict
publish fails without a traceback and leaves output/ as it was.

Every image is made here: the bomb is a real PNG whose header (IHDR) declares
20000×20000 pixels (400 megapixels) over a few bytes of data, as an attacker or a
broken export would write it.
"""

from __future__ import annotations

import hashlib
import random
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image

from newsroom import media, rules, sources

from .conftest import ROOT, build


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width=20_000, height=20_000) -> bytes:
    """A valid PNG signature and IHDR declaring width×height (1-bit grey) and a tiny IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(b"\0" * 4096)) + png_chunk(b"IEND", b""))


def photo(path: Path, size=(1200, 800), seed=1):
    """A small photo-like JPEG: a gradient with noise (not a flat colour)."""
    rng = random.Random(seed)
    w, h = size
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.frombytes("L", size, bytes(rng.getrandbits(8) for _ in range(w * h)))
    image = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.5)))
    image.save(path, "JPEG", quality=85)


def make_images(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    photo(folder / "good.jpg")
    (folder / "bomb.png").write_bytes(png_bomb())
    data = (folder / "good.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(data[: len(data) // 3])
    (folder / "notimage.jpg").write_text("<html>this is not a picture</html>\n")


HEAD = "Date: 2026-11-20T09:00:00+01:00\nCategory: IA\n"
GOOD = HEAD + ("Title: Le bon article\nImage: images/good.jpg\nImageAlt: Une photo\n\n"
               "Texte.\n\n![Une autre photo]({static}/images/good.jpg)\n")
#: slug -> (file name, what the message says)
BAD = {
    "bomb": ("bomb.png", "has more pixels than the limit of 50 megapixels"),
    "truncated": ("truncated.jpg", "is truncated or corrupt"),
    "notimage": ("notimage.jpg", "is not an image"),
    "missing": ("absente.jpg", "does not exist"),
}


def make_content(root: Path, bad=BAD):
    make_images(root / "images")
    # The sample site's own card and logo, so SEO's settings find their files.
    for name in ("card.png", "logo.png"):
        shutil.copy(ROOT / "content/images" / name, root / "images" / name)
    (root / "articles").mkdir()
    (root / "articles/good.fr.md").write_text(GOOD, encoding="utf-8")
    for slug in bad:
        name = BAD[slug][0]
        # As a lead image (line 4) and in the body (line 9).
        (root / "articles" / f"lead-{slug}.fr.md").write_text(
            f"Title: Image de tête {slug}\n{HEAD}Image: images/{name}\nImageAlt: x\n\n"
            "Texte.\n", encoding="utf-8")
        (root / "articles" / f"body-{slug}.fr.md").write_text(
            f"Title: Image du texte {slug}\n{HEAD}\nTexte.\n\nUne ligne.\n\n"
            f"![Une image]({{static}}/images/{name})\n", encoding="utf-8")
    return root


LINES = {"lead": 4, "body": 9}


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad-images")
    content = make_content(base / "content")
    # The seo plugin's own setting image pointing at the bomb: a warning, not a crash.
    site = build(base / "out", PATH=str(content), ARTICLE_PATHS=["articles"],
                 STATIC_PATHS=["images"], IMAGES={"cache": str(base / "cache")},
                 SEO={"default_image": "images/bomb.png", "publisher_logo": "images/logo.png"})
    site.content = content
    return site


@pytest.mark.parametrize("where", sorted(LINES))
@pytest.mark.parametrize("slug", sorted(BAD))
def test_each_bad_image_is_one_file_line_problem_and_its_page_is_built(preview, slug, where):
    name, needle = BAD[slug]
    source = f"{where}-{slug}.fr.md"
    messages = [m for m in preview.errors() if f"{source}:" in m]
    if slug == "missing" and where == "body":
        needle = "absente.jpg"  # a missing {static} link: missing_link_targets says it
    assert messages and any(needle in m for m in messages), preview.errors()
    message = next(m for m in messages if needle in m)
    assert re.search(rf"{re.escape(source)}:{LINES[where]}: ", message), message
    assert message.endswith(")")  # what to do
    # One problem per file and line: no second consumer reports it in its own words.
    assert len([m for m in messages if name in m]) == 1, messages
    page = preview.soup(f"2026/11/{where}-{slug}/")
    assert page.h1 is not None
    assert page.select_one("figure.lead") is None


def test_the_good_article_keeps_its_images_and_nothing_crashed(preview):
    page = preview.soup("2026/11/good/")
    assert page.select_one("figure.lead picture img")["width"] == "1200"
    assert page.select_one(".content picture img")["height"] == "800"
    assert not [r for r in preview.records if r.exc_info], "a traceback was logged"
    # The seo plugin's setting image is the bomb: reported once, in the reader's words.
    seo = [m for m in preview.warnings() if m.startswith("seo:") and "bomb.png" in m]
    assert len(seo) == 1 and "more pixels than the limit" in seo[0], preview.warnings()
    assert 'content="' in str(page.select_one('meta[property="og:title"]'))


def test_lint_gives_the_same_problems(preview):
    from pelican.settings import read_settings

    settings = read_settings(str(ROOT / "pelicanconf.py"),
                             override={"PATH": str(preview.content), "ARTICLE_PATHS": ["articles"]})
    ctx = rules.RuleContext.from_settings(settings, {"preview": True}, str(preview.content))
    linted = set()
    for path in sorted((preview.content / "articles").glob("lead-*.md")):
        source = sources.read_source(str(path), settings, str(preview.content), "article")
        linted |= {str(p) for p in rules.image_problems(source, ctx)}
    built = {m for m in preview.errors() if "lead-" in m}
    assert linted and linted == built


def test_the_reader_checks_the_size_before_decoding(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb(30_000, 30_000))  # 900 MP: decoding would need 112 MB at 1 bit
    with pytest.raises(media.ImageProblem, match="900 megapixels"):
        media.inspect(str(bomb), 50_000_000)
    # Below Pillow's own error threshold (twice its limit) the header check still refuses.
    middle = tmp_path / "middle.png"
    middle.write_bytes(png_bomb(8_000, 8_000))
    with pytest.raises(media.ImageProblem, match=r"8000×8000 = 64 megapixels"):
        media.inspect(str(middle), 50_000_000)
    # Within a higher limit it is decoded, and its missing data makes it truncated.
    assert "truncated or corrupt" in media.problem_of(str(middle), 100_000_000).message


def tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_strict_publish_fails_without_traceback_and_output_is_untouched(tmp_path):
    content = make_content(tmp_path / "content", bad=["bomb", "truncated"])
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous site")
    before = tree(out)
    result = subprocess.run(
        ["make", "--no-print-directory", "publish", "PUBLISH_CHECK=0", f"INPUTDIR={content}",
         f"OUTPUTDIR={out}",
         f"""PELICANOPTS=-e 'ARTICLE_PATHS=["articles"]' 'IMAGES={{"cache": "{tmp_path}/cache"}}'"""],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for slug in ("bomb", "truncated"):
        assert re.search(rf"lead-{slug}\.fr\.md:4: .*{BAD[slug][1]}", output), output[-3000:]
        assert re.search(rf"body-{slug}\.fr\.md:9: .*{BAD[slug][1]}", output), output[-3000:]
    assert "Traceback" not in output
    assert tree(out) == before
