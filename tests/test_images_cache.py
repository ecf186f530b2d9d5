"""The derivative cache (cache/images/): an entry is checked against the size and
SHA-256 recorded when it was written before it is used; a damaged one (truncated, a
byte changed, its record lost) is encoded again with a warning and never published."""

from __future__ import annotations

import hashlib
import io

from PIL import Image

from .conftest import build
from .test_images_bad import photo

ARTICLE = """Title: Une photo
Date: 2026-11-20T09:00:00+01:00
Category: IA
Image: images/photo.jpg
ImageAlt: Une photo

Texte.

![Une autre]({static}/images/other.jpg)
"""


def make_site(base):
    content = base / "content"
    (content / "images").mkdir(parents=True)
    (content / "articles").mkdir()
    photo(content / "images/photo.jpg", (1000, 700), seed=3)
    photo(content / "images/other.jpg", (900, 600), seed=4)
    (content / "articles/photo.fr.md").write_text(ARTICLE, encoding="utf-8")
    return content


def settings(content, cache):
    return dict(PATH=str(content), ARTICLE_PATHS=["articles"], STATIC_PATHS=["images"],
                IMAGES={"cache": str(cache), "workers": 1})


def published(site):
    return {p.relative_to(site.output).as_posix(): p.read_bytes()
            for p in (site.output / "img").iterdir()}


def test_damaged_cache_entries_are_encoded_again_never_published(tmp_path):
    content, cache = make_site(tmp_path), tmp_path / "cache"
    first = build(tmp_path / "one", **settings(content, cache))
    good = published(first)
    entries = sorted(p for p in cache.iterdir() if not p.name.endswith(".sum"))
    assert entries and all((cache / f"{p.name}.sum").is_file() for p in entries)
    by_digest = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in entries}
    webp = next(p for p in entries if p.suffix == ".webp")
    jpeg = next(p for p in entries if p.suffix == ".jpg")
    lost = next(p for p in entries if p not in (webp, jpeg))
    # Faults as a CI cache or a disk gives them: a truncated file, a byte changed in
    # place (same size), an entry whose record is gone.
    webp.write_bytes(webp.read_bytes()[: webp.stat().st_size // 2])
    data = bytearray(jpeg.read_bytes())
    data[len(data) // 2] ^= 0xFF
    jpeg.write_bytes(bytes(data))
    (cache / f"{lost.name}.sum").unlink()
    assert not by_digest.get(hashlib.sha256(webp.read_bytes()).hexdigest())

    second = build(tmp_path / "two", **settings(content, cache))
    warned = [m for m in second.warnings() if "cache entry" in m]
    assert any(webp.name in m and "bytes instead of" in m for m in warned), second.warnings()
    assert any(jpeg.name in m and "digest" in m for m in warned), second.warnings()
    # The same files as the first build, every one decodable.
    assert published(second) == good
    for name, data in published(second).items():
        Image.open(io.BytesIO(data)).load()
    # The cache is whole again: a third build warns of nothing and encodes nothing.
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    third = build(tmp_path / "three", **settings(content, cache))
    assert not [m for m in third.warnings() if "cache entry" in m]
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == before
    assert published(third) == good
