"""newsletter plugin (being written)."""


def register():
    pass
