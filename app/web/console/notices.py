"""Admins publish new versions of the candidate and visitor notices, per language. Old versions
stay: consent records point at them (GDPR Art. 7(1))."""

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.config import current
from app.errors import ValidationFailed
from app.privacy import notices
from app.tables import NoticeVersion
from app.visits.sites import all_sites
from app.web.access import staff
from app.web.console.chrome import console_page, query
from app.web.forms import choice, first_values, parse_form, text


class NoticeForm(msgspec.Struct):
    audience: choice(*notices.AUDIENCES)  # type: ignore[valid-type]
    language: text(8, 2)  # type: ignore[valid-type]
    title: text(200, 1)  # type: ignore[valid-type]
    body: text(50000, 1)  # type: ignore[valid-type]
    summary: text(2000) = ""  # type: ignore[valid-type]
    purpose_m: text(1000) = ""  # type: ignore[valid-type]
    purpose_n: text(1000) = ""  # type: ignore[valid-type]
    purpose_talent_pool: text(1000) = ""  # type: ignore[valid-type]
    purpose_marketing: text(1000) = ""  # type: ignore[valid-type]
    site_id: int = 0  # a visitor notice of one site only; 0: shared by every site (issue 19.5)


@get("/console/notices", opt=staff("admin"))
async def notice_list(request: Request) -> Template:
    versions = (
        await NoticeVersion.select(
            NoticeVersion.id,
            NoticeVersion.audience,
            NoticeVersion.language,
            NoticeVersion.version,
            NoticeVersion.title,
            NoticeVersion.published_at,
            NoticeVersion.site.name.as_alias("site_name"),
        )
        .order_by(NoticeVersion.audience)
        .order_by(NoticeVersion.language)
        .order_by(NoticeVersion.version, ascending=False)
    )
    return console_page(
        request,
        "console/notices.html",
        versions=versions,
        published=request.query_params.get("published") == "1",
    )


async def _form_page(
    request: Request, values: dict, status_code: int = 200, errors: dict | None = None
) -> Template:
    return console_page(
        request,
        "console/notice_form.html",
        status_code=status_code,
        values=values,
        errors=errors or {},
        audiences=notices.AUDIENCES,
        languages=current().languages,
        purposes=notices.CANDIDATE_PURPOSES,
        site_options=[(s["id"], s["name"]) for s in await all_sites()],
    )


@get("/console/notices/new", opt=staff("admin"))
async def new_notice(request: Request) -> Template:
    audience = query(request, "audience", 16)
    audience = audience if audience in notices.AUDIENCES else "candidate"
    language = query(request, "language", 8)
    language = language if language in current().languages else "en"
    site = query(request, "site", 12)
    site_id = int(site) if site.isdigit() and audience == "visitor" else 0
    values: dict = {"audience": audience, "language": language, "site_id": site_id}
    latest = await notices.current_notice(audience, language, site_id)
    if latest is not None and latest.language == language:
        values.update(title=latest.title, summary=latest.summary, body=latest.body)
        values.update({f"purpose_{p}": t for p, t in latest.purpose_texts.items()})
    return await _form_page(request, values)


@post("/console/notices", opt=staff("admin"))
async def publish(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        data = parse_form(form, NoticeForm)
        if data.language not in current().languages:
            raise ValidationFailed({"language": "Choose one of the options."})
        texts = {}
        if data.audience == "candidate":
            texts = {p: getattr(data, f"purpose_{p}") for p in notices.CANDIDATE_PURPOSES}
            missing = {f"purpose_{p}": "This field is required." for p, t in texts.items() if not t}
            if missing:
                raise ValidationFailed(missing)
        if data.site_id and data.site_id not in {s["id"] for s in await all_sites()}:
            raise ValidationFailed({"site_id": "Choose one of the options."})
    except ValidationFailed as exc:
        return await _form_page(request, form, status_code=400, errors=exc.errors)
    me = request.scope["state"]["staff"]
    await notices.publish(
        data.audience,
        data.language,
        data.title,
        data.summary,
        data.body,
        texts,
        utcnow(),
        published_by=me.id,
        site_id=(data.site_id or None) if data.audience == "visitor" else None,
    )
    return Redirect("/console/notices?published=1", status_code=303)


ROUTES = [notice_list, new_notice, publish]
