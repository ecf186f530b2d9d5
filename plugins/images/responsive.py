"""Which files an image gets (``plan``), and its ``<picture>`` as an ElementTree element.

Pure functions: no Pelican, no I/O but reading the source's bytes for its digest.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from newsroom import media

from . import service
from .derivatives import MIME, Job, digest
from .social import WIDTH as CARD_WIDTH, crop_box

#: Widths of listing thumbnails (cards are at most ~22rem wide).
THUMB_WIDTHS = (480, 800)  # a subset of the default widths: the same files


@dataclass(frozen=True)
class Responsive:
    """What the HTML of one image needs, and the files behind it."""

    src: str  # fallback URL
    width: int  # intrinsic size of the fallback's proportions (largest width)
    height: int
    srcset: str = ""  # fallback format's srcset ("" for a pass-through file)
    sources: tuple = ()  # ((mime, srcset), …), smallest format first
    jobs: tuple = ()  # ((output-relative path, Job), …)


def stem(path: str) -> str:
    """A file-name-safe stem of the source's name (``Photo été.JPG`` → ``photo-ete``)."""
    import unicodedata

    name = os.path.splitext(os.path.basename(path))[0]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "image"


def widths_for(width: int, wanted) -> tuple:
    """The wanted widths smaller than the source, and the source's own if it is
    narrower than the largest: never upscaled."""
    chosen = [w for w in wanted if w <= width]
    if width < max(wanted) or not chosen:
        chosen.append(width)
    return tuple(sorted(set(chosen)))


def ladder(info, config) -> tuple:
    """(widths, scale): every width the source's files are made at, smallest first, and
    the fraction of its size it is decoded at. A function of the source's size and the
    settings only, shared by every file of the source (lead, thumbnails, body, social
    card), so that one decode and one resize chain make them all.

    A JPEG decoded in draft mode at 1/2, 1/4 or 1/8 scale costs a fraction of a full
    decode and needs no resampling: when such a size is within 10 % below the largest
    width (a 3000-pixel photo: 1500 for 1600), it is the largest width. Measured on
    3000×2000 camera photos (``make bench-images``): the full decode and the Lanczos
    resize to 1600 were a third of the photo's CPU.
    """
    widths = list(widths_for(info.width, config["widths"]))
    top = widths[-1]
    if info.format in ("JPEG", "MPO") and top < info.width:
        for shrink in (2, 4, 8):
            decoded = -(-info.width // shrink)
            if 0.9 * top <= decoded < top and (len(widths) == 1 or decoded > widths[-2]):
                widths[-1] = decoded
                break
    # The social card, cut around any focus point, needs CARD_WIDTH pixels of its box.
    box = crop_box(info.width, info.height)
    need = max(widths[-1] / info.width, CARD_WIDTH / (box[2] - box[0]))
    return tuple(widths), round(min(1.0, need), 4)


def formats_for(info, config) -> tuple:
    """The ``<source>`` formats of an image: a photo's or a drawn image's (see
    ``newsroom.media.DEFAULTS`` for why they differ)."""
    return config["formats" if info.format in media.PHOTO_FORMATS else "graphics_formats"]


def local_urls(siteurl: str, config):
    """The URL maker of build-time encoding: each file is a derivative the build
    encodes into ``IMAGES['output']``. A URL maker takes (job, stem) and returns
    (URL, (output-relative path, job) to encode, or None when something else, such as
    an image service, makes the file)."""
    folder = config["output"].strip("/")

    def url(job: Job, name: str):
        rel = f"{folder}/{job.name(name)}"
        return f"{siteurl}/{rel}", (rel, job)

    return url


def plan(info, config, siteurl: str, static_url: str, wanted=None, urls=None) -> Responsive:
    """Files and URLs for image ``info`` (``newsroom.media.ImageInfo``).

    ``static_url`` is where Pelican publishes the original (used as is for SVG
    and animated GIF). ``urls``: the URL maker (default ``local_urls``): what each
    size and format is called, and whether the build encodes it. In service mode
    (``IMAGES['service']``, ``service.py``) the URLs are the service's, and the one
    file planned is the published original.
    """
    urls = urls or local_urls(siteurl, config)
    if info.passthrough:
        return Responsive(static_url, info.width, info.height)
    served = config.get("service")
    source = service.site_source(static_url, siteurl) if served else None
    source_digest = None if served else digest(info.path)
    # The service resizes each file from the original: the widths asked for exactly.
    steps, scale = (widths_for(info.width, config["widths"]), 1) if served else ladder(info, config)
    widths = steps if wanted is None else widths_for(info.width, wanted)
    fallback = "png" if info.alpha else "jpeg"
    formats = (served and served["formats"]) or formats_for(info, config)
    name = stem(info.path)
    # The fallback <img src> is the width closest to a phone at 2x (800 px). With
    # <source> formats, the fallback is that one file: every browser of the last five
    # years takes a WebP <source>, and what reads only src (feeds, e-mail) needs one
    # JPEG; its other widths were 45 % of a photo's cache for no reader.
    src_width = min(widths, key=lambda w: abs(w - 800))
    jobs, sets = [(source, service.Original(info.path))] if served else [], {}
    for fmt in (*formats, fallback):
        entries = []
        for width in widths if fmt != fallback or not formats else (src_width,):
            height = max(1, round(info.height * width / info.width))
            if served:
                entries.append((service.url(served, siteurl, source, width, height, fmt,
                                            config["quality"].get(fmt)), width))
                continue
            job = Job(info.path, source_digest, width, height, fmt, config["quality"].get(fmt),
                      config["background"], scale=scale,
                      chain=tuple(w for w in reversed(steps) if w > width))
            url, planned = urls(job, name)
            if planned is not None:
                jobs.append(planned)
            entries.append((url, width))
        sets[fmt] = entries
    largest = widths[-1]
    height = max(1, round(info.height * largest / info.width))
    fallback_set = sets[fallback]
    src = next(url for url, width in fallback_set if width == src_width)
    return Responsive(
        src=src, width=largest, height=height,
        srcset=_srcset(fallback_set) if len(fallback_set) > 1 else "",
        sources=tuple((MIME[fmt], _srcset(sets[fmt])) for fmt in formats),
        jobs=tuple(jobs),
    )


def _srcset(entries):
    return ", ".join(f"{url} {width}w" for url, width in entries)


def element(image: Responsive, alt: str, sizes: str, *, priority=False, css_class=None,
            lang=None) -> ET.Element:
    """``<picture>`` (or a plain ``<img>`` for a pass-through file).

    ``priority``: the page's main image (lead, home lead story): loaded at once
    with ``fetchpriority="high"``; every other image is lazy and async.
    """
    attrs = {"src": image.src}
    if image.srcset:
        attrs.update(srcset=image.srcset, sizes=sizes)
    attrs.update(width=str(image.width), height=str(image.height), alt=alt or "")
    if lang:
        attrs["lang"] = lang
    if priority:
        attrs["fetchpriority"] = "high"
    else:
        attrs.update(loading="lazy", decoding="async")
    img = ET.Element("img", attrs)
    if not image.sources:
        if css_class:
            img.set("class", css_class)
        return img
    picture = ET.Element("picture")
    if css_class:
        picture.set("class", css_class)
    for mime, srcset in image.sources:
        ET.SubElement(picture, "source", {"type": mime, "srcset": srcset, "sizes": sizes})
    picture.append(img)
    return picture


def to_html(el: ET.Element) -> str:
    return ET.tostring(el, encoding="unicode", method="html")
