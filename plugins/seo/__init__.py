"""seo plugin (being written)."""


def register():
    pass
