"""Build real sites with Pelican into temporary folders and parse them."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Site:
    """A built site: its output folder and the log records of the build."""

    output: Path
    records: list = field(default_factory=list)

    def html_files(self):
        return sorted(self.output.rglob("*.html"))

    def soup(self, rel: str) -> BeautifulSoup:
        path = self.output / rel
        if path.is_dir() or rel.endswith("/") or rel == "":
            path = path / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def errors(self):
        return [r.getMessage() for r in self.records if r.levelno >= logging.ERROR]

    def warnings(self):
        return [r.getMessage() for r in self.records if r.levelno == logging.WARNING]


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def document_steps(steps, priority=0):
    """Connect extra document steps (``newsroom.phases``) for the length of a block."""
    from newsroom import phases

    for step in steps:
        phases.connect_step(step, priority)
    try:
        yield
    finally:
        for step in steps:
            phases.disconnect_step(step)


def build(output: Path, conf: str = "pelicanconf.py", steps=(), **overrides) -> Site:
    """Run a real Pelican build in this process (preview mode); ``steps``: extra
    document steps for this build only."""
    if steps:
        with document_steps(steps):
            return build(output, conf, **overrides)
    overrides.setdefault("OUTPUT_PATH", str(output))
    overrides.setdefault("PATH", str(ROOT / "content"))
    overrides.setdefault("CACHE_CONTENT", False)
    overrides.setdefault("LOAD_CONTENT_CACHE", False)
    cwd = os.getcwd()
    os.chdir(ROOT)  # pelicanconf imports and relative paths, as `make html` runs it
    handler = _Collect()
    root_logger = logging.getLogger()
    root_logger.addHandler(handler)
    try:
        settings = read_settings(str(ROOT / conf), override=overrides)
        Pelican(settings).run()
    finally:
        root_logger.removeHandler(handler)
        os.chdir(cwd)
    return Site(Path(output), handler.records)


def run_pelican(*args, env=None):
    """Run the pelican command line as make does; returns CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "pelican", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=300,
    )


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Site:
    """The sample site, built once per test session as `make html` builds it."""
    return build(tmp_path_factory.mktemp("sample") / "output")


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> Site:
    """The sample site built with publishconf.py (absolute URLs, feeds)."""
    out = tmp_path_factory.mktemp("published") / "output"
    return build(out, conf="publishconf.py", SITEURL="https://news.example.org")


# -- browser tests: Debian's chromium driven by Playwright -------------------
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def outside_event_loop(function, *args, **kwargs):
    """Call ``function`` on a thread of its own. Code that drives chromium with
    Playwright's sync API (``make check``'s axe-core run) refuses to start where an
    asyncio loop runs, and pytest-playwright's fixtures leave one running in this
    process once a test that uses them has run (which file runs first depends on
    the order, and on which worker process, with pytest-xdist, gets the file)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system chromium; Playwright adds --headless and --no-sandbox."""
    return {**browser_type_launch_args,
            "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            "args": CHROMIUM_ARGS}


def serve(directory):
    """Serve a folder on 127.0.0.1 (random port); returns (server, base URL)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def sample_url(sample_site):
    """Base URL of the sample site served on loopback."""
    server, url = serve(sample_site.output)
    yield url
    server.shutdown()


class Endpoint:
    """A sign-up endpoint on loopback (a newsletter provider stand-in).

    Records each request as (method, path, [(field, value)]); answers a POST
    with 303 to the form's "next" field when there is one, else 200.
    """

    def __init__(self):
        import http.server
        import threading
        from urllib.parse import parse_qs, parse_qsl, urlsplit

        self.requests = []
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
                endpoint.requests.append((self.command, urlsplit(self.path).path, form))
                target = dict(form).get("next")
                if target:
                    self.send_response(303)
                    self.send_header("Location", target)
                    self.end_headers()
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.end_headers()
                    self.wfile.write(b"ok")

            def do_GET(self):
                query = list(parse_qs(urlsplit(self.path).query).items())
                endpoint.requests.append((self.command, urlsplit(self.path).path, query))
                self.send_response(404)
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


def languages(*codes):
    """Settings for a build in ``codes`` only (a fixture written for fewer languages
    than the sample's): LANGUAGES, and pelicanconf's I18N_OVERRIDES and I18N_TAXONOMY
    cut down to them."""
    import pelicanconf

    return {
        "LANGUAGES": list(codes),
        "I18N_OVERRIDES": {k: v for k, v in pelicanconf.I18N_OVERRIDES.items() if k in codes},
        "I18N_TAXONOMY": {name: {k: v for k, v in names.items() if k in codes}
                          for name, names in pelicanconf.I18N_TAXONOMY.items()},
    }
