"""One BeautifulSoup pass over an article's HTML: anchors, images, external links."""

from __future__ import annotations

import functools
import logging
import os
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup
from PIL import Image, UnidentifiedImageError
from pelican.utils import slugify

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1024)
def _image_size(path, mtime):
    """(width, height) of an image file; keyed by mtime so an edited file is re-read."""
    with Image.open(path) as img:
        return img.size


def image_size(path):
    try:
        return _image_size(path, os.path.getmtime(path))
    except (OSError, UnidentifiedImageError):
        return None


def local_image_path(src, content_path):
    """File behind an image reference written in an article, or None if remote."""
    for marker in ("{static}", "{attach}", "{filename}", "|static|", "|attach|", "|filename|"):
        if src.startswith(marker):
            return os.path.join(content_path, unquote(src[len(marker):]).lstrip("/"))
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith("data:"):
        return None
    if parts.path.startswith("/"):
        return os.path.join(content_path, unquote(parts.path).lstrip("/"))
    return None


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


def enhance(html, *, config, content_path, site_host, source, regex_subs=(), report=None):
    """Return the article HTML with anchors, sized lazy images and marked external links."""
    soup = BeautifulSoup(html, "html.parser")
    changed = enhance_soup(soup, config=config, content_path=content_path, site_host=site_host,
                           source=source, regex_subs=regex_subs, report=report)
    return str(soup) if changed else html


def enhance_soup(soup, *, config, content_path, site_host, source, regex_subs=(), report=None,
                 depends=None):
    """``enhance`` in place on a parsed body; True if anything changed.

    ``report(message)`` receives problems (default: logged as errors);
    ``depends(path)`` is told of each image file whose size was looked up.
    """
    report = report or (lambda message: logger.error("%s", message))
    changed = False
    taken = {el["id"] for el in soup.find_all(id=True)}

    if config["anchors"]:
        for heading in soup.find_all([f"h{n}" for n in config["anchor_levels"]]):
            if not heading.get("id"):
                heading["id"] = unique_id(heading.get_text(" ", strip=True), taken, regex_subs)
            link = soup.new_tag("a", href=f"#{heading['id']}")
            link["class"] = "heading-anchor"
            # The link is named by its heading, so it needs no translated label.
            link["aria-labelledby"] = heading["id"]
            link.string = "#"
            heading.append(link)
            changed = True

    if config["lazy_images"]:
        for n, img in enumerate(soup.find_all("img")):
            if img.get("width") and (img.get("loading") or img.get("fetchpriority")):
                continue  # sized and marked by the images plugin already
            # The first image is often the largest paint: load it eagerly.
            img["loading"] = "lazy" if n else "eager"
            img["decoding"] = "async"
            path = local_image_path(img.get("src", ""), content_path)
            if path is not None:
                if depends is not None:
                    depends(path)
                size = image_size(path)
                if size is None:
                    report(f"article_extras: {os.path.relpath(source)}: image {img.get('src')!r} "
                           "not found or unreadable (put it in content/images/ and write "
                           "{static}/images/…)")
                elif not (img.get("width") and img.get("height")):
                    img["width"], img["height"] = str(size[0]), str(size[1])
            changed = True

    if config["external_links"]:
        for a in soup.find_all("a", href=True):
            if is_external(a["href"], site_host):
                rel = set(a.get("rel") or []) | {"noopener"}
                a["rel"] = sorted(rel)
                classes = list(a.get("class") or [])
                if "external" not in classes:
                    a["class"] = classes + ["external"]
                changed = True

    return changed
