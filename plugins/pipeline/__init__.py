"""The build engine: phases, every source read once (in parallel), document steps on Markdown's tree."""

from .pipeline import register

__all__ = ["register"]
