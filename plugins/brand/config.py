"""The BRAND setting: defaults in one place, validated in one function.

``BRAND`` keys (pelicanconf.py), every one optional::

    BRAND = {
        "name": "Le Fil Tech",            # None: SITENAME
        "logo": "images/logo.svg",        # site-relative URL of an image (None: the name as text)
        "logo_dark": "images/logo-dark.svg",  # shown in dark mode (None: "logo")
        "colors": {"accent": "#0b5cad"},  # light scheme; missing keys keep their default
        "colors_dark": {"accent": "#8cc4ff"},
        "text_font": '"Newsreader", Georgia, serif',  # CSS font-family lists
        "ui_font": '"Public Sans", system-ui, sans-serif',
        "preload_fonts": ["fonts/newsreader-latn.woff2"],  # theme files, <link rel=preload>
        "code_style": "xcode", "code_style_dark": "monokai",   # Pygments styles
        "footer": "© Le Fil Tech, Paris",  # footer line (None: the theme's)
    }

Every text colour is checked against the backgrounds it is shown on, and every
colour of the two Pygments styles against their background: below WCAG AA's
4.5:1 the build stops, naming the setting, the two colours, the ratio and 4.5:1.
Social cards and anything else that wants the brand read ``settings['BRAND']``
after validation (``palette()``).
"""

from __future__ import annotations

import re

from newsroom.config import dict_setting

from .contrast import AA_TEXT, HEX_RE, ratio

SETTING = "BRAND"

COLORS = {
    "background": "#ffffff", "text": "#1b1e23", "muted": "#4f5661", "accent": "#0b5cad",
    "accent_text": "#ffffff",  # text on an accent background (buttons, skip link)
    "surface": "#f5f7fa",  # boxes: newsletter, notices, cards
    "line": "#d9dde3",  # rules and borders (decorative: not checked)
}
COLORS_DARK = {
    "background": "#121417", "text": "#e8eaed", "muted": "#b0b6bf", "accent": "#8cc4ff",
    "accent_text": "#0b1520", "surface": "#1b1f24", "line": "#2f343b",
}
#: (foreground, background) pairs of each scheme that carry text.
TEXT_PAIRS = (("text", "background"), ("muted", "background"), ("accent", "background"),
              ("accent_text", "accent"), ("text", "surface"), ("muted", "surface"),
              ("accent", "surface"))

DEFAULTS = {
    "name": None,
    "logo": None,
    "logo_dark": None,
    "colors": {},
    "colors_dark": {},
    "text_font": '"Newsreader", Georgia, "Times New Roman", serif',
    "ui_font": '"Public Sans", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    # The faces of the text and of the headlines: what the first screen shows.
    "preload_fonts": ["fonts/newsreader-latn.woff2", "fonts/public-sans-latn.woff2"],
    # Pygments styles whose every colour reaches 4.5:1 on their own background.
    "code_style": "xcode",
    "code_style_dark": "monokai",
    "footer": None,
}
EXAMPLE = "{'name': 'Le Fil Tech', 'colors': {'accent': '#0b5cad'}}"
#: What may stand in a CSS font-family list written into brand.css.
FONT_RE = re.compile(r"[\w \-,\"'.]+")
URL_RE = re.compile(r"[\w\-./]+\.(?:svg|png|webp|avif|jpe?g)")
FONT_FILE_RE = re.compile(r"[\w\-][\w\-./]*\.woff2")


class BrandError(ValueError):
    """BRAND is wrong; the message names the key and what to write."""


def _colors(name, value, defaults):
    label = f"BRAND[{name!r}]"
    merged = dict_setting({label: value}, label, defaults, "{'accent': '#0b5cad'}", BrandError)
    for key, colour in merged.items():
        if not isinstance(colour, str) or not HEX_RE.fullmatch(colour):
            raise BrandError(f"{label}[{key!r}] must be a hex colour such as '#0b5cad'; "
                             f"got {colour!r}")
    return {k: v.lower() for k, v in merged.items()}


def check_contrast(name, colors):
    """Raise if a text colour of one scheme is below AA on a background it is shown on."""
    for fg, bg in TEXT_PAIRS:
        value = ratio(colors[fg], colors[bg])
        if value < AA_TEXT:
            raise BrandError(
                f"BRAND[{name!r}]: {fg!r} {colors[fg]} on {bg!r} {colors[bg]} has a contrast "
                f"of {value:.2f}:1; WCAG AA needs at least {AA_TEXT}:1 for text. Choose a "
                f"{'darker' if name == 'colors' else 'lighter'} {fg!r} or another {bg!r}.")


def code_style(key, value):
    """The Pygments style named ``value``, checked: every token colour ≥ 4.5:1 on its background."""
    from pygments.styles import get_all_styles, get_style_by_name
    from pygments.token import Error, Whitespace

    if not isinstance(value, str) or value not in set(get_all_styles()):
        raise BrandError(f"BRAND[{key!r}]: {value!r} is not a Pygments style; "
                         f"choose one of {', '.join(sorted(get_all_styles()))}")
    style = get_style_by_name(value)
    background = style.background_color or "#ffffff"
    for token, spec in style:
        if token in Whitespace or token in Error or not spec["color"]:
            continue  # whitespace shows no text; errors are flagged by their own box
        fg, bg = "#" + spec["color"], "#" + spec["bgcolor"] if spec["bgcolor"] else background
        if HEX_RE.fullmatch(bg) and ratio(fg, bg) < AA_TEXT:
            raise BrandError(
                f"BRAND[{key!r}]: the Pygments style {value!r} shows {token} in {fg} on {bg}, "
                f"a contrast of {ratio(fg, bg):.2f}:1; WCAG AA needs at least {AA_TEXT}:1. "
                "Choose another style (e.g. 'xcode' for light, 'monokai' for dark).")
    return value


def validate(settings) -> dict:
    """Check ``settings['BRAND']`` and return it complete (defaults filled, colours checked)."""
    config = dict_setting(settings, SETTING, DEFAULTS, EXAMPLE, BrandError)
    config["colors"] = _colors("colors", config["colors"], COLORS)
    config["colors_dark"] = _colors("colors_dark", config["colors_dark"], COLORS_DARK)
    check_contrast("colors", config["colors"])
    check_contrast("colors_dark", config["colors_dark"])
    for key in ("name", "footer"):
        if config[key] is not None and (not isinstance(config[key], str) or not config[key].strip()):
            raise BrandError(f"BRAND[{key!r}] must be a non-empty text or None")
    config["name"] = config["name"] or settings.get("SITENAME") or ""
    for key in ("logo", "logo_dark"):
        value = config[key]
        if value is not None and (not isinstance(value, str) or not URL_RE.fullmatch(value)
                                  or value.startswith("/") or ".." in value):
            raise BrandError(f"BRAND[{key!r}] must be a site-relative image URL such as "
                             f"'images/logo.svg' (svg, png, webp, avif, jpg); got {value!r}")
    if config["logo_dark"] and not config["logo"]:
        raise BrandError("BRAND['logo_dark'] needs BRAND['logo'] (the light-scheme logo)")
    for key in ("text_font", "ui_font"):
        value = config[key]
        if not isinstance(value, str) or not FONT_RE.fullmatch(value):
            raise BrandError(f"BRAND[{key!r}] must be a CSS font-family list such as "
                             f"'\"Newsreader\", Georgia, serif'; got {value!r}")
    fonts = config["preload_fonts"]
    if not isinstance(fonts, (list, tuple)) or not all(
            isinstance(f, str) and FONT_FILE_RE.fullmatch(f) and ".." not in f for f in fonts):
        raise BrandError("BRAND['preload_fonts'] must be a list of theme files such as "
                         f"['fonts/newsreader-latn.woff2'] ([] for none); got {fonts!r}")
    config["preload_fonts"] = list(fonts)
    config["code_style"] = code_style("code_style", config["code_style"])
    config["code_style_dark"] = code_style("code_style_dark", config["code_style_dark"])
    return config


def palette(settings, dark=False) -> dict:
    """The brand's colours of one scheme: {"background": "#ffffff", "accent": …}."""
    config = settings.get(SETTING) if isinstance(settings.get(SETTING), dict) else {}
    own = config.get("colors_dark" if dark else "colors") or {}
    return {**(COLORS_DARK if dark else COLORS), **own}
