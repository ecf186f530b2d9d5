"""Strict builds and readable content errors."""

from .strict import register

__all__ = ["register"]
