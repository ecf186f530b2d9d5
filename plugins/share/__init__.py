"""share plugin (being written)."""


def register():
    pass
