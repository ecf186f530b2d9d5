"""Static full-text search per language with Pagefind."""

from .search import register

__all__ = ["register"]
