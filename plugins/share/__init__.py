"""Share links of the article page: plain links, no third-party script."""

from .share import register

__all__ = ["register"]
