"""Around the article: previous/next and related articles, heading anchors, images, external links."""

from .extras import register

__all__ = ["register"]
