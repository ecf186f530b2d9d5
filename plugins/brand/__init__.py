"""brand: the newsroom's name, logo, colours, typefaces and code colours, by configuration."""

from .brand import register

__all__ = ["register"]
