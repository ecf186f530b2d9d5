"""'Updated' and correction notices, and the per-language corrections page."""

from .notices import register

__all__ = ["register"]
