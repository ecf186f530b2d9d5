from .security import register

__all__ = ["register"]
