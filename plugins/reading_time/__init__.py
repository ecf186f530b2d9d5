"""reading_time plugin (being written)."""


def register():
    pass
