"""No stale output: each build removes the files of the output folder that the
previous build wrote and this one did not (``newsroom/outputs.py``)."""

from .outputs import register

__all__ = ["register"]
