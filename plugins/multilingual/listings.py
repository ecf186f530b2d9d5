"""Per-language listing pages and feeds, written from the articles read once.

For each language: the home page (paginated), the direct templates Pelican
would write once (archives, categories, tags, authors), a 404 page, an Atom
feed of all articles and one per category. Category, tag and author pages
themselves are written by Pelican's ArticlesGenerator: their objects are
language-bound (see taxonomy.py), so each language gets its own.
"""

from __future__ import annotations

import logging
from operator import attrgetter

from pelican.generators import Generator

from newsroom import phases

from .state import state_of

logger = logging.getLogger(__name__)


class ListingsGenerator(Generator):
    """Writes every language's listings; runs after articles and pages."""

    #: Its output, for the preview's page builds (newsroom/phases.py).
    preview_role = phases.PAGES

    def generate_context(self):
        pass

    def generate_output(self, writer):
        state = state_of(self.context)
        config = state.config
        direct = self.settings["I18N_DIRECT_TEMPLATES"]
        newest_first = self.settings.get("NEWEST_FIRST_ARCHIVES", True)
        for lang in config.languages:
            articles = self.listed(state, lang)
            dates = sorted(articles, key=attrgetter("date"), reverse=newest_first)
            own = [a for a in articles if a.lang == lang.code]
            categories = [(c, a) for c, a in state.categories if c.lang == lang.code]
            tags = {t: a for t, a in state.tags.items() if t.lang == lang.code}
            authors = [(a, arts) for a, arts in state.authors if a.lang == lang.code]
            for name in direct:
                save_as = self.settings.get(f"{name.upper()}_SAVE_AS", f"{name}/index.html")
                if not save_as:
                    continue
                url = self.settings.get(f"{name.upper()}_URL", f"{name}/")
                group = {lg.code: lg.prefix + url for lg in config.languages}
                writer.write_file(
                    lang.prefix + save_as,
                    self.get_template(name),
                    self.context,
                    self.settings["RELATIVE_URLS"],
                    articles=articles,
                    dates=dates,
                    categories=categories,
                    tags=tags,
                    authors=authors,
                    blog=True,
                    template_name=name,
                    page_name=(lang.prefix + save_as).rsplit(".", 1)[0],
                    url=lang.prefix + url,
                    i18n_lang=lang.code,
                    i18n_group=group,
                )
            not_found = self.settings.get("I18N_404_SAVE_AS", "404.html")
            if not_found:
                writer.write_file(
                    lang.prefix + not_found, self.get_template("404"), self.context,
                    self.settings["RELATIVE_URLS"], url=lang.prefix + not_found,
                    # its latest articles (and what the preview rebuilds it for)
                    articles=own,
                    i18n_lang=lang.code,
                    i18n_group={lg.code: lg.prefix + not_found for lg in config.languages},
                )
            self.write_feeds(writer, lang, own, categories)

    def listed(self, state, lang):
        """Articles a language's listings show: its own, plus untranslated ones in notice mode."""
        if state.config.untranslated == "notice":
            return [
                a for a in state.articles
                if a.lang == lang.code
                or not any(t.lang == lang.code for t in a.translations)
            ]
        return state.articles_in(lang.code)

    def write_feeds(self, writer, lang, articles, categories):
        feeds = self.settings["I18N_FEEDS"]
        context = dict(self.context, I18N_FEED_LANG=lang)
        context.update(self.settings["I18N_OVERRIDES"].get(lang.code, {}))
        if feeds.get("all"):
            path = lang.prefix + feeds["all"]
            writer.write_feed(articles, context, path, path)
        if feeds.get("category"):
            for category, arts in categories:
                path = lang.prefix + feeds["category"].format(slug=category.slug)
                writer.write_feed(arts, context, path, path, feed_title=category.name)
