"""The editorial workflow: decap-server in git mode on a checkout of its own; a draft is
a branch, publishing merges it (no site build here: /admin/ on a bare server)."""

from __future__ import annotations

import http.server
import os
import shutil
import threading

import pytest

from newsroom import cms
from newsroom.cli import Project, build_parser
from newsroom.serve import LiveState, make_handler

from .conftest import ROOT
from .test_cms_editor import browser_context_args, git, install_editor  # noqa: F401 (Paris clock)


@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    install_editor()
    repo = tmp_path_factory.mktemp("cms-workflow")
    shutil.copytree(ROOT / "content", repo / "content")
    shutil.copy(ROOT / "pelicanconf.py", repo / "pelicanconf.py")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Rédaction")  # decap-server commits as the checkout's user
    git(repo, "config", "user.email", "redaction@example.org")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "sample")
    args = build_parser().parse_args(["lint", "-s", str(repo / "pelicanconf.py"),
                                      "--content", str(repo / "content")])
    project = Project(args)
    process, api = cms.start_backend(repo, "git")
    empty = repo / "site"
    empty.mkdir()
    admin = cms.Admin(project, api, repo, workflow=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(str(empty), LiveState(), admin))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield repo, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        cms.stop(process)


def test_a_draft_is_a_branch_and_publishing_merges_it(page, workflow, tmp_path):
    repo, url = workflow
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(url + "/admin/#/collections/articles-2026/new")
    page.get_by_role("button", name="Login").click()
    try:
        page.get_by_label("Title").nth(0).fill("Un brouillon en relecture")
        page.get_by_role("button", name="Now").first.click()
        category = page.locator("label:has-text('Category')").first.get_attribute("for")
        page.locator(f"#{category}").first.click(force=True)
        page.keyboard.type("Données")
        page.keyboard.press("Enter")
        page.locator('[data-slate-editor="true"]').nth(0).click()
        page.keyboard.type("Un texte à relire.\n")
        page.get_by_role("button", name="Save").first.click()
        page.get_by_text("Changes saved").first.wait_for(timeout=30000)
        branch = "cms/articles-2026/un-brouillon-en-relecture"
        assert branch in git(repo, "branch", "--list", "cms/*")
        path = "content/2026/un-brouillon-en-relecture.fr.md"
        assert git(repo, "ls-tree", "main", "--", path) == ""  # not on main yet
        draft = git(repo, "show", f"{branch}:{path}")
        assert draft.startswith("Title: Un brouillon en relecture\nDate: 2026-")
        page.get_by_role("button", name="Draft").first.click()
        page.get_by_text("Ready", exact=True).first.click()
        page.get_by_text("Changes saved").first.wait_for(timeout=30000)
        page.get_by_role("button", name="Publish").first.click()
        page.get_by_text("Publish now").click()
        page.get_by_text("Entry published").first.wait_for(timeout=30000)
    except Exception:
        page.screenshot(path=str(tmp_path / "workflow.png"), full_page=True)
        raise
    assert git(repo, "show", f"main:{path}") == draft
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"


def test_the_api_answers_the_editor_only(workflow):
    import json
    import urllib.error
    import urllib.request

    repo, url = workflow

    def post(headers):
        request = urllib.request.Request(url + "/admin/api/v1", method="POST", headers=headers,
                                         data=json.dumps({"action": "info"}).encode())
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    assert post({"Content-Type": "application/json"})[0] == 200
    assert post({"Content-Type": "application/json", "Origin": url})[0] == 200
    code, body = post({"Content-Type": "application/json", "Origin": "https://evil.example"})
    assert code == 403 and "another site" in body["error"]
    code, body = post({"Content-Type": "text/plain"})  # a form or no-cors fetch from a page
    assert code == 403 and body["error"] == "JSON requests only"
    port = url.rsplit(":", 1)[1]
    code, body = post({"Content-Type": "application/json", "Host": f"attacker.example:{port}"})
    assert code == 403 and "Host" in body["error"]
