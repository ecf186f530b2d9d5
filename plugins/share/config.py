"""The SHARE setting: which networks, in which order; defaults and validation."""

from __future__ import annotations

from .networks import ALIASES, NETWORKS

DEFAULTS = list(NETWORKS)  # every network, in the table's order


class ShareError(ValueError):
    pass


def _valid_ids():
    return " ".join(NETWORKS) + f" (alias: {', '.join(f'{a} = {n}' for a, n in ALIASES.items())})"


def validate(settings):
    """Return SHARE as a list of network ids (aliases resolved), or raise naming SHARE."""
    value = settings.get("SHARE", DEFAULTS)
    if value is None:
        value = DEFAULTS
    if not isinstance(value, (list, tuple)):
        raise ShareError(
            f"SHARE must be a list of network ids, not {type(value).__name__} {value!r}; "
            f"write e.g. SHARE = ['mastodon', 'bluesky', 'email'] ([] for no share links). "
            f"Valid ids: {_valid_ids()}"
        )
    ids = []
    for item in value:
        key = ALIASES.get(item, item) if isinstance(item, str) else None
        if key not in NETWORKS:
            raise ShareError(f"SHARE: unknown network {item!r}; valid ids: {_valid_ids()}")
        if key in ids:
            raise ShareError(f"SHARE: {item!r} is listed twice; list each network once")
        ids.append(key)
    return ids
