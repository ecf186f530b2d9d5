"""CI workflow and deploy targets."""

from __future__ import annotations

import shutil
import subprocess

import yaml

from .conftest import FIXTURES, ROOT


def workflow():
    return yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text())


def triggers(wf):
    return wf[True] if True in wf else wf["on"]  # YAML 1.1 reads `on` as True


def steps(wf):
    return wf["jobs"]["build"]["steps"]


def step_running(wf, command):
    return next(s for s in steps(wf) if s.get("run", "").startswith(command))


def test_workflow_triggers_and_jobs():
    wf = workflow()
    on = triggers(wf)
    assert on["push"]["branches"] == ["main"] and "pull_request" in on
    makes = [line.split()[:2] for step in steps(wf) for line in step.get("run", "").splitlines()
             if line.strip().startswith("make ")]
    assert makes == [["make", "venv"], ["make", "lint"], ["make", "test"], ["make", "publish"]]
    uses = [step.get("uses", "") for step in steps(wf)]
    assert any(u.startswith("actions/checkout@") for u in uses)
    assert any(u.startswith("actions/setup-python@") for u in uses)
    upload = next(s for s in steps(wf)
                  if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "output"
    assert upload["if"] == "github.event_name != 'pull_request'"


def test_deploy_never_from_a_pull_request_with_pages_permissions():
    deploy = workflow()["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["if"] == "github.event_name != 'pull_request'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_an_hourly_scheduled_publish_without_the_tests():
    wf = workflow()
    (schedule,) = triggers(wf)["schedule"]
    minute, hour, *rest = schedule["cron"].split()
    assert minute.isdigit() and 0 <= int(minute) < 60 and hour == "*" and rest == ["*"] * 3
    # It publishes and deploys (every event but a pull request does) ...
    assert "if" not in step_running(wf, "make publish")
    # ... and skips the test suite, which runs only when the code changed.
    tests = step_running(wf, "make test")
    changes = next(s for s in steps(wf) if s.get("id") == "changes")
    assert tests["if"] == "steps.changes.outputs.code == 'true'"
    assert changes["run"].startswith(".ci/code-changed ") and "$GITHUB_OUTPUT" in changes["run"]
    assert steps(wf).index(changes) < steps(wf).index(tests)


def test_virtualenv_and_build_caches():
    wf = workflow()
    caches = {s["with"]["path"]: s for s in steps(wf)
              if s.get("uses", "").startswith("actions/cache@")}
    assert set(caches) == {".venv", "cache"}
    # Exact: the Python version and the pins; a restored one is marked current for make.
    venv = caches[".venv"]["with"]
    assert "steps.python.outputs.python-version" in venv["key"]
    assert "hashFiles('requirements.txt', 'pyproject.toml')" in venv["key"]
    assert "restore-keys" not in venv
    make_venv = next(s for s in steps(wf) if "make venv" in s.get("run", ""))
    assert "touch .venv/.installed" in make_venv["run"]
    assert "cache-hit" in str(make_venv.get("env"))
    # Broad: any earlier build's cache/ (content and images) is restored; the build's
    # own fingerprints decide what in it is still good, so the publish must use it.
    build_cache = caches["cache"]["with"]
    assert build_cache["restore-keys"].strip() == "build-cache-${{ runner.os }}-"
    assert build_cache["key"].startswith("build-cache-${{ runner.os }}-")
    publish = step_running(wf, "make publish")["run"]
    assert "CACHE_CONTENT=true" in publish and "LOAD_CONTENT_CACHE=true" in publish
    # Both restored before any make step.
    first_make = next(i for i, s in enumerate(steps(wf)) if "make " in s.get("run", ""))
    assert all(steps(wf).index(c) < first_make for c in caches.values())


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def code_changed(repo, event, base=""):
    result = subprocess.run([str(repo / ".ci/code-changed"), event, base], cwd=repo,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_code_changed_tells_content_from_code(tmp_path):
    """The workflow's own script, on a real repository."""
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy2(ROOT / ".ci/code-changed", repo / ".ci/code-changed")
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ci@example.org")
    git(repo, "config", "user.name", "CI")
    (repo / "content").mkdir()
    (repo / "content/a.fr.md").write_text("Title: A\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "start")

    def commit(path):
        before = git(repo, "rev-parse", "HEAD")
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(f"{path}\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", f"change {path}")
        return before

    for path, code in [("content/2026/b.fr.md", "false"), ("content/images/b.png", "false"),
                       ("README.md", "false"), ("plugins/seo/seo.py", "true"),
                       ("theme/templates/base.html", "true"), ("newsroom/rules.py", "true"),
                       ("tests/test_x.py", "true"), ("pelicanconf.py", "true"),
                       ("publishconf.py", "true"), ("requirements.txt", "true"),
                       ("pyproject.toml", "true")]:
        base = commit(path)
        assert code_changed(repo, "push", base) == f"code={code}", path
        assert code_changed(repo, "pull_request", base) == f"code={code}", path
    assert code_changed(repo, "schedule") == "code=false"
    assert code_changed(repo, "workflow_dispatch") == "code=true"
    # A new branch (no previous head) or a base that cannot be found: test.
    assert code_changed(repo, "push", "0" * 40) == "code=true"
    assert code_changed(repo, "push", "") == "code=true"
    assert code_changed(repo, "push", "1234567" * 5 + "12345") == "code=true"


def test_ci_script_runs_make_test():
    assert "make test" in (ROOT / ".ci/run").read_text()


def test_deploy_targets_refuse_a_site_that_fails_the_check(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "check_site", site)
    dest = tmp_path / "dest"
    for target in (["deploy-rsync", f"RSYNC_DEST={dest}/"], ["deploy-ghpages"]):
        result = subprocess.run(["make", "--no-print-directory", *target, f"OUTPUTDIR={site}"],
                                cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert result.returncode != 0, target
        assert "check: FAILED" in result.stdout, target
        assert "rsync -avz" not in result.stdout and "ghp-import" not in result.stdout
    assert not dest.exists()
