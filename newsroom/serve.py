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
        # waiting: what the build process is still making for the pages served
        # (["images"]: derivatives being encoded; those pages show the originals
        # meanwhile, and are built again as the files are ready). cause: why the
        # last build ran ("images ready", else an edit, a schedule or the start).
        self._data = {"build": 0, "building": False, "indexing": False, "ok": None,
                      "errors": [], "warnings": [], "failure": None, "seconds": None,
                      "kind": None, "reason": None, "waiting": [], "cause": None}

    def update(self, **values):
        with self._lock:
            self._data.update(values)

    def finish(self, **values):
        with self._lock:
            self._data.update(values, building=False, build=self._data["build"] + 1)

    def as_bytes(self) -> bytes:
        with self._lock:
            return json.dumps(self._data, ensure_ascii=False).encode("utf-8")


def make_handler(directory, state, mount=None):
    """``mount``: a callable answering some requests first (``mount(handler)`` is True
    when it did), e.g. the web editor's /admin/ (newsroom/cms.py)."""
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
            if mount is not None and mount(self):
                return None
            if self.path.split("?", 1)[0] == BUILD_URL:
                return self._send_state()
            return super().do_GET()

        def do_HEAD(self):
            if mount is not None and mount(self):
                return None
            if self.path.split("?", 1)[0] == BUILD_URL:
                return self._send_state(head=True)
            return super().do_HEAD()

        def do_POST(self):
            if mount is None or not mount(self):
                self.send_error(501, "Unsupported method")

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
        self._ready = []  # [(kind, path)] the build process made ready (its images)
        self._waiting = []  # what it said it is still making
        self.wake = lambda: None  # the serving loop's: a ready notice came
        self._lock = threading.Lock()
        # Values as Pelican's -e takes them: JSON. Nothing of the settings as they
        # were when the server started: each build process reads the settings file
        # itself (an edit to it restarts the build process, which then sees it).
        settings = {"CACHE_CONTENT": "true", "LOAD_CONTENT_CACHE": "true",
                    "CACHE_PATH": json.dumps(cache),
                    **{k: json.dumps(v, ensure_ascii=False)
                       for k, v in getattr(project, "overrides", {}).items() if k != "EDITORIAL"}}
        editorial = dict((getattr(project, "overrides", {}) or {}).get("EDITORIAL") or {})
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
        # EDITORIAL given on the command line is merged into the settings file's
        # EDITORIAL by the build process (preview.py --editorial), as it reads it.
        self.editorial = json.dumps(editorial, ensure_ascii=False, default=str)
        self.pelican_args = [
            project.root, "-o", output, "-s", project.settings_path,
            *(["-e", *(f"{key}={value}" for key, value in settings.items())] if settings else []),
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
            [sys.executable, "-m", "newsroom.preview", "--result-fd", str(write),
             "--editorial", self.editorial, "--", *self.pelican_args],
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
                if reply.get("kind") == "ready":  # pages to build again (images encoded)
                    self._ready_notice(reply)
                    continue
                # In order: after a result, the build process works on (indexing)
                # until it says it is idle.
                self.state.update(indexing=reply.get("kind") != "idle")
                if reply.get("kind") != "idle":
                    # What it is still making, as of this result: set here, in the
                    # order the replies came, so that a ready notice read after it
                    # (the work done meanwhile) is never undone by it (the serving
                    # thread may take the result later than this thread reads on).
                    with self._lock:
                        self._waiting = list(reply.get("waiting") or [])
                    results.put(reply)
        self.state.update(indexing=False)
        results.put(None)

    def _ready_notice(self, notice):
        with self._lock:
            self._ready.extend(tuple(change) for change in notice.get("changes") or ())
            self._waiting = list(notice.get("waiting") or [])
        self.state.update(waiting=self._still_waiting())
        self.wake()

    def _still_waiting(self):
        return sorted(set(self._waiting) | ({"images"} if self._ready else set()))

    def take_ready(self):
        """The changes the build process made ready since the last call ([] if none)."""
        with self._lock:
            ready, self._ready = self._ready, []
        return ready

    def _echo(self, process):
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            self.tail.append(line.rstrip())

    def _reply(self):
        """The next build result of the build process, or None if it stopped."""
        return self.results.get()

    def build(self, changes=None, cause=None):
        """Build after ``changes`` ([(kind, path)]; None: everything, in a new process)."""
        self.state.update(building=True)
        started = time.monotonic()
        reason = restart_reason(changes, self.process, self.is_content)
        if reason is not None:
            self._start()
        else:
            try:
                self.process.stdin.write(json.dumps({"changes": changes}) + "\n")
                self.process.stdin.flush()
            except OSError:
                reason = "the build process had stopped"
                self._start()
        result = self._reply()
        seconds = round(time.monotonic() - started, 2)
        if result is None:  # the process stopped: a failure, reported with its last lines
            code = self.process.wait()
            time.sleep(0.1)  # the last lines of its output
            failure = "\n".join(line for line in self.tail if line.strip())[-6000:] \
                or f"exit {code}"
            self.process = None
            self._waiting = []  # nothing of a process that stopped is still made
            result = {"ok": False, "errors": [], "warnings": [], "failure": failure,
                      "kind": "full"}
        failure = result.get("failure")
        if failure and self.process is not None and self.process.poll() is not None:
            self.process = None
        self.next_change = (None if result.get("next_change") is None
                            else time.monotonic() + result["next_change"])
        errors, warnings = result.get("errors", []), result.get("warnings", [])
        kind = result.get("kind")
        # Why everything was built: the server's reason (a new build process) or the
        # build process's (what made a content change more than a page build).
        reason = (reason or result.get("reason")) if kind != "pages" else None
        self.state.finish(ok=bool(result.get("ok")) and not errors, errors=errors,
                          warnings=warnings, failure=failure, seconds=seconds,
                          kind=kind, reason=reason, cause=cause,
                          waiting=self._still_waiting())
        if failure:
            last = failure.strip().splitlines()[-1] if failure.strip() else ""
            summary = f"build FAILED in {seconds} s; the server goes on ({last})"
        else:
            why = f": {reason}" if reason else (f", {cause}" if cause else "")
            summary = (f"built ({kind}{why}) in {seconds} s: {len(errors)} error(s), "
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


def restart_reason(changes, process, is_content):
    """Why a change needs a new build process (None: the running one builds it)."""
    if changes is None:
        return "first build"
    if process is None or process.poll() is not None:
        return "the build process had stopped"
    others = sorted({os.path.relpath(path) for _, path in changes if not is_content(path)})
    if others:
        more = f" (+{len(others) - 3} more)" if len(others) > 3 else ""
        return (f"{', '.join(others[:3])}{more} changed (code, templates, catalogs or "
                "settings: a new build process reads them)")
    return None


def watched_paths(project):
    """(folders watched with everything below them, the settings file's folder).

    content/, the theme (templates, catalogs), the plugin folders and this package
    are watched recursively. The settings file is watched through its folder,
    alone (not below it: output/, cache/, .venv/ live there), never as a file: an
    editor that saves by writing a temporary file and renaming it over the
    settings replaces the file, and a watch on the file itself would end there.
    """
    settings = project.settings
    candidates = [project.root, settings.get("THEME"), *(settings.get("PLUGIN_PATHS") or []),
                  os.path.dirname(os.path.abspath(__file__))]
    paths = []
    for path in candidates:
        if path and os.path.isdir(path) and os.path.abspath(path) not in paths:
            paths.append(os.path.abspath(path))
    return paths, os.path.dirname(os.path.abspath(project.settings_path))


def is_settings_file(path, folder):
    """A Python file directly in the settings file's folder (the settings file, or a
    module it imports, as publishconf.py imports pelicanconf.py)."""
    return os.path.dirname(os.path.abspath(path)) == folder and path.endswith(".py")


class Watch:
    """Batches of changes ({(Change, path)}) from one watchfiles thread per kind of
    watch (recursive folders; the settings folder, not recursive); an empty batch
    about every second when nothing changed."""

    def __init__(self, roots, settings_folder, output):
        import watchfiles

        self.queue = queue.Queue()
        self.stop_event = threading.Event()
        watches = [(roots, watchfiles.DefaultFilter(ignore_paths=[output]), True)]
        covered = any(settings_folder == root or settings_folder.startswith(root + os.sep)
                      for root in roots)
        if not covered:
            watches.append(([settings_folder],
                             lambda change, path: is_settings_file(path, settings_folder), False))
        for paths, watch_filter, recursive in watches:
            threading.Thread(target=self._run, args=(paths, watch_filter, recursive),
                             daemon=True).start()

    def _run(self, paths, watch_filter, recursive):
        import watchfiles

        try:
            for changes in watchfiles.watch(*paths, watch_filter=watch_filter, debounce=50,
                                            step=20, rust_timeout=1000, recursive=recursive,
                                            stop_event=self.stop_event, raise_interrupt=False):
                self.queue.put(changes)
        except BaseException as exc:  # noqa: BLE001 - raised in the serving thread
            self.queue.put(exc)

    def batches(self):
        while not self.stop_event.is_set():
            try:
                changes = self.queue.get(timeout=1.0)
            except queue.Empty:
                yield set()
                continue
            batch = set()
            while True:  # the other watch's share of the same save
                if isinstance(changes, BaseException):
                    raise changes
                batch |= changes
                try:
                    changes = self.queue.get(timeout=0.06)
                except queue.Empty:
                    break
            yield batch

    def stop(self):
        self.stop_event.set()


#: The file a preview server leaves in its output folder: `make deploy-*` refuses a
#: folder that holds it (a preview's pages have drafts and the reload script).
PREVIEW_MARKER = ".newsroom-preview"


def mark_preview(output):
    """Mark ``output`` as a preview's folder (before anything is written there)."""
    with open(os.path.join(output, PREVIEW_MARKER), "w", encoding="utf-8") as fh:
        fh.write("Written by `newsroom serve` (make devserver): a live preview, with drafts and "
                 "its reload script. Never deploy this folder: `make publish` builds the site "
                 "to deploy.\n")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(project, host="127.0.0.1", port=8000, output="preview", extra=(), mount=None):
    output = os.path.abspath(output)
    os.makedirs(output, exist_ok=True)
    mark_preview(output)
    state = LiveState()
    server = http.server.ThreadingHTTPServer((host, port), make_handler(output, state, mount))
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
    paths, settings_folder = watched_paths(project)
    shown = [os.path.relpath(p) for p in paths] + [os.path.relpath(project.settings_path)]
    print(f"newsroom serve: {url} (Ctrl-C to stop); watching {', '.join(shown)}", flush=True)
    watch = Watch(paths, settings_folder, output)
    builder.wake = lambda: watch.queue.put(set())
    try:
        builder.build()
        print(f"newsroom serve: {url}", flush=True)
        for changes in watch.batches():
            ready = builder.take_ready()
            if ready and not changes:
                # Derivatives are in the output: the pages that showed the originals.
                builder.build(ready, cause="images ready")
                continue
            if not changes:
                if builder.next_change is not None and time.monotonic() >= builder.next_change:
                    print("newsroom serve: a scheduled item goes live; rebuilding", flush=True)
                    builder.build([("modified", project.root)])
                continue
            listed = sorted({(change.name, path) for change, path in changes} | set(ready))
            changed = sorted({os.path.relpath(path) for _, path in listed})
            more = f" (+{len(changed) - 3} more)" if len(changed) > 3 else ""
            print(f"newsroom serve: changed {', '.join(changed[:3])}{more}; rebuilding",
                  flush=True)
            builder.build(listed)
    except KeyboardInterrupt:
        print("newsroom serve: stopped", flush=True)
    finally:
        watch.stop()
        builder.stop()
        server.shutdown()
        server.server_close()
        signal.signal(signal.SIGTERM, previous)
    return 0

