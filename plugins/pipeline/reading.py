"""Reading one source with the document steps inside Python-Markdown (in this process
or a worker's): the content model, Markdown's text and metadata, the steps' notes."""

from __future__ import annotations

import os
import re

from markdown import Markdown

from newsroom import compat, phases, sources

from .document import DEPENDS_KEY, StepRunner, file_stamp


def source_lang(path, metadata, settings):
    """A source's language as Pelican will see it: Lang: line, file name, default."""
    lang = metadata.get("lang")
    if not lang and settings.get("FILENAME_METADATA"):
        base = os.path.splitext(os.path.basename(path))[0]
        match = re.match(settings["FILENAME_METADATA"], base)
        if match:
            lang = match.groupdict().get("lang")
    return str(lang or settings.get("DEFAULT_LANG", "en"))


def read_source(reader, path, steps):
    """Read one Markdown source with the document steps run inside Python-Markdown.

    Returns (content, metadata, notes, content model). The source's own stamp is taken before
    it is read: Pelican's content cache stamps it only once the result is back,
    so an edit saved in between would otherwise be taken for already read.
    """
    settings = reader.settings
    depends = {os.path.abspath(path): file_stamp(path)}
    # One read of the file: the content model (newsroom.sources) and Markdown's text.
    with open(path, "rb") as fh:
        source = sources.source_from_bytes(path, fh.read(), settings, settings["PATH"],
                                           sources.kind_of(path, settings))
    md = Markdown(**settings["MARKDOWN"])
    runner = StepRunner(md, steps, path, lambda md: compat.parse_metadata(reader, md),
                        lambda metadata: source_lang(path, metadata, settings), settings, depends,
                        source)
    md.treeprocessors.register(runner, "newsroom_steps", phases.TREEPROCESSOR_PRIORITY)
    if source.unreadable is None:
        content = compat.markdown_convert(reader, path, md, source.text)
    else:  # not UTF-8 text: Pelican's own read raises, and strict says why
        content = compat.markdown_convert(reader, path, md)
    doc = runner.doc
    metadata = doc.metadata if doc is not None else compat.parse_metadata(reader, md)
    if depends[os.path.abspath(path)] is not None:
        metadata[DEPENDS_KEY] = tuple(sorted(depends.items()))
    source.text = source.body_lines_memo = None  # the model travels light
    return content, metadata, (doc.notes if doc is not None else []), source
