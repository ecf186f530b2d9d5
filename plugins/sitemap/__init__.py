"""Sitemaps with hreflang alternates, a Google News sitemap and robots.txt."""

from .sitemap import register

__all__ = ["register"]
