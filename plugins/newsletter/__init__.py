"""Newsletter sign-up form and "check your inbox" page (setting: NEWSLETTER)."""

from .plugin import register

__all__ = ["register"]
