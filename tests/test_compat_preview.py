"""The Pelican internals the preview's build process uses (newsroom/compat.py), one test each."""

from __future__ import annotations

import datetime

from pelican import Pelican
from pelican.contents import Article
from pelican.settings import read_settings

from newsroom import compat

from .conftest import ROOT


def _article(text="<p>un</p>"):
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    return Article(text, metadata={"title": "T", "date": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)}, settings=settings,
                   context={"localsiteurl": ""}, source_path=str(ROOT / "x.fr.md"))


def test_forget_memoised_drops_one_item_or_all():
    item, other = _article("<p>un</p>"), _article("<p>deux</p>")
    assert item.content == "<p>un</p>" and other.content == "<p>deux</p>"
    item._content = "<p>trois</p>"
    assert item.content == "<p>un</p>"  # memoised by Pelican
    compat.forget_memoised(item)
    assert item.content == "<p>trois</p>"
    other._content = "<p>quatre</p>"
    compat.forget_memoised()
    assert other.content == "<p>quatre</p>"


def test_writer_of_gives_the_language_writer(tmp_path):
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        settings = read_settings(str(ROOT / "pelicanconf.py"),
                                 override={"OUTPUT_PATH": str(tmp_path)})
        writer = compat.writer_of(Pelican(settings))
    finally:
        os.chdir(cwd)
    assert type(writer).__name__ == "LanguageWriter"
    assert writer.output_path == str(tmp_path)
