"""All-or-nothing, idempotent writing of an import into content/.

Everything is first written into a folder beside content/ (same file system);
only when the whole export has been read and converted are the files moved
into place, one ``os.replace`` each. A manifest, ``content/.wordpress-import.json``,
records the SHA-256 of each file as the import wrote it, so a re-import can tell:

* the same text as on disk: *unchanged* (a re-import of the same export changes nothing);
* a file on disk still as imported, new text from WordPress: *updated*;
* a file on disk an editor changed since the import: *kept* (never overwritten, reported);
* no file yet: *created*;
* a file an earlier import wrote that this export no longer gives: *stale* (left, reported).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile

MANIFEST = ".wordpress-import.json"
CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept"
#: A file an earlier import wrote that this one did not (the post was deleted, renamed or
#: made private in WordPress): left in place, reported.
STALE = "stale"


def digest_file(path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            sha.update(block)
    return sha.hexdigest()


class Stage:
    """A scratch folder beside ``root`` (the content folder) holding the import."""

    def __init__(self, root: str):
        self.root = os.path.abspath(root)
        parent = os.path.dirname(self.root)
        os.makedirs(parent, exist_ok=True)
        self.path = tempfile.mkdtemp(prefix=".import-wordpress-", dir=parent)
        self.files = []  # rel paths, in order

    def target(self, rel: str) -> str:
        path = os.path.normpath(os.path.join(self.path, rel))
        if not path.startswith(self.path + os.sep):
            raise ValueError(f"path {rel!r} leaves the content folder")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return path

    def write_text(self, rel: str, text: str):
        with open(self.target(rel), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        self.files.append(rel)

    def copy(self, rel: str, source: str):
        shutil.copyfile(source, self.target(rel))
        self.files.append(rel)

    def read_text(self, rel: str) -> str:
        with open(os.path.join(self.path, rel), encoding="utf-8") as fh:
            return fh.read()

    def discard(self):
        shutil.rmtree(self.path, ignore_errors=True)

    def commit(self) -> dict:
        """Move the staged files into the content folder: {rel: outcome}."""
        manifest_path = os.path.join(self.root, MANIFEST)
        try:
            with open(manifest_path, encoding="utf-8") as fh:
                recorded = json.load(fh).get("files", {})
        except (OSError, ValueError):
            recorded = {}
        outcomes, new_manifest = {}, dict(recorded)
        for rel in dict.fromkeys(self.files):
            staged = os.path.join(self.path, rel)
            target = os.path.join(self.root, rel)
            new = digest_file(staged)
            if not os.path.exists(target):
                outcome = CREATED
            else:
                current = digest_file(target)
                if current == new:
                    outcome = UNCHANGED
                elif recorded.get(rel) == current:
                    outcome = UPDATED
                else:
                    outcome = KEPT
            outcomes[rel] = outcome
            if outcome in (CREATED, UPDATED):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.replace(staged, target)
            if outcome != KEPT:
                new_manifest[rel] = new
        for rel in recorded:
            if rel not in outcomes and os.path.exists(os.path.join(self.root, rel)):
                outcomes[rel] = STALE
        if new_manifest != recorded:
            os.makedirs(self.root, exist_ok=True)
            tmp = os.path.join(self.path, MANIFEST)
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump({"files": dict(sorted(new_manifest.items()))}, fh, indent=1,
                          ensure_ascii=False)
                fh.write("\n")
            os.replace(tmp, manifest_path)
        return outcomes
