"""`make screenshots`: what readers see, in headless Chromium (Playwright + Debian's chromium).

Serves a built site on 127.0.0.1 and writes docs/screenshots/*.png: an article on
a desktop, the same on a phone and in dark mode, and the home page.

    python docs/screenshots/shoot.py [--site output] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import threading

ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTICLE = "2025/11/python-sans-gil/"
#: (file, URL path, viewport, colour scheme, full page)
SHOTS = (
    ("article-desktop.png", ARTICLE, (1366, 900), "light", False),
    ("article-phone.png", ARTICLE, (390, 844), "light", False),
    ("article-dark.png", ARTICLE, (1366, 900), "dark", False),
    ("home.png", "", (1366, 1100), "light", False),
)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(argv=None):
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="output")
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args(argv)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=args.site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
            for name, path, (width, height), scheme, full in SHOTS:
                phone = width < 600
                page = browser.new_page(viewport={"width": width, "height": height},
                                        color_scheme=scheme, device_scale_factor=2 if phone else 1,
                                        is_mobile=phone, has_touch=phone)
                page.goto(base + path, wait_until="networkidle")
                page.evaluate("document.fonts.ready")
                target = os.path.join(args.out, name)
                page.screenshot(path=target, full_page=full)
                print(f"screenshots: {target}")
                page.close()
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
