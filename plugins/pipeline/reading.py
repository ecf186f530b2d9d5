"""Reading one source with the document steps inside Python-Markdown (in this process
or a worker's): the content model, Pelican's metadata, Markdown's HTML, the steps' notes.

The file is opened once. Its header is parsed once, by the content model
(``newsroom.sources``); Pelican's metadata is made from that parse
(``compat.markdown_metadata``) and Markdown converts only the body.
"""

from __future__ import annotations

import os
import re

from markdown import Markdown, util

from newsroom import compat, phases, sources

from .document import DEPENDS_KEY, StepRunner, file_stamp

#: A first body line of spaces and tabs (and Markdown's placeholder characters):
#: Markdown empties it when a header line is above it (``normalize_whitespace``).
_BLANKISH_RE = re.compile(r"[ \t\x02\x03]+")


def markdown_body(source) -> str:
    """The text Markdown converts: the body, as Markdown would see it below the header.

    Markdown gives blank text back unconverted, before its tree processors (so before
    the steps) run; below a header they ran on an empty document: STX, which
    Markdown deletes first, keeps it so.
    """
    body = source.body
    if source.header_end:
        first, newline, rest = body.partition("\n")
        if _BLANKISH_RE.fullmatch(first):
            body = newline + rest
    return body + util.STX


def read_source(reader, path, steps):
    """Read one Markdown source with the document steps run inside Python-Markdown.

    Returns (content, metadata, notes, content model). The source's own stamp is taken before
    it is read: Pelican's content cache stamps it only once the result is back,
    so an edit saved in between would otherwise be taken for already read. An
    exception carries the content model (``sources.of_error``).
    """
    settings = reader.settings
    depends = {os.path.abspath(path): file_stamp(path)}
    with open(path, "rb") as fh:  # the one read of the file
        raw = fh.read()
    source = sources.source_from_bytes(path, raw, settings, settings["PATH"],
                                       sources.kind_of(path, settings))
    try:
        content, metadata, notes = _convert(reader, source, raw, steps, depends)
    except Exception as exc:
        raise sources.keep_on_error(exc, _light(source))
    if depends[source.path] is not None:
        metadata[DEPENDS_KEY] = tuple(sorted(depends.items()))
    return content, metadata, notes, _light(source)


def _convert(reader, source, raw, steps, depends):
    if source.unreadable is not None:
        raw.decode("utf-8")  # not UTF-8 text: raises as Pelican's own read would
    metadata = compat.markdown_metadata(reader, source.meta(), source.path)
    if not source.text.strip():
        return "", metadata, []  # Markdown's answer, without its tree processors
    md = Markdown(**reader.settings["MARKDOWN"])
    md.preprocessors.deregister("meta", strict=False)  # the header is parsed already
    runner = StepRunner(md, steps, source.path, metadata, source.lang, reader.settings,
                        depends, source)
    md.treeprocessors.register(runner, "newsroom_steps", phases.TREEPROCESSOR_PRIORITY)
    content = md.convert(markdown_body(source))
    return content, runner.doc.metadata, runner.doc.notes


def _light(source):
    source.text = source.body_lines_memo = None  # the model travels light
    return source
