"""Public pages: the open positions, a position, its apply form, the confirmation."""

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Template

from app.clock import utcnow
from app.errors import NotFound, ValidationFailed
from app.privacy.notices import current_notice
from app.privacy.purposes import PLAIN_WORDS
from app.recruiting import kept_cv, positions, screening, sources
from app.recruiting.applications import ApplyInput, apply
from app.recruiting.cv_check import sniff_cv
from app.web.access import public
from app.web.forms import Email, first_values, parse_form, text
from app.web.guards import load_candidate_id
from app.web.portal import feeds
from app.web.portal.csrf import EXCLUDE, browser_secret, fresh_token, token_ok
from app.web.render import language, page

Phone = Annotated[
    str,
    msgspec.Meta(
        max_length=40,
        pattern=r"^[0-9 +()./-]*$",
        description="Enter a phone number (digits, spaces, + and - only).",
    ),
]
KEPT = "kept_cv"  # the form's token for a CV kept after an error (issue 21.1)
KEPT_GONE = "The CV kept from your last try has expired. Choose it again."
CONSENT_FIELDS = {
    "consent_m": "m",
    "consent_n": "n",
    "talent_pool": "talent_pool",
    "marketing": "marketing",
}


class ApplyForm(msgspec.Struct):
    full_name: text(200, 1)  # type: ignore[valid-type]
    email: Email
    phone: Phone = ""
    cover_letter: text(5000) = ""  # type: ignore[valid-type]
    consent_m: bool = False
    consent_n: bool = False
    talent_pool: bool = False
    marketing: bool = False
    source: text(12) = ""  # type: ignore[valid-type]


async def _listing(request: Request, status: int = 200) -> Template:
    shown_positions = [feeds.shown(request, p) for p in await positions.open_positions()]
    # 404: a closed or unknown position's link still leads somewhere (issue 21.3).
    return page(
        request,
        "portal/positions.html",
        status_code=status,
        positions=shown_positions,
        gone=status == 404,
    )


async def _open(request: Request, slug: str) -> dict | Template:
    """The open position, or the list of open ones (404) if it is closed or unknown."""
    try:
        return await positions.open_position(slug)
    except NotFound:
        return await _listing(request, 404)


@get("/", opt=public())
async def landing(request: Request) -> Template:
    return await _listing(request)


@get("/privacy/candidate", opt=public())
async def candidate_notice(request: Request) -> Template:
    notice = await current_notice("candidate", language(request))
    body = positions.markdown_html(notice.body) if notice else ""
    return page(request, "portal/notice.html", notice=notice, body_html=body)


@get("/positions/{slug:str}", opt=public())
async def position_page(request: Request, slug: FromPath[str]) -> Template:
    position = await _open(request, slug)
    if isinstance(position, Template):
        return position
    return page(
        request,
        "portal/position.html",
        description_html=positions.markdown_html(position["description"]),
        **feeds.posting_context(request, position),
    )


async def _form_page(request: Request, position: dict, status: int = 200, **ctx: Any) -> Template:
    notice = await current_notice("candidate", language(request))
    # The POST skips Litestar's CSRF middleware (see csrf.py), which would otherwise have put
    # the token in the page: a re-rendered form needs one that works for the next try.
    cookies = fresh_token(request) if request.method == "POST" else []
    questions = await screening.questions_for(position["id"])  # they never decide (Art. 22)
    response = page(
        request,
        "portal/apply.html",
        status_code=status,
        position=position,
        notice=notice,
        plain_words=PLAIN_WORDS,
        questions=questions,
        sources=await sources.listed(language(request)),
        **ctx,
    )
    response.cookies.extend(cookies)
    return response


@get("/apply/{slug:str}", opt=public())
async def apply_page(request: Request, slug: FromPath[str]) -> Template:
    position = await _open(request, slug)
    if isinstance(position, Template):
        return position
    return await _form_page(request, position)


async def _cv(form: Any) -> tuple[str, bytes]:
    upload = form.get("cv")
    if not isinstance(upload, UploadFile):
        return "", b""
    return upload.filename or "cv", await upload.read()


def _typed(form: dict[str, Any]) -> dict[str, Any]:
    """What was typed, to put back in the form (never the file; the kept CV has its own field)."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k not in ("_csrf_token", KEPT)}


async def _chosen_cv(
    raw: Any, form: dict[str, Any], position_id: int, errors: dict[str, str], binding: str
) -> tuple[str, bytes, bool]:
    """The CV to send: a newly chosen file wins (it replaces a kept one); else the CV kept
    from this form's earlier try (issue 21.1). The flag says whether the file is new."""
    name, content = await _cv(raw)
    if not content and form.get(KEPT):
        taken = await kept_cv.take(str(form[KEPT]), position_id, utcnow(), binding)
        if taken is not None:
            return taken.name, taken.content, False
        errors["cv"] = KEPT_GONE
        return "", b"", False
    try:
        sniff_cv(content)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    return name, content, True


async def _retry_page(
    request: Request, position: dict, form: dict[str, Any], errors: dict[str, str], cv: tuple
) -> Template:
    """The form again, with what was typed and the CV kept: an accepted new file is kept
    (replacing the one kept before); a kept one stays kept."""
    name, content, is_new = cv
    token, binding = str(form.get(KEPT) or ""), browser_secret(request)
    kept: kept_cv.Kept | None = None
    if is_new and content and "cv" not in errors:
        await kept_cv.release(token, binding)
        kept = await kept_cv.keep(position["id"], name, content, utcnow(), binding)
    elif token and (still := await kept_cv.name_of(token, position["id"], utcnow(), binding)):
        kept = kept_cv.Kept(token, still)  # kept before; a bad new file does not replace it
    return await _form_page(request, position, 400, errors=errors, values=_typed(form), kept=kept)


@post("/apply/{slug:str}", opt={**public(), **EXCLUDE})
async def submit(request: Request, slug: FromPath[str]) -> Template:
    position = await _open(request, slug)
    if isinstance(position, Template):
        return position
    raw = await request.form()
    form = first_values(raw)
    if not token_ok(request, form.get("_csrf_token")):
        return await _form_page(
            request,
            position,
            400,
            values=_typed(form),
            errors={
                "form": "This form had expired. Check your entries, choose your CV "
                "again and send it once more."
            },
        )
    errors: dict[str, str] = {}
    data: ApplyForm | None = None
    try:
        data = parse_form(form, ApplyForm)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    answers = screening.answers_from(await screening.questions_for(position["id"]), form, errors)
    source = ""
    if data is not None:
        try:
            source = await sources.checked(data.source)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    cv = await _chosen_cv(raw, form, position["id"], errors, browser_secret(request))
    if errors or data is None:
        return await _retry_page(request, position, form, errors, cv)
    given = tuple(p for f, p in CONSENT_FIELDS.items() if getattr(data, f))
    entry = ApplyInput(
        full_name=data.full_name,
        email=data.email,
        phone=data.phone,
        cover_letter=data.cover_letter,
        consents=given,
        language=language(request),
        ip_prefix=request.client.host if request.client else "",
        screening=answers,
        # A candidate signed in through a mailed link applies as themself (issue 16).
        signed_in_candidate=await load_candidate_id(request),
        source=source,
    )
    try:
        result = await apply(slug, entry, cv[0], cv[1], utcnow())
    except ValidationFailed as exc:
        return await _retry_page(request, position, form, dict(exc.errors), cv)
    await kept_cv.release(str(form.get(KEPT) or ""), browser_secret(request))
    return page(request, "portal/applied.html", result=result, email=data.email)


ROUTES = [landing, candidate_notice, position_page, apply_page, submit]
