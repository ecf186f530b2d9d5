"""`make serve`: serve a built site on 127.0.0.1 as a static host would.

Python's http.server, with what `pelican --listen` lacked: an unknown URL gets
status 404 and the site's own 404 page, in the language of the URL
(``/en/nope/`` → ``en/404.html``, anything else → ``404.html``), and the types of
the files a build writes (AVIF, WebP, WOFF2, Atom). The live preview
(newsroom/serve.py) answers unknown URLs with the same page
(:func:`not_found_page`).

    python -m newsroom.siteserver [--bind 127.0.0.1] [--port 8000] [output]
"""

from __future__ import annotations

import argparse
import http.server
import os
import posixpath
import sys
from urllib.parse import unquote, urlsplit

NOT_FOUND = "404.html"
TYPES = {
    ".avif": "image/avif", ".webp": "image/webp", ".woff2": "font/woff2", ".woff": "font/woff",
    ".svg": "image/svg+xml", ".atom": "application/atom+xml", ".xml": "application/xml",
    ".js": "text/javascript", ".json": "application/json", ".webmanifest": "application/manifest+json",
    ".pf_meta": "application/octet-stream", ".pf_index": "application/octet-stream",
    ".pf_fragment": "application/octet-stream", ".pagefind": "application/octet-stream",
}


def not_found_page(directory: str, url_path: str) -> str | None:
    """The 404 page for ``url_path``: that of the language folder the URL is in
    (its first segment, when it holds a 404.html), else the site's; None if neither exists."""
    path = posixpath.normpath(unquote(urlsplit(url_path).path))
    first = path.lstrip("/").split("/", 1)[0]
    candidates = [os.path.join(directory, first, NOT_FOUND)] if first not in ("", ".", "..") else []
    candidates.append(os.path.join(directory, NOT_FOUND))
    root = os.path.realpath(directory)
    for page in candidates:
        real = os.path.realpath(page)
        if os.path.commonpath([root, real]) == root and os.path.isfile(real):
            return real
    return None


def send_not_found(handler: http.server.BaseHTTPRequestHandler, directory: str) -> bool:
    """Answer 404 with the page :func:`not_found_page` finds; False if there is none."""
    page = not_found_page(directory, handler.path)
    if page is None:
        return False
    with open(page, "rb") as fh:
        body = fh.read()
    handler.send_response(404)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)
    return True


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of ``directory`` (see :func:`make_server`), the site's 404 pages."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    site_directory = "."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=self.site_directory, **kwargs)

    def send_error(self, code, message=None, explain=None):
        if code == 404 and send_not_found(self, self.site_directory):
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def make_server(directory: str, host: str = "127.0.0.1", port: int = 8000,
                quiet: bool = False) -> http.server.ThreadingHTTPServer:
    """A server for ``directory`` on ``host:port`` (port 0: any free one); not started."""
    attrs = {"site_directory": os.path.abspath(directory)}
    if quiet:
        attrs["log_message"] = lambda self, *args: None
    handler = type("Handler", (SiteHandler,), attrs)
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsroom.siteserver", description=__doc__.split("\n")[0])
    parser.add_argument("directory", nargs="?", default="output", help="the built site (output)")
    parser.add_argument("--bind", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free one)")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.directory):
        parser.exit(2, f"serve: {args.directory}/ does not exist: run `make html` first\n")
    server = make_server(args.directory, args.bind, args.port)
    host, port = server.server_address[:2]
    print(f"Serving {args.directory}/ on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
