"""A reader for the PHP-serialised arrays Polylang keeps in term descriptions.

``a:2:{s:2:"fr";i:12;s:2:"en";i:14;}`` -> ``{"fr": 12, "en": 14}``. Only what
Polylang writes (arrays, strings, integers, booleans, null) is understood; any
other value gives None, never an exception, and nothing is ever executed.
Lengths of PHP strings count UTF-8 bytes.
"""

from __future__ import annotations


class _Invalid(Exception):
    pass


def loads(text: str):
    """The value of a PHP-serialised string, or None if it is not one we read."""
    if not text:
        return None
    data = text.strip().encode("utf-8")
    try:
        value, end = _value(data, 0, 0)
    except (_Invalid, ValueError, IndexError):
        return None
    return value if end == len(data) else None


def _until(data, pos, char):
    end = data.index(char, pos)
    return data[pos:end].decode("ascii"), end + 1


def _value(data, pos, depth):
    if depth > 8:
        raise _Invalid
    kind = data[pos:pos + 2]
    if kind == b"N;":
        return None, pos + 2
    if kind == b"i:":
        number, pos = _until(data, pos + 2, b";")
        return int(number), pos
    if kind == b"b:":
        number, pos = _until(data, pos + 2, b";")
        return number == "1", pos
    if kind == b"s:":
        length, pos = _until(data, pos + 2, b":")
        length = int(length)
        if data[pos:pos + 1] != b'"' or data[pos + 1 + length:pos + 3 + length] != b'";':
            raise _Invalid
        return data[pos + 1:pos + 1 + length].decode("utf-8"), pos + 3 + length
    if kind == b"a:":
        count, pos = _until(data, pos + 2, b":")
        if data[pos:pos + 1] != b"{":
            raise _Invalid
        pos += 1
        result = {}
        for _ in range(int(count)):
            key, pos = _value(data, pos, depth + 1)
            if not isinstance(key, (int, str)):
                raise _Invalid
            result[key], pos = _value(data, pos, depth + 1)
        if data[pos:pos + 1] != b"}":
            raise _Invalid
        return result, pos + 1
    raise _Invalid
