"""`newsroom serve`: live preview for editors.

Builds the preview site in a subprocess (so changes to plugins/ and newsroom/
take effect), serves it with http.server on 127.0.0.1, watches content/,
theme/, plugins/, newsroom/ and the settings with watchfiles, and rebuilds on
every change. Open pages poll ``/__build.json`` (served from memory, never
written to the site) through the reload script the editorial plugin injects
in these builds only, reload when a build finishes, and show its errors and
warnings over the page. A failing build is reported and the server goes on.
"""

from __future__ import annotations

import collections
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time

from .config import EditorialSettingsError

BUILD_URL = "/__build.json"


class LiveState:
    """The last build's result, as served at /__build.json."""

    def __init__(self):
        self._lock = threading.Lock()
        self._data = {"build": 0, "building": False, "ok": None, "errors": [], "warnings": [],
                      "failure": None, "seconds": None}

    def update(self, **values):
        with self._lock:
            self._data.update(values)

    def finish(self, **values):
        with self._lock:
            self._data.update(values, building=False, build=self._data["build"] + 1)

    def as_bytes(self) -> bytes:
        with self._lock:
            return json.dumps(self._data, ensure_ascii=False).encode("utf-8")


def make_handler(directory, state):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=directory, **kwargs)

        def _send_state(self, head=False):
            body = state.as_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def do_GET(self):
            if self.path.split("?", 1)[0] == BUILD_URL:
                return self._send_state()
            return super().do_GET()

        def do_HEAD(self):
            if self.path.split("?", 1)[0] == BUILD_URL:
                return self._send_state(head=True)
            return super().do_HEAD()

        def send_error(self, code, message=None, explain=None):
            page = os.path.join(directory, "404.html")
            if code == 404 and os.path.isfile(page):
                with open(page, "rb") as fh:
                    body = fh.read()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                return
            super().send_error(code, message, explain)

        def end_headers(self):
            # Always the fresh build: no browser cache in live preview.
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_message(self, format, *args):
            pass

    return Handler


def split_overrides(args):
    """(KEY=VALUE pairs given with ``-e``/``--extra-settings``, the other arguments).

    Pelican keeps only the last ``-e`` group, so the preview's own settings and
    the user's are passed in one.
    """
    pairs, rest, taking = [], [], False
    for arg in args:
        if arg in ("-e", "--extra-settings"):
            taking = True
        elif taking and not arg.startswith("-"):
            pairs.append(arg)
        else:
            taking = False
            rest.append(arg)
    return pairs, rest


class Builder:
    """Runs one preview build at a time in a subprocess and records its result.

    Previews use Pelican's content cache (and so the pipeline's warm rebuilds:
    after an edit, only the sources and pages it changed are read and rendered),
    kept next to the output folder (``cache/devserver-<output folder name>``);
    ``-- -e LOAD_CONTENT_CACHE=false`` turns it off.
    """

    def __init__(self, project, output, extra, state, report_path):
        self.project = project
        self.output = output
        self.state = state
        self.report_path = report_path
        self.process = None
        editorial = dict(project.settings.get("EDITORIAL") or {})
        # Values as Pelican's -e takes them: JSON.
        settings = {"CACHE_CONTENT": "true", "LOAD_CONTENT_CACHE": "true",
                    "CACHE_PATH": json.dumps(os.path.dirname(report_path)),
                    **{k: json.dumps(v, ensure_ascii=False)
                       for k, v in getattr(project, "overrides", {}).items() if k != "EDITORIAL"}}
        pairs, self.extra = split_overrides(extra)
        for pair in pairs:
            key, _, value = pair.partition("=")
            settings[key] = value  # the user's last
        try:
            given = json.loads(settings.pop("EDITORIAL", "{}"))
        except ValueError:
            given = None
        if not isinstance(given, dict):
            raise EditorialSettingsError("-e EDITORIAL=… must be a JSON object, "
                                         "e.g. -e 'EDITORIAL={\"strict\": true}'")
        editorial.update(given)
        editorial.update(live=True, live_report=report_path)  # the live settings stay
        self.command = [
            sys.executable, "-m", "pelican", project.root, "-o", output,
            "-s", project.settings_path,
            "-e", "EDITORIAL=" + json.dumps(editorial, ensure_ascii=False, default=str),
            *(f"{key}={value}" for key, value in settings.items()),
            *self.extra,
        ]

    def build(self):
        self.state.update(building=True)
        started = time.monotonic()
        if os.path.exists(self.report_path):
            os.remove(self.report_path)
        tail = collections.deque(maxlen=60)
        # A session of its own: stopping the build stops its worker processes too.
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            encoding="utf-8", errors="replace", env={**os.environ, "COLUMNS": "200"},
            start_new_session=True)
        for line in self.process.stdout:
            sys.stdout.write(line)
            tail.append(line.rstrip())
        code = self.process.wait()
        self.process = None
        report = {}
        if os.path.exists(self.report_path):
            with open(self.report_path, encoding="utf-8") as fh:
                report = json.load(fh)
        errors, warnings = report.get("errors", []), report.get("warnings", [])
        failure = None
        if code != 0:
            failure = "\n".join(line for line in tail if line.strip())[-6000:] or f"exit {code}"
        seconds = round(time.monotonic() - started, 1)
        self.state.finish(ok=code == 0 and not errors, errors=errors, warnings=warnings,
                          failure=failure, seconds=seconds)
        if failure:
            summary = f"build FAILED (exit {code}) in {seconds} s; the server goes on"
        else:
            summary = f"built in {seconds} s: {len(errors)} error(s), {len(warnings)} warning(s)"
        print(f"newsroom serve: {summary}", flush=True)

    def stop(self):
        process = self.process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def watched_paths(project):
    """content/, the theme, the plugin folders, this package and the settings file."""
    settings = project.settings
    candidates = [project.root, settings.get("THEME"), *(settings.get("PLUGIN_PATHS") or []),
                  os.path.dirname(os.path.abspath(__file__)), os.path.abspath(project.settings_path)]
    paths = []
    for path in candidates:
        if path and os.path.exists(path) and os.path.abspath(path) not in paths:
            paths.append(os.path.abspath(path))
    return paths


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(project, host="127.0.0.1", port=8000, output="output", extra=()):
    import watchfiles

    output = os.path.abspath(output)
    os.makedirs(output, exist_ok=True)
    state = LiveState()
    server = http.server.ThreadingHTTPServer((host, port), make_handler(output, state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://{host}:{server.server_address[1]}/"
    previous = signal.signal(signal.SIGTERM, _interrupt)
    # Next to the cache, at the same path every time: the path is in the settings,
    # which the cache's fingerprint covers, so a restarted server starts warm.
    # One per output folder: two servers side by side keep apart.
    cache = os.path.join(os.path.dirname(output), "cache", f"devserver-{os.path.basename(output)}")
    os.makedirs(cache, exist_ok=True)
    builder = Builder(project, output, list(extra), state,
                      os.path.join(cache, "live-report.json"))
    paths = watched_paths(project)
    print(f"newsroom serve: {url} (Ctrl-C to stop); watching "
          f"{', '.join(os.path.relpath(p) for p in paths)}", flush=True)
    try:
        builder.build()
        print(f"newsroom serve: {url}", flush=True)
        watch_filter = watchfiles.DefaultFilter(ignore_paths=[output])
        for changes in watchfiles.watch(*paths, watch_filter=watch_filter, debounce=400,
                                        step=100):
            changed = sorted({os.path.relpath(path) for _, path in changes})
            more = f" (+{len(changed) - 3} more)" if len(changed) > 3 else ""
            print(f"newsroom serve: changed {', '.join(changed[:3])}{more}; rebuilding",
                  flush=True)
            builder.build()
    except KeyboardInterrupt:
        print("newsroom serve: stopped", flush=True)
    finally:
        builder.stop()
        server.shutdown()
        server.server_close()
        signal.signal(signal.SIGTERM, previous)
    return 0

