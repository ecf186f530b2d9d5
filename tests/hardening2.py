"""Shared by the tests of the second hardening round (tests/test_hardening2_*.py): a small
real content folder, `newsroom lint` on it, a preview build and a strict (publish) build."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import FIXTURES, ROOT, _Collect, build

SITEURL = "https://news.example.org"
NO_SEARCH = {"SEARCH": {"enabled": False}}  # Pagefind's run is not what these tests check


def make_content(target: Path) -> Path:
    """The malformed-content tests' good articles, and the site's images."""
    shutil.copytree(FIXTURES / "malformed" / "base", target)
    shutil.copytree(ROOT / "content" / "images", target / "images")
    return target


def lint(content: Path):
    """(exit status, stdout, stderr) of `newsroom lint --content`, as `make lint` runs it."""
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "newsroom"), "lint",
                             "--content", str(content)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def lint_fails_with(content: Path, messages) -> str:
    """`newsroom lint` fails, with no traceback, printing each of ``messages``; its output."""
    code, out, err = lint(content)
    assert code == 1 and "Traceback" not in out + err
    for message in messages:
        assert message in out, (message, out)
    return out


def preview(content: Path, output: Path, **settings):
    return build(output, PATH=str(content), **{**NO_SEARCH, **settings})


def strict(content: Path, output: Path, **settings):
    """A publish build (publishconf.py, strict): (exit status, messages logged, tracebacks)."""
    handler = _Collect()
    logging.getLogger().addHandler(handler)
    try:
        build(output, conf="publishconf.py", PATH=str(content), SITEURL=SITEURL,
              **{**NO_SEARCH, **settings})
        code = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        logging.getLogger().removeHandler(handler)
    messages = [r.getMessage() for r in handler.records if r.levelno >= logging.WARNING]
    return code, messages, [r.getMessage() for r in handler.records if r.exc_info]


def where(path: Path, line=None) -> str:
    """``path:line`` as lint and the build print it (relative to the project folder)."""
    rel = os.path.relpath(path, ROOT)
    return f"{rel}:{line}" if line else rel
