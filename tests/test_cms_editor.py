"""The web editor end to end: `newsroom cms` (decap-server + the live preview with
/admin/) on a copy of the sample site, driven in headless Chromium.

One server pair for the module, started as `make cms` starts it; one browser for
the session (pytest-playwright).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from bs4 import BeautifulSoup
from PIL import Image, ImageDraw

from newsroom import cms
from newsroom import sources as src_mod

from .conftest import ROOT

BROKEN = "Title: Un en-tête écrit à la main\nDate 2026-01-05\nCategory: IA\n\nTexte.\n"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "timezone_id": "Europe/Paris",
            "viewport": {"width": 1280, "height": 900}}


def git(repo, *args):
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as reply:
        return reply.status, dict(reply.headers), reply.read()


class Editor:
    """`newsroom cms` running in a copy of the project (its own git repository)."""

    def __init__(self, repo, process, url):
        self.repo, self.process, self.url = repo, process, url
        self.lines = []

    def build_count(self):
        return json.loads(get(self.url + "/__build.json")[2])["build"]

    def wait_build(self, after, timeout=90):
        """Wait for a build newer than ``after`` (and not building)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = json.loads(get(self.url + "/__build.json")[2])
            if state["build"] > after and not state["building"]:
                return state
            time.sleep(0.2)
        raise AssertionError("no build after the save:\n" + "\n".join(self.lines[-30:]))


def install_editor():
    """decap-server and the verified bundle, installed on first use as `make cms` does."""
    done = subprocess.run(["make", "--no-print-directory", "cms-install"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    install_editor()
    repo = tmp_path_factory.mktemp("cms-site")
    shutil.copytree(ROOT / "content", repo / "content")
    for name in ("theme", "plugins", "pelicanconf.py", "publishconf.py"):
        os.symlink(ROOT / name, repo / name)
    (repo / "content/2026/entete-illisible.fr.md").write_text(BROKEN, encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitignore").write_text("output/\npreview/\ncache/\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "sample")
    port = cms.free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "newsroom.cli", "cms", "--port", str(port)], cwd=repo,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUTF8": "1", "PYTHONPATH": str(ROOT)})
    running = Editor(repo, process, f"http://127.0.0.1:{port}")
    threading.Thread(target=lambda: running.lines.extend(process.stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError("newsroom cms stopped:\n" + "\n".join(running.lines))
            try:
                if running.build_count() >= 1:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise AssertionError("newsroom cms did not build:\n" + "\n".join(running.lines))
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def open_editor(page, editor, hash_=""):
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(editor.url + "/admin/" + hash_)
    page.get_by_role("button", name="Login").click()


def publish(page, shot):
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now").click()
    try:
        page.get_by_text("Changes saved").first.wait_for(timeout=30000)
    except Exception:
        page.screenshot(path=str(shot))
        raise


def test_the_editor_is_self_hosted_and_pinned(page, editor):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    started = time.monotonic()
    open_editor(page, editor)
    page.get_by_text("Articles 2026", exact=True).first.wait_for(timeout=60000)
    print(f"editor loaded in {time.monotonic() - started:.2f} s")
    assert requests and all(url.startswith(editor.url + "/") or url.startswith(("blob:", "data:"))
                            for url in requests), requests
    pin = json.loads((ROOT / "cms/decap.json").read_text())
    bundle = ROOT / "node_modules/.decap-cms" / pin["version"]
    assert (bundle / ".integrity").read_text().strip() == pin["integrity"]
    status, headers, served = get(editor.url + "/admin/decap-cms.js")
    assert served == (bundle / "decap-cms.js").read_bytes()
    assert "script-src 'self' 'unsafe-eval'" in headers["Content-Security-Policy"]
    # the readers' pages are served as before: no editor policy on them
    assert "Content-Security-Policy" not in get(editor.url + "/")[1]
    # decap-server listens on 127.0.0.1 only
    port = int(next(line for line in editor.lines if "decap-server (pid" in line)
               .split("127.0.0.1:")[1].split("/")[0])
    assert listening_addresses(port) == {"127.0.0.1"}


def listening_addresses(port):
    """Local addresses listening on ``port`` (Linux: /proc/net/tcp and tcp6)."""
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(name):
            continue
        with open(name) as fh:
            for line in list(fh)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, _, hex_port = local.partition(":")
                if state != "0A" or int(hex_port, 16) != port:
                    continue
                if len(address) == 8:  # IPv4, little-endian
                    found.add(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
                else:
                    found.add("::" if set(address) == {"0"} else address)
    return found


def test_create_a_french_article_and_its_english_translation(page, editor, tmp_path):
    image = tmp_path / "navigateur.png"
    picture = Image.new("RGB", (1200, 800), (30, 60, 120))
    draw = ImageDraw.Draw(picture)
    for x in range(0, 1200, 60):
        draw.line([(x, 0), (1200 - x, 800)], fill=(240, 200, 40), width=6)
    picture.save(image)
    open_editor(page, editor, "#/collections/articles-2026/new")
    title = page.get_by_label("Title")
    title.nth(0).fill("Écrire dans le navigateur")
    page.get_by_role("button", name="Now").first.click()
    category = page.locator("label:has-text('Category')").first.get_attribute("for")
    page.locator(f"#{category}").first.click(force=True)
    page.keyboard.type("Logiciel")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Choose an image").first.click()
    page.locator("input[type=file]").set_input_files(str(image))
    page.get_by_role("button", name="Choose selected").click()
    page.get_by_label("Lead image: alt text").nth(0).fill("Des traits jaunes sur fond bleu")
    bodies = page.locator('[data-slate-editor="true"]')
    bodies.nth(0).click()
    page.keyboard.type("Premier paragraphe, écrit dans le navigateur.\n\n- un\n- deux\n")
    title.nth(1).fill("Writing in the browser")
    page.get_by_label("Lead image: alt text").nth(1).fill("Yellow lines on a blue background")
    bodies.nth(1).click()
    page.keyboard.type("First paragraph, written in the browser.\n")
    before = editor.build_count()
    publish(page, tmp_path / 'saved.png')

    folder = editor.repo / "content/2026"
    fr_path, en_path = folder / "ecrire-dans-le-navigateur.fr.md", folder / "ecrire-dans-le-navigateur.en.md"
    fr_text = fr_path.read_text(encoding="utf-8")
    assert fr_text.startswith("Title: Écrire dans le navigateur\nDate: 2026-")
    assert "\nCategory: Logiciel libre\n" in fr_text and "\nStatus: draft\n" in fr_text
    assert "\nImage: images/lead/navigateur.png\nImageAlt: Des traits jaunes sur fond bleu\n" in fr_text
    assert fr_text.endswith("\n\nPremier paragraphe, écrit dans le navigateur.\n\n- un\n- deux\n")
    settings = {"PATH": str(editor.repo / "content"), "DEFAULT_LANG": "fr",
                "FILENAME_METADATA": r"(?P<slug>[^.]+)(?:\.(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?))?$"}
    original = src_mod.read_source(fr_path, settings, editor.repo / "content", "article")
    en = src_mod.read_source(en_path, settings, editor.repo / "content", "article")
    assert en.is_translation and en.recorded_fingerprint == src_mod.fingerprint(original)
    assert en.get("category") == "Open source" and en.get("imagealt") == "Yellow lines on a blue background"
    assert (editor.repo / "content/images/lead/navigateur.png").read_bytes() == image.read_bytes()

    lint = subprocess.run([sys.executable, "-m", "newsroom.cli", "lint"], cwd=editor.repo,
                          capture_output=True, text=True, env={**os.environ, "PYTHONUTF8": "1"})
    problems = [line for line in lint.stdout.splitlines() if "entete-illisible" not in line
                and line.strip() and line != "Warnings:"]
    assert problems == [], lint.stdout
    editor.wait_build(before)
    output = editor.repo / "preview"  # newsroom cms builds into the preview's own folder
    page_fr = BeautifulSoup((output / "drafts/ecrire-dans-le-navigateur/index.html").read_text(), "html.parser")
    links = {link["hreflang"]: link["href"] for link in page_fr.select('link[rel="alternate"][hreflang]')}
    assert links.get("en", "").endswith("/en/drafts/ecrire-dans-le-navigateur/"), links
    assert (output / "en/drafts/ecrire-dans-le-navigateur/index.html").is_file()
    derivatives = sorted(p.name for p in (output / "img").glob("navigateur-*"))
    assert {name.rsplit(".", 1)[1] for name in derivatives} >= {"jpg", "webp", "avif"}, derivatives


def test_editing_a_title_changes_that_line_only(page, editor, tmp_path):
    open_editor(page, editor, "#/collections/articles-2024/entries/sora-fuite")
    title = page.get_by_label("Title").nth(0)
    title.wait_for(timeout=60000)
    title.fill("Des artistes font fuiter Sora pour protester contre OpenAI")
    publish(page, tmp_path / "saved.png")
    diff = git(editor.repo, "diff", "-U0", "--", "content/2024")
    changed = [line for line in diff.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["-Title: Des artistes font fuiter Sora pour dénoncer OpenAI",
                       "+Title: Des artistes font fuiter Sora pour protester contre OpenAI"], diff


def test_a_header_the_format_cannot_read_is_shown_and_never_rewritten(page, editor):
    open_editor(page, editor, "#/collections/articles-2026-files/entries/entete-illisible.fr")
    alert = page.locator('[data-pelican-problem="shown"]')
    alert.wait_for(timeout=60000)
    assert 'line 2 ("Date 2026-01-05") is neither `Key: value` nor a blank line' in alert.inner_text()
    # and the preview build's path:line problem for the file
    shown = page.locator("[data-build-problems]").first
    shown.wait_for(timeout=30000)
    assert "content/2026/entete-illisible.fr.md:" in shown.inner_text()
    page.get_by_label("Title").first.fill("Autre titre")
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now").click()
    page.get_by_text("cannot be edited here").first.wait_for(timeout=30000)
    path = editor.repo / "content/2026/entete-illisible.fr.md"
    assert path.read_text(encoding="utf-8") == BROKEN


def test_an_outdated_translation_is_shown_and_marked_done_in_the_browser(page, editor, tmp_path):
    # after the previous test, the French title changed: the English version is outdated
    open_editor(page, editor, "#/collections/articles-2024/entries/sora-fuite")
    state = page.locator('[data-translation-status] [data-lang="en"]').first
    state.wait_for(timeout=60000)
    assert state.get_attribute("data-state") == "outdated"
    assert "OUTDATED" in state.inner_text()
    page.get_by_label("Translation matches its original now").nth(1).click()
    publish(page, tmp_path / "saved.png")
    fr = src_mod.read_source(editor.repo / "content/2024/sora-fuite.fr.md")
    en_text = (editor.repo / "content/2024/sora-fuite.en.md").read_text(encoding="utf-8")
    assert f"\nTranslation-Of: {src_mod.fingerprint(fr)}\n" in en_text
    assert "Newsroom-Translation-Done" not in en_text and "\nImage:" not in en_text
    diff = git(editor.repo, "diff", "--stat", "--", "content/2024")
    assert "sora-fuite.en.md | 2 +-" in diff, diff
    rows = json.loads(get(editor.url + "/admin/status.json")[2])
    row = next(r for r in rows if r["slug"] == "sora-fuite")
    assert row["languages"]["en"]["state"] == "current"


def test_an_article_in_english_only_is_edited_one_file_at_a_time(page, editor, tmp_path):
    open_editor(page, editor, "#/collections/articles-2026-files/entries/columnar-storage-explained.en")
    title = page.get_by_label("Title").first
    title.wait_for(timeout=60000)
    assert title.input_value().strip()
    title.fill("Columnar storage, explained again")
    publish(page, tmp_path / "saved.png")
    diff = git(editor.repo, "diff", "-U0", "--", "content/2026/columnar-storage-explained.en.md")
    changed = [line for line in diff.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 2 and changed[1] == "+Title: Columnar storage, explained again", diff
