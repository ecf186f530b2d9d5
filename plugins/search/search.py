"""Index the built site with Pagefind at the end of every build.

Pagefind splits its index by ``<html lang>``, so each language's search page
only finds that language's articles. Only elements marked
``data-pagefind-body`` (article bodies) are indexed. It runs as part of the
Pelican build, so `make html`, `make devserver` and `make publish` all get a
working search with no server and no third-party request.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

from pelican import signals

logger = logging.getLogger(__name__)

DEFAULTS = {"enabled": True, "output_subdir": "pagefind"}


class SearchSettingsError(ValueError):
    pass


def configure(pelican):
    value = pelican.settings.get("SEARCH") or {}
    if not isinstance(value, dict) or set(value) - set(DEFAULTS):
        raise SearchSettingsError(f"SEARCH must be a dict with keys among {sorted(DEFAULTS)}")
    pelican.settings["SEARCH"] = {**DEFAULTS, **value}


def index_site(pelican):
    config = pelican.settings["SEARCH"]
    if not config["enabled"]:
        return
    command = [sys.executable, "-m", "pagefind", "--site", pelican.output_path,
               "--output-subdir", config["output_subdir"], "--quiet"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        logger.error("search: could not run Pagefind (%s); run `make venv` to install it", exc)
        return
    if result.returncode != 0:
        logger.error("search: Pagefind failed (exit %s): %s", result.returncode,
                     (result.stderr or result.stdout).strip()[-2000:])
    else:
        normalise_entry(os.path.join(pelican.output_path, config["output_subdir"]))
        logger.info("search: Pagefind index written to %s/%s", pelican.output_path,
                    config["output_subdir"])


def normalise_entry(folder):
    """Sort pagefind-entry.json's keys: Pagefind writes its languages in hash-map
    order, which changes from run to run and breaks byte-identical builds."""
    path = os.path.join(folder, "pagefind-entry.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            entry = json.load(fh)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(entry, fh, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def register():
    signals.initialized.connect(configure)
    signals.finalized.connect(index_site)
