"""One test per shim of newsroom/compat.py: run these first after a Pelican upgrade."""

from __future__ import annotations

import logging

import pytest
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


#: Headers and bodies where a second parser would part from Markdown's ``meta``
#: extension: continuation lines, repeated fields, tabs, YAML-style markers,
#: a body that looks like a header, blank bodies, CRLF, a BOM.
PELICAN_CASES = {
    "plain": "Title: Un titre\nSummary: *court*\nTags: a, b\n\nDu **texte**.\n",
    "continued": "Title: Un\n    titre long\nTags: a,\n    b\nSummary: une\n    *phrase*\n\nTexte.\n",
    "repeated": "Title: A\nTags: a\nTags: b\nAuthor: X\nAuthor: Y\nNote: 1\nNote: 2\n\nTexte.\n",
    "tabs": "Title:\tUn\ttitre\nTags: a\n\tb\n\n\tcode\n",
    "yaml": "---\nTitle: A\nDate: 2024-01-02 10:00\n---\nCorps.\n",
    "dots": "...\nTitle: pas un champ\n\nTexte.\n",
    "body-like-header": "Title: A\n\nNote: ceci est du texte\n\n    du code\n",
    "spaces-line": "Title: A\n\n   \n    code?\n",
    "tab-line": "Title: A\n\n\t\nTexte.\n",
    "no-blank": "Title: A\nTexte sans ligne vide.\n",
    "header-only": "Title: Seul\nStatus: draft\n",
    "empty": "",
    "blank": "\n  \n",
    "no-header": "Un paragraphe.\n\n    du code\n",
    "first-line-spaces": "   \nTitle: A\n\nTexte.\n",
    "crlf-bom": "\ufeffTitle: A\r\nLang: en\r\n\r\nTexte\r\n",
    "empty-fields": "Title: A\nTags:\nCategory:\nSlug: \n\nTexte.\n",
    "odd-keys": "Title: A\nX-Custom_field-2: v\n   Indent: not a key\nAuthors: A; B\n\nT.\n",
    "stx": "Title: A\x02B\n\nT\x03.\n",
}


@pytest.mark.parametrize("case", sorted(PELICAN_CASES))
def test_the_engine_reads_a_markdown_source_as_pelicans_reader(tmp_path, case):
    """The engine parses the header once (``newsroom.sources``), makes Pelican's
    metadata of it (``compat.markdown_metadata``) and has Markdown convert the body
    only: content and metadata are those of Pelican's own ``MarkdownReader.read``."""
    import sys

    from .conftest import ROOT

    sys.path.insert(0, str(ROOT / "plugins"))
    from pipeline import reading

    source = tmp_path / "x.fr.md"
    source.write_bytes(PELICAN_CASES[case].encode("utf-8"))
    settings = _settings(tmp_path, FORMATTED_FIELDS=["summary"])
    expected_content, expected = MarkdownReader(settings).read(str(source))
    content, metadata, notes, model = reading.read_source(MarkdownReader(settings), str(source), [])
    metadata.pop("pipeline_depends", None)

    def plain(meta):
        return {k: (type(v).__name__, repr(v) if compat.is_discarded(v) else str(v))
                for k, v in meta.items()}

    assert content == expected_content
    assert plain(metadata) == plain(expected)
    assert notes == [] and model.path == str(source)


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
pelican = Pelican(settings)


def around(run):
    def wrapped():
        calls.append("run started")
        result = run()
        calls.append("run over")
        return result
    return wrapped


compat.wrap_run(pelican, around)
pelican.run()
assert calls[0] == "run started" and calls[-1] == "run over", calls
calls = calls[1:-1]
assert calls[0] == "read", calls
assert calls[-1] == "ArticlesGenerator" and "PagesGenerator" in calls, calls
print("ok")
"""


def test_the_engine_hooks_act_on_pelicans_run(tmp_path):
    """install_readers, wrap_generate_output, run_last and wrap_run on a real Pelican
    run (its own process: no plugin another test registered): the reader given is
    the one used, the wrapped outputs run, the generator put last writes last, and
    the wrapped run is the one Pelican's whole build happens inside."""
    import subprocess
    import sys

    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("Title: A\nDate: 2026-01-01\n\nText.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", HOOKS_SCRIPT, str(content),
                             str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "ok" in result.stdout, result.stdout + result.stderr
    assert (tmp_path / "out" / "a.html").is_file()
