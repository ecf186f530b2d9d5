"""Import benchmark: a generated WordPress export of N posts (default 20,000), imported by
`newsroom import-wordpress` in a child process; reports wall time and peak memory (RSS).

    .venv/bin/python bench/wordpress.py [-n 20000]      (make bench-wordpress)

The export is written by tests/wxr_writer.py (Polylang FR/EN pairs, categories, tags,
shortcodes, a featured image each); the goal is under 200 MB of peak RSS. Results are
appended to bench/wordpress-results.md.
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.wxr_writer import Post, category, export, item, php_array, term  # noqa: E402

BODY = ("<!-- wp:paragraph --><p>Paragraphe {n} : le <strong>modèle</strong> décrit "
        "l’<em>architecture</em> &amp; ses limites, avec <a href=\"https://example.org/{n}\">"
        "une source</a>.</p><!-- /wp:paragraph -->\n") * 6 + (
        "[caption id=\"attachment_{a}\" width=\"300\"]<img src=\"https://old.example.org/"
        "wp-content/uploads/2024/11/img-{a}.jpg\" alt=\"Image {a}\" /> Légende {n}[/caption]\n"
        "<ul><li>un</li><li>deux</li></ul>\n[embed]https://www.youtube.com/watch?v=v{n}[/embed]\n")


def write_export(path: Path, count: int):
    """An export of ``count`` posts (count/2 FR/EN pairs) plus one attachment per pair,
    written item by item so the generator itself stays small."""
    pairs = count // 2
    head, tail = export([], [category(3, "ia", "IA"), category(4, "ai", "AI"),
                             term(40, "term_translations", "pll_ia", "pll_ia",
                                  php_array({"fr": 3, "en": 4}))]).split("</channel>")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(head)
        for n in range(pairs):
            post_id, attachment = 10 + 3 * n, 12 + 3 * n
            day = datetime.date(2020, 1, 1) + datetime.timedelta(days=n % 1800)
            stamp = f"{day.isoformat()} 08:30:00"
            for offset, lang, slug, cat in ((0, "fr", f"article-{n}", ("ia", "IA")),
                                            (1, "en", f"story-{n}", ("ai", "AI"))):
                fh.write(item(Post(post_id + offset, f"Titre « {n} » {lang}", slug,
                                   content=BODY.format(n=n, a=attachment), lang=lang,
                                   group=f"pll_{n}", categories=[cat], date_gmt=stamp,
                                   date=stamp, excerpt=f"<p>Résumé {n}</p>",
                                   link=f"https://old.example.org/{day:%Y/%m/%d}/{slug}/",
                                   meta={"_thumbnail_id": str(attachment)}),
                              "https://old.example.org"))
            fh.write(item(Post(attachment, f"img-{attachment}", f"img-{attachment}",
                               post_type="attachment", status="inherit",
                               attachment_url=f"https://old.example.org/wp-content/uploads/2024/11/img-{attachment}.jpg",
                               meta={"_wp_attachment_image_alt": f"Image {attachment}"}),
                          "https://old.example.org"))
        fh.write("</channel>" + tail)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20000, help="posts in the export")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-wordpress-") as tmp:
        tmp = Path(tmp)
        export_path = tmp / "export.xml"
        write_export(export_path, args.n)
        (tmp / "content").mkdir()
        size = export_path.stat().st_size
        # the import in a child process that reports its own peak RSS when it ends
        launcher = ("import resource, sys\nfrom newsroom.cli import main\nstatus = main(sys.argv[1:])\n"
                    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
                    "file=sys.stderr)\nsys.exit(status)")
        cmd = [sys.executable, "-c", launcher, "import-wordpress", "-s",
               str(ROOT / "pelicanconf.py"), "--content", str(tmp / "content"), str(export_path)]
        runs = []
        for label in ("first import", "re-import (nothing changes)"):
            start = time.perf_counter()
            result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            wall = time.perf_counter() - start
            if result.returncode != 0:
                print(result.stderr)
                return 1
            peak = int(result.stderr.rsplit("PEAK_RSS_KB", 1)[1].split()[0])
            files = next((l for l in result.stdout.splitlines() if l.startswith("files:")), "")
            runs.append((label, wall, peak / 1024, files))
        lines = [f"\n## {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
                 f"{args.n} posts, export {size / 1e6:.1f} MB", "",
                 "| run | wall time | peak RSS of the import (MiB) | files |",
                 "|---|---|---|---|"]
        for label, wall, peak, files in runs:
            lines.append(f"| {label} | {wall:.1f} s | {peak:.0f} | {files} |")
        text = "\n".join(lines) + "\n"
        print(text)
        with open(ROOT / "bench" / "wordpress-results.md", "a", encoding="utf-8") as fh:
            if fh.tell() == 0:
                fh.write("# `newsroom import-wordpress` benchmark (bench/wordpress.py)\n")
            fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
