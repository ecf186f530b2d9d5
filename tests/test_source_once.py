"""One content model (issue 19): each source is opened once by a build (its workers
included), its header parsed once (``newsroom.sources``); the item carries that
``Source``, through the reading workers and the content cache; lint and build say
the same of a bad header because they read the same parse."""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT, build

#: A build in its own process, with an audit hook that records every opening of a
#: Markdown file of the content folder, in this process and in the reading workers
#: forked from it (they inherit the hook and the log's descriptor).
BUILD_SCRIPT = r"""
import json, logging, os, sys

logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
content, output, cache, layer, preview, log_path, items_path = sys.argv[1:8]
LOG = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
CONTENT = os.path.realpath(content) + os.sep


def hook(event, args):
    if event != "open" or not args or isinstance(args[0], int):
        return
    path = os.path.abspath(os.fsdecode(args[0]))
    if path.startswith(CONTENT) and path.endswith(".md"):
        os.write(LOG, f"{os.getpid()}\t{path}\n".encode())


sys.addaudithook(hook)

from pelican import Pelican, signals
from pelican.settings import read_settings
from newsroom.changes import items_of

settings = read_settings("pelicanconf.py", override={
    "PATH": content, "OUTPUT_PATH": output, "CACHE_PATH": cache,
    "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CONTENT_CACHING_LAYER": layer,
    "PIPELINE": {"workers": 2, "min_files": 1}, "SEARCH": {"enabled": False}})
settings["EDITORIAL"] = {**settings["EDITORIAL"], "preview": preview == "preview"}
found = []


def record(generators):
    for _, item in items_of(generators):
        model = getattr(item, "newsroom_source", None)
        found.append({"path": os.path.abspath(item.source_path),
                      "model": type(model).__name__,
                      "same_path": model is not None and model.path == os.path.abspath(item.source_path),
                      "title": model.title if model is not None else None,
                      "lang": (model.lang, item.lang) if model is not None else None,
                      "in_metadata": "newsroom_source" in item.metadata})


signals.all_generators_finalized.connect(record)
Pelican(settings).run()
with open(items_path, "w", encoding="utf-8") as fh:
    json.dump({"pid": os.getpid(), "items": found}, fh)
"""

#: Sources written the way Pelican's documentation writes them, and the odd ones.
EXTRA = {
    "2026/pelican-style.md": "Title: Écrit comme Pelican\nDate: 2026-01-05 10:00\n"
                             "Category: IA\nAuthor: Jeanne Martin\nSlug: pelican-style\n"
                             "Summary: Un résumé écrit sur\n    deux lignes.\n"
                             "X-Custom: une valeur\n\nLe texte de l'article.\n",
    "2026/pelican-style-en.md": "Title: Written as Pelican does\nDate: 2026-01-05 10:00\n"
                                "Category: AI\nAuthor: Jeanne Martin\nLang: en\n"
                                "Slug: pelican-style\nTranslation: true\n\nThe text.\n",
    "2026/brouillon.fr.md": "Title: Un brouillon\nDate: 2026-01-06T10:00:00+01:00\n"
                            "Category: IA\nStatus: draft\n\nPas encore prêt.\n",
}
#: Not UTF-8 (saved as Latin-1): Pelican cannot read it; the build says where.
UNREADABLE = ("2026/latin1.fr.md", "Title: Caf\u00e9\nDate: 2026-01-07T10:00:00+01:00\n\n"
              "Un caf\u00e9 trop fort.\n".encode("latin-1"))


def _content(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for rel, text in EXTRA.items():
        (content / rel).write_text(text, encoding="utf-8")
    (content / UNREADABLE[0]).write_bytes(UNREADABLE[1])
    return content


def _build(tmp_path, content, layer, mode, run):
    log, items = tmp_path / f"opens-{run}.log", tmp_path / f"items-{run}.json"
    done = subprocess.run(
        [sys.executable, "-c", BUILD_SCRIPT, str(content), str(tmp_path / "out"),
         str(tmp_path / "cache"), layer, mode, str(log), str(items)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    opens = [line.split("\t") for line in log.read_text().splitlines()] if log.exists() else []
    result = json.loads(items.read_text(encoding="utf-8"))
    return opens, result, done.stderr


# (Pelican's "generator" caching layer cannot save this kit's items at all — "Could
# not save cache" — so only the reader layer, the default, keeps them.)
@pytest.mark.parametrize("layer, mode", [("reader", "preview"), ("reader", "publish")])
def test_each_source_is_opened_once_and_its_item_carries_its_model(tmp_path, layer, mode):
    content = _content(tmp_path)
    sources = sorted(str(p) for p in content.rglob("*.md"))
    opens, result, log = _build(tmp_path, content, layer, mode, "cold")
    counted = collections.Counter(path for _, path in opens)
    assert counted == {path: 1 for path in sources}, [
        (os.path.relpath(p, content), n) for p, n in counted.items() if n != 1]
    # Read by the workers (forked from the build: they carry the hook), not by the build.
    assert {int(pid) for pid, _ in opens} - {result["pid"]}
    # The file that cannot be read is reported with its line, from that one reading.
    assert f"/{UNREADABLE[0]}:1: not UTF-8 text: byte 0xe9" in log
    items = result["items"]
    assert {item["model"] for item in items} == {"Source"}
    assert all(item["same_path"] and not item["in_metadata"] for item in items)
    assert all(item["lang"][0] == item["lang"][1] for item in items)
    by_path = {os.path.relpath(item["path"], content): item for item in items}
    assert by_path["2026/pelican-style.md"]["title"] == "Écrit comme Pelican"
    assert ("2026/brouillon.fr.md" in by_path) == (mode == "preview")  # publish: left out

    # Warm: the content cache gives back what was read, models included; nothing it
    # holds is opened again (the unreadable file, never cached, is read once more).
    opens, result, _ = _build(tmp_path, content, layer, mode, "warm")
    counted = collections.Counter(path for _, path in opens)
    assert max(counted.values(), default=0) <= 1
    assert str(content / "2026/pelican-style.md") not in counted
    assert {item["model"] for item in result["items"]} == {"Source"}
    assert {item["path"] for item in result["items"]} == {item["path"] for item in items}


BAD_HEADER = ("Title: Un titre\n\tavec\x07 une cloche\nDate: 2026-02-30T10:00:00+01:00\n"
              "Category: IA\n\nTexte.\n")
BAD_TITLE = "Title: Un titre\n\tavec\x07 une cloche\nDate: 2026-02-03T10:00:00+01:00\nCategory: IA\n\nTexte.\n"


def test_lint_and_build_report_the_same_header_problems(tmp_path):
    """A header whose continuation line is indented with a tab (Markdown's ``meta``
    reads it as part of the title) holds a control character; another has a date that
    does not exist. The build and `newsroom lint` name the same lines, word for word."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "2026" / "mauvaise-date.fr.md").write_text(BAD_HEADER, encoding="utf-8")
    (content / "2026" / "cloche.fr.md").write_text(BAD_TITLE, encoding="utf-8")
    site = build(tmp_path / "out", PATH=str(content), PIPELINE={"workers": 0})
    lint = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "newsroom"), "lint", "--content",
         str(content)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    cwd = os.getcwd()
    os.chdir(ROOT)  # messages name files relative to the working directory
    try:
        names = [os.path.relpath(content / "2026" / n) for n in ("mauvaise-date.fr.md",
                                                                   "cloche.fr.md")]
    finally:
        os.chdir(cwd)
    built = [m for m in site.errors() + site.warnings()
             if any(m.startswith(n + ":") for n in names)]
    linted = [line for line in lint.stdout.splitlines()
              if any(line.startswith(n + ":") for n in names)]
    assert f"{names[0]}:3: invalid Date" in "\n".join(built)
    assert any(m.startswith(f"{names[1]}:2:") for m in built), built  # the tab-indented line
    assert built and set(built) <= set(linted), (built, linted)
