"""Social cards (``og:image``, ``twitter:image``), 1200×630.

* From a lead image: the largest 1200:630 box around its ``ImageFocus:`` point
  (``ImageFocus: 30% 40%``, default the centre), as a JPEG.
* For an article without one, a generated card: its title in its language, the
  site name and the category, drawn with Noto Sans / Noto Sans Arabic (PyPI
  packages ``fontpkg-noto-sans`` and ``fontpkg-noto-sans-arabic``, pinned, so
  every machine draws the same pixels) through raqm, which shapes Arabic and lays
  it out right to left. A JPEG: two builds give the same bytes. The background
  (colour, site name, category) is drawn once per language and category, each card
  is a copy with its title set on it, glyph by glyph from cached masks where the
  script needs no shaping: a few milliseconds per card. Colours, fonts and sizes are
  one ``CardStyle``.
* A drawn card's JPEG has a restart marker after each row of 16-pixel blocks, so its
  rows are independent in the file: the background is encoded once, and a card
  encodes only the rows its title covers, spliced between the background's
  (``card_jpeg``); the bytes are those of the whole card encoded at once (a test
  checks it). Encoding was half a card's time; a two-line title covers a third.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from newsroom import media

WIDTH, HEIGHT = 1200, 630
#: JPEG quality of drawn cards.
CARD_QUALITY = 85
#: How drawn cards are saved (baseline, standard tables, a restart marker after every
#: row of 16×16 blocks: see ``card_jpeg``); bump CARD_FORMAT when this changes.
CARD_JPEG = {"restart_marker_rows": 1, "subsampling": 2}
CARD_FORMAT = 2
BLOCK = 16  # rows of one restart interval (4:2:0 blocks)
_RESTART = re.compile(rb"\xff[\xd0-\xd7]")
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


# -- the look of drawn cards, in one place ------------------------------------------

@dataclass(frozen=True)
class CardStyle:
    """Colours, fonts and sizes of a drawn card. ``card_style`` makes it from the
    settings (today ``IMAGES['card_colors']``; a site-wide brand setting can feed the
    same fields); the job carries it, so a new look gets new files."""

    background: str = "#0b3d73"
    title: str = "#ffffff"  # title and site name
    details: str = "#b8d7ff"  # category and the bottom bar
    font: str | None = None  # a TrueType/OpenType file; None: Noto Sans (pinned package)
    rtl_font: str | None = None  # for right-to-left titles; None: Noto Sans Arabic
    title_weight: int = 700  # the variable fonts' wght axis
    detail_weight: int = 600
    title_sizes: tuple = (72, 64, 56, 48)  # the largest at which the title fits is used
    detail_size: int = 34
    margin: int = 80
    max_lines: int = 4


def card_style(config, settings=None) -> CardStyle:
    """The card style of a build: ``IMAGES['card_colors']``, or while they are left at
    their default, the brand's (``BRAND``, plugins/brand, validated at build start):
    the accent as background, the text colour checked against it (4.5:1) for the rest."""
    background, title, details = config["card_colors"]
    brand = (settings or {}).get("BRAND")
    colors = brand.get("colors") if isinstance(brand, dict) else None
    if isinstance(colors, dict) and {"accent", "accent_text"} <= set(colors) and \
            tuple(config["card_colors"]) == tuple(media.DEFAULTS["card_colors"]):
        background, title, details = colors["accent"], colors["accent_text"], colors["accent_text"]
    return CardStyle(background, title, details)


def _fonts(rtl, style=CardStyle()):
    if rtl and style.rtl_font:
        return style.rtl_font
    if not rtl and style.font:
        return style.font
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
    try:
        font.set_variation_by_axes([weight, 100])  # wght, wdth
    except OSError:
        pass  # not a variable font: its own weight
    return font


# -- text: measured and drawn ------------------------------------------------------------
#
# Rasterising a line of a 72-pixel variable font costs about 1 ms, most of a card's
# budget. Text that needs no shaping (no combining marks, left to right, before the
# Hebrew block: Latin, Greek, Cyrillic, with general punctuation and currency signs) is
# drawn glyph by glyph from masks kept per font, with the font's own advances and
# kerning pairs; anything else (Arabic, Hebrew, Indic scripts…) is laid out and drawn
# by raqm, line by line, as before.

def _simple(text):
    return all((ord(c) < 0x0590 or 0x2000 <= ord(c) <= 0x20CF)
               and not unicodedata.category(c).startswith("M") for c in text)


class _Glyphs:
    """Advances, kerning and masks of one font, kept for the process's cards."""

    def __init__(self, font):
        self.font = font
        self.advances, self.pairs, self.masks, self.lengths = {}, {}, {}, {}

    def advance(self, char):
        if char not in self.advances:
            self.advances[char] = self.font.getlength(char)
        return self.advances[char]

    def kerning(self, a, b):
        if (a, b) not in self.pairs:
            self.pairs[a, b] = self.font.getlength(a + b) - self.advance(a) - self.advance(b)
        return self.pairs[a, b]

    def length(self, text):
        if text not in self.lengths:
            total = sum(self.advance(c) for c in text)
            self.lengths[text] = total + sum(self.kerning(a, b) for a, b in zip(text, text[1:]))
        return self.lengths[text]

    def mask(self, char):
        if char not in self.masks:
            from PIL import Image, ImageDraw

            box = self.font.getbbox(char, anchor="la")
            if box[2] <= box[0] or box[3] <= box[1]:
                self.masks[char] = None  # a space
            else:
                mask = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
                ImageDraw.Draw(mask).text((-box[0], -box[1]), char, font=self.font, fill=255,
                                          anchor="la")
                mask.load()
                self.masks[char] = (mask.im, box[0], box[1], mask.size)
        return self.masks[char]

    def draw(self, image, xy, text, fill):
        """``text`` at ``xy`` (left, ascender) in colour ``fill`` (an RGB tuple)."""
        image.load()
        core = image.im  # Pillow's paste without its per-call checks: ~50 glyphs a card
        x, y = xy
        for n, char in enumerate(text):
            glyph = self.mask(char)
            if glyph is not None:
                mask, dx, dy, (w, h) = glyph
                left, top = round(x) + dx, y + dy
                core.paste(fill, (left, top, left + w, top + h), mask)
            x += self.advance(char) + (self.kerning(char, text[n + 1]) if n + 1 < len(text) else 0)


@functools.lru_cache(maxsize=64)
def _glyphs(path, size, weight):
    return _Glyphs(_font(path, size, weight))


class _Text:
    """How one card measures and draws its text: glyph masks or raqm."""

    def __init__(self, path, size, weight, text, direction, lang):
        self.font = _font(path, size, weight)
        self.glyphs = _glyphs(path, size, weight) if direction == "ltr" and _simple(text) else None
        self.direction, self.lang = direction, lang

    def length(self, text):
        if self.glyphs is not None:
            return self.glyphs.length(text)
        return self.font.getlength(text, direction=self.direction, language=self.lang)

    def draw(self, draw, image, xy, text, fill, anchor):
        if self.glyphs is not None and anchor == "la":
            self.glyphs.draw(image, xy, text, fill)
        else:
            draw.text(xy, text, font=self.font, fill=fill, anchor=anchor,
                      direction=self.direction, language=self.lang)


def _break_word(word, measure, width):
    """``word`` cut into pieces no wider than ``width``, between characters: a word
    wider than the card (a long compound, a URL) is broken, never cut off."""
    pieces, piece = [], ""
    for char in word:
        if piece and measure(piece + char) > width:
            pieces.append(piece)
            piece = char
        else:
            piece += char
    return pieces + ([piece] if piece else [])


def _wrap(text, measure, width):
    """Lines of ``text`` (split between words) no wider than ``width``; a word wider
    than ``width`` on its own is broken between characters."""
    lines, line = [], ""
    # Between words only: no-break spaces (French "titre :") hold their words together.
    for word in re.split(r"[ \t\n]+", text.strip()):
        pieces = [word] if measure(word) <= width else _break_word(word, measure, width)
        for piece in pieces:
            candidate = f"{line} {piece}".strip()
            if line and measure(candidate) > width:
                lines.append(line)
                line = piece
            else:
                line = candidate
    if line:
        lines.append(line)
    return lines


def layout(card: Card, style: CardStyle = CardStyle()):
    """(``_Text`` of the title, lines, line step): the largest title size at which no
    word needs breaking and the title fits in ``style.max_lines`` lines, else the
    smallest size with long words broken and the last line ended with "…". Every line
    fits between the margins."""
    rtl = card.rtl or is_rtl_text(card.title)
    path = _fonts(rtl, style)
    direction = "rtl" if card.rtl else "ltr"
    lang = card.lang.split("_")[0].split("-")[0]
    width = WIDTH - 2 * style.margin
    words = re.split(r"[ \t\n]+", card.title.strip())
    tried = []
    for size in style.title_sizes:
        text = _Text(path, size, style.title_weight, card.title, direction, lang)
        lines = _wrap(card.title, text.length, width)
        if len(lines) <= style.max_lines and all(text.length(w) <= width for w in words):
            return text, lines, round(size * 1.3)
        tried.append((text, lines, size))
    # A word too wide at every size: the largest size at which, broken, it fits.
    text, lines, size = next((t for t in tried if len(t[1]) <= style.max_lines), tried[-1])
    if len(lines) > style.max_lines:
        lines = lines[:style.max_lines]
        last = lines[-1]
        while last and text.length(f"{last} …") > width:
            last = last[:-1].rstrip()
        lines[-1] = f"{last} …"
    return text, lines, round(size * 1.3)


@functools.lru_cache(maxsize=256)
def _background(style: CardStyle, site: str, section: str, lang: str, rtl: bool):
    """What every card of a language and category shares: colour, site name, category
    and bar, drawn once per process; each card is a copy with its title set on it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), style.background)
    draw = ImageDraw.Draw(image)
    path = _fonts(rtl, style)
    direction = "rtl" if rtl else "ltr"
    x = WIDTH - style.margin if rtl else style.margin
    anchor = "r" if rtl else "l"
    small = _font(path, style.detail_size, style.detail_weight)
    draw.text((x, 70), site, font=small, fill=style.title, anchor=anchor + "a",
              direction=direction, language=lang)
    if section:
        draw.text((x, HEIGHT - 70), section, font=small, fill=style.details, anchor=anchor + "d",
                  direction=direction, language=lang)
    draw.rectangle((0, HEIGHT - 12, WIDTH, HEIGHT), fill=style.details)
    return image


def _card_parts(job):
    """(Card, CardStyle, the key of its background: ``_background``'s arguments)."""
    card = Card(*job.card)
    style = CardStyle(*job.style) if job.style else CardStyle(*job.background.split("|"))
    lang = card.lang.split("_")[0].split("-")[0]
    return card, style, (style, card.site, card.section, lang, card.rtl)


def _set_title(image, card, style, offset=0):
    """Draw the card's title on ``image`` (the card's rows from ``offset`` down)."""
    from PIL import ImageColor, ImageDraw

    draw = ImageDraw.Draw(image)
    text, lines, step = layout(card, style)
    x = WIDTH - style.margin if card.rtl else style.margin
    anchor = ("r" if card.rtl else "l") + "a"
    fill = ImageColor.getrgb(style.title)
    for n, line in enumerate(lines):
        text.draw(draw, image, (x, _title_top(len(lines), step) + n * step - offset), line,
                  fill, anchor)


def _title_top(count, step):
    return (HEIGHT - step * count) // 2 + 20


def _title_rows(card, style):
    """(first, last) rows of blocks the title's ink can reach: a line's ink lies
    between its top and half a step below the next line's, with a block to spare."""
    _, lines, step = layout(card, style)
    top = _title_top(len(lines), step)
    first = max(0, (top - BLOCK) // BLOCK)
    last = min(HEIGHT // BLOCK, -(-(top + step * len(lines) + step // 2 + BLOCK) // BLOCK))
    return first, last


def draw_card(job):
    """The generated card of ``job.card`` (a ``Card`` as a tuple) in ``job.style``."""
    card, style, background = _card_parts(job)
    image = _background(*background).copy()
    _set_title(image, card, style)
    return image


def save_card(image, quality) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **CARD_JPEG)
    return out.getvalue()


def _rows(data):
    """(the JPEG's headers, its entropy-coded segments: one per row of blocks)."""
    sos = data.index(b"\xff\xda")
    start = sos + 2 + int.from_bytes(data[sos + 2:sos + 4], "big")
    return data[:start], _RESTART.split(data[start:data.rindex(b"\xff\xd9")])


@functools.lru_cache(maxsize=256)
def _background_rows(background, quality):
    return _rows(save_card(_background(*background), quality))


def card_jpeg(job) -> bytes:
    """The JPEG of ``job``'s drawn card: the rows its title covers encoded, the others
    the background's (the same bytes as ``save_card(draw_card(job), …)``)."""
    card, style, background = _card_parts(job)
    first, last = _title_rows(card, style)
    band = _background(*background).crop((0, first * BLOCK, WIDTH, last * BLOCK))
    _set_title(band, card, style, offset=first * BLOCK)
    head, rows = _background_rows(background, job.quality)
    rows = rows[:first] + _rows(save_card(band, job.quality))[1] + rows[last:]
    out = [head]
    for n, row in enumerate(rows):
        out += [row, bytes((0xFF, 0xD0 + n % 8))] if n + 1 < len(rows) else [row]
    out.append(b"\xff\xd9")
    return b"".join(out)
