"""The pipeline: parallel reading gives the same site as reading in-process; cache works."""

from __future__ import annotations

import hashlib

from pelican.readers import MarkdownReader

from .conftest import build


def tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "pagefind" not in p.parts}


def test_worker_processes_and_in_process_reading_build_the_same_site(tmp_path, monkeypatch):
    main_reads = []
    original = MarkdownReader.read

    def counting_read(self, source_path):
        main_reads.append(source_path)
        return original(self, source_path)

    monkeypatch.setattr(MarkdownReader, "read", counting_read)
    pooled = build(tmp_path / "pooled", PIPELINE={"workers": 2, "min_files": 1})
    assert main_reads == []  # every source was read (once) by a worker process
    serial = build(tmp_path / "serial", PIPELINE={"workers": 0})
    assert tree(pooled.output) == tree(serial.output)
    assert pooled.errors() == serial.errors() == []


def test_content_cache_is_saved_and_reused(tmp_path):
    cache = tmp_path / "cache"
    first = build(tmp_path / "one", CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CACHE_PATH=str(cache))
    assert not [w for w in first.warnings() if "cache" in w.lower()], first.warnings()
    assert any(cache.iterdir())
    second = build(tmp_path / "two", CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CACHE_PATH=str(cache))
    assert second.errors() == [] and not [w for w in second.warnings() if "cache" in w.lower()]
    assert tree(first.output) == tree(second.output)
