"""Share URL of each network: one pure function per network, and the table of them.

Every query value is percent-encoded with ``quote(safe="")`` so that a title
with ``& # ? % "`` or an emoji comes back unchanged when the link is parsed,
and spaces are ``%20`` (never ``+``, which mail clients show literally).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote


def _query(**params) -> str:
    return "&".join(f"{key}={quote(value, safe='')}" for key, value in params.items())


def facebook(url: str, title: str) -> str:
    return "https://www.facebook.com/sharer/sharer.php?" + _query(u=url)


def x(url: str, title: str) -> str:
    return "https://x.com/intent/tweet?" + _query(url=url, text=title)


def linkedin(url: str, title: str) -> str:
    return "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url)


def mastodon(url: str, title: str) -> str:
    # Mastodon has no central server: this page asks the reader for their instance.
    return "https://toot.kytta.dev/?" + _query(text=f"{title} {url}")


def bluesky(url: str, title: str) -> str:
    return "https://bsky.app/intent/compose?" + _query(text=f"{title} {url}")


def hackernews(url: str, title: str) -> str:
    return "https://news.ycombinator.com/submitlink?" + _query(u=url, t=title)


def reddit(url: str, title: str) -> str:
    return "https://www.reddit.com/submit?" + _query(url=url, title=title)


def whatsapp(url: str, title: str) -> str:
    return "https://wa.me/?" + _query(text=f"{title} {url}")


def telegram(url: str, title: str) -> str:
    return "https://t.me/share/url?" + _query(url=url, text=title)


def email(url: str, title: str) -> str:
    return "mailto:?" + _query(subject=title, body=url)


@dataclass(frozen=True)
class Network:
    id: str
    name: str  # brand name, the same in every language
    build: Callable[[str, str], str]
    icon: str  # SVG path data, 24×24 box, drawn with a currentColor stroke


# Letter marks and generic glyphs in a rounded square; original drawings.
_FRAME = "M7 3h10a4 4 0 0 1 4 4v10a4 4 0 0 1-4 4H7a4 4 0 0 1-4-4V7a4 4 0 0 1 4-4z"

NETWORKS = {
    n.id: n
    for n in (
        Network("facebook", "Facebook", facebook,
                _FRAME + "M15 7.5h-1.5a2.5 2.5 0 0 0-2.5 2.5v8.5M8.5 12.5H14"),
        Network("x", "X", x, _FRAME + "M8 7.5l8 9M16 7.5l-8 9"),
        Network("linkedin", "LinkedIn", linkedin,
                _FRAME + "M8 11v5.5M8 8v.01M11.5 16.5V11m0 2.5a2.5 2.5 0 0 1 5 0v3"),
        Network("mastodon", "Mastodon", mastodon, _FRAME + "M7.5 16.5v-9l4.5 5.5 4.5-5.5v9"),
        Network("bluesky", "Bluesky", bluesky,
                _FRAME + "M12 11.5C10.5 9 8.5 7.5 7 7.5c-.8 0-1 .7-1 1.6 0 1.9 1.2 3.2 3.5 3.1"
                "-1.8.6-2 2-.8 2.8 1.6 1 2.8-.6 3.3-2.2.5 1.6 1.7 3.2 3.3 2.2 1.2-.8 1-2.2-.8-2.8"
                " 2.3.1 3.5-1.2 3.5-3.1 0-.9-.2-1.6-1-1.6-1.5 0-3.5 1.5-5 4z"),
        Network("hackernews", "Hacker News", hackernews, _FRAME + "M8 7.5l4 5 4-5M12 12.5v4"),
        Network("reddit", "Reddit", reddit, _FRAME + "M10 10v6.5m0-3.5c0-2 1.5-3 3.5-3H15"),
        Network("whatsapp", "WhatsApp", whatsapp,
                _FRAME + "M8.2 15.8 7.5 18l2.4-.8A5.2 5.2 0 1 0 8.2 15.8z"),
        Network("telegram", "Telegram", telegram,
                _FRAME + "M6.5 11.8 17.5 7.5 15.5 17l-4-3-1.8 2.2v-3.4l5.3-4.3-6.8 3.6z"),
        Network("email", "Email", email,
                _FRAME + "M6.5 8.5h11v7.5h-11zM6.5 8.5 12 12.8l5.5-4.3"),
    )
}

ALIASES = {"twitter": "x"}


@dataclass(frozen=True)
class ShareLink:
    id: str
    name: str
    href: str
    icon: str


def links(ids, url: str, title: str) -> list[ShareLink]:
    """The share links of one page, in the order of ``ids`` (validated network ids)."""
    return [ShareLink(i, NETWORKS[i].name, NETWORKS[i].build(url, title), NETWORKS[i].icon)
            for i in ids]
