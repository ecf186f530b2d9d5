"""Publish builds: strict, atomic, reproducible, precompressed."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess

import brotli

from .conftest import FIXTURES, ROOT


def make(*args, env=None):
    """Run make; the publish gate (`make check`) has tests of its own."""
    if args and args[0] == "publish":
        args = (*args, "PUBLISH_CHECK=0")
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env={**os.environ, **(env or {})})


def tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_publish_leaves_previous_output_intact(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous site")
    result = make("publish", f"INPUTDIR={FIXTURES / 'broken_site'}", f"OUTPUTDIR={out}")
    assert result.returncode != 0
    assert "bad-date.fr.md:2: invalid Date" in result.stdout + result.stderr
    assert tree(out) == {"index.html": hashlib.sha256(b"previous site").hexdigest()}


def test_successful_publish_swaps_in_the_new_site(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old")
    result = make("publish", f"OUTPUTDIR={out}", env={"SITEURL": "https://example.net"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (out / "stale.html").exists()
    assert "https://example.net/" in (out / "index.html").read_text()
    assert not (tmp_path / "site.new").exists() and not (tmp_path / "site.old").exists()


def test_two_publish_builds_are_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        result = make("publish", f"OUTPUTDIR={out}")
        assert result.returncode == 0, result.stdout + result.stderr
    first, second = tree(a), tree(b)
    assert first == second
    assert any(name.endswith(".html.gz") for name in first)


def test_precompressed_copies_match(tmp_path):
    out = tmp_path / "site"
    assert make("publish", f"OUTPUTDIR={out}").returncode == 0
    for name in ("index.html", "en/feeds/all.atom.xml", "sitemap.xml"):
        raw = (out / name).read_bytes()
        assert gzip.decompress((out / f"{name}.gz").read_bytes()) == raw
        assert brotli.decompress((out / f"{name}.br").read_bytes()) == raw
