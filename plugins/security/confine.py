"""Nothing from outside the content folder is published: Pelican's static files confined.

Pelican copies every file a ``{static}``/``{attach}`` link names, wherever it is
(``{static}/../../secret.png`` names a file above the content folder), and follows
symbolic links in STATIC_PATHS. Once every item exists (``phases.items_ready``), a
static file that is not under the content folder (``newsroom.paths.inside``: ``..``,
or a symbolic link out of it) is removed from the build: never copied, and the link
to it is left unresolved. The content rule ``newsroom.rules.paths_outside_content``
reports the link (`make lint` and the build: a strict build fails); a symbolic link out
of the content folder found in STATIC_PATHS is reported here and by `make lint` with the
same rule (``rules.static_file_outside``).
"""

from __future__ import annotations

import logging
import os

from pelican.generators import StaticGenerator

from newsroom import paths, rules

logger = logging.getLogger(__name__)


def confine(generators):
    for generator in generators:
        if not isinstance(generator, StaticGenerator):
            continue
        root = os.path.abspath(generator.path)
        static_paths = generator.settings.get("STATIC_PATHS") or ()
        kept = []
        for static in generator.staticfiles:
            rel = static.relative_source_path.replace(os.sep, "/")
            path = os.path.normpath(os.path.join(root, rel))
            if paths.inside(path, root):
                kept.append(static)
                continue
            for key, value in list(generator.context.get("static_content", {}).items()):
                if value is static:
                    del generator.context["static_content"][key]
            # A file of STATIC_PATHS: the rule `make lint` applies to them too. Other files
            # come from a link, which rules.paths_outside_content reports at its line.
            problem = rules.static_file_outside(path, root) \
                if rules.in_static_paths(rel, static_paths) else None
            if problem is not None:
                logger.error("%s", problem)
        generator.staticfiles[:] = kept
        generator.context["staticfiles"] = generator.staticfiles
