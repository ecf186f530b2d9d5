"""Sitemaps built from the pages this build actually wrote.

Why not pelican-sitemap 1.2.2: it writes ``ref=`` instead of ``href=`` on
``xhtml:link``, misses the pages of other-language subsites and emits
``/../`` paths. Here every HTML page is recorded as the writer writes it
(``content_written``), with the language and alternates the multilingual
plugin computed for it, so the sitemap lists exactly the site, once, with
reciprocal hreflang links.
"""

from __future__ import annotations

import datetime
import fnmatch
import logging
import os
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from pelican.generators import Generator

from newsroom import buildstate, phases

from .config import validate

logger = logging.getLogger(__name__)

XHTML_NS = "http://www.w3.org/1999/xhtml"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass
class Entry:
    url: str  # site-relative
    lang: str
    alternates: list  # [(hreflang, site-relative url)]
    lastmod: datetime.datetime | None = None


@dataclass
class Collected:
    """Pages written during one build (its slot in ``newsroom.buildstate``)."""

    entries: dict = field(default_factory=dict)  # url -> Entry
    articles: list = field(default_factory=list)


def configure(pelican):
    pelican.settings["SITEMAP"] = validate(pelican.settings)


def attach(generator):
    buildstate.of(generator.context).slot(Collected)


def _lastmod(context):
    item = context.get("article") or context.get("page")
    if item is not None:
        return getattr(item, "modified", None) or getattr(item, "date", None)
    listed = context.get("articles_page")
    listed = listed.object_list if listed else context.get("articles")
    dates = [getattr(a, "modified", None) or a.date for a in listed or []]
    return max(dates) if dates else None


def record(path, context):
    """Remember an HTML page the writer just wrote."""
    state = buildstate.of(context).get(Collected) if context else None
    page = context.get("i18n") if context else None
    if state is None or page is None or not path.endswith(".html"):
        return
    rel = os.path.relpath(path, context["OUTPUT_PATH"]).replace(os.sep, "/")
    prefix = page.lang.prefix
    in_lang = rel[len(prefix):] if prefix and rel.startswith(prefix) else rel
    if any(fnmatch.fnmatch(in_lang, pattern) for pattern in context["SITEMAP"]["exclude"]):
        return
    listed = context.get("articles_page")
    if listed and listed.number > 1:
        url, alternates = listed.url, [(page.code, listed.url)]
    else:
        url = page.url
        alternates = [(lang.code, u) for lang, u in page.alternates]
        if page.x_default is not None:
            alternates.append(("x-default", page.x_default))
    state.entries[url] = Entry(url, page.code, alternates, _lastmod(context))
    if context.get("article") is not None:
        state.articles.append(context["article"])


def absolute(siteurl, url):
    return f"{siteurl}/{url}"


def urlset(entries, siteurl):
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for entry in entries:
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(absolute(siteurl, entry.url))}</loc>")
        if entry.lastmod is not None:
            lines.append(f"    <lastmod>{entry.lastmod.isoformat(timespec='seconds')}</lastmod>")
        if len(entry.alternates) > 1:
            for code, url in entry.alternates:
                lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(code)} '
                             f"href={quoteattr(absolute(siteurl, url))}/>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def sitemap_index(names, siteurl):
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for name in names:
        lines.append(f"  <sitemap><loc>{escape(absolute(siteurl, name))}</loc></sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def news_sitemap(articles, siteurl, publication, now, days, limit):
    """Google News sitemap: articles of the last ``days`` days, newest first."""
    since = now - datetime.timedelta(days=days)
    recent = sorted((a for a in articles if since <= a.date <= now),
                    key=lambda a: (a.date, a.url), reverse=True)[:limit]
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">']
    for article in recent:
        lines += [
            "  <url>",
            f"    <loc>{escape(absolute(siteurl, article.url))}</loc>",
            "    <news:news>",
            "      <news:publication>",
            f"        <news:name>{escape(publication(article.lang))}</news:name>",
            f"        <news:language>{escape(article.lang)}</news:language>",
            "      </news:publication>",
            f"      <news:publication_date>{article.date.isoformat(timespec='seconds')}"
            "</news:publication_date>",
            f"      <news:title>{escape(article.title)}</news:title>",
            "    </news:news>",
            "  </url>",
        ]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n", len(recent)


class SitemapGenerator(Generator):
    """Writes the sitemaps after every page has been written."""

    #: Its output, for the preview's page builds (newsroom/phases.py).
    preview_role = phases.AFTER_PAGES

    #: Written after every page (newsroom/phases.py), wherever the plugin is in PLUGINS.
    phase = "newsroom.pages_written"

    def generate_context(self):
        pass

    def _write(self, name, text):
        path = os.path.join(self.output_path, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        logger.info("sitemap: writing %s", path)

    def generate_output(self, writer):
        state = buildstate.of(self.context).get(Collected)
        config = self.settings["SITEMAP"]
        siteurl = self.settings.get("SITEURL", "")
        if state is None:
            return
        languages = [lang.code for lang in self.settings["I18N_CONFIG"].languages]
        by_lang = {code: [] for code in languages}
        for url in sorted(state.entries):
            entry = state.entries[url]
            by_lang.setdefault(entry.lang, []).append(entry)
        names = []
        for code, entries in by_lang.items():
            if entries:
                name = f"sitemap-{code}.xml"
                self._write(name, urlset(entries, siteurl))
                names.append(name)
        self._write("sitemap.xml", sitemap_index(names, siteurl))

        if config["news"]:
            now = config["news_now"] or datetime.datetime.now(datetime.timezone.utc)
            overrides = self.settings.get("I18N_OVERRIDES", {})

            def publication(code):
                return overrides.get(code, {}).get("SITENAME", self.settings["SITENAME"])

            text, count = news_sitemap(state.articles, siteurl, publication, now,
                                       config["news_days"], config["news_max"])
            self._write("news-sitemap.xml", text)
            logger.info("sitemap: %d article(s) in news-sitemap.xml", count)

        if config["robots"]:
            lines = ["User-agent: *", "Allow: /"]
            if siteurl.startswith(("http://", "https://")):
                lines.append(f"Sitemap: {siteurl}/sitemap.xml")
                if config["news"]:
                    lines.append(f"Sitemap: {siteurl}/news-sitemap.xml")
            self._write("robots.txt", "\n".join(lines) + "\n")


def sitemap_generator(pelican):
    return SitemapGenerator


def register():
    phases.build_started.connect(configure)
    phases.on("generator_init", attach)
    phases.on("content_written", record)
    phases.on("get_generators", sitemap_generator)
