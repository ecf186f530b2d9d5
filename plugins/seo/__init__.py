"""Search-engine and social metadata of articles and pages (Open Graph, Twitter, JSON-LD)."""

from .seo import register

__all__ = ["register"]
