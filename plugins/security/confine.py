"""Nothing from outside the content folder is published: Pelican's static files confined.

Pelican copies every file a ``{static}``/``{attach}`` link names, wherever it is
(``{static}/../../secret.png`` names a file above the content folder), and follows
symbolic links in STATIC_PATHS. Once every item exists (``phases.items_ready``), a
static file that is not under the content folder (``newsroom.paths.inside``: ``..``,
or a symbolic link out of it) is removed from the build: never copied, and the link
to it is left unresolved. The content rule ``newsroom.rules.paths_outside_content``
reports the link (`make lint` and the build: a strict build fails); a symbolic link
found in STATIC_PATHS is reported here, as an error.
"""

from __future__ import annotations

import logging
import os

from pelican.generators import StaticGenerator

from newsroom import paths

logger = logging.getLogger(__name__)


def confine(generators):
    for generator in generators:
        if not isinstance(generator, StaticGenerator):
            continue
        root = generator.path
        kept = []
        for static in generator.staticfiles:
            path = os.path.join(root, static.relative_source_path)
            _, outside = paths.checked(os.path.normpath(path), root, "this file")
            if outside is None:
                kept.append(static)
                continue
            for key, value in list(generator.context.get("static_content", {}).items()):
                if value is static:
                    del generator.context["static_content"][key]
            if outside.symlink:
                logger.error("%s: %s (%s)", os.path.relpath(path), outside.message, outside.fix)
        generator.staticfiles[:] = kept
        generator.context["staticfiles"] = generator.staticfiles
