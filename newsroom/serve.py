"""`newsroom serve`: live preview for editors.

Serves the preview site with http.server on 127.0.0.1 and watches content/,
theme/, plugins/, newsroom/ and the settings with watchfiles. The site is
built by a separate build process (newsroom/preview.py) that stays alive
between edits and keeps the site in memory: a content change is sent to it
and it builds only what the change needs; a change to code, templates,
catalogs or settings starts a new build process (everything is built again)
while this server goes on serving. Open pages poll ``/__build.json`` (served
from memory, never written to the site) through the reload script the
editorial plugin injects in these builds only, reload when a build finishes,
and show its errors and warnings over the page. A failing build is reported
and the server goes on.
"""

from __future__ import annotations

import collections
import http.server
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

from .config import EditorialSettingsError
from .siteserver import send_not_found

BUILD_URL = "/__build.json"


class LiveState:
    """The last build's result, as served at /__build.json."""

    def __init__(self):
        self._lock = threading.Lock()
        # indexing: the build process is still at work after the last build
        # (the search index): the pages are served already.
        self._data = {"build": 0, "building": False, "indexing": False, "ok": None,
                      "errors": [], "warnings": [], "failure": None, "seconds": None,
                      "kind": None}

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
            # The 404 page of the URL's language, as `make serve` answers (siteserver).
            if code == 404 and send_not_found(self, directory):
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
    """Keeps one build process (newsroom/preview.py) alive between edits and records
    each build's result.

    Content changes go to the running process, which holds the site in memory
    and builds only what they change; any other change (plugin or ``newsroom``
    code, templates, catalogs, settings) starts a new process, which builds
    everything. The build process uses Pelican's content cache (and so the
    pipeline's render memo), kept next to the output folder
    (``cache/devserver-<output folder name>``), so a restarted server starts
    warm; ``-- -e LOAD_CONTENT_CACHE=false`` turns it off.
    """

    def __init__(self, project, output, extra, state, cache):
        self.project = project
        self.content = os.path.abspath(project.root)
        self.output = output
        self.state = state
        self.process = None
        self.results = None
        self.tail = collections.deque(maxlen=60)
        self.next_change = None  # monotonic time at which a scheduled item goes live
        editorial = dict(project.settings.get("EDITORIAL") or {})
        # Values as Pelican's -e takes them: JSON.
        settings = {"CACHE_CONTENT": "true", "LOAD_CONTENT_CACHE": "true",
                    "CACHE_PATH": json.dumps(cache),
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
        editorial.update(live=True)  # the live settings stay
        self.pelican_args = [
            project.root, "-o", output, "-s", project.settings_path,
            "-e", "EDITORIAL=" + json.dumps(editorial, ensure_ascii=False, default=str),
            *(f"{key}={value}" for key, value in settings.items()),
            *self.extra,
        ]

    def is_content(self, path):
        path = os.path.abspath(path)
        return path == self.content or path.startswith(self.content + os.sep)

    def _start(self):
        """A new build process; it builds the whole site at once."""
        self.stop()
        read, write = os.pipe()
        # A session of its own: stopping the build stops its worker processes too.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsroom.preview", "--result-fd", str(write), "--",
             *self.pelican_args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8", errors="replace", pass_fds=(write,),
            env={**os.environ, "COLUMNS": "200"}, start_new_session=True)
        os.close(write)
        self.results = queue.Queue()
        self.tail.clear()
        threading.Thread(target=self._echo, args=(self.process,), daemon=True).start()
        threading.Thread(target=self._read_results, args=(os.fdopen(read, encoding="utf-8"),
                                                          self.results), daemon=True).start()

    def _read_results(self, stream, results):
        """The build process's replies: build results go to ``results``; "idle" (its
        work after a build, the search index, is done) to /__build.json."""
        with stream:
            for line in stream:
                reply = json.loads(line)
                # In order: after a result, the build process works on (indexing)
                # until it says it is idle.
                self.state.update(indexing=reply.get("kind") != "idle")
                if reply.get("kind") != "idle":
                    results.put(reply)
        self.state.update(indexing=False)
        results.put(None)

    def _echo(self, process):
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            self.tail.append(line.rstrip())

    def _reply(self):
        """The next build result of the build process, or None if it stopped."""
        return self.results.get()

    def build(self, changes=None):
        """Build after ``changes`` ([(kind, path)]; None: everything, in a new process)."""
        self.state.update(building=True)
        started = time.monotonic()
        restart = (changes is None or self.process is None or self.process.poll() is not None
                   or any(not self.is_content(path) for _, path in changes))
        if restart:
            self._start()
        else:
            try:
                self.process.stdin.write(json.dumps({"changes": changes}) + "\n")
                self.process.stdin.flush()
            except OSError:
                self._start()
        result = self._reply()
        seconds = round(time.monotonic() - started, 2)
        if result is None:  # the process stopped: a failure, reported with its last lines
            code = self.process.wait()
            time.sleep(0.1)  # the last lines of its output
            failure = "\n".join(line for line in self.tail if line.strip())[-6000:] \
                or f"exit {code}"
            self.process = None
            result = {"ok": False, "errors": [], "warnings": [], "failure": failure,
                      "kind": "full"}
        failure = result.get("failure")
        if failure and self.process is not None and self.process.poll() is not None:
            self.process = None
        self.next_change = (None if result.get("next_change") is None
                            else time.monotonic() + result["next_change"])
        errors, warnings = result.get("errors", []), result.get("warnings", [])
        self.state.finish(ok=bool(result.get("ok")) and not errors, errors=errors,
                          warnings=warnings, failure=failure, seconds=seconds,
                          kind=result.get("kind"))
        if failure:
            last = failure.strip().splitlines()[-1] if failure.strip() else ""
            summary = f"build FAILED in {seconds} s; the server goes on ({last})"
        else:
            summary = (f"built ({result.get('kind')}) in {seconds} s: {len(errors)} error(s), "
                       f"{len(warnings)} warning(s)")
        print(f"newsroom serve: {summary}", flush=True)

    def stop(self):
        process = self.process
        self.process = None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.results = None


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
    builder = Builder(project, output, list(extra), state, cache)
    paths = watched_paths(project)
    print(f"newsroom serve: {url} (Ctrl-C to stop); watching "
          f"{', '.join(os.path.relpath(p) for p in paths)}", flush=True)
    try:
        builder.build()
        print(f"newsroom serve: {url}", flush=True)
        watch_filter = watchfiles.DefaultFilter(ignore_paths=[output])
        for changes in watchfiles.watch(*paths, watch_filter=watch_filter, debounce=50,
                                        step=20, rust_timeout=1000, yield_on_timeout=True):
            if not changes:
                if builder.next_change is not None and time.monotonic() >= builder.next_change:
                    print("newsroom serve: a scheduled item goes live; rebuilding", flush=True)
                    builder.build([("modified", project.root)])
                continue
            listed = sorted({(change.name, path) for change, path in changes})
            changed = sorted({os.path.relpath(path) for _, path in listed})
            more = f" (+{len(changed) - 3} more)" if len(changed) > 3 else ""
            print(f"newsroom serve: changed {', '.join(changed[:3])}{more}; rebuilding",
                  flush=True)
            builder.build(listed)
    except KeyboardInterrupt:
        print("newsroom serve: stopped", flush=True)
    finally:
        builder.stop()
        server.shutdown()
        server.server_close()
        signal.signal(signal.SIGTERM, previous)
    return 0

