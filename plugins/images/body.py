"""Images in an article's body: ``![alt](src "title")`` → ``<picture>`` (in a ``<figure>``
with its ``<figcaption>`` when the image has a title).

``transform`` is a pure function over Python-Markdown's element tree (an
``xml.etree.ElementTree.Element``) and a ``BodyContext``, so the build engine can
run it as a tree step. Until that API exists, ``from_soup`` adapts it to the
pipeline's BeautifulSoup document: each top-level block holding an image is
turned into an element, transformed, and put back (nothing else is touched).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Callable

from newsroom import media

from .responsive import element, plan, to_html


@dataclass
class BodyContext:
    source_path: str
    root: str  # content folder
    lang: str
    config: dict  # IMAGES
    siteurl: str
    depends: Callable[[str], None] = lambda path: None
    jobs: list = field(default_factory=list)  # ((output-relative path, Job), …) planned


def static_url(siteurl, path, root):
    import os

    return f"{siteurl}/{os.path.relpath(path, root).replace(os.sep, '/')}"


def transform(root: ET.Element, ctx: BodyContext) -> bool:
    """Replace every local image below ``root``; True if anything changed.

    Files the build cannot use are left as written: ``newsroom.rules.image_problems``
    reports them (in lint and in the build) with the line and what to do.
    """
    parents = {child: parent for parent in root.iter() for child in parent}
    changed = False
    for img in list(root.iter("img")):
        if img.get("srcset") or parents.get(img) is not None and parents[img].tag == "picture":
            continue  # already responsive
        path = media.image_path(img.get("src") or "", ctx.source_path, ctx.root)
        if path is None:
            continue
        ctx.depends(path)
        try:
            info = media.inspect(path, ctx.config["max_pixels"])
        except media.ImageProblem:
            continue
        image = plan(info, ctx.config, ctx.siteurl, static_url(ctx.siteurl, path, ctx.root))
        ctx.jobs.extend(image.jobs)
        new = element(image, img.get("alt") or "", ctx.config["sizes"])
        parent = parents[img]
        title = (img.get("title") or "").strip()
        alone = (parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip()
                 and not (img.tail or "").strip())
        if title and alone and parent in parents:
            figure = ET.Element("figure")
            figure.append(new)
            ET.SubElement(figure, "figcaption").text = title
            figure.tail = parent.tail
            grand = parents[parent]
            grand[list(grand).index(parent)] = figure
        else:
            if title:
                (new.find("img") if new.tag == "picture" else new).set("title", title)
            new.tail = img.tail
            parent[list(parent).index(img)] = new
        changed = True
    return changed


# -- temporary adapter to the pipeline's BeautifulSoup document ----------------------

def _to_element(tag) -> ET.Element:
    from bs4 import Comment, NavigableString

    el = ET.Element(tag.name, {k: " ".join(v) if isinstance(v, list) else v
                               for k, v in tag.attrs.items()})
    last = None
    for child in tag.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            if last is None:
                el.text = (el.text or "") + str(child)
            else:
                last.tail = (last.tail or "") + str(child)
        else:
            last = _to_element(child)
            el.append(last)
    return el


def from_soup(soup, ctx: BodyContext) -> bool:
    """Run ``transform`` on the blocks of a parsed body that hold an image."""
    from bs4 import BeautifulSoup

    blocks = []
    for img in soup.find_all("img"):
        block = img
        while block.parent is not None and block.parent is not soup:
            block = block.parent
        if block not in blocks and block.find("pre") is None:
            blocks.append(block)
    changed = False
    for block in blocks:
        wrapper = ET.Element("div")
        wrapper.append(_to_element(block))
        if transform(wrapper, ctx):
            html = "".join(to_html(child) for child in wrapper)
            block.replace_with(BeautifulSoup(html, "html.parser"))
            changed = True
    return changed
