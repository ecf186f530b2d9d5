"""Paths that leave the content folder (issue 22): nothing outside content/ is read or published.

A secret image and a secret file are made next to the content folder; articles name
them in every way content names a file (``Image:``, body images with ``{static}``, a
site path or a relative path, ``{attach}``/``{filename}`` links, a symbolic link in
content/images/). `make lint`, the preview and the strict build each report every one
at its ``path:line`` with the same words (one rule: ``newsroom.rules.paths_outside_content``,
on ``newsroom.paths``); no build publishes anything of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from newsroom import paths

from .hardening2 import lint, lint_fails_with, make_content, preview, strict, where

SECRET_RGB = (255, 0, 255)  # no image of the site is this magenta
SECRET_TEXT = b"TOP-SECRET-7f3a91 the build machine's file"

HEAD = "Title: {title}\nDate: 2026-11-05T10:00:00+01:00\nCategory: IA\n"
ARTICLES = {
    # file: (text, [(line, start of the message)])
    "2026/lead.fr.md": (
        HEAD.format(title="Lead") + "Image: ../secret.png\nImageAlt: Un secret\n\nTexte.\n",
        [(4, "Image: ../secret.png leads outside the content folder")]),
    "2026/corps.fr.md": (
        HEAD.format(title="Corps") + "\nUn.\n\n![Secret]({static}/../secret.png)\n\n"
        "![Secret](/../secret.png)\n\n![Secret](../../secret.png)\n\n"
        "![Secret](/images/%2e%2e/%2e%2e/secret.png)\n",
        [(7, "{static}/../secret.png leads outside"), (9, "/../secret.png leads outside"),
         (11, "../../secret.png leads outside"),
         (13, "/images/%2e%2e/%2e%2e/secret.png leads outside")]),
    "2026/liens.fr.md": (
        HEAD.format(title="Liens") + "\n[La pièce]({attach}../../secret.txt) et "
        "[le texte]({static}/../secret.txt).\n\n[Article]({filename}/../dehors.fr.md)\n",
        [(5, "{attach}../../secret.txt leads outside"), (5, "{static}/../secret.txt leads outside"),
         (7, "{filename}/../dehors.fr.md leads outside")]),
    "2026/lien-symbolique.fr.md": (
        HEAD.format(title="Lien symbolique") + "\n![Secret]({static}/images/lien.png)\n",
        [(5, "{static}/images/lien.png is a symbolic link to a file outside the content folder")]),
}


def secret_files(folder: Path):
    Image.new("RGB", (1200, 700), SECRET_RGB).save(folder / "secret.png")
    (folder / "secret.txt").write_bytes(SECRET_TEXT)
    (folder / "dehors.fr.md").write_text(HEAD.format(title="Dehors") + "\nDehors.\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("paths")
    secret_files(folder)
    content = make_content(folder / "content")
    for rel, (text, _) in ARTICLES.items():
        (content / rel).write_text(text, encoding="utf-8")
    os.symlink(folder / "secret.png", content / "images" / "lien.png")
    os.symlink(folder / "secret.txt", content / "images" / "cache.txt")  # linked from nowhere
    return folder, content


def expected(content):
    return [(f"{where(content / rel, line)}: {start}") for rel, (_, found) in ARTICLES.items()
            for line, start in found]


def published_secrets(output: Path):
    """Files of the output that hold the secret text or show the secret image."""
    found = []
    for path in output.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if SECRET_TEXT in data or b"TOP-SECRET" in data:
            found.append(path)
        elif path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp", ".avif", ".gif"):
            try:
                with Image.open(path) as image:
                    colours = image.convert("RGB").resize((8, 8)).getcolors(64)
            except OSError:
                continue
            if colours and max(colours)[1] == SECRET_RGB:
                found.append(path)
    return found


def test_resolve_refuses_what_leaves_the_root(tmp_path):
    root = tmp_path / "content"
    (root / "images").mkdir(parents=True)
    (root / "images" / "ok.png").write_bytes(b"x")
    (tmp_path / "secret.png").write_bytes(b"x")
    os.symlink(tmp_path / "secret.png", root / "images" / "out.png")
    os.symlink(root / "images" / "ok.png", root / "images" / "in.png")
    os.symlink(tmp_path, root / "up")
    assert paths.resolve("/images/ok.png", str(root)) == (str(root / "images/ok.png"), None)
    assert paths.resolve("../images/in.png", str(root), str(root / "2026"))[1] is None
    for target, symlink in (("/../secret.png", False), ("%2e%2e/secret.png", False),
                            ("/images/../../secret.png", False), ("images/out.png", True),
                            ("up/secret.png", True)):
        path, outside = paths.resolve(target, str(root))
        assert path is None and outside.symlink is symlink, target
        assert outside.written == target and "outside the content folder" in outside.message


def test_lint_reports_each_path_at_its_line(site):
    _, content = site
    out = lint_fails_with(content, expected(content))
    # the symbolic link nothing links to, as the build reports it too
    link = where(content / "images" / "cache.txt")
    assert f"{link}: this file is a symbolic link to a file outside the content folder" in out
    reported = [line for line in out.splitlines() if "outside the content folder" in line]
    # each once, with how to fix it (lien.png: its link, and the file in content/images/)
    assert len(reported) == len(expected(content)) + 2, out
    assert all(line.endswith(")") for line in reported)


def test_preview_reports_the_same_and_publishes_nothing_from_outside(site):
    folder, content = site
    before = sorted(p.name for p in folder.iterdir())
    built = preview(content, folder / "output")
    assert published_secrets(built.output) == []
    assert not (built.output / "images" / "lien.png").exists()
    assert not (built.output / "images" / "cache.txt").exists()
    problems = built.errors() + built.warnings()
    for message in expected(content):
        assert any(p.startswith(message) for p in problems), (message, problems)
    # the symbolic links of content/images/ (one linked from nowhere), as lint reports them
    for name in ("cache.txt", "lien.png"):
        link = where(content / "images" / name)
        assert any(p.startswith(f"{link}: this file is a symbolic link") for p in problems), problems
    assert not [r for r in built.records if r.exc_info]
    assert sorted(p.name for p in folder.iterdir()) == sorted(before + ["output"])
    # every article is still built, and the good images are published
    for slug in ("lead", "corps", "liens", "lien-symbolique", "bon"):
        assert (built.output / "2026" / "11" / slug / "index.html").is_file(), slug
    lead = built.soup("2026/11/lead/")
    assert lead.find("picture") is None  # no lead image, no card cut from the secret
    assert (built.output / "images" / "logo.png").is_file()


def test_strict_build_fails_with_the_same_messages(site, tmp_path):
    _, content = site
    code, messages, tracebacks = strict(content, tmp_path / "output")
    assert code == 1 and tracebacks == []
    for message in expected(content):
        assert any(m.startswith(message) for m in messages), (message, messages)
    if (tmp_path / "output").exists():
        assert published_secrets(tmp_path / "output") == []


def test_a_link_inside_the_content_folder_is_followed(tmp_path):
    """A symbolic link from one place of the content folder to another is content."""
    content = make_content(tmp_path / "content")
    os.symlink(content / "images" / "logo.png", content / "images" / "alias.png")
    (content / "2026" / "alias.fr.md").write_text(
        HEAD.format(title="Alias") + "\n![Le logo]({static}/images/alias.png)\n", encoding="utf-8")
    code, out, _ = lint(content)
    assert "outside the content folder" not in out
    built = preview(content, tmp_path / "output")
    assert not [m for m in built.errors() + built.warnings() if "outside" in m]
    assert built.soup("2026/11/alias/").find("picture") is not None
