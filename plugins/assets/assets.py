"""Fingerprinted theme assets.

Templates write ``{{ asset('css/main.css') }}`` and get
``theme/css/main.3f2a9c1b7e.css``: the name changes when the content does, so
the file can be cached for a year. The hash is of the file's bytes, so two
builds of the same commit give the same names (reproducible builds).
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import os
import posixpath
import shutil

from jinja2 import pass_context
from pelican.generators import Generator

from newsroom import buildstate, phases

logger = logging.getLogger(__name__)

FINGERPRINTED = (".css", ".js")


class Assets:
    """Per-build map of theme asset → fingerprinted output name (its slot in
    ``newsroom.buildstate``), with the files other plugins made as the build started
    (the build state's ``generated_files``: brand's css/site.css), written like the
    theme's own."""

    def __init__(self, settings):
        self.static = os.path.join(settings["THEME"], "static")
        self.prefix = settings["THEME_STATIC_DIR"]
        self.names = {}
        self.generated = dict(buildstate.of(settings).generated_files)

    def name(self, path):
        """Output path (site-relative) of a theme static file."""
        if path not in self.names:
            source = os.path.join(self.static, path)
            if path not in self.generated and not os.path.isfile(source):
                raise FileNotFoundError(f"assets: no theme file {source} (asset({path!r}))")
            stem, ext = posixpath.splitext(path)
            if ext in FINGERPRINTED:
                if path in self.generated:
                    data = self.generated[path].encode("utf-8")
                else:
                    with open(source, "rb") as fh:
                        data = fh.read()
                digest = hashlib.sha256(data).hexdigest()[:10]
                self.names[path] = f"{self.prefix}/{stem}.{digest}{ext}"
            else:
                self.names[path] = f"{self.prefix}/{path}"
        return self.names[path]


@pass_context
def asset(ctx, path):
    return buildstate.of(ctx).get(Assets).name(path)


def attach(generator):
    state = buildstate.of(generator.context)
    if state.get(Assets) is None:
        # what the security headers need to know of it: the names it gives
        state.asset_names = state.put(Assets(generator.settings)).names
    generator.env.globals["asset"] = asset


class AssetsGenerator(Generator):
    """Writes the fingerprinted copies of the theme's CSS and JS files."""

    #: Its output, for the preview's page builds (newsroom/phases.py).
    preview_role = phases.FILES

    #: Written after every page (newsroom/phases.py), wherever the plugin is in PLUGINS.
    phase = "newsroom.pages_written"

    def generate_context(self):
        # Every CSS and JS file (but those IGNORE_FILES names), not only those
        # templates asked for so far: pages may be rendered in other processes
        # (pipeline plugin), whose calls to asset() this process never sees.
        state = buildstate.of(self.context).get(Assets)
        ignored = self.settings.get("IGNORE_FILES") or []
        for folder, _, files in os.walk(state.static):
            for name in sorted(files):
                if name.endswith(FINGERPRINTED) and not any(
                        fnmatch.fnmatch(name, pattern) for pattern in ignored):
                    rel = os.path.relpath(os.path.join(folder, name), state.static)
                    state.name(rel.replace(os.sep, "/"))
        for path in sorted(state.generated):
            state.name(path)

    def generate_output(self, writer):
        state = buildstate.of(self.context).get(Assets)
        for path, name in sorted(state.names.items()):
            target = os.path.join(self.output_path, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if path in state.generated:
                with open(target, "w", encoding="utf-8") as fh:
                    fh.write(state.generated[path])
            else:
                shutil.copyfile(os.path.join(state.static, path), target)
            logger.info("assets: writing %s", target)


def assets_generator(pelican):
    return AssetsGenerator


def register():
    phases.on("generator_init", attach)
    phases.on("get_generators", assets_generator)
