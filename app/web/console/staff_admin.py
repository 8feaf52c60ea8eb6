"""Admin pages: invite staff, set roles, disable accounts; the outbox."""

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.config import current
from app.errors import ValidationFailed
from app.mail import outbox_status
from app.privacy.audit import Actor, record
from app.staff import services
from app.tables import StaffMember
from app.visits.chat import failures as chat_failures
from app.web.access import staff
from app.web.console.home import navigation_for
from app.web.forms import Email, choice, first_values, parse_form
from app.web.render import language, page


class InviteForm(msgspec.Struct):
    email: Email
    role: choice(*services.ROLES)  # type: ignore[valid-type]
    language: str = ""  # of the invitation mail; checked against the languages offered


class MemberForm(msgspec.Struct):
    role: choice(*services.ROLES)  # type: ignore[valid-type]
    disabled: bool = False
    # Shown only while an identity provider is configured; an unticked box sends nothing,
    # so `sso_only_shown` says the box was there to untick.
    sso_only: bool = False
    sso_only_shown: bool = False


def actor(request: Request) -> Actor:
    me = request.scope["state"]["staff"]
    return Actor(kind="staff", id=me.id, role=me.role)


async def _staff_page(request: Request, status_code: int = 200, **ctx: object) -> Template:
    members = await StaffMember.select(
        StaffMember.id,
        StaffMember.email,
        StaffMember.display_name,
        StaffMember.role,
        StaffMember.disabled,
        StaffMember.sso_only,
        StaffMember.last_login_at,
    ).order_by(StaffMember.email)
    me = request.scope["state"]["staff"]
    return page(
        request,
        "console/staff.html",
        status_code=status_code,
        members=members,
        roles=services.ROLES,
        nav=navigation_for(me.role),
        **ctx,
    )


@get("/console/staff", opt=staff("admin"))
async def staff_list(request: Request) -> Template:
    return await _staff_page(request, invited=request.query_params.get("invited") == "1")


@post("/console/staff/invite", opt=staff("admin"))
async def invite(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, InviteForm)
        mail_language = data.language if data.language in current().languages else language(request)
        await services.invite(actor(request), data.email, data.role, utcnow(), mail_language)
    except ValidationFailed as exc:
        return await _staff_page(request, status_code=400, errors=exc.errors, values=form)
    return Redirect("/console/staff?invited=1", status_code=303)


@post("/console/staff/{member_id:int}", opt=staff("admin"))
async def update_member(request: Request, member_id: FromPath[int]) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, MemberForm)
        await services.update_member(
            actor(request),
            member_id,
            data.role,
            data.disabled,
            utcnow(),
            sso_only=data.sso_only if data.sso_only_shown else None,
        )
    except ValidationFailed as exc:
        return await _staff_page(request, status_code=400, errors=exc.errors)
    return Redirect("/console/staff", status_code=303)


@get("/console/outbox", opt=staff("admin"))
async def outbox(request: Request) -> Template:
    """Mail that could not be delivered, for admins to act on (issue 16), and the latest
    mail with its status. Only in development without SMTP are bodies shown (they hold
    sign-in links); the read of recipients is audited like any staff read of personal data."""
    settings = current()
    development = not settings.is_production and not settings.smtp.host
    now = utcnow()
    failed, latest = await outbox_status()
    await record(actor(request), "outbox.viewed", now, subject_kind="outbox")
    me = request.scope["state"]["staff"]
    return page(
        request,
        "console/outbox.html",
        failed=failed,
        chat_failed=await chat_failures(),  # issue 19.7: webhooks that were given up on
        mails=latest,
        development=development,
        nav=navigation_for(me.role),
    )


ROUTES = [staff_list, invite, update_member, outbox]
