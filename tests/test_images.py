"""News images: lead and body images, responsive derivatives, social cards, privacy.

Every image is made here with Pillow (a phone photo with GPS and an orientation
tag, a JPEG with an embedded ICC profile, a CMYK JPEG, a PNG with alpha, an
animated GIF, an SVG, broken files); the site is built for real and the HTML
and the files are inspected.
"""

from __future__ import annotations

import io
import os
import re
import struct
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from .conftest import ROOT, build, run_pelican

sys.path.insert(0, str(ROOT / "plugins"))
from images import privacy  # noqa: E402
from images.derivatives import Job, render  # noqa: E402
from images.responsive import widths_for  # noqa: E402
from images.social import Card, CardStyle, crop_box, layout, parse_focus  # noqa: E402

from newsroom import media, rules, sources  # noqa: E402

GPS = 0x8825
ORIENTATION = 0x0112


# -- images made for the tests -------------------------------------------------------

def icc_swapped_rgb() -> bytes:
    """A matrix/TRC RGB ICC profile whose red primary is sRGB's green and vice versa
    (gamma 1): pure red tagged with it is green once converted to sRGB."""
    def s15(v):
        return struct.pack(">i", round(v * 65536))

    def xyz(x, y, z):
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    text = b"swapped test profile\0"
    desc = (b"desc" + b"\0" * 4 + struct.pack(">I", len(text)) + text + b"\0" * 8
            + b"\0\0\0" + b"\0" * 67)
    curve = b"curv" + b"\0" * 4 + struct.pack(">I", 1) + b"\x01\x00" + b"\0\0"
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
            (b"rXYZ", xyz(0.3851, 0.7169, 0.0971)), (b"gXYZ", xyz(0.4361, 0.2225, 0.0139)),
            (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)), (b"rTRC", curve), (b"gTRC", curve),
            (b"bTRC", curve), (b"cprt", b"text" + b"\0" * 4 + b"none\0\0\0\0")]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (struct.pack(">I", size) + b"\0" * 4 + b"\x02\x10\x00\x00" + b"mntrRGB XYZ "
              + b"\0" * 12 + b"acsp" + b"\0" * 24 + b"\0" * 4
              + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 48)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def phone_photo(path: Path):
    """1600×1000 stored sideways (Orientation 6): shown 1000 wide, 1600 high, red on top.
    With GPS coordinates and the camera's make and model."""
    image = Image.new("RGB", (1600, 1000), "blue")
    ImageDraw.Draw(image).rectangle((0, 0, 799, 999), fill="red")  # left stored = top shown
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 12 Pro"
    exif.get_ifd(GPS).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)})
    image.save(path, "JPEG", exif=exif, quality=90)


def make_images(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    phone_photo(folder / "photo.jpg")
    Image.new("RGB", (1200, 800), (255, 0, 0)).save(folder / "tagged.jpg", quality=95,
                                                     icc_profile=icc_swapped_rgb())
    Image.new("CMYK", (1000, 800), (255, 0, 0, 0)).save(folder / "cmyk.jpg", quality=95)
    alpha = Image.new("RGBA", (900, 600), (0, 0, 0, 0))
    ImageDraw.Draw(alpha).ellipse((150, 50, 750, 550), fill=(20, 160, 60, 255))
    alpha.save(folder / "alpha.png")
    frames = [Image.new("RGB", (300, 200), c) for c in ("red", "blue")]
    frames[0].save(folder / "anim.gif", save_all=True, append_images=frames[1:], duration=200,
                   loop=0)
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 '
                                     '120 60"><rect width="120" height="60" fill="#0b5cad"/></svg>')
    data = (folder / "tagged.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(data[: len(data) // 3])
    (folder / "notimage.jpg").write_text("this is a text file, not a picture\n")
    Image.new("1", (8000, 8000)).save(folder / "bomb.png")  # 64 MP, a few kB
    Image.new("RGB", (400, 300), "gray").save(folder / "small.jpg")


HEAD = "Date: 2026-11-20T09:00:00+01:00\nCategory: IA\nAuthors: Claire Dubois\n"
ARTICLES = {
    "photo.fr.md": HEAD + """Title: Une photo de téléphone
Image: images/photo.jpg
ImageAlt: Une photo rouge et bleue
ImageCaption: La légende de la photo
ImageCredit: Agence Test
ImageFocus: 50% 20%

Texte avant.

![Une carte en couleurs]({static}/images/tagged.jpg "Carte : la légende")

Du texte avec ![cyan]({static}/images/cmyk.jpg) au milieu.

![Un cercle vert]({static}/images/alpha.png)

![Une animation]({static}/images/anim.gif)

![Le logo]({static}/images/logo.svg)
""",
    "photo.en.md": HEAD.replace("IA", "AI") + """Title: A phone photo
Translation: true
ImageAlt: A red and blue photo
ImageCaption: The photo's caption

Text.
""",
    "sans-image.fr.md": HEAD + "Title: Un article sans image\n\nDu texte.\n",
}
BROKEN = {
    "missing-alt": ("Image: images/tagged.jpg", "Image: without ImageAlt:"),
    "missing-file": ("Image: images/absente.jpg\nImageAlt: x", "images/absente.jpg does not exist"),
    "truncated": ("Image: images/truncated.jpg\nImageAlt: x", "truncated or corrupt"),
    "notimage": ("Image: images/notimage.jpg\nImageAlt: x", "is not an image"),
    "bomb": ("Image: images/bomb.png\nImageAlt: x", "more pixels than the limit of 50 megapixels"),
    "small": ("Image: images/small.jpg\nImageAlt: x", "400 pixels wide; a lead image needs at least 800"),
}


def make_content(root: Path, broken=()):
    make_images(root / "images")
    (root / "articles").mkdir()
    for name, text in ARTICLES.items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    for slug in broken:
        lines, _ = BROKEN[slug]
        (root / "articles" / f"{slug}.fr.md").write_text(
            f"Title: Cassé {slug}\n{HEAD}{lines}\n\nTexte.\n", encoding="utf-8")
    return root


def site_settings(content: Path, cache: Path, **extra):
    return dict(PATH=str(content), ARTICLE_PATHS=["articles"], STATIC_PATHS=["images"],
                IMAGES={"cache": str(cache)}, **extra)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("images")
    content = make_content(base / "content")
    built = build(base / "out", **site_settings(content, base / "cache"))
    built.base = base
    return built


def derivative(site, url) -> Path:
    return site.output / url.lstrip("/")


def srcset_urls(value):
    return [(part.split()[0], int(part.split()[1][:-1])) for part in value.split(", ")]


# -- the article page -----------------------------------------------------------------

def test_lead_image_is_a_responsive_picture_with_caption_and_credit(site):
    soup = site.soup("2026/11/photo/")
    figure = soup.select_one("figure.lead")
    picture = figure.find("picture")
    types = [s["type"] for s in picture.find_all("source")]
    assert types == ["image/webp"]  # a photo (JPEG source): WebP, no AVIF (media.DEFAULTS)
    img = picture.find("img")
    # Shown 1000 × 1600 (the orientation tag applied), never upscaled past 1000.
    assert (img["width"], img["height"]) == ("1000", "1600")
    assert img["alt"] == "Une photo rouge et bleue"
    assert img["fetchpriority"] == "high" and "loading" not in img.attrs
    sizes = {s["sizes"] for s in picture.find_all("source")}
    assert len(sizes) == 1 and sizes.pop()
    assert [w for _, w in srcset_urls(picture.find("source")["srcset"])] == [480, 800, 1000]
    # The JPEG fallback is one file, at 800 px: only browsers without WebP and what
    # reads src alone (feeds, e-mail) take it.
    assert "srcset" not in img.attrs and re.search(r"-800\.[0-9a-f]{10}\.jpg$", img["src"])
    caption = figure.find("figcaption").get_text(" ", strip=True)
    assert "La légende de la photo" in caption and "Agence Test" in caption
    for source in picture.find_all("source"):
        for url, width in srcset_urls(source["srcset"]):
            with Image.open(derivative(site, url)) as file:
                assert file.format == {"image/avif": "AVIF", "image/webp": "WEBP"}[source["type"]]
                assert file.size == (width, round(1600 * width / 1000))
    with Image.open(derivative(site, img["src"])) as file:
        assert file.format == "JPEG"
        pixels = file.convert("RGB")
        top, bottom = pixels.getpixel((file.width // 2, 10)), pixels.getpixel((file.width // 2,
                                                                              file.height - 10))
        assert top[0] > 200 and top[2] < 60 and bottom[2] > 200 and bottom[0] < 60


def test_body_images(site):
    content = site.soup("2026/11/photo/").select_one(".content")
    figure = content.find("figure")
    # (French spacing may have made the space before ":" a no-break one.)
    assert figure.find("figcaption").get_text().replace("\xa0", " ") == "Carte : la légende"
    img = figure.find("img")
    assert img["alt"] == "Une carte en couleurs"
    assert img["loading"] == "lazy" and img["decoding"] == "async" and "fetchpriority" not in img.attrs
    # The ICC profile applied: its "red" is sRGB green.
    with Image.open(derivative(site, img["src"])) as file:
        r, g, b = file.convert("RGB").getpixel((10, 10))
        assert g > 200 and r < 60, (r, g, b)
    # An image inside a sentence stays in it (no figure); CMYK became RGB cyan.
    inline = content.find("img", alt="cyan")
    assert inline.find_parent("picture").parent.name == "p"
    with Image.open(derivative(site, inline["src"])) as file:
        assert file.mode == "RGB"
        r, g, b = file.getpixel((10, 10))
        assert r < 60 and g > 150 and b > 150, (r, g, b)
    # Alpha kept in AVIF, WebP and the PNG fallback.
    circle = content.find("img", alt="Un cercle vert")
    assert circle["src"].endswith(".png")
    # A drawn image (PNG source): AVIF and WebP.
    assert [s["type"] for s in circle.find_parent("picture").find_all("source")] == [
        "image/avif", "image/webp"]
    for url, _ in [(circle["src"], 0),
                   *srcset_urls(circle.find_parent("picture").find("source")["srcset"])]:
        with Image.open(derivative(site, url)) as file:
            assert file.convert("RGBA").getpixel((2, 2))[3] == 0
    # SVG and animated GIF: the original file, unchanged, sized.
    for alt, size in (("Une animation", ("300", "200")), ("Le logo", ("120", "60"))):
        img = content.find("img", alt=alt)
        assert img.find_parent("picture") is None
        assert (img["width"], img["height"]) == size and img["loading"] == "lazy"
        name = img["src"].rsplit("/", 1)[1]
        assert derivative(site, img["src"]).read_bytes() == (site.base / "content/images" / name).read_bytes()


def test_no_exif_gps_or_camera_data_is_published(site):
    published = [p for p in site.output.rglob("*") if p.suffix in (".jpg", ".png", ".webp", ".avif")
                 and p.stem not in ("notimage", "truncated")]
    assert len(published) > 20
    for path in published:
        with Image.open(path) as file:
            exif = file.getexif()
            assert GPS not in exif and 0x010F not in exif and 0x0110 not in exif, path
            assert not exif.get_ifd(GPS), path
            assert set(exif) <= {ORIENTATION}, (path, dict(exif))
    # The original Pelican copied keeps its pixels and its orientation, nothing else.
    copy = site.output / "images/photo.jpg"
    original = site.base / "content/images/photo.jpg"
    with Image.open(copy) as a, Image.open(original) as b:
        assert a.getexif().get(ORIENTATION) == 6 and a.tobytes() == b.tobytes()
    assert b"PhoneMaker" in original.read_bytes() and b"PhoneMaker" not in copy.read_bytes()


def test_translation_shows_the_original_image_with_its_own_words(site):
    soup = site.soup("en/2026/11/photo/")
    img = soup.select_one("figure.lead img")
    fr = site.soup("2026/11/photo/").select_one("figure.lead img")
    assert img["alt"] == "A red and blue photo" and img["src"] == fr["src"]
    caption = soup.select_one("figure.lead figcaption").get_text(" ", strip=True)
    # typeset in the translation's language (English apostrophe)
    assert "The photo’s caption" in caption and "Agence Test" in caption


# -- listings -----------------------------------------------------------------------

def test_listings_show_thumbnails_and_the_home_lead_story(site):
    home = site.soup("")
    stories = home.select("article.summary")
    assert "story" in stories[0]["class"]
    # Newest first: the photo article (same date, "photo" and "sans-image") is listed
    # with its image wherever it appears.
    with_image = [s for s in stories if "with-image" in s["class"]]
    assert len(with_image) == 1
    img = with_image[0].find("img")
    if "story" in with_image[0]["class"]:
        assert img["fetchpriority"] == "high"
    else:
        assert img["loading"] == "lazy"
    category = site.soup("category/ia/").select_one("article.with-image img")
    assert category["loading"] == "lazy" and category["alt"] == ""  # the title link names it
    source = category.find_parent("picture").find("source")
    assert [w for _, w in srcset_urls(source["srcset"])] == [480, 800]


# -- social cards ---------------------------------------------------------------------

def og(soup, key):
    return soup.find("meta", property=key)["content"]


def test_social_card_is_a_1200x630_crop_without_metadata(site):
    soup = site.soup("2026/11/photo/")
    url = og(soup, "og:image")
    assert soup.find("meta", attrs={"name": "twitter:image"})["content"] == url
    assert (og(soup, "og:image:width"), og(soup, "og:image:height")) == ("1200", "630")
    with Image.open(derivative(site, url)) as file:
        assert file.format == "JPEG" and file.size == (1200, 630) and not file.getexif()
        # ImageFocus 50% 20%: the red top half of the photo.
        assert file.convert("RGB").getpixel((600, 300))[0] > 200


def test_article_without_image_gets_a_generated_card(site):
    soup = site.soup("2026/11/sans-image/")
    url = og(soup, "og:image")
    assert re.fullmatch(r"/img/card-1200\.[0-9a-f]{10}\.jpg", url)
    assert og(soup, "og:image:alt") == "Un article sans image"
    with Image.open(derivative(site, url)) as file:
        assert file.size == (1200, 630)


def card_job(title, lang, rtl, section="IA"):
    from dataclasses import astuple

    from images.social import CardStyle

    return Job("", "", 1200, 630, "jpeg", 85, "#0b3d73", card=(title, "Le Fil Tech", section,
               lang, rtl), style=astuple(CardStyle()))


def test_generated_cards_are_deterministic_and_arabic_is_right_to_left():
    latin = render(card_job("Un titre en français, assez long pour deux lignes", "fr", False))
    assert latin == render(card_job("Un titre en français, assez long pour deux lignes", "fr", False))
    arabic = Image.open(io.BytesIO(render(card_job("أخبار التقنية", "ar", True))))
    # Right to left: the short title's ink ends at the right margin, far from the left one.
    title_band = arabic.convert("L").crop((0, 200, 1200, 450)).point(lambda v: 255 if v > 180 else 0)
    left, _, right, _ = title_band.getbbox()
    assert right > 1100 and left > 500, (left, right)
    # Shaped: joined letters are narrower than the same letters drawn apart.
    from images.social import _font, _fonts
    font = _font(_fonts(True), 72, 700)
    word = "الأخبار"
    assert font.getlength(word, direction="rtl", language="ar") < sum(
        font.getlength(c, direction="rtl", language="ar") for c in word)


LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenherstellungsbetrieb"


@pytest.mark.parametrize("lang, rtl, title", [
    ("de", False, f"Der {LONG_WORD} ist pleite"),
    ("fr", False, f"Le {LONG_WORD}{LONG_WORD[:30]}"),
    ("ar", True, "مرحبا " + "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" * 3),
])
def test_card_titles_never_run_off_the_card(lang, rtl, title):
    """A word wider than the card is broken between characters (at the smallest size),
    never cut off at the edge: every letter is on a line, every line between the margins,
    and no title ink in the right (left) margin."""
    style = CardStyle()
    card = Card(title, "Le Fil Tech", "", lang, rtl)
    text, lines, _ = layout(card, style)
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")  # nothing lost
    width = 1200 - 2 * style.margin
    assert all(text.length(line) <= width for line in lines), [text.length(l) for l in lines]
    assert len(lines) > 1
    image = Image.open(io.BytesIO(render(card_job(title, lang, rtl, section="")))).convert("L")
    # The title band, without the site name at the top and the bar at the bottom.
    band = image.crop((0, 130, 1200, 600)).point(lambda v: 255 if v > 160 else 0)
    left, _, right, _ = band.getbbox()
    assert left >= style.margin - 8 and right <= 1200 - style.margin + 8, (left, right)
    # The long word really reaches (near) the far margin: it was broken, not shrunk away.
    assert (right > 1000) if not rtl else (left < 200), (left, right)


@pytest.mark.parametrize("title, lang, rtl", [
    ("Un titre", "fr", False),
    ("Un titre en français, assez long pour deux lignes, et même pour trois, voire "
     "quatre lignes entières sur la carte", "fr", False),
    ("أخبار التقنية في العالم العربي", "ar", True),
    (f"Der {LONG_WORD} ist pleite", "de", False),
])
def test_a_drawn_card_encodes_only_its_title_rows_and_gives_the_whole_cards_bytes(title, lang,
                                                                                  rtl):
    """The background's rows are encoded once; a card's file is its title's rows spliced
    between them (restart markers), byte for byte the whole card encoded at once."""
    from images.social import card_jpeg, draw_card, save_card

    job = card_job(title, lang, rtl)
    spliced = card_jpeg(job)
    assert spliced == save_card(draw_card(job), job.quality) == render(job)
    with Image.open(io.BytesIO(spliced)) as image:
        assert image.size == (1200, 630) and image.format == "JPEG"
        image.load()  # decodes to the end: every row is there


def test_drawn_cards_share_their_background_and_cost_little():
    from images.social import _background

    _background.cache_clear()
    for n in range(20):
        render(card_job(f"Titre {n} : un article de plus sur la technique", "fr", False))
    assert _background.cache_info().misses == 1 and _background.cache_info().hits == 19


def test_warm_build_encodes_nothing_and_gives_the_same_files(site, tmp_path):
    cache = site.base / "cache"
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    build(tmp_path / "out", **site_settings(site.base / "content", cache))
    # Every file is written anew (atomically) when encoded: none was.
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == before
    for path in (site.output / "img").iterdir():
        assert (tmp_path / "out/img" / path.name).read_bytes() == path.read_bytes()


def test_cold_builds_give_identical_social_cards(site, tmp_path):
    # A second cold build (its own empty cache): same names, same bytes.
    build(tmp_path / "out", **site_settings(site.base / "content", tmp_path / "cache"))
    assert len(list((tmp_path / "cache").iterdir())) == len(list((site.base / "cache").iterdir()))
    cards = sorted(p.name for p in (site.output / "img").glob("card-*"))
    assert cards
    for name in cards + sorted(p.name for p in (site.output / "img").glob("social-*")):
        assert (tmp_path / "out/img" / name).read_bytes() == (site.output / "img" / name).read_bytes()


# -- bad input ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    base = tmp_path_factory.mktemp("broken")
    content = make_content(base / "content", broken=BROKEN)
    built = build(base / "out", **site_settings(content, base / "cache"))
    built.content = content
    return built


@pytest.mark.parametrize("slug", sorted(BROKEN))
def test_bad_image_is_reported_with_file_line_and_fix_and_other_pages_built(broken, slug):
    _, needle = BROKEN[slug]
    messages = [m for m in broken.errors() if f"{slug}.fr.md:" in m]
    assert any(needle in m for m in messages), broken.errors()
    message = next(m for m in messages if needle in m)
    line = int(re.search(rf"{slug}\.fr\.md:(\d+)", message).group(1))
    source = (broken.content / "articles" / f"{slug}.fr.md").read_text().split("\n")
    assert source[line - 1].startswith("Image:")
    assert "(" in message and message.endswith(")")  # what to do
    # The page is still built, without a lead image; the good article keeps its own.
    assert broken.soup(f"2026/11/{slug}/").select_one("figure.lead") is None
    assert broken.soup("2026/11/photo/").select_one("figure.lead picture") is not None


def lint_settings(content):
    """The settings `newsroom lint` reads: pelicanconf.py, on this content folder."""
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"),
                         override={"PATH": str(content), "ARTICLE_PATHS": ["articles"]})


def test_lint_reports_the_same_image_problems_as_the_build(broken):
    settings = lint_settings(broken.content)
    ctx = rules.RuleContext.from_settings(settings, {"preview": True}, str(broken.content))
    linted = set()
    for slug in BROKEN:
        source = sources.read_source(str(broken.content / "articles" / f"{slug}.fr.md"), settings,
                                     str(broken.content), "article")
        linted |= {str(p) for p in rules.image_problems(source, ctx)}
    built = {m for m in broken.errors() + broken.warnings() if "image" in m.lower()
             and any(f"{slug}.fr.md" in m for slug in BROKEN)}
    assert linted and linted == built


def test_strict_publish_fails_on_a_bad_image(tmp_path):
    content = make_content(tmp_path / "content", broken=["truncated"])
    result = run_pelican(str(content), "-o", str(tmp_path / "out"), "-s", "publishconf.py",
                         "-e", 'ARTICLE_PATHS=["articles"]', f'IMAGES={{"cache": "{tmp_path}/cache"}}')
    assert result.returncode != 0
    assert "truncated.fr.md:" in result.stdout + result.stderr


# -- units ----------------------------------------------------------------------------

def test_widths_are_never_upscaled():
    assert widths_for(4000, (480, 800, 1200, 1600)) == (480, 800, 1200, 1600)
    assert widths_for(1000, (480, 800, 1200, 1600)) == (480, 800, 1000)
    assert widths_for(300, (480, 800)) == (300,)


def test_focus_and_crop():
    assert parse_focus("30% 40%") == (0.3, 0.4) and parse_focus("nope") is None
    assert crop_box(1600, 900, (0.5, 0.5)) == (0, 30, 1600, 870)
    assert crop_box(1000, 1600, (0.5, 0.0)) == (0, 0, 1000, 525)
    assert crop_box(4000, 1000, (1.0, 0.5)) == (2095, 0, 4000, 1000)


def test_metadata_stripping_keeps_the_pixels(tmp_path):
    path = tmp_path / "p.jpg"
    phone_photo(path)
    data = path.read_bytes()
    clean = privacy.strip_jpeg(data)
    with Image.open(io.BytesIO(clean)) as a, Image.open(path) as b:
        assert a.tobytes() == b.tobytes() and dict(a.getexif()) == {ORIENTATION: 6}
    png = io.BytesIO()
    info = __import__("PIL.PngImagePlugin", fromlist=["PngInfo"]).PngInfo()
    info.add_text("Comment", "GPS 48.85N")
    Image.new("RGB", (8, 8)).save(png, "PNG", pnginfo=info, exif=b"Exif\0\0II*\0")
    assert b"GPS" not in privacy.strip_png(png.getvalue())
    webp = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (8, 8)).save(webp, "WEBP", exif=exif)
    stripped = privacy.strip_webp(webp.getvalue())
    assert b"PhoneMaker" in webp.getvalue() and b"PhoneMaker" not in stripped
    Image.open(io.BytesIO(stripped)).load()


def test_settings_are_checked():
    assert media.validate({})["widths"] == (480, 800, 1200, 1600)
    for bad in ({"widths": []}, {"formats": ["gif"]}, {"max_pixels": 0}, {"colour": 1},
                {"quality": {"avif": 0}}, {"output": "../x"}, {"cards": "yes"}):
        with pytest.raises(media.ImagesSettingsError):
            media.validate({"IMAGES": bad})


def test_translation_without_alt_text_is_warned_in_build_and_lint(tmp_path):
    content = make_content(tmp_path / "content")
    path = content / "articles/photo.en.md"
    path.write_text(path.read_text().replace("ImageAlt: A red and blue photo\n", ""))
    built = build(tmp_path / "out", **site_settings(content, tmp_path / "cache"))
    warned = [m for m in built.warnings() if "photo.en.md" in m and "alt text" in m]
    assert len(warned) == 1, built.warnings()
    settings = lint_settings(content)
    ctx = rules.RuleContext.from_settings(settings, {"preview": True}, str(content))
    scanned = [sources.read_source(str(p), settings, str(content), "article")
               for p in sorted((content / "articles").glob("*.md"))]
    assert [str(p) for p in rules.check_collection(scanned, ctx)
            if p.rule == "translation_image_alt"] == warned
    # The page still shows the image, with the original's alt text marked in its language.
    img = built.soup("en/2026/11/photo/").select_one("figure.lead img")
    assert img["alt"] == "Une photo rouge et bleue" and img["lang"] == "fr"


def test_a_translation_written_pelicans_way_shows_its_originals_image(tmp_path):
    """``Lang:`` and a shared ``Slug:``, no ``Translation:`` line (Pelican's docs): linked
    by the translation key, the default language's file is the original."""
    content = make_content(tmp_path / "content")
    articles = content / "articles"
    for name in ("photo.fr.md", "photo.en.md"):
        (articles / name).unlink()
    (articles / "reportage.md").write_text(
        HEAD + "Title: Un reportage\nSlug: reportage\nLang: fr\nImage: images/photo.jpg\n"
        "ImageAlt: Une photo rouge et bleue\n\nTexte.\n", encoding="utf-8")
    (articles / "reportage-en.md").write_text(
        HEAD.replace("IA", "AI") + "Title: A report\nSlug: reportage\nLang: en\n"
        "ImageAlt: A red and blue photo\n\nText.\n", encoding="utf-8")
    (articles / "sans-alt-es.md").write_text(  # no alt text of its own: warned, as lint warns
        HEAD + "Title: Un segundo reportaje\nSlug: reportage\nLang: es\n\n"
        "Texto.\n", encoding="utf-8")
    built = build(tmp_path / "out", **site_settings(content, tmp_path / "cache"))
    fr = built.soup("2026/11/reportage/").select_one("figure.lead img")
    en = built.soup("en/2026/11/reportage/").select_one("figure.lead img")
    assert fr is not None and en is not None
    assert en["src"] == fr["src"] and en["alt"] == "A red and blue photo" and "lang" not in en.attrs
    # Its social card is the original's crop, as a marked translation's is.
    og = {m["property"]: m["content"] for m in built.soup("en/2026/11/reportage/").select(
        "meta[property^='og:image']")}
    fr_og = {m["property"]: m["content"] for m in built.soup("2026/11/reportage/").select(
        "meta[property^='og:image']")}
    assert og["og:image"] == fr_og["og:image"] and "/social-" in og["og:image"]
    es = built.soup("es/2026/11/reportage/").select_one("figure.lead img")
    assert es["src"] == fr["src"] and es["alt"] == "Une photo rouge et bleue" and es["lang"] == "fr"
    warned = [m for m in built.warnings() if "translation shows the image" in m]
    assert [os.path.basename(m.split(":")[0]) for m in warned] == ["sans-alt-es.md"], warned
    settings = lint_settings(content)
    ctx = rules.RuleContext.from_settings(settings, {"preview": True}, str(content))
    scanned = [sources.read_source(str(p), settings, str(content), "article")
               for p in sorted(articles.glob("*.md"))]
    assert [str(p) for p in rules.check_collection(scanned, ctx)
            if p.rule == "translation_image_alt"] == warned


def test_body_transform_is_a_function_of_markdowns_tree(tmp_path):
    """The body step works on Python-Markdown's element tree, without Pelican."""
    import xml.etree.ElementTree as ET

    import markdown

    from images.body import BodyContext, transform

    make_images(tmp_path / "images")
    md = markdown.Markdown()
    root = md.parser.parseDocument(
        ['![Carte]({static}/images/tagged.jpg "Légende")', "", "Texte ![logo](/images/logo.svg) fin.",
         "", "![distante](https://example.org/x.png)"]).getroot()
    md.treeprocessors["inline"].run(root)
    planned = []
    ctx = BodyContext(str(tmp_path / "a.md"), str(tmp_path), "fr", media.validate({}), "",
                      depends=planned.append)
    assert transform(root, ctx)
    figure = root.find("figure")
    assert figure.find("figcaption").text == "Légende"
    assert figure.find("picture/img").get("alt") == "Carte"
    assert [s.get("type") for s in figure.findall("picture/source")] == ["image/webp"]
    assert root.find("p/img").get("src") == "/images/logo.svg"  # SVG: as is, sized
    assert root.find("p/img").get("width") == "120"
    assert root.findall("p/img")[1].get("src") == "https://example.org/x.png"  # not ours: untouched
    assert {os.path.basename(p) for p in planned} == {"tagged.jpg", "logo.svg"}
    assert {job.fmt for _, job in ctx.jobs} == {"webp", "jpeg"}
    assert "<figure>" in ET.tostring(root, encoding="unicode", method="html")
