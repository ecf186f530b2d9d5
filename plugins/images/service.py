"""Image service mode: the build writes an image service's URLs and encodes nothing.

For archives a build should not encode (10,000 camera photos are hours of CPU and
gigabytes of cache), ``IMAGES = {"service": {...}}`` hands the encoding to a
service that makes each size on its first request (a CDN in front keeps it)::

    IMAGES = {"service": {
        "preset": "thumbor",              # thumbor | cloudflare | netlify | imgix
        "url": "https://img.example.org", # where the service answers (see below)
        "key_env": "THUMBOR_SECURITY_KEY",  # thumbor: the environment variable with the key
        "formats": ("avif", "webp"),      # <source> formats (default: IMAGES' own, photos
                                          # and drawn images apart); a JPEG/PNG fallback is added
    }}

The build reads only each image's header through ``newsroom.media.inspect`` (size,
orientation, the same problems as lint), and writes the same ``<picture>``,
``srcset``, ``sizes``, ``width`` and ``height`` (``responsive.plan``) and social
cards (``plugin.social``: 1200×630 around ``ImageFocus:``), pointing at the service.
Each URL names the exact size and format it declares.

What the service reads are the originals the build publishes (``Original`` files:
copied into the output if Pelican did not, then stripped of EXIF, GPS, XMP, IPTC
by ``privacy.strip_file``, which rewrites the file's blocks without decoding it:
the pixels are byte for byte the photographer's, only an orientation tag is kept).
So no service, and no reader who fetches an original, ever gets the camera's
metadata; Thumbor, configured by ``make thumbor``, writes none of its own either
(``PRESERVE_EXIF_INFO``, ``PRESERVE_EXIF_COPYRIGHT_INFO``, ``PRESERVE_IPTC_INFO``
off; there is no ``STRIP_EXIF`` setting in Thumbor 7.8: not copying is its default).

Presets (``source``: the original's path on the site, percent-encoded):

* ``thumbor``: ``{url}/{signature}/{crop}/{w}x{h}/filters:format(f):quality(q)/{path}``
  with the path from Thumbor's file loader root (the built site's folder). Signed
  as Thumbor checks it: URL-safe base64 of the HMAC-SHA1, keyed with its
  ``SECURITY_KEY``, of everything after the signature as it is sent. The key is
  read from the environment variable ``key_env`` when a URL is signed, never from
  the settings (which Pelican's cache pickles) nor the repository. libthumbor's
  ``CryptoURL`` signs the same way but leaves the image path unescaped (a space,
  ``,`` or ``é`` in a file name breaks the URL or the ``srcset``), so the five
  lines are here; the tests check them against a real Thumbor.
* ``cloudflare``: ``{url}/cdn-cgi/image/width=…,height=…,fit=cover,format=…,quality=…,metadata=none/{source}``
  (``url`` defaults to the site's origin; ``/cdn-cgi/`` is at the zone's root).
  Cards: ``gravity=XxY``, the focus point.
* ``netlify``: ``{url}/.netlify/images?url=/{source}&w=…&h=…&fit=cover&fm=…&q=…``
  (``url`` defaults to the site's origin). Netlify Image CDN crops only to a side
  or the centre (``position=``): a card takes the side nearest ``ImageFocus:``.
* ``imgix``: ``{url}/{source}?w=…&h=…&fit=crop&fm=…&q=…`` with ``url`` the imgix
  source whose origin is the site (a Web Folder source). Cards: ``crop=focalpoint``.

Thumbor gets an explicit crop box (the one build-time cards use); the hosted
services get the focus point and make the same box (cover with a focal point).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from newsroom.media import FORMATS, ImagesSettingsError

from .social import HEIGHT, WIDTH, crop_box

PRESETS = ("thumbor", "cloudflare", "netlify", "imgix")
KEYS = ("preset", "url", "key_env", "formats")
DEFAULT_KEY_ENV = "THUMBOR_SECURITY_KEY"
ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Card quality: as the build-time card (``plugin.social``).
CARD_QUALITY = 82
#: Each service's name of a format.
FORMAT_NAMES = {
    "thumbor": {"jpeg": "jpeg", "png": "png", "webp": "webp", "avif": "avif"},
    "cloudflare": {"jpeg": "jpeg", "png": "png", "webp": "webp", "avif": "avif"},
    "netlify": {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif"},
    "imgix": {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif"},
}
EXAMPLE = ("e.g. {'preset': 'thumbor', 'url': 'http://127.0.0.1:8888', "
           "'key_env': 'THUMBOR_SECURITY_KEY'}")


@dataclass(frozen=True)
class Original:
    """A published original the service reads (a planned file, as a ``Job`` is)."""

    source: str  # the file in content/


# -- the setting ---------------------------------------------------------------------

def validate(value, environ=os.environ):
    """``IMAGES['service']`` checked and completed (a plain dict), or None (build-time mode).

    Called by the plugin's settings function (``plugin.configure``), after
    ``newsroom.media.validate``: the key's presence is a build's concern, not lint's.
    """
    if value is None or value is False:
        return None
    if not isinstance(value, dict):
        raise ImagesSettingsError(f"IMAGES['service'] must be a dict, {EXAMPLE}")
    secret = {"key", "security_key", "secret", "token"} & set(value)
    if secret:
        raise ImagesSettingsError(
            f"IMAGES['service'] must not hold the key itself ({sorted(secret)[0]!r}): the "
            "repository would publish it. Name the environment variable that holds it, "
            "'key_env': 'THUMBOR_SECURITY_KEY', and set that variable where the site is built")
    unknown = set(value) - set(KEYS)
    if unknown:
        raise ImagesSettingsError(f"IMAGES['service']: unknown key(s) {sorted(map(str, unknown))};"
                                  f" known keys: {list(KEYS)}")
    preset = value.get("preset")
    if preset not in PRESETS:
        raise ImagesSettingsError(f"IMAGES['service']['preset'] must be one of {PRESETS}, "
                                  f"not {preset!r}")
    url = value.get("url") or ""
    if not isinstance(url, str):
        raise ImagesSettingsError("IMAGES['service']['url'] must be a string, e.g. "
                                  "'https://img.example.org'")
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query
                or parts.fragment):
        raise ImagesSettingsError(f"IMAGES['service']['url'] = {url!r} must be an http(s) URL "
                                  "without query or fragment, e.g. 'https://img.example.org'")
    if not url and preset in ("thumbor", "imgix"):
        raise ImagesSettingsError(
            f"IMAGES['service']['url'] is needed with the {preset} preset: where the service "
            "answers, e.g. 'http://127.0.0.1:8888' (make thumbor) or 'https://news.imgix.net'")
    key_env = value.get("key_env")
    if preset != "thumbor" and key_env is not None:
        raise ImagesSettingsError("IMAGES['service']['key_env'] is for the thumbor preset only")
    if preset == "thumbor":
        key_env = key_env or DEFAULT_KEY_ENV
        if not isinstance(key_env, str) or not ENV_NAME_RE.fullmatch(key_env):
            raise ImagesSettingsError("IMAGES['service']['key_env'] must be the name of an "
                                      "environment variable, e.g. 'THUMBOR_SECURITY_KEY'")
        if not environ.get(key_env):
            raise ImagesSettingsError(
                f"IMAGES['service']: Thumbor URLs are signed with the key in the environment "
                f"variable {key_env}, which is not set: export {key_env}=… (your Thumbor's "
                "SECURITY_KEY) before building; it is never read from the repository")
    formats = value.get("formats")
    if formats is not None and (not isinstance(formats, (list, tuple))
                                or not set(formats) <= set(FORMATS)):
        raise ImagesSettingsError(f"IMAGES['service']['formats'] must list formats among {FORMATS}")
    return {"preset": preset, "url": url, "key_env": key_env,
            "formats": None if formats is None else tuple(f for f in FORMATS if f in formats)}


# -- URLs ------------------------------------------------------------------------------

def site_source(static_url: str, siteurl: str) -> str:
    """The original's path from the site's root folder, as ``body.static_url`` made it."""
    return static_url[len(siteurl):].lstrip("/") if static_url.startswith(siteurl) else static_url


def _on_site(service, siteurl, source):
    """(base URL, path from the host's root) for the hosted presets."""
    parts = urlsplit(siteurl)
    base = service["url"] or (f"{parts.scheme}://{parts.netloc}" if parts.netloc else "")
    prefix = parts.path.strip("/")
    return base, f"{prefix}/{source}" if prefix else source


def sign(path: str, key: str) -> str:
    """Thumbor's signature of ``path`` (what follows the signature in the URL)."""
    digest = hmac.new(key.encode(), path.encode(), hashlib.sha1).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def url(service: dict, siteurl: str, source: str, width: int, height: int, fmt: str,
        quality=None, crop=None, focus=None) -> str:
    """The URL of ``source`` (the original's path on the site, not escaped) at exactly
    ``width``×``height`` in ``fmt``; ``crop`` (a box of the oriented image) and
    ``focus`` (its centre as fractions) for social cards."""
    preset = service["preset"]
    fmt = FORMAT_NAMES[preset][fmt]
    if preset == "thumbor":
        parts = ["%dx%d:%dx%d" % crop] if crop else []
        filters = f"format({fmt})" + (f":quality({quality})" if quality else "")
        path = "/".join([*parts, f"{width}x{height}", f"filters:{filters}", quote(source)])
        return f"{service['url']}/{sign(path, os.environ[service['key_env']])}/{path}"
    base, path = _on_site(service, siteurl, source)
    if preset == "cloudflare":
        options = [f"width={width}", f"height={height}", "fit=cover"]
        if focus:
            options.append(f"gravity={focus[0]:g}x{focus[1]:g}")
        options += [f"format={fmt}", *([f"quality={quality}"] if quality else []),
                    "metadata=none"]
        return f"{base}/cdn-cgi/image/{','.join(options)}/{quote(path)}"
    query = [("w", width), ("h", height)]
    if preset == "netlify":
        query = [("url", f"/{path}"), *query, ("fit", "cover")]
        if focus:
            query.append(("position", _side(focus)))
        query += [("fm", fmt), *([("q", quality)] if quality else [])]
        return f"{base}/.netlify/images?{urlencode(query, quote_via=quote, safe='/')}"
    query.append(("fit", "crop"))
    if focus:
        query += [("crop", "focalpoint"), ("fp-x", f"{focus[0]:g}"), ("fp-y", f"{focus[1]:g}")]
    query += [("fm", fmt), *([("q", quality)] if quality else [])]
    return f"{base}/{quote(path)}?{urlencode(query, quote_via=quote)}"


def _side(focus):
    """Netlify's ``position``: the side nearest the focus point, or the centre."""
    x, y = focus
    dx, dy = abs(x - 0.5), abs(y - 0.5)
    if max(dx, dy) < 1 / 6:
        return "center"
    if dx >= dy:
        return "left" if x < 0.5 else "right"
    return "top" if y < 0.5 else "bottom"


def card_url(service: dict, siteurl: str, source: str, info, focus) -> str:
    """The 1200×630 social card of image ``info`` around ``focus`` (a JPEG)."""
    box = crop_box(info.width, info.height, focus)
    return url(service, siteurl, source, WIDTH, HEIGHT, "jpeg", CARD_QUALITY, crop=box,
               focus=focus)


def site_relative(address: str) -> str:
    """An ``ImageRef.src``: absolute URLs as they are, a root-relative one without its
    ``/`` (the seo plugin puts SITEURL before it)."""
    return address if urlsplit(address).scheme else address.lstrip("/")
