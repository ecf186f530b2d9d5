"""The ``NEWSLETTER`` setting: defaults, provider presets, validation in one function.

``NEWSLETTER = {"provider": …, <provider keys>, <common keys>}`` in pelicanconf.py.

Providers and the keys they need (any list/id/URL value may also be a dict
``{lang: value}`` giving one value per language in ``LANGUAGES``):

``buttondown``  ``username``
``mailchimp``   ``action`` (the ``https://<dc>.list-manage.com/subscribe/post?u=…&id=…``
                URL of the embedded form), or ``u``, ``id`` and ``dc``
``brevo``       ``action`` (the ``https://….sibforms.com/serve/…`` URL of the form)
``listmonk``    ``url`` (root of the instance) and ``lists`` (list UUID, or a list of them)
``custom``      ``action`` and ``email_field``; optional ``method`` (post/get),
                ``honeypot_field``, ``redirect_field``
``none``        no form, on purpose

Common keys: ``privacy_page`` (slug of the page the consent box links to),
``confirm_url`` ("check your inbox" page written per language, or None),
``hidden`` (extra hidden fields ``{name: value}``), ``consent_field`` (name
under which the consent box is sent; unnamed, it is only checked by the browser),
``honeypot_field`` (overrides the preset's name; None drops it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

SETTING = "NEWSLETTER"

DEFAULTS = {
    "privacy_page": "privacy",
    "confirm_url": "newsletter/confirm/",
    "hidden": {},
    "consent_field": None,
}

#: Per provider: keys it requires, keys it accepts, and its form fields.
#: ``honeypot`` is the field the provider checks (and must stay empty);
#: ``redirect`` is a field taking the URL to show after signing up.
PRESETS = {
    # Embed form of Buttondown's docs: POST email + hidden embed=1. Buttondown
    # documents no honeypot field nor a redirect field (the page shown after
    # signing up is set in its dashboard); the honeypot name is our choice, a
    # field Buttondown does not know and, as far as we could tell, ignores.
    "buttondown": {
        "required": ("username",),
        "optional": (),
        "email": "email",
        "honeypot": "hp_website",
        "redirect": None,
    },
    # Mailchimp's generated embed code: EMAIL, and the bot trap b_<u>_<id> it
    # rejects when filled. The after-signup page is an audience setting, not a field.
    "mailchimp": {
        "required": (),
        "optional": ("action", "u", "id", "dc"),
        "email": "EMAIL",
        "honeypot": "b_{u}_{id}",
        "redirect": None,
    },
    # Brevo (sibforms) embed code: EMAIL, the email_address_check trap and a
    # locale field (language of its messages). The redirect is a form setting
    # in Brevo's dashboard, not a field.
    "brevo": {
        "required": ("action",),
        "optional": (),
        "email": "EMAIL",
        "honeypot": "email_address_check",
        "redirect": None,
    },
    # listmonk's public form (POST <root>/subscription/form): email, one "l"
    # per list UUID; it refuses a submission whose "nonce" field is not empty.
    # It answers with its own page: no redirect field.
    "listmonk": {
        "required": ("url", "lists"),
        "optional": (),
        "email": "email",
        "honeypot": "nonce",
        "redirect": None,
    },
    "custom": {
        "required": ("action", "email_field"),
        "optional": ("method", "redirect_field"),
        "email": None,
        "honeypot": None,
        "redirect": None,
    },
}

EXAMPLE = 'NEWSLETTER = {"provider": "buttondown", "username": "yourname"}'


class ConfigurationError(Exception):
    """``NEWSLETTER`` is wrong; the message names the key and what to write."""


@dataclass(frozen=True)
class Newsletter:
    """The validated setting: what the form needs, with per-language values unresolved."""

    provider: str
    privacy_page: str
    confirm_url: str | None
    consent_field: str | None
    options: dict = field(default_factory=dict)  # provider keys, values maybe {lang: value}
    hidden: dict = field(default_factory=dict)
    honeypot: str | None = None

    def value(self, key, lang):
        """A provider key's value for one language."""
        value = self.options.get(key)
        return value.get(lang) if isinstance(value, dict) else value


@dataclass(frozen=True)
class Form:
    """One language's form: where it posts and the names of its fields."""

    action: str
    method: str
    email_field: str
    hidden: list  # [(name, value)]
    honeypot: str | None
    consent_field: str | None
    privacy_page: str


def _fail(message):
    raise ConfigurationError(f"{SETTING}: {message}")


def _check_per_language(key, value, codes, kind=str):
    """A value, or a {lang: value} dict covering every language."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(codes))
        if unknown:
            _fail(f"{key!r} has values for {unknown}, which are not in LANGUAGES {list(codes)}")
        missing = [c for c in codes if c not in value]
        if missing:
            _fail(f"{key!r} has no value for {missing}; give one per language "
                  f"({{{', '.join(repr(c) + ': …' for c in codes)}}}) or a single value")
        for code, item in value.items():
            _check_value(f"{key}[{code!r}]", item, kind)
    else:
        _check_value(key, value, kind)


def _check_value(key, value, kind):
    if kind is list and isinstance(value, (list, tuple)):
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            _fail(f"{key!r} must be a non-empty list of strings")
        return
    if not isinstance(value, str) or not value.strip():
        _fail(f"{key!r} must be a non-empty string, not {value!r}")


def _check_url(key, value, codes):
    for item in (value.values() if isinstance(value, dict) else [value]):
        if urlsplit(item).scheme not in ("http", "https") or not urlsplit(item).netloc:
            _fail(f"{key!r} must be an absolute http(s) URL, not {item!r}")


def _mailchimp(options, codes):
    """Fill action, u and id from each other (per language if any is per language)."""
    def per_lang(key):
        value = options.get(key)
        return {c: (value.get(c) if isinstance(value, dict) else value) for c in codes}

    if "action" in options:
        _check_per_language("action", options["action"], codes)
        _check_url("action", options["action"], codes)
        actions = per_lang("action")
        us, ids = {}, {}
        for code, action in actions.items():
            query = parse_qs(urlsplit(action).query)
            u, list_id = query.get("u", [None])[0], query.get("id", [None])[0]
            if not (u and list_id) or "list-manage.com" not in urlsplit(action).netloc:
                _fail(f"'action' must be the form URL of Mailchimp's embed code, "
                      f"https://<dc>.list-manage.com/subscribe/post?u=…&id=…, not {action!r}")
            us[code], ids[code] = u, list_id
    else:
        missing = [k for k in ("u", "id", "dc") if k not in options]
        if missing:
            _fail(f"provider 'mailchimp' needs 'action' (the form URL of Mailchimp's embed "
                  f"code) or 'u', 'id' and 'dc'; missing {missing}")
        for key in ("u", "id", "dc"):
            _check_per_language(key, options[key], codes)
        us, ids, dcs = per_lang("u"), per_lang("id"), per_lang("dc")
        actions = {
            c: f"https://{dcs[c]}.list-manage.com/subscribe/post?"
               + urlencode({"u": us[c], "id": ids[c]})
            for c in codes
        }
    same = len(set(actions.values())) == 1
    return {
        "action": actions[codes[0]] if same else actions,
        "honeypot": {c: f"b_{us[c]}_{ids[c]}" for c in codes},
    }


def validate(settings: dict) -> Newsletter | None:
    """Check ``NEWSLETTER``; None when no form is wanted (missing, empty or provider "none")."""
    raw = settings.get(SETTING)
    if raw is None or raw == {}:
        return None
    if not isinstance(raw, dict):
        _fail(f"must be a dict, e.g. {EXAMPLE}")
    codes = tuple(settings.get("LANGUAGES") or [settings.get("DEFAULT_LANG", "en")])
    provider = raw.get("provider")
    if provider is None:
        _fail(f"'provider' is missing; write {EXAMPLE} "
              f"(providers: {sorted(PRESETS)}, or 'none' for no form)")
    if provider == "none":
        return None
    if provider not in PRESETS:
        _fail(f"unknown provider {provider!r}; use one of {sorted(PRESETS)} "
              "(or 'custom' with 'action' and 'email_field', or 'none' for no form)")
    preset = PRESETS[provider]
    known = {"provider", "honeypot_field", *DEFAULTS, *preset["required"], *preset["optional"]}
    unknown = sorted(set(raw) - known)
    if unknown:
        _fail(f"{unknown} not understood for provider {provider!r}; keys: {sorted(known)}")
    missing = [k for k in preset["required"] if k not in raw]
    if missing:
        _fail(f"provider {provider!r} needs {missing[0]!r} (missing: {missing})")

    conf = {**DEFAULTS, **raw}
    _check_value("privacy_page", conf["privacy_page"], str)
    if conf["confirm_url"] is not None:
        _check_value("confirm_url", conf["confirm_url"], str)
        if not conf["confirm_url"].endswith("/") or conf["confirm_url"].startswith("/"):
            _fail(f"'confirm_url' must be a relative folder URL like 'newsletter/confirm/', "
                  f"not {conf['confirm_url']!r}")
    if conf["consent_field"] is not None:
        _check_value("consent_field", conf["consent_field"], str)
    if not isinstance(conf["hidden"], dict):
        _fail("'hidden' must be a dict {field name: value}")
    for name, value in conf["hidden"].items():
        _check_value(f"hidden[{name!r}]", name, str)
        _check_per_language(f"hidden[{name!r}]", value, codes)

    options = {k: raw[k] for k in (*preset["required"], *preset["optional"]) if k in raw}
    honeypot = preset["honeypot"]
    if provider == "buttondown":
        _check_per_language("username", options["username"], codes)
    elif provider == "mailchimp":
        resolved = _mailchimp(options, codes)
        options["action"] = resolved["action"]
        honeypot = resolved["honeypot"]
        if len(set(honeypot.values())) == 1:
            honeypot = honeypot[codes[0]]
    elif provider == "brevo":
        _check_per_language("action", options["action"], codes)
        _check_url("action", options["action"], codes)
    elif provider == "listmonk":
        _check_per_language("url", options["url"], codes)
        _check_url("url", options["url"], codes)
        _check_per_language("lists", options["lists"], codes, kind=list)
    elif provider == "custom":
        _check_per_language("action", options["action"], codes)
        _check_url("action", options["action"], codes)
        _check_value("email_field", options["email_field"], str)
        method = options.setdefault("method", "post")
        if not isinstance(method, str) or method.lower() not in ("post", "get"):
            _fail(f"'method' must be 'post' or 'get', not {method!r}")
        options["method"] = method.lower()
        if options.get("redirect_field") is not None:
            _check_value("redirect_field", options["redirect_field"], str)
            if conf["confirm_url"] is None:
                _fail("'redirect_field' needs the confirmation page; remove "
                      "'confirm_url': None or the 'redirect_field'")
    if "honeypot_field" in raw:
        honeypot = raw["honeypot_field"]
        if honeypot is not None:
            _check_per_language("honeypot_field", honeypot, codes)

    return Newsletter(
        provider=provider,
        privacy_page=conf["privacy_page"],
        confirm_url=conf["confirm_url"],
        consent_field=conf["consent_field"],
        options=options,
        hidden=dict(conf["hidden"]),
        honeypot=honeypot,
    )


def form_for(spec: Newsletter, lang: str, confirm_url: str) -> Form:
    """The form of one language; ``confirm_url`` is that language's absolute "check your inbox" URL."""
    provider = spec.provider
    value = spec.value
    hidden = []
    method = "post"
    redirect = None
    if provider == "buttondown":
        action = f"https://buttondown.com/api/emails/embed-subscribe/{value('username', lang)}"
        hidden.append(("embed", "1"))
    elif provider == "mailchimp":
        action = value("action", lang)
    elif provider == "brevo":
        action = value("action", lang)
        hidden += [("locale", lang), ("html_type", "simple")]
    elif provider == "listmonk":
        action = value("url", lang).rstrip("/") + "/subscription/form"
        lists = value("lists", lang)
        hidden += [("l", uuid) for uuid in ([lists] if isinstance(lists, str) else lists)]
    else:  # custom
        action = value("action", lang)
        method = value("method", lang)
        redirect = value("redirect_field", lang)
    if redirect:
        hidden.append((redirect, confirm_url))
    for name, extra in spec.hidden.items():
        hidden.append((name, extra.get(lang) if isinstance(extra, dict) else extra))
    honeypot = spec.honeypot.get(lang) if isinstance(spec.honeypot, dict) else spec.honeypot
    email = PRESETS[provider]["email"] or value("email_field", lang)
    return Form(action, method, email, hidden, honeypot, spec.consent_field, spec.privacy_page)
