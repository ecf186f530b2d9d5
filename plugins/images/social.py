"""Social cards (``og:image``, ``twitter:image``), 1200×630.

* From a lead image: the largest 1200:630 box around its ``ImageFocus:`` point
  (``ImageFocus: 30% 40%``, default the centre), as a JPEG.
* For an article without one, a generated card: its title in its language, the
  site name and the category, drawn with Noto Sans / Noto Sans Arabic (PyPI
  packages ``fontpkg-noto-sans`` and ``fontpkg-noto-sans-arabic``, pinned, so
  every machine draws the same pixels) through raqm, which shapes Arabic and lays
  it out right to left. A PNG, written without a timestamp: two builds give the
  same bytes.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

WIDTH, HEIGHT = 1200, 630
FOCUS_RE = re.compile(r"\s*(\d{1,3})\s*%?\s*[ ,]\s*(\d{1,3})\s*%?\s*$")


@dataclass(frozen=True)
class Card:
    title: str
    site: str
    section: str  # category name
    lang: str
    rtl: bool


def parse_focus(value) -> tuple[float, float] | None:
    """``"30% 40%"`` → (0.3, 0.4); None if it is not two percentages."""
    match = FOCUS_RE.match(str(value or ""))
    if not match:
        return None
    x, y = (int(g) for g in match.groups())
    return (x / 100, y / 100) if x <= 100 and y <= 100 else None


def crop_box(width: int, height: int, focus=(0.5, 0.5)):
    """The largest box of the card's proportions in a width×height image, as close to
    centred on ``focus`` as the image allows."""
    if width * HEIGHT > height * WIDTH:  # wider than the card
        w, h = round(height * WIDTH / HEIGHT), height
    else:
        w, h = width, round(width * HEIGHT / WIDTH)
    left = min(max(round(focus[0] * width - w / 2), 0), width - w)
    top = min(max(round(focus[1] * height - h / 2), 0), height - h)
    return (left, top, left + w, top + h)


def _fonts(rtl):
    import fontpkg_noto_sans
    import fontpkg_noto_sans_arabic

    if rtl:  # Noto Sans Arabic also draws Latin letters (names, acronyms in a title)
        return str(fontpkg_noto_sans_arabic.ROOT / "files" / "NotoSansArabic[wdth,wght].ttf")
    return str(fontpkg_noto_sans.ROOT / "files" / "NotoSans[wdth,wght].ttf")


def is_rtl_text(text: str) -> bool:
    """True if the first strong character of ``text`` is right to left."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


@functools.lru_cache(maxsize=64)
def _font(path, size, weight):
    """A font at a size and weight; kept for the process's next cards (loading the
    variable font costs more than drawing a card)."""
    from PIL import ImageFont

    font = ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)
    font.set_variation_by_axes([weight, 100])  # wght, wdth
    return font


def _wrap(text, font, width, direction, lang):
    """Lines of ``text`` (split between words) no wider than ``width``."""
    lines, line = [], ""
    # Between words only: no-break spaces (French "titre :") hold their words together.
    for word in re.split(r"[ \t\n]+", text.strip()):
        candidate = f"{line} {word}".strip()
        if line and font.getlength(candidate, direction=direction, language=lang) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def draw_card(job):
    """The generated card of ``job.card`` (a ``Card`` as a tuple)."""
    from PIL import Image, ImageDraw

    card = Card(*job.card)
    background, fg, muted = job.background.split("|")
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    path = _fonts(card.rtl or is_rtl_text(card.title))
    direction = "rtl" if card.rtl else "ltr"
    margin = 80
    x = WIDTH - margin if card.rtl else margin
    anchor = "r" if card.rtl else "l"
    lang = card.lang.split("_")[0].split("-")[0]

    small = _font(path, 34, 600)
    draw.text((x, 70), card.site, font=small, fill=fg, anchor=anchor + "a",
              direction=direction, language=lang)
    for size in (72, 64, 56, 48):  # the largest size at which the title fits in 4 lines
        font = _font(path, size, 700)
        lines = _wrap(card.title, font, WIDTH - 2 * margin, direction, lang)
        if len(lines) <= 4:
            break
    else:
        lines = lines[:4]
        lines[-1] += " …"
    step = round(size * 1.3)
    top = (HEIGHT - step * len(lines)) // 2 + 20
    for n, line in enumerate(lines):
        draw.text((x, top + n * step), line, font=font, fill=fg, anchor=anchor + "a",
                  direction=direction, language=lang)
    if card.section:
        draw.text((x, HEIGHT - 70), card.section, font=small, fill=muted, anchor=anchor + "d",
                  direction=direction, language=lang)
    draw.rectangle((0, HEIGHT - 12, WIDTH, HEIGHT), fill=muted)
    return image
