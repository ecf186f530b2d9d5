"""security: metadata as text, a Content-Security-Policy, and the published headers.

* Every source (``metadata.text_metadata``, the first document step): plain-text
  summaries, no forbidden characters, URL-safe slugs.
* Publish builds (``SECURITY['headers']``): each page starts its ``<head>`` with
  a Content-Security-Policy ``<meta>`` (our own scripts, styles and images only,
  Pagefind's WebAssembly, forms posting to us or to the newsletter provider)
  and a Referrer-Policy; ``_headers`` (Netlify, Cloudflare Pages) and an nginx
  snippet carry the same headers, ``frame-ancestors``, and caching: a year for
  fingerprinted CSS/JS, minutes for pages. A page with inline script or style
  the policy would block is reported (strict builds fail).

Setting: ``SECURITY`` (defaults and checks: ``config.py``).
"""

from __future__ import annotations

import logging
import os
import re

from pelican.generators import Generator

from newsroom import buildstate, inline_code, phases

from .config import SETTING, ConfigurationError, validate
from .confine import confine
from .metadata import text_metadata
from .policy import html_rules, headers_file, make_policy, nginx_snippet

logger = logging.getLogger(__name__)

#: The context variable partials/security.html renders (None: nothing). Templates
#: read the context, not the build state: it is set from this build's ``State``.
TEMPLATE_VARIABLE = "SECURITY_META"


class State:
    """Per-build (its slot in ``newsroom.buildstate``): the policy (None: no headers),
    what the pages' ``<head>`` shows of it, and the pages written."""

    def __init__(self, policy, meta=None):
        self.policy = policy
        self.meta = meta
        self.pages = []  # output paths of HTML pages, relative to the output folder


def configure(pelican):
    settings = pelican.settings
    settings[SETTING] = validate(settings)
    # Metadata is text: Pelican would run Summary: through Markdown (raw HTML kept).
    settings["FORMATTED_FIELDS"] = []


def attach(generator):
    context = generator.context
    build = buildstate.of(context)
    state = build.get(State)
    if state is None:
        state = build.put(_state(generator.settings, build.form_actions))
    context[TEMPLATE_VARIABLE] = state.meta


def _state(settings, form_actions):
    """The policy of every URL the pages' forms post to (the newsletter's, one per language)."""
    config = settings[SETTING]
    if not config["headers"]:
        return State(None)
    policy = make_policy(settings.get("SITEURL") or "", form_actions, config)
    # Only the search page runs WebAssembly: the others' policy does not allow it.
    return State(policy, {"csp": policy.csp(meta=True, wasm=False),
                          "csp_search": policy.csp(meta=True, wasm=True),
                          "referrer": config["referrer_policy"]})


def _item_html(context):
    item = context.get("article") or context.get("page")
    return (getattr(item, "content", "") or "") if item is not None else ""


def record(path, context):
    """Remember each page written; report inline code the policy would block."""
    state = buildstate.of(context).get(State) if context else None
    if state is None or state.policy is None or not path.endswith(".html"):
        return
    rel = os.path.relpath(path, context["OUTPUT_PATH"]).replace(os.sep, "/")
    state.pages.append(rel)
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    # Elements and their attributes, never text: a summary or an alt text that mentions
    # "onclick=" is escaped text (newsroom.inline_code).
    found = inline_code.find(text)
    if found:
        # the editor's raw HTML: newsroom.rules.inline_code reports it, at its line
        found = inline_code.not_in(found, inline_code.find(_item_html(context)))
    if found:
        logger.warning("security: %s: %r is inline code the Content-Security-Policy blocks; "
                       "move it to a file in theme/static/ and load it with src/href", rel,
                       found[0].tag[:80])


class HeadersGenerator(Generator):
    """Writes ``_headers`` and the nginx snippet, after every page is written."""

    #: Its output, for the preview's page builds (newsroom/phases.py).
    preview_role = phases.FILES

    #: Written after every page (newsroom/phases.py), wherever the plugin is in PLUGINS.
    phase = "newsroom.pages_written"

    def generate_context(self):
        pass

    def generate_output(self, writer):
        build = buildstate.of(self.context)
        state = build.get(State)
        if state is None or state.policy is None:
            return
        config = self.settings[SETTING]
        fingerprinted = [name for name in build.asset_names.values()
                         if re.search(r"\.[0-9a-f]{10}\.(?:css|js)$", name)]
        files = {}
        if config["headers_file"]:
            files[config["headers_file"]] = headers_file(
                state.policy, fingerprinted, html_rules(state.pages), config)
        if config["nginx_file"]:
            files[config["nginx_file"]] = nginx_snippet(
                state.policy, config, self.settings.get("THEME_STATIC_DIR", "theme"))
        for name, text in files.items():
            target = os.path.join(self.output_path, name)
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
            logger.info("security: writing %s", target)


def headers_generator(pelican):
    return HeadersGenerator


def register():
    phases.build_started.connect(configure)
    # First step: the later ones (typography, seo …) get clean, escaped metadata.
    phases.connect_step(text_metadata, phases.PRIORITY["text_metadata"])
    phases.on("generator_init", attach)
    phases.on("content_written", record)
    phases.on("get_generators", headers_generator)
    phases.items_ready.connect(confine)
