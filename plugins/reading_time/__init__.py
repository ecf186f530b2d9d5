"""Reading time of articles, shown near the title and in listings (setting: READING_TIME)."""

from .reading_time import register

__all__ = ["register"]
