"""typography plugin (being written)."""


def register():
    pass
