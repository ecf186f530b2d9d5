"""Rules on a source's body (outside code): resources from other sites, inline code,
nesting depth, images (alt text, files the build can use)."""

from __future__ import annotations

import os
import re

from .. import inline_code as inline_code_mod
from .. import media
from .. import sources as src_mod
from .base import ERROR, WARNING, _problem

THIRD_PARTY_MD_RE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<url>(?:https?:)?//[^\s)>]+)")
THIRD_PARTY_HTML_RE = re.compile(
    r"<(?:img|iframe|script|video|audio|source|embed|object|link|track)\b[^>]*?\b"
    r"(?:src|href|data|poster)\s*=\s*[\"']?(?P<url>(?:https?:)?//[^\s\"'>]+)", re.IGNORECASE)


def third_party_resources(source, ctx=None):
    """Images, frames or scripts loaded from another site: blocked by the published
    site's Content-Security-Policy, and each would tell that site who reads us."""
    problems = []
    for number, line in _body_lines(source):
        for regex in (THIRD_PARTY_MD_RE, THIRD_PARTY_HTML_RE):
            for match in regex.finditer(line):
                problems.append(_problem(
                    source, number, f"loads {match.group('url')} from another site, which "
                    "the published site's Content-Security-Policy blocks",
                    "download the file into content/images/ and write {static}/images/<name>; "
                    "for a video, link to it instead of embedding it", ERROR,
                    "third_party_resources"))
    return problems


def inline_code(source, ctx=None):
    """Raw HTML with inline script or style: kept, but the published site's
    Content-Security-Policy does not run or apply it. Found on elements and their
    attributes (``newsroom.inline_code``), never in text that mentions ``onclick=``."""
    lines = _body_lines(source)
    if not lines:
        return []
    first = lines[0][0]
    text = [""] * (lines[-1][0] - first + 1)
    for number, line in lines:
        text[number - first] = line
    problems, seen = [], set()
    for found in inline_code_mod.find("\n".join(text)):
        number = first + found.line - 1
        if number in seen:
            continue  # one problem a line
        seen.add(number)
        script = found.kind in ("script", "handler")
        fix = ("remove it: the published site runs only the theme's scripts "
               "(theme/static/js/)" if script else
               "remove it, or use a class styled in theme/static/css/main.css")
        problems.append(_problem(
            source, number, f"{found.what} in the raw HTML does not work on the published site, "
            "whose Content-Security-Policy allows only the theme's scripts and styles",
            fix, WARNING, "inline_code"))
    return problems


FENCE_RE = re.compile(r"(`{3,}|~{3,})")
CODE_SPAN_RE = re.compile(r"`+[^`]*`+")


def _body_lines(source):
    """(line number, text) of body lines outside fenced code, inline code removed.

    Stops at the translator's marker: what is below it is not published.
    Computed once per source: several rules walk the same lines.
    """
    if source.body_lines_memo is None:
        source.body_lines_memo = list(_scan_body(source))
    return source.body_lines_memo


def _scan_body(source):
    text, _ = src_mod.split_marker(source.body)
    fence = None
    for offset, line in enumerate(text.split("\n")):
        stripped = line.lstrip()
        opener = FENCE_RE.match(stripped)
        if fence:
            if opener and stripped.startswith(fence):
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            continue
        yield source.body_line + offset, CODE_SPAN_RE.sub("", line) if "`" in line else line


#: Lists and quotes inside one another, at most: Python-Markdown converts a list
#: nested ~250 levels deep by recursion and fails (RecursionError), so the build
#: refuses more than this, well below, and lint says so first.
MAX_DEPTH = 100
NESTING_RE = re.compile(r"((?:[ \t]*>)*)([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")


def too_deep(source, ctx=None):
    """A list item nested more than ``MAX_DEPTH`` levels deep (4 columns of
    indentation per list level, one ``>`` per quote around it)."""
    if source.unreadable is not None:
        return []
    for number, line in _body_lines(source):
        match = NESTING_RE.match(line)
        if match is None:
            continue
        depth = match.group(1).count(">") + len(match.group(2).expandtabs(4)) // 4 + 1
        if depth > MAX_DEPTH:
            return [_problem(
                source, number, f"lists and quotes are nested {depth} levels deep here, "
                f"more than {MAX_DEPTH}", f"flatten the text: at most {MAX_DEPTH} levels of "
                "lists and quotes inside one another; the build cannot convert it", ERROR,
                "too_deep")]
    return []


IMAGE_MD_RE = re.compile(r"!\[(?P<alt>[^\]]*)\]\s*[\[(]")
IMAGE_HTML_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ALT_RE = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def images_without_alt(source, ctx):
    """Every image needs a text alternative (screen readers, broken images)."""
    problems = []
    for number, line in _body_lines(source):
        for match in IMAGE_MD_RE.finditer(line):
            if not match.group("alt").strip():
                problems.append(_problem(
                    source, number, "image without alt text",
                    "describe the image between the brackets: ![What the image shows](…)",
                    ERROR, "images_without_alt"))
        for match in IMAGE_HTML_RE.finditer(line):
            alt = ALT_RE.search(match.group(0))
            if alt is None or not "".join(g or "" for g in alt.groups()).strip():
                problems.append(_problem(
                    source, number, "<img> without alt text",
                    'add alt="what the image shows" to the <img> tag',
                    ERROR, "images_without_alt"))
    return problems


IMAGE_SRC_RE = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<src>[^\s)>]+)")


def image_problems(source, ctx):
    """The lead image (``Image:``, ``ImageAlt:``) and the body's images: files the build
    can use (an image, not truncated, within the pixel limit, wide enough for a lead).

    The images plugin uses the same ``newsroom.media`` checks and leaves out what
    fails them; this rule is what reports it, in `make lint` and in the build alike.
    """
    config = ctx.images or media.validate({})
    root = source.root or os.path.dirname(source.path)
    problems = []
    if source.has("image"):
        line = source.line("image")
        if not source.has("imagealt"):
            problems.append(_problem(
                source, line, "Image: without ImageAlt:",
                "add a line 'ImageAlt: what the image shows', in the article's language",
                ERROR, "image_problems"))
        target = media.image_target(source.get("image"), source.path, root, metadata=True)
        if target is None:
            problems.append(_problem(
                source, line, f"Image {source.get('image')!r} is on another site: only social "
                "networks show it, the page shows no lead image",
                "copy the image into content/images/ and write 'Image: images/<name>'",
                WARNING, "image_problems"))
        for message, fix in media.lead_problems(source.get("image"), source.path, root, config):
            problems.append(_problem(source, line, message, fix, ERROR, "image_problems"))
    elif source.has("imagealt") or source.has("imagecaption"):
        if not source.is_translation:
            key = "imagealt" if source.has("imagealt") else "imagecaption"
            problems.append(_problem(
                source, source.line(key), f"{source.fields[key].key}: without Image:",
                "add 'Image: images/<name>' or remove the line", WARNING, "image_problems"))
    for number, line in _body_lines(source):
        for match in IMAGE_SRC_RE.finditer(line):
            for message, fix in media.body_problems(match.group("src"), source.path, root, config):
                problems.append(_problem(source, number, message, fix, ERROR, "image_problems"))
    return problems


def translation_image_alt(source, original):
    """A translation showing its original's image gives its own alt text (and caption,
    if the original has one), in its language."""
    if not original.has("image") or source.has("image"):
        return None
    missing = [(what, key) for what, key in (("alt text", "ImageAlt"), ("caption", "ImageCaption"))
               if not source.has(key) and (key == "ImageAlt" or original.has(key))]
    if not missing:
        return None
    return _problem(
        source, source.line("translation"),
        f"the translation shows the image of {original.display} without "
        + " and ".join(f"{what} ({key}:)" for what, key in missing) + " in its language",
        "add " + " and ".join(f"'{key}: …'" for _, key in missing) + " in this language",
        WARNING, "translation_image_alt")
