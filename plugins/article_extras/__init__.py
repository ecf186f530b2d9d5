"""article_extras plugin (being written)."""


def register():
    pass
