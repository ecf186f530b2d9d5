"""Images of the content: the ``IMAGES`` setting, where an image file is, and what it holds.

Shared by `newsroom lint` (``newsroom.rules.image_problems``) and the ``images``
build plugin, so both accept and refuse the same files with the same words. It
lives here, not in the plugin, for the same reason ``EDITORIAL`` does
(``newsroom.config``): the lint command reads the settings without loading plugins.

``IMAGES`` keys (pelicanconf.py), every one optional::

    IMAGES = {
        "widths": (480, 800, 1200, 1600),  # responsive widths (never upscaled)
        "formats": ("webp",),              # <source> formats of photos (JPEG sources),
                                           # plus a JPEG (PNG with alpha) fallback
        "graphics_formats": ("avif", "webp"),  # of drawn images (PNG, GIF, WebP… sources)
        "quality": {"avif": 55, "webp": 75, "jpeg": 80},
        "max_pixels": 50_000_000,          # larger images are refused (decompression bombs)
        "min_width": 800,                  # a lead image narrower than this is refused
        "sizes": "(min-width: 46rem) 42rem, calc(100vw - 2rem)",  # sizes of body and lead images
        "output": "img",                   # folder of the derivatives in the output
        "cache": "cache/images",           # derivatives kept between builds
        "workers": None,                   # encoding processes (None: every core)
        "background": "#ffffff",           # transparent images flattened on it for JPEG
        "card_colors": ("#0b3d73", "#ffffff", "#b8d7ff"),  # generated cards: background, title, details
        "cards": True,                     # draw a card for articles without an image
                                           # (False: they get SEO["default_image"])
        "service": None,                   # an image service instead of encoding
                                           # (plugins/images/service.py)
    }
"""

from __future__ import annotations

import functools
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from . import paths


@dataclass(frozen=True)
class ImageRef:
    """An image a page shows in its metadata (og:image, JSON-LD): ``src`` relative to the
    site or an absolute URL. The seo plugin renders it; the images plugin makes the
    social cards it points to."""

    src: str
    width: int | None = None
    height: int | None = None
    alt: str | None = None
    default: bool = False


SETTING = "IMAGES"
DEFAULTS = {
    "widths": (480, 800, 1200, 1600),
    # Why: on 3000×2000 camera photos (`make bench-images`, bench/images-results.md)
    # AVIF (quality 55, speed 8) was no smaller than WebP (quality 75) at 480–800 px
    # and 7–18 % larger at 1200–1600, for 3 to 7 times the CPU; on drawn charts and
    # diagrams (flat colours, sharp edges) it was 25–37 % smaller. So photos get WebP,
    # drawn images AVIF and WebP; both keep the JPEG (PNG) fallback.
    "formats": ("webp",),
    "graphics_formats": ("avif", "webp"),
    "quality": {"avif": 55, "webp": 75, "jpeg": 80, "png": None},
    "max_pixels": 50_000_000,
    "min_width": 800,
    "sizes": "(min-width: 46rem) 42rem, calc(100vw - 2rem)",
    "output": "img",
    "cache": "cache/images",
    "workers": None,
    "background": "#ffffff",
    "card_colors": ("#0b3d73", "#ffffff", "#b8d7ff"),
    "cards": True,
    "service": None,  # checked by plugins/images/service.py (a build's concern, not lint's)
}
FORMATS = ("avif", "webp")
COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
#: Sources that are photos (lossy camera files): ``IMAGES['formats']``; any other
#: raster source is a drawn image: ``IMAGES['graphics_formats']``.
PHOTO_FORMATS = {"JPEG", "MPO"}
#: Formats the build re-encodes; others are refused, SVG and animated GIF pass through.
RASTER_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "AVIF", "TIFF", "BMP"}
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif", ".tif", ".tiff",
                    ".bmp", ".svg")


class ImagesSettingsError(ValueError):
    """IMAGES is wrong; the message names the key and what to write."""


def validate(settings: dict) -> dict:
    """Check ``settings['IMAGES']`` and return it complete (defaults filled)."""
    value = settings.get(SETTING) or {}
    if not isinstance(value, dict):
        raise ImagesSettingsError("IMAGES must be a dict, e.g. {'widths': (480, 800, 1200, 1600)}")
    unknown = set(value) - set(DEFAULTS)
    if unknown:
        raise ImagesSettingsError(
            f"IMAGES: unknown key(s) {sorted(map(str, unknown))}; known keys: {sorted(DEFAULTS)}")
    config = {**DEFAULTS, **value}
    widths = config["widths"]
    if (not isinstance(widths, (list, tuple)) or not widths
            or not all(isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= 8000
                       for w in widths)):
        raise ImagesSettingsError("IMAGES['widths'] must be a list of pixel widths between 16 "
                                  "and 8000, e.g. (480, 800, 1200, 1600)")
    config["widths"] = tuple(sorted(set(widths)))
    for key in ("formats", "graphics_formats"):
        formats = config[key]
        if not isinstance(formats, (list, tuple)) or not set(formats) <= set(FORMATS):
            raise ImagesSettingsError(f"IMAGES[{key!r}] must list formats among {FORMATS}")
        config[key] = tuple(f for f in FORMATS if f in formats)  # smallest first
    quality = {**DEFAULTS["quality"], **(config["quality"] or {})}
    for fmt, q in quality.items():
        if fmt == "png" or (isinstance(q, int) and 1 <= q <= 100):
            continue
        raise ImagesSettingsError(f"IMAGES['quality'][{fmt!r}] must be between 1 and 100")
    config["quality"] = quality
    for key in ("max_pixels", "min_width"):
        if isinstance(config[key], bool) or not isinstance(config[key], int) or config[key] < 1:
            raise ImagesSettingsError(f"IMAGES[{key!r}] must be a whole number ≥ 1")
    workers = config["workers"]
    if workers is not None and (not isinstance(workers, int) or workers < 0):
        raise ImagesSettingsError("IMAGES['workers'] must be a whole number ≥ 0 (0: encode in "
                                  "the build process) or None (every core)")
    for key in ("sizes", "output", "cache"):
        if not isinstance(config[key], str) or not config[key].strip():
            raise ImagesSettingsError(f"IMAGES[{key!r}] must be a non-empty string")
    if config["output"].startswith("/") or ".." in config["output"].split("/"):
        raise ImagesSettingsError("IMAGES['output'] must be a folder inside the output, e.g. 'img'")
    if not isinstance(config["cards"], bool):
        raise ImagesSettingsError("IMAGES['cards'] must be True or False")
    colors = [config["background"], *config["card_colors"]]
    if len(config["card_colors"]) != 3 or not all(isinstance(c, str) and COLOR_RE.fullmatch(c)
                                                  for c in colors):
        raise ImagesSettingsError("IMAGES['background'] is one colour and IMAGES['card_colors'] "
                                  "three, written #rrggbb")
    return config


def config_of(settings: dict) -> dict:
    """A build's ``IMAGES``, complete: as the images plugin validated it at the build's
    start, or validated here (lint, or a site without the images plugin)."""
    value = settings.get(SETTING)
    if isinstance(value, dict) and value.keys() == DEFAULTS.keys():
        return value
    return validate(settings)


# -- where an image is ------------------------------------------------------------

def image_path(value: str, source_path: str, root: str, metadata: bool = False) -> str | None:
    """File behind an image reference written in a source (``image_target``), or None if it
    is remote or leaves the content folder: the build never reads a file outside it
    (``newsroom.paths``; ``newsroom.rules.paths_outside_content`` reports it)."""
    path = image_target(value, source_path, root, metadata)
    return path if path is None or paths.inside(path, root) else None


def image_target(value: str, source_path: str, root: str, metadata: bool = False) -> str | None:
    """Path an image reference written in a source names, or None if it is remote.

    ``{static}x`` / ``{attach}x`` follow Pelican's rule (relative to the source's
    folder, or to the content folder with a leading ``/``); a plain ``/images/x``
    is a site path, so a content path; an ``Image:`` line (``metadata``) is a
    path from the content folder with or without the leading ``/``.
    """
    value = value.strip()
    for marker in ("{static}", "{attach}", "|static|", "|attach|", "{filename}", "|filename|"):
        if value.startswith(marker):
            target = unquote(re.split(r"[#?]", value[len(marker):], maxsplit=1)[0])
            base = root if target.startswith("/") else os.path.dirname(source_path)
            return os.path.normpath(os.path.join(base, target.lstrip("/")))
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("data:"):
        return None
    if metadata or parts.path.startswith("/"):
        return os.path.normpath(os.path.join(root, unquote(parts.path).lstrip("/")))
    return os.path.normpath(os.path.join(os.path.dirname(source_path), unquote(parts.path)))


# -- what it holds: the one image reader ----------------------------------------------
#
# Every consumer (the lint rules in newsroom.rules, the images plugin and its encoders,
# the seo plugin's image sizes, article extras) learns an image's facts here, so a
# decompression bomb, a truncated file, a non-image or a missing file is one problem
# with one wording everywhere, and no consumer's own Image.open can crash a build.

@dataclass(frozen=True)
class ImageInfo:
    """An image file as the build will use it."""

    path: str
    format: str  # Pillow's format name, or "SVG"
    width: int  # as displayed (EXIF orientation applied)
    height: int
    passthrough: bool = False  # SVG and animated GIF: published unchanged
    alpha: bool = False
    orientation: int = 1  # EXIF orientation of the stored pixels (1: upright)


class ImageProblem(Exception):
    """An image the build cannot use: ``message`` says what, ``fix`` what to do."""

    def __init__(self, message: str, fix: str):
        super().__init__(f"{message} ({fix})")
        self.message, self.fix = message, fix


def inspect(path: str, max_pixels: int = DEFAULTS["max_pixels"], decode: bool = True) -> ImageInfo:
    """What ``path`` holds, or ImageProblem: missing, not an image, corrupt, too large.

    ``decode=False`` (the image service mode, ``decoding(config)``: the build encodes
    nothing): the header only, and the file's end marker instead of a decode at 1/8
    scale to tell a truncated file (0.1 ms instead of 18 for a 6-MP JPEG).

    Results (problems included) are kept per file version (path, mtime, size), so the
    rule, the plugin and the seo plugin reading one file cost one read."""
    try:
        stat = os.stat(path)
    except OSError:
        raise ImageProblem(f"image {os.path.relpath(path)} does not exist",
                           "fix the path, or put the file in content/images/") from None
    found = _inspect(os.path.abspath(path), stat.st_mtime_ns, stat.st_size, max_pixels, decode)
    if isinstance(found, ImageProblem):
        raise ImageProblem(found.message, found.fix)  # a new one: no shared traceback
    return found


def problem_of(path: str, max_pixels: int = DEFAULTS["max_pixels"],
               decode: bool = True) -> ImageProblem | None:
    """``inspect``'s problem with ``path``, or None if the build can use it."""
    try:
        inspect(path, max_pixels, decode)
    except ImageProblem as exc:
        return exc
    return None


def open_image(path: str, max_pixels: int):
    """``path`` opened with Pillow, its header read and its size checked, nothing decoded.

    The pixel limit is ours, set deliberately: Pillow's own guard
    (``Image.MAX_IMAGE_PIXELS``, a warning above it and an error at twice it) is set
    to the same limit while the header is read, and the header's size is checked
    here before any decoding (``load``), so a PNG whose header declares 400
    megapixels costs a few bytes of reading. Raises
    ImageProblem (too large) or Pillow's errors (not an image, unreadable).
    """
    import warnings

    from PIL import Image

    shown = os.path.relpath(path)
    pillows = Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        # Pillow warns between 1× and 2× its limit; the check below is the one that counts.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            Image.MAX_IMAGE_PIXELS = max_pixels  # for this open only: others keep theirs
            image = Image.open(path)
        except Image.DecompressionBombError as exc:  # more than twice the limit
            declared = re.search(r"\((\d+) pixels\)", str(exc))
            size = f"{int(declared.group(1)) / 1e6:.0f} megapixels" if declared else "its header"
            raise _bomb(shown, size, max_pixels) from None
        finally:
            Image.MAX_IMAGE_PIXELS = pillows
    width, height = image.size
    if width * height > max_pixels:
        image.close()
        raise _bomb(shown, f"{width}×{height} = {width * height / 1e6:.0f} megapixels",
                    max_pixels)
    return image


@functools.lru_cache(maxsize=4096)
def _inspect(path, mtime, size, max_pixels, decode=True) -> ImageInfo | ImageProblem:
    try:
        return _read(path, max_pixels, decode)
    except ImageProblem as exc:
        return exc


def decoding(config: dict) -> bool:
    """``inspect``'s ``decode`` for a build's IMAGES: False in service mode."""
    return not config.get("service")


#: How a file of each format ends: a truncated one does not (``_whole``).
_ENDS = {"JPEG": b"\xff\xd9", "MPO": b"\xff\xd9", "PNG": b"IEND\xaeB`\x82"}


def _whole(path, fmt):
    """True unless ``path`` visibly stops early (its format's end marker is missing;
    a WebP shorter than its RIFF header says). Other formats: True."""
    with open(path, "rb") as fh:
        if fmt == "WEBP":
            head = fh.read(8)
            return len(head) == 8 and int.from_bytes(head[4:], "little") + 8 <= os.fstat(
                fh.fileno()).st_size
        if fmt not in _ENDS:
            return True
        fh.seek(max(0, os.fstat(fh.fileno()).st_size - 4096))
        return _ENDS[fmt] in fh.read()  # cameras may pad after the end marker


def _read(path, max_pixels, decode=True):
    from PIL import Image, UnidentifiedImageError

    shown = os.path.relpath(path)
    if path.lower().endswith(".svg"):
        return _svg(path, shown)
    try:
        with open_image(path, max_pixels) as image:
            width, height = image.size
            if image.format not in RASTER_FORMATS:
                raise ImageProblem(f"{shown} is a {image.format} image, which web pages cannot show",
                                   "save it as JPEG, PNG or WebP")
            animated = getattr(image, "is_animated", False) and image.format == "GIF"
            orientation = image.getexif().get(0x0112, 1)
            if orientation not in range(1, 9):
                orientation = 1
            if orientation in (5, 6, 7, 8):
                width, height = height, width
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            if not decode and not _whole(path, image.format):
                raise ImageProblem(f"{shown} is truncated or corrupt (it stops before its end)",
                                   "export the image again from the original and replace the file")
            if not animated and decode:
                # Decode it at 1/8 scale where the format allows (JPEG): a truncated
                # or corrupt file fails here, not in the middle of the build.
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()
            fmt = "GIF" if animated else image.format
    except ImageProblem:
        raise
    except UnidentifiedImageError:
        raise ImageProblem(f"{shown} is not an image (or not one in a format the build reads)",
                           "save it as JPEG, PNG, WebP or GIF") from None
    except FileNotFoundError:
        raise ImageProblem(f"image {shown} does not exist",
                           "fix the path, or put the file in content/images/") from None
    except IsADirectoryError:
        raise ImageProblem(f"{shown} is a folder, not an image", "give the path of a file")
    except PermissionError as exc:
        raise ImageProblem(f"{shown} cannot be read ({exc.strerror})",
                           "check the file's permissions") from None
    except Exception as exc:  # noqa: BLE001 - any decoder failure of an untrusted file
        # OSError, ValueError, SyntaxError, struct.error, EOFError, MemoryError…: a
        # problem with this file, never a crashed build.
        raise ImageProblem(f"{shown} is truncated or corrupt ({exc})",
                           "export the image again from the original and replace the file") from None
    return ImageInfo(path, fmt, width, height, passthrough=bool(animated), alpha=alpha,
                     orientation=orientation)


def _bomb(shown, size, limit):
    return ImageProblem(
        f"{shown} has more pixels than the limit of {limit / 1e6:g} megapixels: {size}",
        "resize it to at most 4000 pixels wide before adding it, or raise IMAGES['max_pixels']")


def _svg(path, shown):
    """An SVG's size from its width/height or viewBox; it is never parsed with a DOCTYPE."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(1_000_000)
    except OSError as exc:
        raise ImageProblem(f"{shown} cannot be read ({exc})", "check the file") from None
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ImageProblem(f"{shown}: SVG with a DOCTYPE or entities",
                           "export it again as plain SVG (no DOCTYPE)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ImageProblem(f"{shown} is not a valid SVG ({exc})", "export it again") from None
    if not root.tag.endswith("svg"):
        raise ImageProblem(f"{shown} is not an SVG image", "export it again as SVG")

    def number(value):
        match = re.match(r"\s*([0-9.]+)\s*(px)?\s*$", value or "")
        return round(float(match.group(1))) if match else None

    width, height = number(root.get("width")), number(root.get("height"))
    if not (width and height):
        box = (root.get("viewBox") or "").replace(",", " ").split()
        try:
            width, height = round(float(box[2])), round(float(box[3]))
        except (IndexError, ValueError):
            raise ImageProblem(f"{shown} has no size", "give the <svg> a viewBox") from None
    return ImageInfo(path, "SVG", width, height, passthrough=True, alpha=True)


def lead_problems(value: str, source_path: str, root: str, config: dict):
    """Problems of an ``Image:`` value as (message, fix); [] when the build can use it."""
    path = image_path(value, source_path, root, metadata=True)
    if path is None:
        return []  # on another site: social networks only (see rules.image_problems)
    try:
        info = inspect(path, config["max_pixels"], decoding(config))
    except ImageProblem as exc:
        return [(exc.message, exc.fix)]
    if not info.passthrough and info.width < config["min_width"]:
        return [(f"{os.path.relpath(path)} is {info.width} pixels wide; a lead image needs at "
                 f"least {config['min_width']}",
                 f"use a larger original, at least {config['min_width']} pixels wide")]
    return []


def body_problems(value: str, source_path: str, root: str, config: dict):
    """Problems of an image in the body (``![alt](value)``) as (message, fix)."""
    path = image_path(value, source_path, root)
    if path is None:
        return []  # remote: third_party_resources reports it
    if not os.path.exists(path) and value.lstrip().startswith(("{", "|")):
        return []  # a missing {static} file: missing_link_targets reports it
    problem = problem_of(path, config["max_pixels"], decoding(config))
    return [(problem.message, problem.fix)] if problem else []
