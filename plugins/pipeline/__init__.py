"""Read every source once, in parallel, and post-process its HTML in one parse."""

from .pipeline import register

__all__ = ["register"]
