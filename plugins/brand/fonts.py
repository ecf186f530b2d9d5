"""Regenerate the theme's self-hosted typefaces (`make fonts`).

The faces come from PyPI font packages (fontpkg-*, pinned with their hashes in
fonts-requirements.txt, SIL Open Font License 1.1, with no Reserved Font Name:
the licence lets us ship modified, here subset, copies under their own names) and are cut down with
fontTools: the variable weight axis is limited to the weights the CSS uses, the
optical-size axis is pinned at text size, and only the characters of the
scripts the site's languages are written in are kept (the script of a language
comes from CLDR's likely subtags, through Babel). The result is written as WOFF2
to theme/static/fonts/, which is committed: a build needs none of this.

    python plugins/brand/fonts.py [--settings pelicanconf.py] [--out theme/static/fonts]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from dataclasses import dataclass
from importlib import resources

#: Characters kept per script (ISO 15924). Latin: Basic Latin, Latin-1, the
#: letters of French, German, Spanish and English outside it (œ, Œ, Ÿ, ı),
#: general punctuation (’ “ ” „ « » ‹ › – — … and U+202F, French's narrow
#: no-break space), €, ™, the arrows the theme prints (↗ after external links).
SCRIPTS = {
    "Latn": "U+0020-007E,U+00A0-00FF,U+0131,U+0152-0153,U+0178,U+02C6,U+02DA,U+02DC,"
            "U+2000-206F,U+20AC,U+2122,U+2190-2193,U+2197,U+2212,U+FEFF,U+FFFD",
}


@dataclass(frozen=True)
class Face:
    package: str  # import name of the fontpkg package
    source: str  # file inside its files/ folder
    output: str  # woff2 file name in theme/static/fonts/
    axes: dict  # fontTools instancer limits: {"wght": (400, 700), "opsz": 18}


FACES = (
    # Text face: one weight (a variable 400–700 file is 80 % larger); the text's
    # <strong> is set in the UI face's bold, which every page loads anyway.
    Face("fontpkg_newsreader", "Newsreader[opsz,wght].ttf", "newsreader-{script}.woff2",
         {"wght": 400, "opsz": 18}),
    Face("fontpkg_newsreader", "Newsreader-Italic[opsz,wght].ttf",
         "newsreader-italic-{script}.woff2", {"wght": 400, "opsz": 18}),
    # UI face (headlines, navigation, meta lines): variable, 400 to 700.
    Face("fontpkg_public_sans", "PublicSans[wght].ttf", "public-sans-{script}.woff2",
         {"wght": (400, 700)}),
)


def scripts_of(languages):
    """{script: [languages]} from CLDR's likely subtags (fr → fr_Latn_FR)."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    result = {}
    for code in languages:
        tag = likely.get(code.replace("-", "_").lower(), likely.get(code.split("-")[0], ""))
        parts = tag.split("_")
        script = parts[1] if len(parts) > 2 else "Latn"
        result.setdefault(script, []).append(code)
    return result


def languages_of(settings_path):
    spec = importlib.util.spec_from_file_location("_settings", settings_path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(os.path.abspath(settings_path)))
    spec.loader.exec_module(module)
    return list(getattr(module, "LANGUAGES", None) or [getattr(module, "DEFAULT_LANG", "en")])


def make_face(face: Face, unicodes: str, target: str):
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    source = resources.files(face.package) / "files" / face.source
    with resources.as_file(source) as path:
        font = TTFont(path, recalcTimestamp=False)  # the same bytes at every run
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern", "liga", "clig", "calt", "ccmp", "locl", "mark", "mkmk",
                               "case", "lnum", "onum", "tnum", "pnum"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # copyright, names, version: the licence asks to keep them
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(unicodes))
    subsetter.subset(font)  # first: instancing the whole font takes ten times as long
    font = instancer.instantiateVariableFont(font, face.axes)
    font.flavor = "woff2"
    font.save(target)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="pelicanconf.py")
    parser.add_argument("--out", default=os.path.join("theme", "static", "fonts"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for script, codes in sorted(scripts_of(languages_of(args.settings)).items()):
        unicodes = SCRIPTS.get(script)
        if unicodes is None:
            print(f"fonts: no bundled face for the {script} script ({', '.join(codes)}): "
                  "those pages use the system fonts of the CSS stacks")
            continue
        for face in FACES:
            target = os.path.join(args.out, face.output.format(script=script.lower()))
            make_face(face, unicodes, target)
            print(f"fonts: {target} ({os.path.getsize(target) // 1024} KB, {', '.join(codes)})")


if __name__ == "__main__":
    main()
