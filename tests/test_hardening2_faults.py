"""Publishing through faults (issue 22): a full disk or a read-only output folder
fails the publish with one clean line, and the previous output/ stays byte for
byte; `make check` refuses empty or undecodable files; pelican-precompress's
write errors are no longer lost (newsroom.compat.precompress_files)."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import shutil
import subprocess
import types
from pathlib import Path

import brotli
import pytest

from newsroom import check, compat
from newsroom.sitecheck import BuiltSite, check_files

from .conftest import ROOT

BLOCK = 4096


def tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def previous_site(out):
    (out / "2025/01/old").mkdir(parents=True)
    (out / "index.html").write_text("<!DOCTYPE html><title>previous</title>", encoding="utf-8")
    (out / "2025/01/old/index.html").write_text("an article of the previous site")
    (out / "theme.css").write_bytes(bytes(range(256)))


def make(*args):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)


@contextlib.contextmanager
def tmpfs(where: Path, size: int):
    """A real file system of ``size`` bytes at ``where`` (we are root on CI and here)."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill (needs root): {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)
        if where.is_mount():
            subprocess.run(["umount", "-l", str(where)], check=False)


def read_only(where: Path):
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def blocks(paths):
    return sum(-(-p.stat().st_size // BLOCK) * BLOCK for p in paths)


def assert_clean_failure(result, reason):
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert "Traceback" not in log and "CRITICAL" not in log, log
    lines = [line for line in log.splitlines() if "cannot be written" in line]
    assert len(lines) == 1, log
    assert f"cannot be written: {reason}" in lines[0], log
    return lines[0]


def site_sizes(published_site):
    files = [p for p in published_site.output.rglob("*") if p.is_file()]
    copies = [p for p in files if p.suffix in (".gz", ".br")]
    return blocks(set(files) - set(copies)), blocks(copies)


@pytest.mark.parametrize("fills", ["pages", "precompressed copies"])
def test_a_full_disk_fails_the_publish_and_keeps_the_previous_output(tmp_path, published_site,
                                                                      fills):
    """A real full disk: a tmpfs too small for the site. Whether it fills while pages
    are written or while pelican-precompress writes its copies (its workers' errors
    were lost: exit 0 and empty .gz/.br swapped in), the publish fails."""
    pages, copies = site_sizes(published_site)
    size = 64 * BLOCK if fills == "pages" else pages + 64 * BLOCK + copies // 3
    with tmpfs(tmp_path / "disk", size) as disk:
        out = disk / "site"
        previous_site(out)
        before = tree(out)
        result = make("publish", f"OUTPUTDIR={out}")
        line = assert_clean_failure(result, "No space left on device")
        assert "is full: free space on it" in line
        if fills == "precompressed copies":
            assert line.split(":")[0].endswith((".gz", ".br")), line
        assert tree(out) == before
        assert sorted(p.name for p in disk.iterdir()) == ["site"]  # site.new/ removed


def test_a_read_only_output_folder_gives_the_message_not_a_traceback(tmp_path):
    """Root ignores permission bits: a tmpfs remounted read-only. `make publish` (which
    writes site.new/ beside site/) and `make html` (which writes into site/)."""
    with tmpfs(tmp_path / "ro", 8 << 20) as disk:
        out = disk / "site"
        previous_site(out)
        before = tree(out)
        read_only(disk)
        for target in ("publish", "html"):
            result = make(target, f"OUTPUTDIR={out}")
            line = assert_clean_failure(result, "Read-only file system")
            assert "is not writable: fix its permissions" in line
            assert tree(out) == before
        assert sorted(p.name for p in disk.iterdir()) == ["site"]


# -- pelican-precompress's driver, with its results read ------------------------------

def precompress_instance(folder):
    return types.SimpleNamespace(settings={"OUTPUT_PATH": str(folder)})


def text_files(folder, count=40, words=2000):
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text = " ".join(f"mot{n}-{i}" for i in range(words))
        (folder / f"page{n}.html").write_text(f"<!DOCTYPE html><p>{text}</p>", encoding="utf-8")
    (folder / "tiny.css").write_text("a{}")  # under the minimum size: skipped by both


def test_precompress_files_writes_what_the_plugin_writes(tmp_path):
    pytest.importorskip("pelican.plugins.precompress")
    from pelican.plugins import precompress

    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    text_files(ours)
    text_files(theirs)
    compat.precompress_files(precompress_instance(ours))
    precompress.compress_files(precompress_instance(theirs))
    assert tree(ours) == tree(theirs)
    assert (ours / "page3.html.gz").is_file() and (ours / "page3.html.br").is_file()
    raw = (ours / "page3.html").read_bytes()
    assert gzip.decompress((ours / "page3.html.gz").read_bytes()) == raw
    assert brotli.decompress((ours / "page3.html.br").read_bytes()) == raw


def test_precompress_files_raises_a_write_error_and_leaves_no_empty_copy(tmp_path):
    with tmpfs(tmp_path / "disk", 36 * BLOCK) as disk:
        text_files(disk / "site", count=10, words=1000)  # 10 × 3 blocks; 20 copies of a block
        with pytest.raises(OSError) as raised:
            compat.precompress_files(precompress_instance(disk / "site"))
        assert raised.value.errno == 28
        assert raised.value.filename.endswith((".gz", ".br"))
        copies = [p for p in (disk / "site").iterdir() if p.suffix in (".gz", ".br")]
        for copy in copies:  # the copies that are left are whole
            raw = copy.with_suffix("").read_bytes()
            unpack = gzip.decompress if copy.suffix == ".gz" else brotli.decompress
            assert unpack(copy.read_bytes()) == raw


def test_the_precompress_shim_refuses_an_unchecked_version(monkeypatch):
    import importlib.metadata

    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "9.9.0" if name == "pelican-precompress" else real(name))
    with pytest.raises(compat.UnsupportedPelican, match="pelican-precompress 9.9.0"):
        compat.precompress_files(precompress_instance("/nonexistent"))


# -- make check: nothing empty or undecodable is deployed ---------------------------

def test_check_refuses_empty_and_undecodable_files(tmp_path, published_site):
    site = tmp_path / "site"
    shutil.copytree(published_site.output, site)
    assert check_files(BuiltSite(site)) == []  # the real site is whole
    jpeg = next(p for p in site.rglob("*.jpg"))
    avif = next(p for p in site.rglob("*.avif"))
    damage = {
        "sitemap.xml": b"",  # empty: the full disk's mark
        "en/feeds/all.atom.xml": (site / "en/feeds/all.atom.xml").read_bytes()[:300],
        "404.html": "<!DOCTYPE html><title>é</title>".encode("latin-1"),
        "index.html.gz": (site / "index.html.gz").read_bytes()[:200],
        "en/index.html.br": b"",
        "index.html.br": brotli.compress(b"<!DOCTYPE html>another page"),
        jpeg.relative_to(site).as_posix(): jpeg.read_bytes()[:2000],
        avif.relative_to(site).as_posix(): avif.read_bytes()[:300],
    }
    for rel, data in damage.items():
        (site / rel).write_bytes(data)
    found = {p.file: p.message for p in check_files(BuiltSite(site))}
    assert set(damage) <= set(found), found
    assert found["sitemap.xml"] == "the file is empty"
    assert found["en/index.html.br"] == "the file is empty"
    assert "not well-formed XML" in found["en/feeds/all.atom.xml"]
    assert "not valid UTF-8" in found["404.html"]
    assert "does not decompress" in found["index.html.gz"]
    assert found["index.html.br"] == "does not decompress to index.html as it is"
    assert "truncated" in found[jpeg.relative_to(site).as_posix()]
    assert "not an image that decodes" in found[avif.relative_to(site).as_posix()]
    # The copies of a damaged original no longer match it: reported too.
    assert "sitemap.xml.gz" in found and "404.html.br" in found

    result = subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "newsroom.check", str(site),
                             "--no-html", "--no-browser"], capture_output=True, text=True,
                            cwd=ROOT, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "sitemap.xml: the file is empty (build the site again" in result.stdout
    assert "check: FAILED" in result.stdout
