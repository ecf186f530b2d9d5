"""CI workflow and deploy targets."""

from __future__ import annotations

import shutil
import subprocess

import yaml

from .conftest import FIXTURES, ROOT


def workflow():
    return yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text())


def test_workflow_triggers_and_jobs():
    wf = workflow()
    triggers = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads `on` as True
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    build = wf["jobs"]["build"]
    runs = [step.get("run") for step in build["steps"] if "run" in step]
    assert runs == ["make lint", "make test", "make publish", "make check"]
    uses = [step.get("uses", "") for step in build["steps"]]
    assert any(u.startswith("actions/checkout@") for u in uses)
    assert any(u.startswith("actions/setup-python@") for u in uses)
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "output" and "push" in upload["if"]


def test_deploy_only_on_push_with_pages_permissions():
    deploy = workflow()["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert "push" in deploy["if"] and "pull_request" not in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


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
