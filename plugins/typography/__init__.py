"""Typography by language: CLDR quotation marks, apostrophes, French no-break spaces."""

from .typography import register

__all__ = ["register"]
