"""French typography: no-break spaces before high punctuation and inside « »."""

from .typography import register

__all__ = ["register"]
