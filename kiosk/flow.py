"""Pieces shared by the kiosk's pages and its API: the form and the notice."""

import secrets
from typing import Annotated

import msgspec
from litestar import Request
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.config import current
from app.privacy.notices import Notice, current_notice
from app.visits.visits import PURPOSES, SignIn
from app.web.forms import choice, text

Code = Annotated[str, msgspec.Meta(max_length=32)]
_markdown = MarkdownIt("commonmark", {"html": False})  # notice text is ours, but never raw HTML


class VisitorForm(msgspec.Struct):
    """Lengths are checked again by the service; these only stop absurd input early."""

    host_id: int
    purpose: choice(*PURPOSES)  # type: ignore[valid-type]
    notice_id: int
    # Blank for a delivery (issue 19.8); any other purpose needs it, the service says so.
    visitor_name: text(1000) = ""  # type: ignore[valid-type]
    company: text(1000) = ""  # type: ignore[valid-type]
    submission: text(64) = ""  # type: ignore[valid-type]
    invitation_code: Code = ""


def to_sign_in(
    form: VisitorForm, language: str, site_id: int, timezone: str = "", site_name: str | None = None
) -> SignIn:
    return SignIn(
        visitor_name=form.visitor_name,
        host_id=form.host_id,
        purpose=form.purpose,
        language=language,
        notice_id=form.notice_id,
        company=form.company,
        submission=form.submission,
        invitation_code=form.invitation_code,
        site_id=site_id,
        site_timezone=timezone,
        site_name=site_name,
    )


def chosen_language(request: Request, value: str | None) -> str:
    """The visitor's choice for this visit only: no cookie, so the next visitor starts fresh."""
    languages = current().languages
    lang = value if value in languages else languages[0]
    request.scope["state"]["language"] = lang
    return lang


async def visitor_notice(language: str, site_id: int) -> Notice | None:
    """The kiosk's site's own visitor notice, else the shared one (issue 19.5)."""
    return await current_notice("visitor", language, site_id)


def notice_html(notice: Notice) -> Markup:
    return Markup(_markdown.render(notice.body))  # noqa: S704 - html disabled above


def new_submission() -> str:
    return secrets.token_urlsafe(18)
