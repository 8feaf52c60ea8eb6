"""Hosts, kept by admins: the people visitors can choose at the kiosk."""

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.errors import ValidationFailed
from app.visits import hosts
from app.web.access import staff
from app.web.console.home import navigation_for
from app.web.forms import Email, choice, first_values, parse_form, text
from app.web.i18n import LANGUAGE_NAMES
from app.web.render import page

ADMIN = staff("admin")


class HostForm(msgspec.Struct):
    name: text(200, 1)  # type: ignore[valid-type]
    email: Email
    department: text(200) = ""  # type: ignore[valid-type]
    active: bool = False
    language: choice("en", "da") = "en"  # type: ignore[valid-type]
    chat_webhook: text(500) = ""  # type: ignore[valid-type]


async def _hosts_page(request: Request, status_code: int = 200, **ctx: object) -> Template:
    return page(
        request,
        "console/hosts_list.html",
        status_code=status_code,
        nav=navigation_for(request.scope["state"]["staff"].role),
        hosts=await hosts.all_hosts(),
        language_options=list(LANGUAGE_NAMES.items()),
        **ctx,
    )


def _fields(data: HostForm) -> hosts.HostFields:
    return hosts.HostFields(
        data.name, data.email, data.department, data.active, data.language, data.chat_webhook
    )


@get("/console/hosts", opt=ADMIN)
async def host_list(request: Request) -> Template:
    return await _hosts_page(
        request, saved=request.query_params.get("saved") == "1", values={"active": "true"}
    )


@post("/console/hosts", opt=ADMIN)
async def host_create(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        await hosts.create_host(_fields(parse_form(form, HostForm)))
    except ValidationFailed as exc:
        return await _hosts_page(request, 400, errors=exc.errors, values=form)
    return Redirect("/console/hosts?saved=1", status_code=303)


@post("/console/hosts/{host_id:int}", opt=ADMIN)
async def host_update(request: Request, host_id: FromPath[int]) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        await hosts.update_host(host_id, _fields(parse_form(form, HostForm)))
    except ValidationFailed as exc:
        return await _hosts_page(
            request,
            400,
            errors={"form": "Please correct the marked fields."} | exc.errors,
            values={},
        )
    return Redirect("/console/hosts?saved=1", status_code=303)


ROUTES = [host_list, host_create, host_update]
