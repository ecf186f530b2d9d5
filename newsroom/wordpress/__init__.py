"""WordPress import: a WXR export (with Polylang or WPML languages) into Markdown sources.

One module per step: ``wxr`` reads the export (streamed, entity expansion off),
``phpdata`` reads the PHP-serialised arrays Polylang stores, ``plan`` decides files,
languages and translations, ``convert`` turns a post's HTML into Markdown,
``document`` writes its metadata and body, ``write`` stages everything beside
content/ and moves it in, ``report`` prints what happened. ``importer.run`` is
what `newsroom import-wordpress` calls.
"""

from .importer import ImportFailed, run  # noqa: F401
