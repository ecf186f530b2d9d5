"""Build logs: plain one-line records where no one watches a terminal, every problem
with its file:line, and one summary line per repeated kind at the end.

(What a record costs is measured by `make bench`, not here.)
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys

import pytest

from newsroom import logs

from .conftest import ROOT, build

NO_SEARCH = ["-e", 'SEARCH={"enabled": false}']
ROBOTS = 3


def write_content(folder):
    """Three articles in a category the site does not have, one image without alt."""
    content = folder / "content"
    (content / "2026").mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "images", content / "images")
    for i in range(1, ROBOTS + 1):
        (content / "2026" / f"robot-{i}.fr.md").write_text(
            f"Title: Robot {i}\nDate: 2026-11-0{i} 10:00\nCategory: Robotique\n\nTexte {i}.\n",
            encoding="utf-8")
    (content / "2026" / "image.fr.md").write_text(
        "Title: Image\nDate: 2026-11-05 10:00\nCategory: IA\n\nTexte.\n\n"
        "![]({static}/images/card.png)\n", encoding="utf-8")
    return content


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in logs.CI_VARIABLES}
    return {**env, "COLUMNS": "200", **extra}


def pelican(content, output, conf="pelicanconf.py", env=None):
    return subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", conf,
         *NO_SEARCH], cwd=ROOT, capture_output=True, text=True, env=env or clean_env(),
        timeout=300)


def rel(path):
    return os.path.relpath(path, ROOT)


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    return write_content(tmp_path_factory.mktemp("logs"))


@pytest.mark.parametrize("conf", ["pelicanconf.py", "publishconf.py"])
def test_piped_build_logs_plain_lines_each_problem_and_a_summary(content, tmp_path, conf):
    result = pelican(content, tmp_path / "out", conf)
    assert result.returncode == (1 if conf == "publishconf.py" else 0), result.stderr[-2000:]
    lines = result.stderr.splitlines()
    # One plain line per record: level, then path:line: message (fix).
    for i in range(1, ROBOTS + 1):
        where = rel(content / "2026" / f"robot-{i}.fr.md")
        expected = f"ERROR    {where}:3: unknown category 'Robotique' (use one of: IA,"
        assert [line for line in lines if line.startswith(expected)], result.stderr
    image = rel(content / "2026" / "image.fr.md")
    assert [line for line in lines if line.startswith(f"ERROR    {image}:7: image without alt")]
    # No rich rendering: no time column, no colour codes, no source-file column.
    assert "\x1b[" not in result.stderr + result.stdout
    assert not [line for line in lines if line.startswith("[")]
    assert "strict.py:" not in result.stderr and "editorial.py:" not in result.stderr
    # The repeated kind is summed up once, the single one is not.
    summary = [line for line in lines if "summary:" in line]
    first = {rel(content / "2026" / f"robot-{i}.fr.md") + ":3" for i in range(1, ROBOTS + 1)}
    assert len(summary) == 1, result.stderr
    head, _, where = summary[0].partition(" (first: ")
    assert head == f"INFO     summary: {ROBOTS} error(s): unknown category '…'"
    assert where.rstrip(")") in first
    if conf == "publishconf.py":
        # The summary comes before the verdict, and the verdict still counts every problem.
        verdict = next(i for i, line in enumerate(lines) if "strict build failed" in line)
        assert lines.index(summary[0]) < verdict
        assert f"strict build failed: {ROBOTS + 1} error(s)" in lines[verdict]


def run_in_terminal(args, env):
    """Run a command with stdout and stderr on a pseudo-terminal; returns its output."""
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(args, cwd=ROOT, stdin=secondary, stdout=secondary, stderr=secondary,
                            env=env, close_fds=True)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: the process is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=300)
    os.close(primary)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_keeps_pelicans_console_and_ci_gets_plain_lines(content, tmp_path):
    args = [sys.executable, "-m", "pelican", str(content), "-o", str(tmp_path / "out"), "-s",
            "pelicanconf.py", *NO_SEARCH]
    code, output = run_in_terminal(args, clean_env(TERM="xterm"))
    assert code == 0, output[-2000:]
    assert "unknown category" in output
    assert "ERROR    " + rel(content / "2026") not in output  # rich's columns, not ours
    code, output = run_in_terminal(args, clean_env(TERM="xterm", CI="true"))
    assert code == 0, output[-2000:]
    assert "ERROR    " + rel(content / "2026" / "robot-") in output


def test_in_process_builds_keep_their_handlers_and_get_the_summary(content, tmp_path):
    import logging

    before = list(logging.getLogger().handlers)
    site = build(tmp_path / "out", PATH=str(content), SEARCH={"enabled": False})
    assert list(logging.getLogger().handlers) == before  # nothing left behind, nothing swapped
    assert len([m for m in site.errors() if "unknown category 'Robotique'" in m]) == ROBOTS
    summary = [r.getMessage() for r in site.records
               if r.name == "newsroom.summary" and r.levelno == logging.INFO]
    assert len(summary) == 1 and summary[0].startswith(
        f"summary: {ROBOTS} error(s): unknown category '…' (first: ")


@pytest.mark.parametrize("one,other", [
    ("content/a.fr.md:3: unknown category 'Sport' (use one of: IA, Sécurité)",
     "content/b.en.md:4: unknown category 'Robotics' (use one of: AI, Security)"),
    ("content/a.fr.md:4: Summary is 216 characters long, more than 200 (shorten it (or not))",
     "content/b.fr.md:4: Summary is 1,216 characters long, more than 200 (shorten it)"),
    ("seo: a.fr.md:8: Image 'images/x.jpg' is not a file this site publishes (put it there)",
     "seo: b.fr.md:9: Image 'images/y.png' is not a file this site publishes (put it there)"),
    ("content/a.fr.md:4: slug 'x' in language 'fr' is already used by content/2026/x.fr.md (a)",
     "content/b.fr.md:4: slug 'y' in language 'fr' is already used by content/2025/y.fr.md (b)"),
])
def test_problems_of_one_kind_share_a_kind(one, other):
    assert logs.kind_of(one)[1] == logs.kind_of(other)[1]
    assert logs.kind_of(one)[0] != logs.kind_of(other)[0]


def test_problems_of_different_kinds_do_not():
    one = logs.kind_of("content/a.fr.md:3: unknown category 'Sport' (fix)")
    other = logs.kind_of("content/a.fr.md:3: image without alt text (fix)")
    assert one[0] == other[0] == "content/a.fr.md:3"
    assert one[1] != other[1]


def test_ci_variables_make_it_plain():
    assert logs.want_plain({"CI": "true"}) and logs.want_plain({"GITHUB_ACTIONS": "true"})
