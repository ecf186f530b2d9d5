"""Images in an article's body: ``![alt](src "title")`` → ``<picture>`` (in a ``<figure>``
with its ``<figcaption>`` when the image has a title).

``transform`` is a pure function over Python-Markdown's element tree (an
``xml.etree.ElementTree.Element``) and a ``BodyContext``; the plugin runs it as a
document step (``newsroom.phases``, priority "images": before typography, reading
time, summaries and article extras). Images written as raw HTML (in Markdown's
stash) are left as written.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Callable

from newsroom import media

from .responsive import element, plan


@dataclass
class BodyContext:
    source_path: str
    root: str  # content folder
    lang: str
    config: dict  # IMAGES
    siteurl: str
    depends: Callable[[str], None] = lambda path: None
    jobs: list = field(default_factory=list)  # ((output-relative path, Job), …) planned
    #: (Responsive, original's URL) -> the Responsive to write now (the preview's,
    #: while the files are encoded: plugin.shown); None: the planned one.
    show: Callable | None = None


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
            info = media.inspect(path, ctx.config["max_pixels"], media.decoding(ctx.config))
        except media.ImageProblem:
            continue
        original = static_url(ctx.siteurl, path, ctx.root)
        image = plan(info, ctx.config, ctx.siteurl, original)
        ctx.jobs.extend(image.jobs)
        if ctx.show is not None:
            image = ctx.show(image, original)
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
