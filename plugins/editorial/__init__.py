from .editorial import register  # noqa: F401
