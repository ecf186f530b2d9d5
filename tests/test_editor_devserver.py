"""`make devserver`: rebuilds on change, reloads the page, shows errors; nothing of it is published."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from .conftest import ROOT, build

ARTICLE = "2024/11/sora-fuite/"
SOURCE = "2024/sora-fuite.fr.md"
TITLE = "Des artistes font fuiter Sora pour dénoncer OpenAI"
NEWSROOM = str(Path(sys.executable).parent / "newsroom")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def wait_for(predicate, timeout=180, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except (OSError, ValueError):
            value = None
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Server:
    url: str
    content: Path
    output: Path
    process: subprocess.Popen
    log: Path

    def state(self):
        return json.loads(fetch(f"{self.url}/__build.json")[1])

    def wait_build(self, after, timeout=180):
        """Wait for a finished build newer than ``after``; return its state."""
        # (and no derivatives still encoded: their pages are built again when ready)
        return wait_for(lambda: (s := self.state())["build"] > after and not s["building"]
                        and not s.get("waiting") and s,
                        timeout, f"build > {after}; log:\n{self.log.read_text()[-3000:]}")

    def h1(self, rel=ARTICLE):
        status, html = fetch(f"{self.url}/{rel}")
        soup = BeautifulSoup(html, "html.parser")
        # (the typography plugin may put no-break spaces in French titles)
        text = soup.h1.get_text() if status == 200 and soup.h1 else None
        return text and text.replace("\xa0", " ").replace("\u202f", " ")

    def edit(self, rel, old, new):
        path = self.content / rel
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))


def start(command, tmp_path, port, **kwargs):
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content)
    log = tmp_path / "serve.log"
    process = subprocess.Popen(command, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"}, **kwargs)
    server = Server(f"http://127.0.0.1:{port}", content, tmp_path / "out", process, log)
    try:
        server.wait_build(0)
    except AssertionError:
        process.kill()
        raise
    return server


@pytest.fixture
def devserver(tmp_path):
    port = free_port()
    server = start([NEWSROOM, "serve", "--content", str(tmp_path / "content"), "--output",
                    str(tmp_path / "out"), "--port", str(port)], tmp_path, port)
    yield server
    if server.process.poll() is None:
        server.process.terminate()
        server.process.wait(timeout=30)


def test_devserver_rebuilds_after_an_edit(devserver):
    assert devserver.h1() == TITLE
    status, html = fetch(f"{devserver.url}/{ARTICLE}")
    script = BeautifulSoup(html, "html.parser").select_one("script[data-build-url]")
    assert script is not None and script["data-build-url"] == "/__build.json"
    assert fetch(f"{devserver.url}{script['src']}")[0] == 200
    before = devserver.state()["build"]
    devserver.edit(SOURCE, f"Title: {TITLE}", "Title: Sora : le titre a changé")
    wait_for(lambda: devserver.h1() == "Sora : le titre a changé", what="the new title")
    devserver.wait_build(before)
    devserver.process.terminate()
    assert devserver.process.wait(timeout=30) == 0
    assert "newsroom serve: stopped" in devserver.log.read_text()


def test_content_error_is_reported_and_the_server_goes_on(devserver):
    before = devserver.state()["build"]
    devserver.edit(SOURCE, "Date: 2024-11-27T09:30:00+01:00", "Date: 2024-13-27 10:00")
    state = devserver.wait_build(before)
    assert not state["ok"]
    assert any("sora-fuite.fr.md:2: invalid Date '2024-13-27 10:00'" in e for e in state["errors"])
    assert "invalid Date '2024-13-27 10:00'" in devserver.log.read_text()  # the terminal too
    assert fetch(f"{devserver.url}/")[0] == 200  # still serving
    devserver.edit(SOURCE, "Date: 2024-13-27 10:00", "Date: 2024-11-27T09:30:00+01:00")
    state = devserver.wait_build(state["build"])
    assert state["ok"] and state["errors"] == []


def test_a_failing_build_is_reported_and_the_server_goes_on(tmp_path):
    """A build that stops (here: a bad setting passed after --) is a failure, not a crash."""
    port = free_port()
    server = start([NEWSROOM, "serve", "--content", str(tmp_path / "content"), "--output",
                    str(tmp_path / "out"), "--port", str(port), "--", "-e",
                    'EDITORIAL={"preview": true, "now": "tomorrow"}'], tmp_path, port)
    try:
        state = server.state()
        assert state["ok"] is False and "EDITORIAL['now']" in state["failure"]
        assert "build FAILED" in server.log.read_text()
        assert server.process.poll() is None
        server.edit(SOURCE, f"Title: {TITLE}", "Title: Encore")
        assert server.wait_build(state["build"])["failure"]  # still watching, still reporting
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)


def test_previews_after_the_first_read_and_render_only_what_an_edit_changed(tmp_path):
    port = free_port()
    server = start([NEWSROOM, "serve", "--content", str(tmp_path / "content"), "--output",
                    str(tmp_path / "out"), "--port", str(port), "--", "-v"], tmp_path, port)
    try:
        assert (tmp_path / "cache" / "devserver-out").is_dir()  # next to the output folder
        before, mark = server.state()["build"], len(server.log.read_text())
        # The end of the body (no listing shows it) of an article with no translation
        # (whose status, shown in previews, an edit of the original changes).
        path = server.content / "2025" / "python-sans-gil.fr.md"
        path.write_text(path.read_text() + "\nUn paragraphe ajouté pendant la relecture.\n")
        state = server.wait_build(before)
        assert state["ok"] and state["kind"] == "pages", state
        status, html = fetch(f"{server.url}/2025/11/python-sans-gil/")
        assert "ajouté pendant la relecture" in html
        # The build process kept the site in memory: its page alone was rendered.
        rendered = re.findall(r"preview: (\d+) page job\(s\) rendered",
                              server.log.read_text()[mark:])
        assert rendered == ["1"], rendered
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)


def test_unknown_path_gets_the_404_page(devserver):
    status, html = fetch(f"{devserver.url}/nulle-part/")
    assert status == 404 and "<h1" in html


def test_make_devserver(tmp_path):
    port = free_port()
    server = start(["make", "--no-print-directory", "devserver", f"PORT={port}",
                    f"INPUTDIR={tmp_path / 'content'}", f"OUTPUTDIR={tmp_path / 'out'}",
                    f"PREVIEWDIR={tmp_path / 'preview'}"],
                   tmp_path, port, start_new_session=True)
    try:
        assert server.h1() == TITLE
        assert fetch(f"http://127.0.0.1:{port}/en/{ARTICLE}")[0] == 200
        assert (tmp_path / "preview" / ".newsroom-preview").is_file()
    finally:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=30)


def test_open_page_reloads_itself_and_shows_errors(devserver, page):
    page.goto(f"{devserver.url}/{ARTICLE}")
    expect(page.locator("h1")).to_have_text(TITLE)
    page.evaluate("window.__notReloaded = true")
    devserver.edit(SOURCE, f"Title: {TITLE}", "Title: Rechargée toute seule")
    expect(page.locator("h1")).to_have_text("Rechargée toute seule", timeout=120_000)
    assert page.evaluate("window.__notReloaded === undefined")  # a real reload, by the script
    devserver.edit(SOURCE, "Date: 2024-11-27T09:30:00+01:00", "Date: 2024-13-27 10:00")
    overlay = page.get_by_role("alert")
    expect(overlay).to_contain_text("invalid Date '2024-13-27 10:00'", timeout=120_000)
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_role("alert")).to_have_count(0)


# -- never in published output --------------------------------------------------

def test_reload_script_absent_from_publish_and_plain_preview(published_site, sample_site):
    for site in (published_site, sample_site):
        pages = list(site.output.rglob("*.html"))
        assert pages
        for path in pages:
            text = path.read_text()
            assert "livereload" not in text and "__build.json" not in text, path
        assert not list(site.output.rglob("livereload*"))
        assert not (site.output / "__build.json").exists()


def test_live_mode_is_refused_in_publish_builds(tmp_path):
    from pelicanconf import EDITORIAL

    with pytest.raises(Exception, match=r"EDITORIAL\['live'\] is for preview builds only"):
        build(tmp_path / "out", conf="publishconf.py", SITEURL="https://news.example.org",
              EDITORIAL={**EDITORIAL, "preview": False, "live": True})
