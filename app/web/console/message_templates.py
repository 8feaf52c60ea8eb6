"""The messages HR sends candidates, kept by admins (issue 17.4): three templates, each in
English and Danish, with {first_name}, {position} and {company} only."""

from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import ValidationFailed
from app.recruiting import message_templates
from app.web.access import staff
from app.web.console.chrome import actor, console_page
from app.web.forms import first_values

ADMIN = staff("admin")


async def _page(request: Request, status_code: int = 200, **ctx: object) -> Template:
    return console_page(
        request,
        "console/message_templates.html",
        status_code=status_code,
        templates=await message_templates.everything(),
        **ctx,
    )


@get("/console/messages", opt=ADMIN)
async def template_list(request: Request) -> Template:
    return await _page(request, saved=request.query_params.get("saved", ""))


@post("/console/messages", opt=ADMIN)
async def template_save(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    key = str(form.get("key", ""))
    texts = {f: str(form.get(f, "")) for f in message_templates.FIELDS}
    try:
        await message_templates.save(actor(request), key, texts, utcnow())
    except ValidationFailed as exc:
        # The form that failed shows what was typed and a message beside each field.
        return await _page(request, 400, errors=exc.errors, values=form, failed=key)
    return Redirect(f"/console/messages?saved={key}#template-{key}", status_code=303)


ROUTES = [template_list, template_save]
