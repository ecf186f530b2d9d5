"""`make weight`: page weight, requests and Lighthouse scores of the built sample site.

Builds the sample site with publishconf.py (SITEURL = a local server), serves
it on 127.0.0.1 with the precompressed .gz files (as a production server
would), loads one page of each type in each language in headless chromium and
counts requests and bytes transferred; then runs Lighthouse on a French and an
English article when it is installed (`npm install` in bench/ installs it).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = {
    "home": "", "article": "2024/11/sora-fuite/", "page": "a-propos/",
    "category": "category/ia/", "archives": "archives/", "search": "search/",
}
EN = {"category/ia/": "category/ai/"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves file.gz with Content-Encoding: gzip when the client accepts it."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if "gzip" in self.headers.get("Accept-Encoding", "") and os.path.isfile(path + ".gz"):
            body = open(path + ".gz", "rb")
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(os.fstat(body.fileno()).st_size))
            self.end_headers()
            return body
        return super().send_head()


def serve(folder):
    handler = functools.partial(GzipHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def build(site, siteurl):
    env = {**os.environ, "SITEURL": siteurl}
    subprocess.run([sys.executable, "-m", "pelican", "content", "-o", str(site), "-s",
                    "publishconf.py"], cwd=ROOT, env=env, check=True, capture_output=True)


def measure(url_base, host):
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                     args=FLAGS[2:])
        for lang, prefix in (("fr", ""), ("en", "en/")):
            for kind, path in PAGES.items():
                path = prefix + (EN.get(path, path) if lang == "en" else path)
                page = browser.new_page()
                requests = []
                page.on("requestfinished", lambda req: requests.append(req))
                page.goto(f"{url_base}/{path}", wait_until="networkidle")
                transferred, others = 0, 0
                for req in requests:
                    sizes = req.sizes()
                    transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
                    if not req.url.startswith(url_base):
                        others += 1
                rows.append((lang, kind, path, len(requests), transferred, others))
                page.close()
            # The article page's target: a 390-px-wide phone at 3x (it picks its image
            # among the srcset's widths as a phone would).
            path = prefix + PAGES["article"]
            page = browser.new_page(viewport={"width": 390, "height": 844},
                                    device_scale_factor=3, is_mobile=True, has_touch=True)
            requests = []
            page.on("requestfinished", lambda req: requests.append(req))
            page.goto(f"{url_base}/{path}", wait_until="networkidle")
            transferred = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
                              for r in requests)
            others = sum(not r.url.startswith(url_base) for r in requests)
            rows.append((lang, "article, 390-px phone 3x", path, len(requests), transferred, others))
            page.close()
        browser.close()
    return rows


def lighthouse(url):
    binary = HERE / "node_modules/.bin/lighthouse"
    if not binary.exists():
        return None
    out = subprocess.run([str(binary), url, "--quiet", "--output=json",
                          "--only-categories=performance,accessibility,best-practices,seo",
                          f"--chrome-flags={' '.join(FLAGS)}"],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "CHROME_PATH": os.environ.get("CHROMIUM", "/usr/bin/chromium")})
    if out.returncode != 0:
        return {"error": out.stderr[-300:]}
    report = json.loads(out.stdout)
    return {k: round(v["score"] * 100) for k, v in report["categories"].items()}


def main():
    work = Path(tempfile.mkdtemp(prefix="weight-"))
    site = work / "site"
    site.mkdir()
    server, url = serve(site)
    try:
        build(site, url)
        rows = measure(url, "127.0.0.1")
        lines = ["| lang | page | requests | transferred (gzip) | other hosts |",
                 "|---|---|---|---|---|"]
        for lang, kind, path, count, size, others in rows:
            lines.append(f"| {lang} | {kind} (`/{path}`) | {count} | {size / 1024:.1f} KB | {others} |")
        print("\n".join(lines))
        for lang, path in (("fr", "2024/11/sora-fuite/"), ("en", "en/2024/11/sora-fuite/")):
            scores = lighthouse(f"{url}/{path}")
            if scores is None:
                print("Lighthouse is not installed: run `npm install --prefix bench lighthouse@12`"
                      " (or `make weight LIGHTHOUSE=1`)")
                break
            print(f"Lighthouse {lang} article: {scores}")
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
