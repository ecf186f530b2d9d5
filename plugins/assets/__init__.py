"""Fingerprinted theme assets (main.<hash>.css) referenced by that name."""

from .assets import register

__all__ = ["register"]
