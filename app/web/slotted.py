"""Pages rendered once per language, with slots for the few values that change per answer.

The kiosk's badge page answers every sign-in, and rendering it through Jinja (three
templates deep, a dozen translated messages) was the largest part of a sign-in after the
database (bench B1: a fifth of it). Its only per-visit parts are values printed as they are,
so it is rendered once per language with a marker in each slot and cut at the markers; each
answer is then the pieces joined with its own values, escaped as Jinja escapes them.

What a template may do with a slot: print it (`{{ first_name }}`), or hand it to a
translated message (`_("Welcome, %(name)s!", name=first_name)`); both escape it, and so does
fill(). Nothing else: a filter or an attribute on a slot breaks the marker (a KeyError at
once, in the tests), a condition would see the marker. tests/web/test_slotted.py compares
each slotted page with Jinja's own rendering. Only for pages without a person's chrome (no
staff member signed in): that would be frozen into the shell."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from jinja2 import Template as JinjaTemplate
from litestar import MediaType, Request, Response
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup, escape

from app.web.render import language, language_cookies, page_context

_MARK = "\ue000"  # a private-use character: in no template, catalogue or escaped value
_KEPT = 256  # shells at most (templates x languages x paths); more means a misuse


@dataclass(frozen=True)
class Shell:
    template: JinjaTemplate
    pieces: tuple[str, ...]  # text, slot name, text, slot name, ..., text

    @classmethod
    def render(cls, template: JinjaTemplate, context: dict, slots: Iterable[str]) -> "Shell":
        marked = {name: f"{_MARK}{name}{_MARK}" for name in slots}
        return cls(template, tuple(template.render({**context, **marked}).split(_MARK)))

    def fill(self, values: Mapping[str, str | Markup]) -> str:
        pieces = list(self.pieces)
        for i in range(1, len(pieces), 2):
            pieces[i] = escape(values[pieces[i]])  # Markup (the QR's SVG) stays as it is
        return "".join(pieces)


_shells: dict[tuple[str, str, str, tuple[str, ...]], Shell] = {}


def shell(
    env: Environment,
    template: str,
    lang: str,
    path: str,
    slots: Iterable[str],
    context: Callable[[], dict[str, Any]],
) -> Shell:
    """The template's shell for this language and path, made once (with `context()`, the
    page's context); again when the template file changed while templates are re-read
    (development)."""
    names = tuple(slots)
    key = (template, lang, path, names)
    made = _shells.get(key)
    if made is None or (env.auto_reload and not made.template.is_up_to_date):
        if len(_shells) >= _KEPT:
            _shells.clear()
        made = _shells[key] = Shell.render(env.get_template(template), context(), names)
    return made


def slotted_page(
    request: Request, template: str, slots: Mapping[str, str | Markup], *, status_code: int = 200
) -> Response[str]:
    """page(), for a page whose only per-answer values are `slots` (see above)."""
    if request.scope["state"].get("staff") is not None:
        raise RuntimeError("a slotted page would freeze a staff member's chrome")
    engine = request.app.template_engine
    if not isinstance(engine, JinjaTemplateEngine):
        raise RuntimeError("slotted pages are Jinja templates")
    lang = language(request)
    path = request.scope["path"]
    made = shell(
        engine.engine, template, lang, path, slots, lambda: page_context(request, lang, {})
    )
    return Response(
        made.fill(slots),
        status_code=status_code,
        media_type=MediaType.HTML,
        cookies=language_cookies(request, lang),
    )
