"""Which files an image gets (``plan``), and its ``<picture>`` as an ElementTree element.

Pure functions: no Pelican, no I/O but reading the source's bytes for its digest.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from . import service
from .derivatives import MIME, Job, decode_plan, digest
from .social import HEIGHT as CARD_HEIGHT, WIDTH as CARD_WIDTH

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


def plan(info, config, siteurl: str, static_url: str, wanted=None) -> Responsive:
    """Files and URLs for image ``info`` (``newsroom.media.ImageInfo``).

    ``static_url`` is where Pelican publishes the original (used as is for SVG
    and animated GIF). In service mode (``IMAGES['service']``, ``service.py``) the
    URLs are the service's, and the one file planned is the published original.
    """
    if info.passthrough:
        return Responsive(static_url, info.width, info.height)
    served = config.get("service")
    source = service.site_source(static_url, siteurl) if served else None
    source_digest = None if served else digest(info.path)
    widths = widths_for(info.width, wanted or config["widths"])
    # One decode and one resize chain for every file of the source (lead, thumbnails,
    # body, social card alike): the chain is the source's widths for the settings.
    scale, ladder = decode_plan(info, widths_for(info.width, config["widths"]), (CARD_WIDTH, CARD_HEIGHT))
    fallback = "png" if info.alpha else "jpeg"
    name = stem(info.path)
    jobs, sets = [(source, service.Original(info.path))] if served else [], {}
    for fmt in (*(served["formats"] if served else config["formats"]), fallback):
        entries = []
        for width in widths:
            height = max(1, round(info.height * width / info.width))
            if served:
                entries.append((service.url(served, siteurl, source, width, height, fmt,
                                            config["quality"].get(fmt)), width))
                continue
            job = Job(info.path, source_digest, width, height, fmt, config["quality"].get(fmt),
                      config["background"], scale=scale,
                      chain=tuple(w for w in ladder if w > width))
            rel = f"{config['output'].strip('/')}/{job.name(name)}"
            jobs.append((rel, job))
            entries.append((f"{siteurl}/{rel}", width))
        sets[fmt] = entries
    largest = widths[-1]
    height = max(1, round(info.height * largest / info.width))
    fallback_set = sets[fallback]
    # The fallback <img src> is the width closest to a phone at 2x (800 px).
    src = min(fallback_set, key=lambda e: abs(e[1] - 800))[0]
    return Responsive(
        src=src, width=largest, height=height,
        srcset=_srcset(fallback_set),
        sources=tuple((MIME[fmt], _srcset(sets[fmt])) for fmt in sets if fmt != fallback),
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
