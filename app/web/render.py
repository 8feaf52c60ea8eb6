"""Rendering a page: the template, the visitor's language and the shared chrome."""

import re
from typing import Any

from jinja2.ext import _make_new_gettext, _make_new_ngettext  # newstyle gettext semantics
from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Template

from app.config import current
from app.web.i18n import LANGUAGE_NAMES, pick_language, translations

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
]


def translate_message(lang: str, message: str) -> str:
    gettext = translations(lang).gettext
    for pattern, msgid in _NUMBERED:
        match = pattern.match(message)
        if match:
            return gettext(msgid) % {"n": match.group(1)}
    return gettext(message)


def page(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Template:
    lang = language(request)
    t = translations(lang)
    settings = current()
    context.setdefault("errors", {})
    context.setdefault("values", {})
    context.update(
        lang=lang,
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in settings.languages],
        gettext=_make_new_gettext(t.gettext),
        ngettext=_make_new_ngettext(t.ngettext),
        _=_make_new_gettext(t.gettext),
        err=lambda message: translate_message(lang, message),
        staff=request.scope["state"].get("staff"),
        request_id=request.scope["state"].get("request_id", ""),
        settings=settings,
        path=request.url.path,
    )
    cookies = []
    if request.query_params.get("lang") == lang:
        cookies.append(
            Cookie(
                key=LANG_COOKIE,
                value=lang,
                max_age=31536000,
                httponly=True,
                secure=settings.cookie_secure,
                samesite="lax",
            )
        )
    return Template(
        template_name=template, context=context, status_code=status_code, cookies=cookies
    )
