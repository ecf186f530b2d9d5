"""WordPress import: a WXR export (with Polylang or WPML languages) into Markdown sources.

One module per step: ``wxr`` reads the export (streamed, entity expansion off),
``phpdata`` reads the PHP-serialised arrays Polylang stores, ``convert`` turns a
post's HTML into Markdown, ``plan`` decides files, languages and translations,
``write`` stages everything beside content/ and moves it in, and ``report``
prints what happened. ``run`` is what `newsroom import-wordpress` calls.
"""


from .importer import ImportFailed, run  # noqa: F401
