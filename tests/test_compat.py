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



HOOKS_SCRIPT = """
import sys
from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

from newsroom import compat

content, output = sys.argv[1:3]
calls = []


class Reader(MarkdownReader):
    def read(self, source_path):
        calls.append("read")
        return super().read(source_path)


settings = read_settings(None, override={
    "PATH": content, "OUTPUT_PATH": output, "PLUGINS": [],
    "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False})
compat.install_readers(settings, {"md": Reader, "txt": Reader})
assert settings["READERS"]["md"] is Reader
compat.install_readers(settings, {"md": MarkdownReader})  # the first one given stays
assert settings["READERS"]["md"] is Reader


def hooks(generators):
    articles = next(g for g in generators if isinstance(g, ArticlesGenerator))
    for generator in generators:
        def wrap(method, name=type(generator).__name__):
            def run(writer):
                calls.append(name)
                return method(writer)
            return run
        compat.wrap_generate_output(generator, wrap)
    compat.run_last(generators, [articles])


signals.all_generators_finalized.connect(hooks)
Pelican(settings).run()
assert calls[0] == "read", calls
assert calls[-1] == "ArticlesGenerator" and "PagesGenerator" in calls, calls
print("ok")
"""


def test_the_engine_hooks_act_on_pelicans_run(tmp_path):
    """install_readers, wrap_generate_output and run_last on a real Pelican run (its
    own process: no plugin another test registered): the reader given is the one
    used, the wrapped outputs run, the generator put last writes last."""
    import subprocess
    import sys

    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("Title: A\nDate: 2026-01-01\n\nText.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", HOOKS_SCRIPT, str(content),
                             str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "ok" in result.stdout, result.stdout + result.stderr
    assert (tmp_path / "out" / "a.html").is_file()
