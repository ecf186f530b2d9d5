"""Image service mode (plugins/images/service.py): a real Thumbor, and the hosted presets.

Thumbor 7.8 runs from its own virtualenv (``make thumbor-venv``, a prerequisite of
``make test``; made here if missing), started once per session on 127.0.0.1 with
the file loader pointed at a site built in service mode.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from PIL import Image

from .conftest import ROOT, build
from .test_images import GPS, ORIENTATION, make_content, og

sys.path.insert(0, str(ROOT / "plugins"))
from images import service  # noqa: E402

from newsroom import media  # noqa: E402

THUMBOR_VENV = ROOT / os.environ.get("THUMBOR_VENV", ".thumbor-venv")
KEY_ENV = "NEWSROOM_TEST_THUMBOR_KEY"  # not the default name: key_env is honoured
ODD_NAME = "Été 2026, n°1 & co (copie).jpg"  # space, comma, &, parentheses, accents
ALPHA_ALT = "Un cercle vert"  # tests/test_images.py: the transparent PNG
BROWSER_ACCEPT = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8"
MIME_FORMAT = {"image/avif": "AVIF", "image/webp": "WEBP", "image/jpeg": "JPEG",
               "image/png": "PNG"}


# -- Thumbor, once per session --------------------------------------------------------

class Thumbor:
    def __init__(self, url, root, key):
        self.url, self.root, self.key = url, root, key

    def get(self, address, accept=BROWSER_ACCEPT):
        """(status, content type, bytes) of a GET."""
        request = urllib.request.Request(address, headers={"Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.headers["Content-Type"], response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Content-Type"), exc.read()


@pytest.fixture(scope="session")
def thumbor(tmp_path_factory):
    if not (THUMBOR_VENV / ".installed").exists():
        subprocess.run(["make", "--no-print-directory", "thumbor-venv",
                        f"THUMBOR_VENV={THUMBOR_VENV}"], cwd=ROOT, check=True,
                       capture_output=True, timeout=900)
    root = tmp_path_factory.mktemp("thumbor") / "output"
    root.mkdir()
    key = secrets.token_urlsafe(32)
    # Thumbor listens on our socket: no port to guess, no race for it.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    log = open(root.parent / "thumbor.log", "wb")
    env = {**os.environ, "THUMBOR_KEY_ENV": KEY_ENV, KEY_ENV: key, "THUMBOR_ROOT": str(root)}
    process = subprocess.Popen(
        [str(THUMBOR_VENV / "bin" / "thumbor"), "--fd", str(listener.fileno()),
         "--conf", str(ROOT / "plugins/images/thumbor.conf")],
        env=env, stdout=log, stderr=subprocess.STDOUT, pass_fds=[listener.fileno()])
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/healthcheck", timeout=2)
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            pytest.fail("Thumbor did not answer its healthcheck")
        if process.poll() is not None:
            pytest.fail("Thumbor stopped: " + (root.parent / "thumbor.log").read_text())
        yield Thumbor(url, root, key)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def thumbor_key(thumbor):
    """The build process signs with the key Thumbor has, from the environment."""
    old = os.environ.get(KEY_ENV)
    os.environ[KEY_ENV] = thumbor.key
    yield thumbor.key
    if old is None:
        os.environ.pop(KEY_ENV, None)
    else:
        os.environ[KEY_ENV] = old


def service_content(base: Path) -> Path:
    content = make_content(base / "content")
    images = content / "images"
    # A camera photo with GPS, under a name that needs escaping in a URL and in srcset.
    Image.open(images / "photo.jpg").save(images / ODD_NAME, exif=Image.open(
        images / "photo.jpg").getexif(), quality=90)
    article = content / "articles" / "photo.fr.md"
    link = quote(f"images/{ODD_NAME}")
    article.write_text(article.read_text(encoding="utf-8")
                       + f"\n![Une photo au nom compliqué]({{static}}/{link})\n",
                       encoding="utf-8")
    # A lead image outside STATIC_PATHS: Pelican does not copy it, the service needs it.
    (content / "outside").mkdir()
    shutil.copyfile(images / "photo.jpg", content / "outside" / "lead.jpg")
    (content / "articles" / "dehors.fr.md").write_text(
        "Title: Une photo hors des dossiers statiques\nDate: 2026-11-21T09:00:00+01:00\n"
        "Category: IA\nImage: outside/lead.jpg\nImageAlt: Une photo rangée ailleurs\n\nTexte.\n",
        encoding="utf-8")
    return content


def service_build(base, out, service_setting, **extra):
    content = service_content(base)
    return build(out, PATH=str(content), ARTICLE_PATHS=["articles"], STATIC_PATHS=["images"],
                 IMAGES={"cache": str(base / "cache"), "service": service_setting}, **extra)


@pytest.fixture(scope="module")
def served(thumbor, thumbor_key, tmp_path_factory):
    base = tmp_path_factory.mktemp("served")
    site = service_build(base, thumbor.root, {"preset": "thumbor", "url": thumbor.url,
                                              "key_env": KEY_ENV})
    site.base = base
    return site


def candidates(srcset):
    """(URL, width) of each srcset candidate, parsed as the HTML standard does: a URL
    is a run of non-spaces (commas inside it are part of it), then its descriptor."""
    found = re.findall(r"\s*(\S+?),?\s+(\d+)w\s*(?:,|$)", srcset)
    assert found and ", ".join(f"{u} {w}w" for u, w in found) == srcset.strip(), srcset
    return [(u, int(w)) for u, w in found]


def declared(soup):
    """Every image URL of a page's pictures: (URL, width, height, format)."""
    out = []
    for img in soup.select("main picture > img"):
        width, height = int(img["width"]), int(img["height"])
        fallback = "PNG" if img.get("alt") == ALPHA_ALT else "JPEG"  # PNG: transparency
        sets = [(s["type"], s["srcset"]) for s in img.parent.find_all("source")] \
            if img.parent.name == "picture" else []
        # The fallback <img> has a srcset, or one file (its src) where <source>s exist.
        for mime, srcset in [*sets, *([(None, img["srcset"])] if img.get("srcset") else [])]:
            for address, w in candidates(srcset):
                h = max(1, round(height * w / width))
                out.append((address, w, h, MIME_FORMAT[mime] if mime else fallback))
        out.append((img["src"], None, None, fallback))
    return out


def no_metadata(data: bytes, where):
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        assert not exif and not exif.get_ifd(GPS), (where, dict(exif))
        assert "exif" not in image.info and "xmp" not in image.info, where
    for marker in (b"Exif\x00\x00", b"PhoneMaker", b"Phone 12 Pro", b"<x:xmpmeta"):
        assert marker not in data, (where, marker)


# -- a site built with Thumbor, and Thumbor serving it ----------------------------------

def test_every_image_url_of_an_article_is_served_by_thumbor_as_declared(served, thumbor):
    soup = served.soup("2026/11/photo/")
    urls = declared(soup)
    pictures = soup.select("main picture")
    assert len(pictures) >= 4  # lead, the tagged, CMYK, alpha and odd-named body images
    assert all(u.startswith(thumbor.url + "/") for u, *_ in urls)
    assert {f for *_, f in urls} >= {"AVIF", "WEBP", "JPEG", "PNG"}
    for address, width, height, fmt in urls:
        status, ctype, data = thumbor.get(address)
        assert status == 200, (address, status, data[:200])
        with Image.open(io.BytesIO(data)) as image:
            if width is not None:
                assert image.size == (width, height), address
            if fmt is not None:
                assert image.format == fmt and ctype == Image.MIME[fmt], (address, ctype)
        no_metadata(data, address)


def test_the_social_card_is_thumbor_cropping_around_the_focus(served, thumbor):
    soup = served.soup("2026/11/photo/")
    card = og(soup, "og:image")
    assert card.startswith(thumbor.url + "/") and "/1200x630/" in card
    assert (og(soup, "og:image:width"), og(soup, "og:image:height")) == ("1200", "630")
    status, ctype, data = thumbor.get(card)
    assert status == 200 and ctype == "image/jpeg"
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and image.size == (1200, 630)
        # Stored sideways (orientation 6), red on top as shown; ImageFocus 50% 20%.
        r, g, b = image.convert("RGB").getpixel((600, 300))
        assert r > 200 and b < 60, (r, g, b)
    no_metadata(data, card)
    # The translation has its original's card.
    assert og(served.soup("en/2026/11/photo/"), "og:image") == card


def test_tampered_unsigned_or_wrongly_signed_urls_are_refused(served, thumbor):
    address = og(served.soup("2026/11/photo/"), "og:image")
    signature, path = address[len(thumbor.url) + 1:].split("/", 1)
    assert thumbor.get(address)[0] == 200
    tampered = f"{thumbor.url}/{signature}/{path.replace('1200x630', '2400x1260')}"
    unsigned = f"{thumbor.url}/unsafe/{path}"
    other_key = f"{thumbor.url}/{service.sign(path, 'not-the-key')}/{path}"
    for bad in (tampered, unsigned, other_key):
        assert thumbor.get(bad)[0] == 400, bad


def test_the_build_encodes_nothing_and_publishes_originals_without_metadata(served):
    # Only the drawn card of the article without an image was encoded.
    encoded = sorted(p.name for p in (served.output / "img").rglob("*") if p.is_file())
    assert encoded and all(name.startswith("card-") for name in encoded), encoded
    for name in ("photo.jpg", ODD_NAME, "tagged.jpg", "cmyk.jpg"):
        data = (served.output / "images" / name).read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            assert set(image.getexif()) <= {ORIENTATION}, name
        assert b"PhoneMaker" not in data and b"Phone 12 Pro" not in data, name
    assert b"PhoneMaker" in (served.base / "content/images" / ODD_NAME).read_bytes()
    assert not served.errors()


def test_a_lead_image_outside_static_paths_is_published_stripped_and_served(served, thumbor):
    published = served.output / "outside/lead.jpg"
    data = published.read_bytes()
    assert b"PhoneMaker" not in data and b"PhoneMaker" in (
        served.base / "content/outside/lead.jpg").read_bytes()
    soup = served.soup("2026/11/dehors/")
    img = soup.select_one("main picture > img")
    assert "/outside/lead.jpg" in img["src"]
    status, _, body = thumbor.get(img["src"])
    assert status == 200
    no_metadata(body, img["src"])


def test_odd_file_names_are_escaped_in_urls_and_srcset(served, thumbor):
    soup = served.soup("2026/11/photo/")
    img = soup.find("img", alt="Une photo au nom compliqué")
    path = urlsplit(img["src"]).path
    assert path.endswith("/images/%C3%89t%C3%A9%202026%2C%20n%C2%B01%20%26%20co%20%28copie%29.jpg")
    for source in img.parent.find_all("source"):
        assert len(candidates(source["srcset"])) >= 2
    assert thumbor.get(img["src"])[0] == 200


# -- the setting ---------------------------------------------------------------------------

def test_the_key_is_never_in_the_settings_and_its_absence_is_a_clear_error(tmp_path):
    with pytest.raises(media.ImagesSettingsError, match="must not hold the key itself"):
        service.validate({"preset": "thumbor", "url": "http://127.0.0.1:1", "key": "x"}, {})
    with pytest.raises(media.ImagesSettingsError,
                       match=r"environment variable THUMBOR_SECURITY_KEY, which is not set"):
        service.validate({"preset": "thumbor", "url": "http://127.0.0.1:1"}, {})
    config = service.validate({"preset": "thumbor", "url": "http://127.0.0.1:1/"},
                              {"THUMBOR_SECURITY_KEY": "s3cret-value"})
    assert "s3cret" not in repr(config) and config == {
        "preset": "thumbor", "url": "http://127.0.0.1:1", "key_env": "THUMBOR_SECURITY_KEY",
        "formats": None}  # IMAGES' formats
    for bad, words in [({"preset": "akamai"}, "must be one of"),
                       ({"preset": "imgix"}, r"\['url'\] is needed"),
                       ({"preset": "cloudflare", "url": "ftp://x"}, "must be an http"),
                       ({"preset": "netlify", "key_env": "X"}, "thumbor preset only"),
                       ({"preset": "netlify", "formats": ("jxl",)}, "formats among"),
                       ({"preset": "netlify", "widths": (1,)}, "unknown key")]:
        with pytest.raises(media.ImagesSettingsError, match=words):
            service.validate(bad, {})
    # A build without the key fails at once with those words, and writes no page.
    env = os.environ.pop("THUMBOR_SECURITY_KEY", None)
    try:
        with pytest.raises(Exception, match="THUMBOR_SECURITY_KEY, which is not set"):
            service_build(tmp_path, tmp_path / "out",
                          {"preset": "thumbor", "url": "http://127.0.0.1:1"})
    finally:
        if env is not None:
            os.environ["THUMBOR_SECURITY_KEY"] = env
    assert not list((tmp_path / "out").rglob("*.html"))


# -- hosted presets: URL shapes ----------------------------------------------------------------

SOURCE = "images/Été 2026, n°1 & co?.jpg"
ESCAPED = "images/%C3%89t%C3%A9%202026%2C%20n%C2%B01%20%26%20co%3F.jpg"


def preset(name, url=""):
    return service.validate({"preset": name, "url": url}, {})


def test_thumbor_url_shape_and_signature(monkeypatch):
    monkeypatch.setenv("THUMBOR_SECURITY_KEY", "MY_SECURE_KEY")
    config = service.validate({"preset": "thumbor", "url": "https://img.example.org"})
    address = service.url(config, "https://news.example.org", SOURCE, 800, 533, "webp", 75)
    signature, path = address[len("https://img.example.org/"):].split("/", 1)
    assert path == f"800x533/filters:format(webp):quality(75)/{ESCAPED}"
    # As libthumbor 2.0.2 (Thumbor's own signer) signs it: CryptoURL(key="MY_SECURE_KEY")
    # .generate(width=300, height=200, smart=True, image_url="thumbor.readthedocs.io/…").
    assert service.sign("300x200/smart/thumbor.readthedocs.io/en/latest/_images/logo-thumbor.png",
                        "MY_SECURE_KEY") == "jPe8IWPYqZBtuGzITHK69QWbMhc="
    assert len(signature) == 28 and signature == service.sign(path, "MY_SECURE_KEY")
    card = service.url(config, "", SOURCE, 1200, 630, "jpeg", 82, crop=(0, 100, 1600, 940))
    assert "/0x100:1600x940/1200x630/filters:format(jpeg):quality(82)/" in card


def test_cloudflare_url_shape():
    config = preset("cloudflare")
    address = service.url(config, "https://news.example.org/fil", SOURCE, 800, 533, "avif", 55)
    assert address == ("https://news.example.org/cdn-cgi/image/width=800,height=533,fit=cover,"
                       f"format=avif,quality=55,metadata=none/fil/{ESCAPED}")
    assert service.url(config, "", SOURCE, 480, 320, "png").startswith(
        "/cdn-cgi/image/width=480,height=320,fit=cover,format=png,metadata=none/images/")
    card = service.url(preset("cloudflare", "https://cdn.example.org"), "", SOURCE, 1200, 630,
                       "jpeg", 82, focus=(0.5, 0.2))
    assert card.startswith("https://cdn.example.org/cdn-cgi/image/width=1200,height=630,"
                           "fit=cover,gravity=0.5x0.2,format=jpeg,")


def test_netlify_url_shape():
    address = service.url(preset("netlify"), "https://news.example.org/fil", SOURCE, 800, 533,
                          "jpeg", 80)
    parts = urlsplit(address)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "news.example.org",
                                                        "/.netlify/images")
    assert f"url=/fil/{ESCAPED}&" in address
    query = parse_qs(parts.query)
    assert query == {"url": [f"/fil/{SOURCE}"], "w": ["800"], "h": ["533"], "fit": ["cover"],
                     "fm": ["jpg"], "q": ["80"]}
    assert " " not in address and "," not in address
    card = parse_qs(urlsplit(service.url(preset("netlify"), "", SOURCE, 1200, 630, "jpeg", 82,
                                         focus=(0.5, 0.1))).query)
    assert card["position"] == ["top"] and card["w"] == ["1200"] and card["h"] == ["630"]
    assert [service._side(f) for f in [(0.5, 0.5), (0.1, 0.5), (0.9, 0.6), (0.5, 0.95)]] \
        == ["center", "left", "right", "bottom"]


def test_imgix_url_shape():
    address = service.url(preset("imgix", "https://news.imgix.net"), "https://news.example.org",
                          SOURCE, 1600, 1067, "webp", 75)
    assert address == f"https://news.imgix.net/{ESCAPED}?w=1600&h=1067&fit=crop&fm=webp&q=75"
    card = service.url(preset("imgix", "https://news.imgix.net"), "", SOURCE, 1200, 630, "jpeg",
                       82, focus=(0.3, 0.25))
    assert parse_qs(urlsplit(card).query) == {
        "w": ["1200"], "h": ["630"], "fit": ["crop"], "crop": ["focalpoint"], "fp-x": ["0.3"],
        "fp-y": ["0.25"], "fm": ["jpg"], "q": ["82"]}


# -- hosted presets: a build each ----------------------------------------------------------------

PRESET_BUILDS = {
    "cloudflare": ({"preset": "cloudflare", "formats": ("avif", "webp")},
                   "https://news.example.org/cdn-cgi/image/"),
    "netlify": ({"preset": "netlify"}, "https://news.example.org/.netlify/images?url="),
    "imgix": ({"preset": "imgix", "url": "https://news.imgix.net"}, "https://news.imgix.net/images/"),
}
SHAPES = {  # (width, height, format) as each service's URL says them
    "cloudflare": lambda q, u: (q("width"), q("height"), q("format")),
    "netlify": lambda q, u: (q("w"), q("h"), q("fm")),
    "imgix": lambda q, u: (q("w"), q("h"), q("fm")),
}
FORMAT_WORDS = {"AVIF": "avif", "WEBP": "webp", "JPEG": ("jpeg", "jpg"), "PNG": "png"}


def _params(address, name):
    if name == "cloudflare":
        options = urlsplit(address).path.split("/cdn-cgi/image/", 1)[1].split("/", 1)[0]
        found = dict(part.split("=", 1) for part in options.split(","))
    else:
        found = {k: v[0] for k, v in parse_qs(urlsplit(address).query).items()}
    return found.get


@pytest.mark.parametrize("name", sorted(PRESET_BUILDS))
def test_a_build_with_each_hosted_preset_writes_its_urls(name, tmp_path):
    setting, prefix = PRESET_BUILDS[name]
    site = service_build(tmp_path, tmp_path / "out", setting, SITEURL="https://news.example.org")
    assert not site.errors()
    soup = site.soup("2026/11/photo/")
    urls = declared(soup)
    assert len(urls) > 20
    for address, width, height, fmt in urls:
        assert address.startswith(prefix), address
        w, h, f = SHAPES[name](_params(address, name), address)
        if width is not None:
            assert (int(w), int(h)) == (width, height), address
        if fmt is not None:
            assert f in (FORMAT_WORDS[fmt] if isinstance(FORMAT_WORDS[fmt], tuple)
                         else (FORMAT_WORDS[fmt],)), address
    # The photo's <source> formats: the setting's, or IMAGES' own for photos.
    lead = [s["type"] for s in soup.select("main picture.lead-image source")]
    assert lead == (["image/avif", "image/webp"] if "formats" in setting
                    else [f"image/{f}" for f in media.DEFAULTS["formats"]])
    card = og(soup, "og:image")
    assert card.startswith(prefix)
    q = _params(card, name)
    assert SHAPES[name](q, card)[:2] == ("1200", "630")
    # Nothing encoded but the drawn card of the article without an image.
    assert all(p.name.startswith("card-") for p in (site.output / "img").rglob("*.*"))
    published = (site.output / "images/photo.jpg").read_bytes()
    assert b"PhoneMaker" not in published and b"GPS" not in published


# -- the header-only reader of service mode -------------------------------------------------

def test_service_mode_reads_headers_only_and_still_refuses_bad_files(tmp_path):
    from .test_images import make_images

    make_images(tmp_path)
    png = (tmp_path / "alpha.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(png[: len(png) // 2])
    service_config = {**media.DEFAULTS, "service": {"preset": "netlify"}}
    assert media.decoding(service_config) is False and media.decoding(media.DEFAULTS) is True
    for name in ("photo.jpg", "alpha.png", "tagged.jpg", "cmyk.jpg", "anim.gif", "logo.svg"):
        full, header = (media.inspect(tmp_path / name, decode=d) for d in (True, False))
        assert (header.width, header.height, header.alpha, header.orientation) == (
            full.width, full.height, full.alpha, full.orientation), name
    for name, words in [("truncated.jpg", "truncated or corrupt"), ("cut.png", "truncated"),
                        ("notimage.jpg", "is not an image"), ("bomb.png", "more pixels")]:
        with pytest.raises(media.ImageProblem, match=words):
            media.inspect(tmp_path / name, decode=False)
        # lint and the build ask through the same rule, with the same IMAGES
        assert media.body_problems(name, str(tmp_path / "a.md"), str(tmp_path), service_config)
