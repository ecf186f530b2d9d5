"""A Pelican writer that tells every page which language it is in."""

from __future__ import annotations

from pelican.writers import Writer

from .state import state_of


class LanguageWriter(Writer):
    """Adds ``i18n`` (a PageLanguage) and the language's setting overrides to each page."""

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        state = state_of(context) if context else None
        if state is not None and name and "i18n" not in kwargs:
            page = state.page_language(kwargs, url)
            kwargs["i18n"] = page
            for key, value in state.config.overrides.get(page.code, {}).items():
                kwargs.setdefault(key, value)
        return super().write_file(name, template, context, relative_urls, paginated,
                                  template_name, override_output, url, **kwargs)

    # Pelican's writer has no public hook for a feed's language or home link,
    # so we extend its feed factory (Writer._create_new_feed).
    def _create_new_feed(self, feed_type, feed_title, context):
        feed = super()._create_new_feed(feed_type, feed_title, context)
        # Titles are text: Pelican strips what looks like tags from them
        # ("C<T> in Rust" would lose "<T>"); feedgenerator escapes them itself.
        feed.feed["title"] = context["SITENAME"] + (f" - {feed_title}" if feed_title else "")
        lang = context.get("I18N_FEED_LANG")
        if lang is not None:
            feed.feed["language"] = lang.code
            feed.feed["link"] = feed.feed["id"] = f"{self.site_url}/{lang.prefix}"
        return feed

    def _add_item_to_the_feed(self, feed, item):
        super()._add_item_to_the_feed(feed, item)
        feed.items[-1]["title"] = str(item.title)  # as is: text, not HTML (see above)
