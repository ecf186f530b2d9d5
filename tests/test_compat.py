"""One test per shim of newsroom/compat.py: run these first after a Pelican upgrade."""

from __future__ import annotations

import logging

import pytest
from markdown import Markdown
from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG

from newsroom import compat


def _settings(tmp_path, **more):
    return {**DEFAULT_CONFIG, "PATH": str(tmp_path), "CACHE_PATH": str(tmp_path / "cache"),
            **more}


def test_version_guard_refuses_an_unchecked_pelican():
    compat._check_version("4.12.0")
    compat._check_version("4.12")
    with pytest.raises(compat.UnsupportedPelican, match="check each shim"):
        compat._check_version("4.13.0")
    with pytest.raises(compat.UnsupportedPelican):
        compat._check_version("4.1")


def test_is_discarded_tells_the_marker_of_an_empty_field(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("Title: A\nTags:\n\nText.\n", encoding="utf-8")
    reader = MarkdownReader(_settings(tmp_path))
    _, metadata = reader.read(str(source))
    assert compat.is_discarded(metadata["tags"])  # Readers.read_file drops it by identity
    assert not compat.is_discarded(metadata["title"])
    from pelican.readers import _DISCARD

    assert metadata["tags"] is _DISCARD  # what Readers.read_file compares with


def test_forget_logged_messages_lets_a_second_build_log_again():
    from pelican.log import LimitFilter

    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "same problem", None, None)
    limit = LimitFilter()
    assert limit.filter(record)
    assert not limit.filter(record)  # Pelican logs a message once per process
    compat.forget_logged_messages()
    assert limit.filter(record)


def test_markdown_convert_and_parse_metadata_are_pelicans_read(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("Title: Un titre\nSummary: *court*\nTags: a, b\n\nDu **texte**.\n",
                      encoding="utf-8")
    settings = _settings(tmp_path)
    expected_content, expected = MarkdownReader(settings).read(str(source))
    reader = MarkdownReader(settings)
    md = Markdown(**settings["MARKDOWN"])
    content = compat.markdown_convert(reader, str(source), md)
    metadata = compat.parse_metadata(reader, md)
    assert content == expected_content
    assert {k: str(v) for k, v in metadata.items()} == {k: str(v) for k, v in expected.items()}
    # From text the caller read: the same.
    md = Markdown(**settings["MARKDOWN"])
    assert compat.markdown_convert(reader, str(source), md, source.read_text("utf-8")) == content
    # A formatted field (Summary: through Markdown) uses another Markdown instance.
    assert "<em>court</em>" in str(metadata["summary"])
    assert reader._md is md


def test_pelican_instance_is_get_instance_with_editorial_merged(tmp_path):
    """The same settings as ``pelican.get_instance`` for the same arguments, but the
    ``editorial`` values join the file's EDITORIAL instead of replacing it."""
    from pelican import get_instance, parse_arguments

    conf = tmp_path / "conf.py"
    conf.write_text('EDITORIAL = {"categories": ["A", "B"], "summary_max": 120}\n'
                    'SITENAME = "Un site"\n', encoding="utf-8")
    argv = [str(tmp_path), "-s", str(conf), "-o", str(tmp_path / "out")]
    theirs, their_settings = get_instance(parse_arguments(argv))
    ours, settings = compat.pelican_instance(parse_arguments(argv))
    # (plain data: receivers another test connected may add their state objects)
    from newsroom.build import plain_settings

    assert type(ours) is type(theirs) and plain_settings(settings) == plain_settings(their_settings)
    _, merged = compat.pelican_instance(parse_arguments(argv), {"summary_max": 80})
    # (the editorial plugin, if another test registered it, adds its defaults)
    assert merged["EDITORIAL"]["summary_max"] == 80
    assert list(merged["EDITORIAL"]["categories"]) == ["A", "B"]
    assert merged["SITENAME"] == "Un site"
