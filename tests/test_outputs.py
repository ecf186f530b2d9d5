"""No stale output: a build into an existing output folder ends with what a clean
build writes, plus the files it never owned; nothing outside the folder moves."""

from __future__ import annotations

import json
import shutil

import pytest

from newsroom import outputs

from .conftest import ROOT, build

GONE = "cles-d-acces"  # content/2025/: a French original, its English and Spanish translations


def files(folder):
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir()}


def site_files(folder):
    """The site's files (without the manifest), and without precompressed copies: a
    publish build run earlier in this process leaves pelican-precompress connected,
    and it does not redo an existing .gz (publish builds start from an empty folder)."""
    return {f for f in files(folder) - {outputs.MANIFEST} if not f.endswith((".gz", ".br"))}


@pytest.fixture
def content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    assert len(sorted((target / "2025").glob(f"{GONE}.*.md"))) == 3, "the sample article moved"
    return target


def delete_article(content):
    for path in (content / "2025").glob(f"{GONE}.*.md"):
        path.unlink()


def test_deleted_article_and_old_search_shards_are_removed(content, tmp_path):
    out = tmp_path / "output"
    outside = tmp_path / "outside.txt"
    outside.write_text("not the build's")
    build(out, PATH=str(content))
    first = site_files(out)
    manifest = json.loads((out / outputs.MANIFEST).read_text())
    assert site_files(out) <= set(manifest["files"]) <= files(out)
    pages = {f for f in first if f"/{GONE}/" in f"/{f}"}
    assert {"2025/02/cles-d-acces/index.html", "en/2025/02/cles-d-acces/index.html",
            "es/2025/02/cles-d-acces/index.html"} <= pages
    # A file the build never wrote, and one it wrote before but edited by hand: the first
    # is not the build's, the second still is.
    (out / "notes-de-l-editeur.txt").write_text("à garder")
    (out / "theme" / "mine").mkdir(parents=True)
    (out / "theme" / "mine" / "logo.svg").write_text("<svg/>")
    # A hostile manifest entry pointing out of the folder is ignored.
    manifest["files"] += ["../outside.txt", str(outside), "theme/../../outside.txt"]
    (out / outputs.MANIFEST).write_text(json.dumps(manifest))

    delete_article(content)
    build(out, PATH=str(content))
    clean = tmp_path / "clean"
    build(clean, PATH=str(content))

    assert site_files(out) == site_files(clean) | {"notes-de-l-editeur.txt", "theme/mine/logo.svg"}
    assert not pages & files(out)
    assert not (out / "2025/02/cles-d-acces").exists()  # its emptied folder too
    shards = {f for f in first if f.startswith("pagefind/fragment/")}
    assert shards - files(out), "deleting an article changes the index: old shards go"
    assert outside.read_text() == "not the build's"
    owned = set(json.loads((out / outputs.MANIFEST).read_text())["files"])
    assert site_files(clean) <= owned and "notes-de-l-editeur.txt" not in owned


def test_warm_builds_keep_what_they_did_not_rewrite(content, tmp_path):
    """With the content cache, unchanged pages and a language's unchanged search index
    are not written again: they are still the build's, never removed."""
    out, cache = tmp_path / "output", tmp_path / "cache"
    warm = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(cache)}
    build(out, PATH=str(content), **warm)
    english = {p: p.stat().st_ctime_ns for p in (out / "pagefind").rglob("*en_*")}
    assert english
    # A French-only change: edit the French original only.
    original = content / "2025" / f"{GONE}.fr.md"
    original.write_text(original.read_text(encoding="utf-8") + "\nUne phrase de plus.\n",
                        encoding="utf-8")
    build(out, PATH=str(content), **warm)
    # The English index was kept as it was (not indexed again), and is still there.
    assert {p: p.stat().st_ctime_ns for p in english} == english
    clean = tmp_path / "clean"
    build(clean, PATH=str(content))
    assert site_files(out) == site_files(clean)


def test_a_failed_build_removes_nothing(content, tmp_path):
    out = tmp_path / "output"
    build(out, PATH=str(content))
    before = site_files(out)
    delete_article(content)
    with pytest.raises(SystemExit):  # strict build: the missing translation original etc.
        (content / "2026" / "casse.fr.md").write_text("Title: Cassé\n\nPas de date.\n")
        build(out, conf="publishconf.py", PATH=str(content), DELETE_OUTPUT_DIRECTORY=False,
              SITEURL="https://news.example.org")
    # Its pages stay (the search index is the one it wrote: a language indexed again
    # replaces its shards as it goes).
    assert {f for f in before if not f.startswith("pagefind/")} <= site_files(out)
    owned = set(json.loads((out / outputs.MANIFEST).read_text())["files"])
    assert site_files(out) <= owned  # all owned: the next good build removes what it does not write


def test_no_manifest_owns_nothing(tmp_path):
    out = tmp_path / "output"
    (out / "2020").mkdir(parents=True)
    (out / "2020" / "old.html").write_text("<p>old</p>")
    build(out, SEARCH={"enabled": False})
    assert (out / "2020" / "old.html").is_file()


@pytest.mark.parametrize("entry", ["../x", "/etc/passwd", "a/../../x", "", ".", "a\\..\\x"])
def test_entries_that_could_leave_the_folder_are_refused(tmp_path, entry):
    ledger = outputs.OutputLedger(tmp_path / "output")
    assert ledger._safe_path(entry) is None
    assert ledger.remove(entry) is False


def test_a_link_out_of_the_folder_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "page.html").write_text("keep")
    out = tmp_path / "output"
    out.mkdir()
    (out / "link").symlink_to(outside, target_is_directory=True)
    ledger = outputs.OutputLedger(out)
    assert ledger.remove("link/page.html") is False
    assert (outside / "page.html").read_text() == "keep"


def test_temporary_files_of_a_killed_build_are_removed_and_only_those(tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    (out / f"{outputs.TEMPORARY}abc").write_text("{")
    (out / f"{outputs.MARKER}def").write_text("")
    (out / ".well-known").mkdir()
    (out / ".htaccess").write_text("keep")
    outputs.OutputLedger(out)
    assert sorted(p.name for p in out.iterdir()) == [".htaccess", ".well-known"]
