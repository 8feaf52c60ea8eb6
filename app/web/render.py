"""Rendering a page: the template, the visitor's language and the shared chrome."""

import re
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request
from litestar.datastructures import Cookie
from litestar.response import Template
from markupsafe import Markup

from app import dates
from app.config import current
from app.i18n import translations
from app.privacy.audit_labels import ROLES
from app.recruiting.pipeline import STAGE_LABELS
from app.web.i18n import LANGUAGE_NAMES, pick_language

LANG_COOKIE = "intake_lang"


def language(request: Request) -> str:
    cached = request.scope["state"].get("language")
    if cached:
        return str(cached)
    settings = current()
    lang = pick_language(
        request.headers.get("accept-language"),
        request.cookies.get(LANG_COOKIE),
        request.query_params.get("lang"),
        settings.languages,
    )
    request.scope["state"]["language"] = lang
    return lang


def translate(request: Request, message: str) -> str:
    return translate_message(language(request), message)


# Messages that carry a number are translated by their pattern, then filled in.
_NUMBERED = [
    (re.compile(r"^Use at most (\d+) characters\.$"), "Use at most %(n)s characters."),
    (re.compile(r"^Use at least (\d+) characters\.$"), "Use at least %(n)s characters."),
    (
        re.compile(r"^This was sent too often for now\. Please try again in (\d+) minutes\.$"),
        "This was sent too often for now. Please try again in %(n)s minutes.",
    ),
    (
        re.compile(r"^This was sent too often for now\. Please try again in (\d+) hours\.$"),
        "This was sent too often for now. Please try again in %(n)s hours.",
    ),
]


def translate_message(lang: str, message: str) -> str:
    if not message:
        return ""  # gettext("") is the catalogue's header, never a message
    gettext = translations(lang).gettext
    for pattern, msgid in _NUMBERED:
        match = pattern.match(message)
        if match:
            return gettext(msgid) % {"n": match.group(1)}
    return gettext(message)


_PLAIN_KEPT = 5_000


@cache
def template_gettext(lang: str) -> tuple[Callable[..., Markup], Callable[..., Markup]]:
    """`_`/`gettext` and `ngettext` for templates, once per language: Jinja's "newstyle"
    semantics (the message is a format string, its values escaped), as plain functions.
    Jinja's own (jinja2.ext._make_new_gettext) take the template context to ask whether
    autoescape is on, which it always is here (app.main), and cost Jinja a second call per
    message: a quarter of the kiosk badge page's rendering (bench B1)."""
    t = translations(lang)
    # A message without values is the same Markup every time: kept once made. The keys are
    # the templates' literals and our own labels and error messages; the cap only guards
    # against a message that would ever carry something typed.
    plain: dict[str, Markup] = {}

    def gettext(message: str, /, **variables: Any) -> Markup:
        # The message is ours (the catalogue), as trusted as the template; values are escaped.
        if variables:
            return Markup(t.gettext(message)) % variables  # noqa: S704
        made = plain.get(message)
        if made is None:
            made = Markup(t.gettext(message)) % variables  # noqa: S704
            if len(plain) < _PLAIN_KEPT:
                plain[message] = made
        return made

    def ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> Markup:
        variables.setdefault("num", num)
        return Markup(t.ngettext(singular, plural, num)) % variables  # noqa: S704

    return gettext, ngettext


@cache
def template_pgettext(lang: str) -> Callable[..., Markup]:
    """`pgettext` for templates: one English word with two Danish ones by context (a visitor
    signs out: "Tjek ud"; a candidate or staff member: "Log ud")."""
    t = translations(lang)

    def pgettext(context: str, message: str, /, **variables: Any) -> Markup:
        return Markup(t.pgettext(context, message)) % variables  # noqa: S704 - ours, as gettext

    return pgettext


def stage_label(lang: str, stage: str) -> str:
    """A stage as people read it, in `lang`: the one label every page and export uses."""
    return translate_message(lang, STAGE_LABELS.get(stage, stage))


def page(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Template:
    lang = language(request)
    return Template(
        template_name=template,
        context=page_context(request, lang, context),
        status_code=status_code,
        cookies=language_cookies(request, lang),
        media_type=MediaType.HTML,  # not guessed from the file name on every response
    )


def page_context(request: Request, lang: str, context: dict[str, Any]) -> dict[str, Any]:
    """What every page's templates may use besides the handler's own values."""
    gettext, ngettext = template_gettext(lang)
    settings = current()
    context.setdefault("errors", {})
    context.setdefault("values", {})
    context.update(
        lang=lang,
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in settings.languages],
        gettext=gettext,
        ngettext=ngettext,
        pgettext=template_pgettext(lang),
        _=gettext,
        err=lambda message: translate_message(lang, message),
        # Never ISO on a page (issue 21 point 8); times with their zone (issue 17 point 8): the
        # company's, or a site's own for its visits (`timezone`, issue 19.5).
        day_text=lambda value, timezone=None: dates.day(value, lang, timezone),
        moment_text=lambda value, timezone=None: dates.moment(value, lang, timezone),
        time_text=lambda value, timezone=None: dates.clock(value, lang, timezone),
        role_text=lambda role: gettext(ROLES.get(role, role)),  # never the code "hr"
        stage_text=lambda stage: stage_label(lang, stage),  # never the key "screening"
        staff=request.scope["state"].get("staff"),
        request_id=request.scope["state"].get("request_id", ""),
        settings=settings,
        path=local_path(request.url.path),
    )
    return context


def local_path(path: str) -> str:
    """The request's path as a link that stays on this site (the language switch appends
    `?lang=`): `//evil.example/x` or `/\\evil.example` would be read by a browser as another
    host, and browsers drop tabs and newlines inside a URL before reading it. Characters that
    are not plain URL characters are percent-encoded, then the leading slashes become one."""
    return "/" + quote(path, safe="/-._~!$&'()*+,;=:@%").lstrip("/")


def language_cookies(request: Request, lang: str) -> list[Cookie]:
    """`?lang=xx` chose the language: remembered for the next pages."""
    if b"lang=" not in request.scope["query_string"] or request.query_params.get("lang") != lang:
        return []
    return [
        Cookie(
            key=LANG_COOKIE,
            value=lang,
            max_age=31536000,
            httponly=True,
            secure=current().cookie_secure,
            samesite="lax",
        )
    ]
