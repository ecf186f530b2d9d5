"""Newsletter sign-up: a plain HTML form posting to the configured provider.

The form itself is ``theme/templates/partials/newsletter.html``; it asks the
Jinja global ``newsletter_form()`` for the page language's action URL and
field names (None: no form). The "check your inbox" page is written once per
language by ``ConfirmPageGenerator``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from jinja2 import pass_context
from pelican.generators import Generator

from newsroom import buildstate, phases

from .config import SETTING, Newsletter, form_for, validate

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class Spec:
    """This build's validated ``NEWSLETTER`` (None: no form); its slot in
    ``newsroom.buildstate``."""

    value: Newsletter | None


def spec_of(mapping) -> Newsletter | None:
    """The build's validated ``NEWSLETTER``, from its settings or a context."""
    found = buildstate.of(mapping).get(Spec)
    return found.value if found is not None else None


def configure(pelican):
    """Validate ``NEWSLETTER`` once, at build start."""
    settings = pelican.settings
    spec = validate(settings)
    raw = settings.get(SETTING)
    if spec is None and not raw and settings.get("STRICT"):
        logger.warning(
            "newsletter: no provider configured, so no sign-up form is shown; set e.g. "
            '%s = {"provider": "buttondown", "username": "…"} in pelicanconf.py '
            "(providers: buttondown, mailchimp, brevo, listmonk, custom), or "
            '%s = {"provider": "none"} to publish without a form', SETTING, SETTING,
        )


def start(pelican):
    """``get_generators``: each build (a Pelican run) has the spec, and tells the
    security policy where the form posts (one URL per language)."""
    settings = pelican.settings
    build = buildstate.of(settings)
    spec = build.put(Spec(validate(settings))).value
    if spec is not None:
        codes = settings.get("LANGUAGES") or [settings.get("DEFAULT_LANG", "en")]
        build.form_actions = [form_for(spec, code, "").action for code in codes]


def confirm_url(context, code):
    """Site-relative URL of a language's "check your inbox" page, or None."""
    spec = spec_of(context)
    if spec is None or not spec.confirm_url:
        return None
    config = context.get("I18N_CONFIG")
    lang = config.get(code) if config else None
    return (lang.prefix if lang else "") + spec.confirm_url


@pass_context
def newsletter_form(ctx):
    """The sign-up form for the page's language, or None when there is none."""
    spec = spec_of(ctx)
    if spec is None:
        return None
    page = ctx.get("i18n")
    code = page.code if page is not None else ctx.get("DEFAULT_LANG", "en")
    url = confirm_url(ctx, code)
    # Providers redirect to an absolute URL; SITEURL is absolute in publish builds.
    absolute = f"{ctx.get('SITEURL', '')}/{url}" if url is not None else ""
    return form_for(spec, code, absolute)


def install(generator):
    generator.env.globals["newsletter_form"] = newsletter_form


def check_privacy_page(generator):
    """Warn when the page the consent box links to does not exist."""
    spec = spec_of(generator.settings)
    if spec is None:
        return
    pages = [*generator.pages, *generator.hidden_pages]
    if not any(p.slug == spec.privacy_page for p in pages):
        logger.warning(
            "newsletter: no page with slug %r for the consent box to link to; create "
            "content/pages/%s.<lang>.md or set %s['privacy_page'] to the slug of your "
            "privacy page", spec.privacy_page, spec.privacy_page, SETTING,
        )


class ConfirmPageGenerator(Generator):
    """Writes the "check your inbox" page once per language."""

    #: Its output, for the preview's page builds (newsroom/phases.py).
    preview_role = phases.PAGES

    def generate_context(self):
        pass

    def generate_output(self, writer):
        spec = spec_of(self.settings)
        if spec is None or not spec.confirm_url:
            return
        languages = self.settings["I18N_CONFIG"].languages
        url = spec.confirm_url
        group = {lang.code: lang.prefix + url for lang in languages}
        template = self.get_template("newsletter_confirm")
        for lang in languages:
            writer.write_file(
                lang.prefix + url + "index.html",
                template,
                self.context,
                self.settings["RELATIVE_URLS"],
                template_name="newsletter_confirm",
                url=lang.prefix + url,
                i18n_lang=lang.code,
                i18n_group=group,
            )


def confirm_generator(pelican):
    return ConfirmPageGenerator


def register():
    phases.build_started.connect(configure)
    phases.on("generator_init", install)
    phases.on("page_generator_finalized", check_privacy_page)
    phases.on("get_generators", start)
    phases.on("get_generators", confirm_generator)
