"""Nothing lost: a killed publish leaves the previous site as it was; `make clean` never
touches content/."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time

import pytest

from .conftest import FIXTURES, ROOT


def tree(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def previous_site(out):
    (out / "2025/01/old").mkdir(parents=True)
    (out / "index.html").write_text("<!DOCTYPE html><title>previous</title>", encoding="utf-8")
    (out / "2025/01/old/index.html").write_text("an article of the previous site")
    (out / "theme.css").write_bytes(bytes(range(256)))


def make(*args, cwd=ROOT):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_publish_killed_half_way_leaves_the_previous_output_byte_identical(tmp_path):
    out = tmp_path / "site"
    previous_site(out)
    before = tree(out)
    process = subprocess.Popen(
        ["make", "--no-print-directory", "publish", "PUBLISH_CHECK=0", f"OUTPUTDIR={out}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    new = tmp_path / "site.new"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None:
            if new.is_dir() and any(new.rglob("*.html")):
                break
            time.sleep(0.02)
        assert process.poll() is None, "the publish ended before it could be killed"
        assert any(new.rglob("*.html"))  # half-way: the new site is being written
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # make, pelican, its workers, Pagefind
        process.wait()
    assert tree(out) == before
    assert not (tmp_path / "site.old").exists()


def test_publish_interrupted_between_the_two_renames_is_put_back(tmp_path):
    """Killed after `mv output output.old`: the next publish restores output/ first,
    even when that publish fails too."""
    old = tmp_path / "site.old"
    previous_site(old)
    before = tree(old)
    result = make("publish", "PUBLISH_CHECK=0", f"INPUTDIR={FIXTURES / 'broken_site'}",
                  f"OUTPUTDIR={tmp_path / 'site'}")
    assert result.returncode != 0
    assert "restoring" in result.stdout
    assert tree(tmp_path / "site") == before and not old.exists()


@pytest.fixture
def project(tmp_path):
    """A copy of the project's Makefile with a content folder and a built site."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(ROOT / "Makefile", root / "Makefile")
    shutil.copytree(ROOT / "content", root / "content")
    previous_site(root / "output")
    (root / "cache").mkdir()
    (root / "cache" / "data").write_text("cached")
    return root


def test_make_clean_removes_the_site_and_caches_never_content(project):
    before = tree(project / "content")
    result = make("clean", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not (project / "output").exists() and not (project / "cache").exists()
    assert tree(project / "content") == before


@pytest.mark.parametrize("outputdir", ["content", ".", "./content/", "content/2024", "..",
                                       "{abs}/content", "link-to-content"])
def test_make_clean_and_publish_refuse_an_outputdir_holding_content(project, outputdir):
    os.symlink(project / "content", project / "link-to-content")
    before = tree(project / "content")
    value = outputdir.format(abs=project)
    for target in ("clean", "publish"):
        result = make(target, f"OUTPUTDIR={value}", "VENV=/nonexistent", cwd=project)
        assert result.returncode != 0
        assert f"OUTPUTDIR={value} would delete the content" in result.stderr
        assert "choose another folder" in result.stderr
        assert tree(project / "content") == before
    assert (project / "output").is_dir()
