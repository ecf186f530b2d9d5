"""What one log record costs a build, as Pelican's command line sets logging up.

Run by `make bench` (and alone: ``python bench/logcost.py``). Each handler is
timed in a fresh process whose output goes to a pipe, as in CI or under the dev
server: Pelican's rich console handler (what every build used before), and the
plain handler ``newsroom.logs`` puts in its place when no one watches a
terminal. Records are distinct problem lines (Pelican drops repeated ones).
Target (issue 12): at most 0.2 ms per record.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORDS = 2000

CHILD = r"""
import logging, sys, time
sys.path.insert(0, {root!r})
from pelican.log import init, DEFAULT_LOG_HANDLER
init(handler=DEFAULT_LOG_HANDLER)
if {plain!r}:
    from newsroom import logs
    assert logs.use_plain_console(), "the plain console was not chosen"
log = logging.getLogger("editorial")
start = time.process_time()
for i in range({records}):
    log.warning("%s", f"content/articles/article-{{i:05d}}.fr.md:3: unknown category "
                f"'Robotique {{i}}' (use one of: IA, Sécurité, Données, Logiciel libre, or add "
                f"it to EDITORIAL['categories'] in pelicanconf.py)")
print((time.process_time() - start) * 1000 / {records}, file=sys.__stdout__)
"""


def cost_ms(plain: bool, records: int = RECORDS, python=sys.executable) -> float:
    """CPU milliseconds per record in a child process logging to pipes."""
    code = CHILD.format(root=str(ROOT), plain=plain, records=records)
    # The rich console writes to stdout: keep the measured number on the last line.
    result = subprocess.run([python, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"}, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"logcost: the child failed:\n{result.stderr[-2000:]}")
    return float(result.stdout.strip().splitlines()[-1])


def measure(records: int = RECORDS) -> dict:
    return {"rich console (Pelican's default)": cost_ms(False, records),
            "plain (newsroom.logs, piped or CI)": cost_ms(True, records)}


if __name__ == "__main__":
    for name, ms in measure().items():
        print(f"{name}: {ms:.3f} ms per record")
