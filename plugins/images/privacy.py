"""No EXIF, GPS or camera data in the originals Pelican copies from ``STATIC_PATHS``.

Pillow cannot remove metadata without decoding and re-encoding (which would
lose quality on every JPEG), so this walks the files' own structure and drops
the metadata blocks, keeping the pixels byte for byte:

* JPEG: APP1 (EXIF, XMP), APP13 (IPTC), COM segments; ICC (APP2) and Adobe
  (APP14, needed by CMYK files) are kept. An EXIF orientation other than
  "upright" is put back alone in a minimal EXIF block, so the photo still
  shows the right way up.
* PNG: eXIf, tEXt, zTXt, iTXt and tIME chunks.
* WebP: EXIF and XMP chunks (and their flags).
"""

from __future__ import annotations

import os
import struct

JPEG_DROP = {0xE1, 0xED, 0xFE}  # APP1, APP13, COM
PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def _orientation_block(orientation):
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = orientation
    data = b"Exif\x00\x00" + exif.tobytes()
    return b"\xff\xe1" + struct.pack(">H", len(data) + 2) + data


def strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        return data
    out, pos, orientation = [b"\xff\xd8"], 2, 1
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        segment = data[pos:pos + 2 + length]
        if marker == 0xE1 and segment[4:10] == b"Exif\x00\x00":
            orientation = _orientation(segment[4:]) or orientation
        if marker not in JPEG_DROP:
            out.append(segment)
        pos += 2 + length
    if orientation != 1:
        out.insert(1 if len(out) == 1 or out[1][1] != 0xE0 else 2, _orientation_block(orientation))
    return b"".join(out) + data[pos:]


def _orientation(block):
    from PIL import Image

    try:
        exif = Image.Exif()
        exif.load(block)
        return int(exif.get(0x0112, 1))
    except (ValueError, OSError, SyntaxError, struct.error):
        return None


def strip_png(data: bytes) -> bytes:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return data
    out, pos = [data[:8]], 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if kind not in PNG_DROP:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            break
    return b"".join(out)


def strip_webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return data
    out, pos = [], 12
    while pos + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[pos:pos + 8])
        end = pos + 8 + length + (length & 1)
        chunk = data[pos:end]
        if kind == b"VP8X":
            flags = chunk[8] & ~0x0C  # EXIF and XMP flags off
            chunk = chunk[:8] + bytes([flags]) + chunk[9:]
        if kind not in (b"EXIF", b"XMP "):
            out.append(chunk)
        pos = end
    body = b"WEBP" + b"".join(out)
    return b"RIFF" + struct.pack("<I", len(body)) + body


STRIPPERS = {".jpg": strip_jpeg, ".jpeg": strip_jpeg, ".png": strip_png, ".webp": strip_webp}


def strip_file(path: str) -> bool:
    """Remove metadata from the file at ``path`` (atomically); True if it had some."""
    strip = STRIPPERS.get(os.path.splitext(path)[1].lower())
    if strip is None:
        return False
    with open(path, "rb") as fh:
        data = fh.read()
    clean = strip(data)
    if clean == data:
        return False
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(clean)
    # A new file: a hard or symbolic link Pelican made (STATIC_CREATE_LINKS)
    # is replaced, the original in content/ is never written to.
    os.replace(tmp, path)
    return True
