"""A WordPress post's HTML as Markdown.

Steps, in order: Gutenberg block comments removed; WordPress's automatic
paragraphs (``wpautop``) restored for classic-editor posts; shortcodes
replaced (``[caption]`` → figure with caption, ``[gallery]`` → its images,
``[embed]``, ``[audio]``, ``[video]`` and YouTube/Vimeo URLs → links;
unknown shortcodes kept as text and listed); images from the uploads folder
rewritten to ``{static}/images/…`` (and listed for copying); then
markdownify turns the tree into Markdown.

Why markdownify and not html2text (compared on our test exports): markdownify
works on a BeautifulSoup tree (our dependency already, so the steps above
edit the tree it converts, one parse per post), escapes Markdown syntax in
text (``*pas*`` stays text; html2text turns it into emphasis), keeps
typographic characters (html2text folds ’ into ' unless told), writes tables
and fenced code that Python-Markdown's ``extra`` reads, and is a class we can
extend: what Markdown cannot express (figures with captions, tables with
merged cells, ``<sub>``, ``<sup>``…) stays HTML. It falls short in one place:
its ``escape_misc`` escapes ``<`` and ``&`` with backslashes, which
Python-Markdown does not read; we write entities instead (``Converter.escape``).
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import markdownify
from bs4 import BeautifulSoup, Comment

BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:[^>]*?-->\n?")
SHORTCODE_RE = re.compile(r"\[(\[?)(/?)([A-Za-z_][\w-]*)((?:\s[^\]]*)?)(/?)\](\]?)")
ATTR_RE = re.compile(r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|(\S+)""")
VIDEO_URL_RE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?|embed/|shorts/)|youtu\.be/|vimeo\.com/|player\.vimeo\.com/)\S+$")
KNOWN = ("caption", "wp_caption", "gallery", "embed", "audio", "video")
MEDIA_SOURCES = ("src", "mp3", "m4a", "ogg", "wav", "mp4", "m4v", "webm", "ogv", "wmv", "flv")
BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "table",
              "blockquote", "figure", "hr", "dl", "form", "address", "iframe", "section", "!--")
LINE_START_RE = re.compile(r"(?m)^(\s*)([-+#>]|\d+(?=[.)]))")


@dataclass
class Media:
    """What a post's body needs from the export and the uploads folder."""

    attachments: dict  # post id -> (url, alt)
    uploads_prefixes: tuple  # URL prefixes of the old uploads folder, e.g. ("https://old/wp-content/uploads/",)
    uploads: str | None = None  # the local copy of wp-content/uploads (UPLOADS=…)
    images: dict = field(default_factory=dict)  # path under uploads -> found (bool), memo

    def found(self, rel: str) -> bool:
        """Whether ``rel`` (a path under uploads) exists in the local uploads folder."""
        if rel not in self.images:
            self.images[rel] = bool(self.uploads) and os.path.isfile(os.path.join(self.uploads, rel))
        return self.images[rel]

    def local(self, url: str) -> str | None:
        """``YYYY/MM/file.jpg`` for a URL under the old uploads folder, else None."""
        url = (url or "").strip()
        for prefix in self.uploads_prefixes:
            if url.startswith(prefix):
                rel = unquote(urlsplit(url[len(prefix):]).path)
                rel = posixpath.normpath(rel).lstrip("/")
                if rel and not rel.startswith(".."):
                    return rel
        match = re.search(r"/wp-content/uploads/(.+)$", urlsplit(url).path)
        if match and (url.startswith("/") or not self.uploads_prefixes):
            rel = posixpath.normpath(unquote(match.group(1))).lstrip("/")
            return None if rel.startswith("..") else rel
        return None


@dataclass
class Result:
    markdown: str
    unknown_shortcodes: list  # names, in order of appearance
    images: list  # paths under uploads used by this post


def parse_attrs(text: str) -> dict:
    """WordPress's shortcode_parse_atts: ``name="v"``, ``name='v'``, ``name=v``, bare values."""
    attrs, position = {}, 0
    for match in ATTR_RE.finditer(text or ""):
        if match.group(1):
            attrs[match.group(1).lower()] = match.group(2)
        elif match.group(3):
            attrs[match.group(3).lower()] = match.group(4)
        elif match.group(5):
            attrs[match.group(5).lower()] = match.group(6)
        else:
            attrs[position] = match.group(7) if match.group(7) is not None else match.group(8)
            position += 1
    return attrs


def _tag(name, **attrs) -> str:
    values = "".join(f' {k.rstrip("_")}="{html.escape(str(v), quote=True)}"'
                     for k, v in attrs.items() if v is not None)
    return f"<{name}{values}>"


def _link(url: str) -> str:
    url = html.unescape(url.strip())
    return f'<p>{_tag("a", href=url)}{html.escape(url)}</a></p>'


def replace_shortcodes(text: str, media: Media, unknown: list) -> str:
    """Known shortcodes as HTML; unknown ones kept as written (``[[x]]`` is an escaped one)."""
    out, pos = [], 0
    while True:
        match = SHORTCODE_RE.search(text, pos)
        if match is None:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:match.start()])
        double_open, closing, name, attrs, self_closing, double_close = match.groups()
        lower = name.lower()
        if double_open and double_close:  # [[caption]] is written text
            out.append(match.group(0)[1:-1])
            pos = match.end()
            continue
        if closing or lower not in KNOWN:
            if not closing and not (double_open or double_close):
                unknown.append(name)
            out.append(match.group(0))
            pos = match.end()
            continue
        inner, end = "", match.end()
        if not self_closing:
            close = re.compile(rf"\[/{re.escape(name)}\]", re.IGNORECASE).search(text, match.end())
            if close is not None:
                inner, end = text[match.end():close.start()], close.end()
        out.append(_shortcode(lower, parse_attrs(attrs), inner, media, unknown))
        pos = end


def _shortcode(name, attrs, inner, media, unknown) -> str:
    if name in ("caption", "wp_caption"):
        # the image (or the link around it) first, then the caption text
        match = re.match(r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", inner, re.S | re.I)
        body, caption = (match.group(1), match.group(2)) if match else (inner, "")
        caption = attrs.get("caption") or caption
        caption = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", "", caption))).strip()
        return (f"\n\n<figure>{body}<figcaption>{html.escape(caption)}</figcaption>"
                "</figure>\n\n")
    if name == "gallery":
        ids = [i.strip() for i in str(attrs.get("ids") or attrs.get("include") or "").split(",")]
        found = [media.attachments[int(i)] for i in ids if i.isdigit() and int(i) in media.attachments]
        if not found:
            unknown.append("gallery")  # a gallery of the post's attached images: not in WXR
            return "[gallery]"
        images = "".join(_tag("img", src=url, alt=alt or "") for url, alt in found)
        return f'\n\n<div class="gallery">{images}</div>\n\n'
    if name == "embed":
        return _link(inner or str(attrs.get("src") or attrs.get(0) or ""))
    # audio, video
    for key in MEDIA_SOURCES:
        if attrs.get(key):
            return _link(str(attrs[key]))
    if inner.strip():
        return _link(inner)
    unknown.append(name)
    return f"[{name}]"


def wpautop(text: str) -> str:
    """Paragraphs for a classic-editor body (blank lines), as WordPress shows them."""
    if re.search(r"<p[\s>]", text, re.IGNORECASE):
        return text
    parts = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    result = []
    for part in parts:
        stripped = part.strip()
        if not stripped:
            continue
        if re.match(r"<(?:%s)\b" % "|".join(re.escape(t) for t in BLOCK_TAGS), stripped, re.I):
            result.append(stripped)
        else:
            result.append("<p>" + stripped.replace("\n", "<br>\n") + "</p>")
    return "\n\n".join(result)


def auto_embeds(text: str) -> str:
    """A YouTube or Vimeo URL alone on its line (WordPress embeds it) as a link."""
    def one(match):
        return _link(match.group(1))
    return re.sub(r"(?m)^\s*(?:<p>)?\s*(https?://\S+?)\s*(?:</p>)?\s*$",
                  lambda m: one(m) if VIDEO_URL_RE.match(html.unescape(m.group(1))) else m.group(0),
                  text)


class Converter(markdownify.MarkdownConverter):
    """markdownify, with entities for ``<``/``&`` and raw HTML where Markdown falls short."""

    def escape(self, text, parent_tags):
        text = super().escape(text, parent_tags)
        if not text or "_noformat" in parent_tags:
            return text
        text = text.replace("&", "&amp;").replace("<", "&lt;")
        return LINE_START_RE.sub(lambda m: m.group(1) + "\\" + m.group(2), text)

    def _raw(self, el):
        return "\n\n" + str(el) + "\n\n"

    def convert_figure(self, el, text, parent_tags):
        return self._raw(el) if el.find("figcaption") is not None else text

    def convert_table(self, el, text, parent_tags):
        if el.find(attrs={"colspan": True}) or el.find(attrs={"rowspan": True}) or el.find("table"):
            return self._raw(el)
        return super().convert_table(el, text, parent_tags)

    def convert_div(self, el, text, parent_tags):
        return self._raw(el) if "gallery" in (el.get("class") or []) else text

    def convert_sub(self, el, text, parent_tags):
        return str(el)

    convert_sup = convert_sub

    def convert_iframe(self, el, text, parent_tags):
        src = el.get("src") or ""
        return f"\n\n[{self.escape(src, parent_tags)}](<{src}>)\n\n" if src.startswith("http") else ""


def code_language(pre) -> str:
    """``python`` for ``<pre><code class="language-python">`` (Gutenberg, Prism, highlight.js)."""
    for el in (pre, pre.find("code")):
        for name in (el.get("class") or []) if el is not None else []:
            if name.startswith(("language-", "lang-")):
                return re.sub(r"[^\w+#.-]", "", name.split("-", 1)[1])
    return ""


def convert(content: str, media: Media) -> Result:
    """Markdown of a post's ``content:encoded``."""
    unknown = []
    text = BLOCK_COMMENT_RE.sub("", content or "")
    text = replace_shortcodes(text, media, unknown)
    text = auto_embeds(wpautop(text))
    soup = BeautifulSoup(text, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    used = []
    for element in soup.find_all(True):
        if element.decomposed:
            continue
        name = element.name
        if name in ("script", "style", "noscript"):
            element.decompose()
            continue
        if name == "figure" and "wp-block-embed" in (element.get("class") or []):
            url = element.get_text(" ", strip=True).split(" ")[0]
            element.replace_with(BeautifulSoup(_link(url), "html.parser") if url else "")
            continue
        for attr in [a for a in element.attrs if a.startswith("on") or a == "style"]:
            del element.attrs[attr]
        if name == "img":
            alt = element.get("alt") or ""
            if not alt.strip():  # WordPress marks its images class="wp-image-<attachment id>"
                ids = [c[9:] for c in element.get("class") or [] if c.startswith("wp-image-")]
                if ids and ids[0].isdigit():
                    alt = media.attachments.get(int(ids[0]), ("", ""))[1] or ""
            for attr in ("srcset", "sizes", "loading", "decoding", "width", "height", "class"):
                element.attrs.pop(attr, None)
            element["alt"] = alt
        attr = {"img": "src", "a": "href"}.get(name)
        rel = media.local(element.get(attr, "")) if attr else None
        if rel is not None:
            used.append(rel)
            if media.found(rel):
                element[attr] = "{static}/images/" + rel
    markdown = Converter(heading_style="ATX", bullets="-", escape_misc=False,
                         code_language_callback=code_language).convert_soup(soup)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    return Result(markdown, unknown, used)


def plain_text(content: str) -> str:
    """An excerpt as one line of text (HTML removed)."""
    if "<" not in (content or "") and "&" not in (content or ""):
        return re.sub(r"\s+", " ", content or "").strip()
    soup = BeautifulSoup(BLOCK_COMMENT_RE.sub("", content or ""), "html.parser")
    for block in soup.find_all(["p", "br", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6",
                                "blockquote", "td", "th"]):
        block.append(" ")  # words of two blocks stay apart; inline tags add no space
    return re.sub(r"\s+", " ", soup.get_text("")).strip()


