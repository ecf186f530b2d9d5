"""Writes WordPress exports (WXR 1.2) for the tests and the bench: our own text, real XML."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr


def cdata(text: str) -> str:
    return "<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class Post:
    post_id: int
    title: str
    slug: str
    content: str = ""
    post_type: str = "post"
    status: str = "publish"
    date_gmt: str = "2024-11-27 08:30:00"
    date: str = "2024-11-27 09:30:00"
    creator: str = "claire"
    excerpt: str = ""
    password: str = ""
    link: str | None = None
    lang: str | None = None  # Polylang language
    group: str | None = None  # Polylang post_translations term
    categories: list = field(default_factory=list)  # [(nicename, name)]
    tags: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    attachment_url: str = ""


def item(post: Post, base: str) -> str:
    link = post.link if post.link is not None else f"{base}/2024/11/27/{post.slug}/"
    terms = "".join(f'<category domain="category" nicename={quoteattr(n)}>{cdata(name)}</category>'
                    for n, name in post.categories)
    terms += "".join(f'<category domain="post_tag" nicename={quoteattr(n)}>{cdata(name)}</category>'
                     for n, name in post.tags)
    if post.lang:
        terms += f'<category domain="language" nicename="{post.lang}">{cdata(post.lang)}</category>'
    if post.group:
        terms += f'<category domain="post_translations" nicename="{post.group}">{cdata(post.group)}</category>'
    meta = "".join(f"<wp:postmeta><wp:meta_key>{cdata(k)}</wp:meta_key>"
                   f"<wp:meta_value>{cdata(v)}</wp:meta_value></wp:postmeta>"
                   for k, v in post.meta.items())
    attachment = f"<wp:attachment_url>{cdata(post.attachment_url)}</wp:attachment_url>" if post.attachment_url else ""
    return f"""
  <item>
    <title>{escape(post.title)}</title>
    <link>{escape(link)}</link>
    <pubDate>Wed, 27 Nov 2024 08:30:00 +0000</pubDate>
    <dc:creator>{cdata(post.creator)}</dc:creator>
    <guid isPermaLink="false">{base}/?p={post.post_id}</guid>
    <description></description>
    <content:encoded>{cdata(post.content)}</content:encoded>
    <excerpt:encoded>{cdata(post.excerpt)}</excerpt:encoded>
    <wp:post_id>{post.post_id}</wp:post_id>
    <wp:post_date>{cdata(post.date)}</wp:post_date>
    <wp:post_date_gmt>{cdata(post.date_gmt)}</wp:post_date_gmt>
    <wp:comment_status>{cdata("open")}</wp:comment_status>
    <wp:post_name>{cdata(post.slug)}</wp:post_name>
    <wp:status>{cdata(post.status)}</wp:status>
    <wp:post_parent>0</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    <wp:post_type>{cdata(post.post_type)}</wp:post_type>
    <wp:post_password>{cdata(post.password)}</wp:post_password>
    <wp:is_sticky>0</wp:is_sticky>{attachment}
    {terms}{meta}
  </item>"""


def export(posts, terms=(), base="https://old.example.org", scheme="https", language="fr-FR",
           authors=(("claire", "Claire Dubois"),), prolog="") -> str:
    """A whole export. ``terms``: raw ``<wp:category>``/``<wp:tag>``/``<wp:term>`` XML."""
    ns = f"{scheme}://wordpress.org/export/1.2/"
    people = "".join(f"<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>{cdata(login)}"
                     f"</wp:author_login><wp:author_display_name>{cdata(name)}"
                     "</wp:author_display_name></wp:author>"
                     for n, (login, name) in enumerate(authors, 1))
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
{prolog}<rss version="2.0"
  xmlns:excerpt="{ns}excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="{ns}">
<channel>
  <title>Le vieux site</title>
  <link>{base}</link>
  <description>Un site WordPress</description>
  <language>{language}</language>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{base}</wp:base_site_url>
  <wp:base_blog_url>{base}</wp:base_blog_url>
  {people}
  {"".join(terms)}
  {"".join(item(p, base) for p in posts)}
</channel>
</rss>
"""


def category(term_id, slug, name) -> str:
    return (f"<wp:category><wp:term_id>{term_id}</wp:term_id><wp:category_nicename>{cdata(slug)}"
            f"</wp:category_nicename><wp:category_parent></wp:category_parent>"
            f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>")


def tag(term_id, slug, name) -> str:
    return (f"<wp:tag><wp:term_id>{term_id}</wp:term_id><wp:tag_slug>{cdata(slug)}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>")


def term(term_id, taxonomy, slug, name, description="") -> str:
    return (f"<wp:term><wp:term_id>{term_id}</wp:term_id><wp:term_taxonomy>{cdata(taxonomy)}"
            f"</wp:term_taxonomy><wp:term_slug>{cdata(slug)}</wp:term_slug><wp:term_parent></wp:term_parent>"
            f"<wp:term_name>{cdata(name)}</wp:term_name>"
            f"<wp:term_description>{cdata(description)}</wp:term_description></wp:term>")


def php_array(mapping: dict) -> str:
    """PHP's serialize() of {str: int}, as Polylang stores translations."""
    parts = "".join(f's:{len(k.encode())}:"{k}";i:{v};' for k, v in mapping.items())
    return f"a:{len(mapping)}:{{{parts}}}"
