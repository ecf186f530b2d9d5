"""Anchors, images and external links, on Python-Markdown's tree of an article."""

from __future__ import annotations

import logging
import os
from urllib.parse import urlsplit

import xml.etree.ElementTree as etree
from pelican.utils import slugify

from newsroom import media

logger = logging.getLogger(__name__)


def image_size(path, max_pixels=media.DEFAULTS["max_pixels"]):
    """(width, height) of an image file from the one image reader (``newsroom.media``),
    or None for a file it refuses: ``newsroom.rules.image_problems`` reports that one
    with its file and line, in lint and in the build alike."""
    try:
        info = media.inspect(path, max_pixels)
    except media.ImageProblem:
        return None
    return info.width, info.height


def is_external(href, site_host):
    parts = urlsplit(href)
    return parts.scheme in ("http", "https") and parts.netloc and parts.netloc != site_host


def unique_id(text, taken, regex_subs):
    base = slugify(text, regex_subs=regex_subs) or "section"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def text_of(doc, el) -> str:
    """An element's text as BeautifulSoup's ``get_text(" ", strip=True)`` gives it:
    each run of text between tags stripped, the non-empty ones joined by spaces."""
    runs, current = [], []
    for kind, value in doc.events(el=el):
        if kind == "text":
            current.append(value)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return " ".join(run.strip() for run in runs if run.strip())


def enhance_tree(doc, *, config, content_path, site_host, source, regex_subs=(), report=None,
                 depends=None, max_pixels=media.DEFAULTS["max_pixels"]):
    """Anchors, sized lazy images and marked external links, in place on a document
    step's tree (``doc.root``); True if anything changed.

    ``report(message)`` receives problems (default: logged as errors);
    ``depends(path)`` is told of each image file whose size was looked up.
    Raw HTML the editor wrote is left as written.
    """
    root = doc.root
    report = report or (lambda message: logger.error("%s", message))
    changed = False
    taken = {el.get("id") for el in root.iter() if el.get("id")}

    if config["anchors"]:
        levels = {f"h{n}" for n in config["anchor_levels"]}
        for heading in [el for el in root.iter() if el.tag in levels]:
            if not heading.get("id"):
                heading.set("id", unique_id(text_of(doc, heading), taken, regex_subs))
            # The link is named by its heading, so it needs no translated label.
            link = etree.SubElement(heading, "a", {
                "href": f"#{heading.get('id')}", "class": "heading-anchor",
                "aria-labelledby": heading.get("id")})
            link.text = "#"
            changed = True

    if config["lazy_images"]:
        for n, img in enumerate(root.iter("img")):
            if img.get("width") and (img.get("loading") or img.get("fetchpriority")):
                continue  # sized and marked by the images plugin already
            # The first image is often the largest paint: load it eagerly.
            img.set("loading", "lazy" if n else "eager")
            img.set("decoding", "async")
            path = media.image_path(img.get("src", ""), source, content_path)
            if path is not None:
                if depends is not None:
                    depends(path)
                # A file the reader refuses is left unsized: the shared rule reports it.
                size = image_size(path, max_pixels)
                if size is not None and not (img.get("width") and img.get("height")):
                    img.set("width", str(size[0]))
                    img.set("height", str(size[1]))
            changed = True

    if config["external_links"]:
        for a in root.iter("a"):
            href = a.get("href")
            if href and is_external(href, site_host):
                a.set("rel", " ".join(sorted(set((a.get("rel") or "").split()) | {"noopener"})))
                classes = (a.get("class") or "").split()
                if "external" not in classes:
                    a.set("class", " ".join(classes + ["external"]))
                changed = True

    return changed
