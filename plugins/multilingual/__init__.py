"""One-pass multilingual sites for Pelican: every source read once, one site per language."""

from .plugin import register

__all__ = ["register"]
