"""`make lint`: every planted problem reported at its line; the build logs the same text."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from newsroom import rules
from newsroom.cli import main

from .conftest import FIXTURES, ROOT, build, run_pelican

PLANTED = FIXTURES / "editor" / "lint"


def content_copy(tmp_path, *fixtures):
    """A temporary copy of content/ with fixture folders laid over it."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    for fixture in fixtures:
        shutil.copytree(fixture, target, dirs_exist_ok=True)
    return target


def run_cli(args, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    return content_copy(tmp_path_factory.mktemp("lint"), PLANTED)


def where(content, rel, line=None):
    path = os.path.relpath(content / rel, ROOT)
    return f"{path}:{line}: " if line else f"{path}: "


# (file, line, message fragment, severity)
EXPECTED = [
    ("2026/sans-categorie.fr.md", 1, "no Category", "error"),
    ("2026/heure-ete.fr.md", 2, "Date '2026-03-29 02:30' does not exist in Europe/Paris", "error"),
    ("2026/date-invalide.fr.md", 2, "invalid Date '2026-02-30T10:00:00+01:00'", "error"),
    ("2026/langue-inconnue.tlh.md", None, "language 'tlh' is not in LANGUAGES", "error"),
    ("2026/lang-conflit.fr.md", 3, "the file name says language 'fr' but its 'Lang:' line says 'en'",
     "warning"),
    ("2026/doublon.fr.md", 4, "slug 'sora-fuite' in language 'fr' is already used by", "error"),
    ("2026/orpheline.en.md", 5, "marked 'Translation: true' but no original with slug 'orpheline'",
     "error"),
    ("2026/images.fr.md", 8, "image without alt text", "error"),
    ("2026/images.fr.md", 10, "<img> without alt text", "error"),
    ("2026/liens.fr.md", 8, "{filename}/2024/absent.fr.md points to a file that does not exist",
     "error"),
    ("2026/liens.fr.md", 10, "{static}/images/absente.png points to a file that does not exist",
     "error"),
    ("2026/resume-long.fr.md", 4, "Summary is 216 characters long, more than 200", "warning"),
    ("2026/categorie-inconnue.fr.md", 3, "unknown category 'Sport'", "error"),
    ("images/hors-chemins.fr.md", None, "outside ARTICLE_PATHS and PAGE_PATHS", "error"),
]


@pytest.fixture(scope="module")
def lint_output(planted):
    """`newsroom lint` on the planted copy, as a subprocess (exit status and output)."""
    return subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "newsroom"), "lint", "--content",
         str(planted)], cwd=ROOT, capture_output=True, text=True, timeout=120)


def sections(stdout):
    """(error lines, warning lines) of lint's output."""
    errors, _, warnings = stdout.partition("Warnings:\n")
    return errors.strip().splitlines(), warnings.strip().splitlines()


@pytest.mark.parametrize("rel,line,fragment,severity", EXPECTED)
def test_each_planted_problem_is_reported_at_its_line(planted, lint_output, rel, line, fragment,
                                                       severity):
    errors, warnings = sections(lint_output.stdout)
    lines = errors if severity == "error" else warnings
    prefix = where(planted, rel, line)
    found = [entry for entry in lines if entry.startswith(prefix) and fragment in entry]
    assert found, f"{prefix}{fragment} not in {severity}s:\n{lint_output.stdout}"
    assert found[0].endswith(")"), "each problem ends with how to fix it, in parentheses"


def test_nothing_else_is_reported(planted, lint_output):
    """The sample content is clean; a code block's image and a valid link are not problems."""
    errors, warnings = sections(lint_output.stdout)
    assert len(errors) + len(warnings) == len(EXPECTED), lint_output.stdout
    assert "dans-un-bloc-de-code" not in lint_output.stdout
    assert "sora-fuite.fr.md)" not in lint_output.stdout  # the good {filename} link


def test_exit_status_and_summary(lint_output):
    assert lint_output.returncode == 1
    assert "lint: 12 error(s), 2 warning(s)" in lint_output.stderr


def test_clean_content_passes_and_warnings_alone_do_not_fail(tmp_path, capsys, monkeypatch):
    content = content_copy(tmp_path)
    code, out, _ = run_cli(["lint", "--content", str(content)], capsys, monkeypatch)
    assert (code, out) == (0, "")
    (content / "2026" / "resume-long.fr.md").write_text(
        (PLANTED / "2026" / "resume-long.fr.md").read_text())
    code, out, _ = run_cli(["lint", "--content", str(content)], capsys, monkeypatch)
    assert code == 0 and out.startswith("Warnings:\n")
    code, _, _ = run_cli(["lint", "--strict", "--content", str(content)], capsys, monkeypatch)
    assert code == 1


def test_make_lint_wraps_the_command(planted):
    result = subprocess.run(["make", "--no-print-directory", "lint", f"INPUTDIR={planted}"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "unknown category 'Sport'" in result.stdout


def test_a_draft_gets_warnings_where_a_published_article_gets_errors(tmp_path, capsys,
                                                                      monkeypatch):
    content = content_copy(tmp_path)
    (content / "2026" / "ebauche.fr.md").write_text(
        "Title: Ébauche\nDate: 2026-11-10T10:00:00+01:00\nCategory:\nSummary:\nStatus: draft\n\n"
        "Texte.\n")
    code, out, _ = run_cli(["lint", "--content", str(content)], capsys, monkeypatch)
    prefix = where(content, "2026/ebauche.fr.md", 3)
    assert code == 0
    assert f"{prefix}Category is empty (needed before publishing)" in out
    assert f"{where(content, '2026/ebauche.fr.md', 4)}Summary is empty" in out


# -- one implementation: the build logs the very same lines ------------------------

BUILD_CHECKED = set(rules.BUILD_RULES) | {"invalid_date", "unknown_language", "duplicate_slug",
                                          "orphan_translation"}


@pytest.fixture(scope="module")
def built(planted, tmp_path_factory):
    return build(tmp_path_factory.mktemp("lint-build") / "output", PATH=str(planted))


def test_build_logs_the_lint_messages_word_for_word(planted, built, monkeypatch):
    from pelican.settings import read_settings

    from newsroom import config, sources

    monkeypatch.chdir(ROOT)
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    ctx = rules.RuleContext.from_settings(settings, config.validate(settings), planted)
    problems = rules.lint(sources.scan(settings, planted), ctx)
    shared = [p for p in problems if p.rule in BUILD_CHECKED]
    assert len(shared) == len(EXPECTED) - 1  # all but the file the build never reads
    logged = built.errors() + built.warnings()
    for problem in shared:
        assert str(problem) in logged, f"{problem}\nnot logged by the build:\n" + "\n".join(logged)
        expected = built.errors() if problem.severity == rules.ERROR else built.warnings()
        assert str(problem) in expected, f"{problem} logged at the wrong level"


def test_preview_build_goes_on_and_strict_build_fails(planted, built, tmp_path):
    assert (built.output / "2026" / "11" / "images" / "index.html").is_file()
    assert not (built.output / "2026" / "11" / "doublon").exists()
    result = run_pelican(str(planted), "-o", str(tmp_path / "out"), "-s", "publishconf.py")
    assert result.returncode == 1
    assert "strict build failed" in result.stdout + result.stderr
    assert "unknown category 'Sport'" in result.stdout + result.stderr


def test_help_on_every_subcommand():
    newsroom = os.path.join(os.path.dirname(sys.executable), "newsroom")
    for command in ([], ["article"], ["translation"], ["translation-done"], ["lint"], ["status"],
                    ["serve"]):
        result = subprocess.run([newsroom, *command, "--help"], capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0 and result.stdout.startswith("usage: newsroom"), command
