"""The candidate's own page: applications and their state, consents, the download of
everything, the CV, erasure with its receipt."""

import re

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.config import current
from app.errors import NotFound, ValidationFailed
from app.privacy import candidate_rights as rights
from app.privacy.export import export_zip
from app.privacy.notices import current_notice, stale_consents
from app.privacy.purposes import PLAIN_WORDS
from app.recruiting import my_page
from app.recruiting.cv_store import read_cv
from app.recruiting.mail_language import set_mail_language
from app.tables import Application, CVFile
from app.web.access import candidate, public
from app.web.cookies import expired_cookie
from app.web.forms import first_values
from app.web.guards import CANDIDATE_COOKIE
from app.web.render import language, page

PURPOSES = ("m", "n", "talent_pool", "marketing")


def candidate_id(request: Request) -> int:
    return int(request.scope["state"]["candidate_id"])


@get("/me", opt=candidate())
async def my_page_view(request: Request) -> Template:
    return await me_page(request, done=request.query_params.get("done", ""))


async def me_page(request: Request, status_code: int = 200, **ctx: object) -> Template:
    """The candidate's page; a form on it that failed shows its messages (`errors`)."""
    me = await rights.my_candidate(candidate_id(request))
    return page(
        request,
        "portal/me.html",
        status_code=status_code,
        me=me,
        applications=await my_page.applications(me),
        notice=await current_notice("candidate", language(request)),
        stale=await stale_consents(me),
        plain_words=PLAIN_WORDS,
        **ctx,
    )


# The deletion receipt is shown after a redirect (POST-redirect-GET, issue 21.3): a reload
# or the back button never sends the erasure again. The reference (no personal data) rides
# in a short cookie only /me/erased reads, so it never lands in a URL or the history.
RECEIPT_COOKIE = "intake_receipt"
RECEIPT_SHOWN = 15 * 60
_REFERENCE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def receipt_redirect(reference: str) -> Redirect:
    receipt = Cookie(
        key=RECEIPT_COOKIE,
        value=reference,
        max_age=RECEIPT_SHOWN,
        path="/me/erased",
        httponly=True,
        secure=current().cookie_secure,
        samesite="strict",
    )
    return Redirect(
        "/me/erased", status_code=303, cookies=[expired_cookie(CANDIDATE_COOKIE), receipt]
    )


@get("/me/erased", opt=public())
async def erased_page(request: Request) -> Template | Redirect:
    reference = request.cookies.get(RECEIPT_COOKIE, "")
    if not _REFERENCE.fullmatch(reference):
        return Redirect("/", status_code=303)
    return page(request, "portal/erased.html", reference=reference)


@post("/me/consent", opt=candidate())
async def change_consent(request: Request) -> Template | Redirect:
    form = first_values(await request.form())
    purpose = str(form.get("purpose", ""))
    given = form.get("action") == "give"
    confirm = form.get("confirm_erase") == "true"
    if purpose not in PURPOSES:
        raise NotFound("We could not find that page.")
    try:
        receipt = await rights.change_consent(
            candidate_id(request),
            purpose,
            given,
            language=language(request),
            ip_prefix=request.client.host if request.client else "",
            now=utcnow(),
            confirm_erase=confirm,
        )
    except rights.WithdrawalErases:
        return page(
            request, "portal/withdraw_confirm.html", purpose=purpose, plain_words=PLAIN_WORDS
        )
    if receipt:
        return receipt_redirect(receipt)
    return Redirect("/me?done=consent", status_code=303)


@post("/me/language", opt=candidate())
async def change_mail_language(request: Request) -> Redirect:
    """The language of our mails to the candidate (issue 21.9); the page's own language is
    the switch's business."""
    form = first_values(await request.form())
    try:
        await set_mail_language(candidate_id(request), str(form.get("language", "")), utcnow())
    except ValidationFailed:
        return Redirect("/me", status_code=303)  # only a forged form can send another value
    return Redirect("/me?done=language", status_code=303)


@get("/me/export", opt=candidate())
async def download_everything(request: Request) -> Response:
    content = await export_zip(candidate_id(request), utcnow())
    return Response(
        content=content,
        media_type="application/zip",
        headers={"content-disposition": 'attachment; filename="my-data.zip"'},
    )


@get("/me/cv/{cv_id:int}", opt=candidate())
async def download_cv(request: Request, cv_id: FromPath[int]) -> Response:
    cv = await CVFile.select().where(CVFile.id == cv_id).first()
    owner = cv and await Application.exists().where(
        (Application.id == cv["application"]) & (Application.candidate == candidate_id(request))
    )
    if not cv or not owner:
        raise NotFound("We could not find that CV.")
    return Response(
        content=await read_cv(cv),
        media_type=cv["media_type"],
        headers={
            "content-disposition": f'attachment; filename="cv-{cv["id"]}{_ext(cv["media_type"])}"'
        },
    )


def _ext(media_type: str) -> str:
    return ".pdf" if media_type == "application/pdf" else ".docx"


@get("/me/erase", opt=candidate())
async def erase_page(request: Request) -> Template:
    return page(request, "portal/erase.html")


@post("/me/erase", opt=candidate())
async def erase(request: Request) -> Redirect:
    return receipt_redirect(await rights.erase_me(candidate_id(request), utcnow()))


ROUTES = [
    my_page_view,
    change_consent,
    change_mail_language,
    download_everything,
    download_cv,
    erase_page,
    erase,
    erased_page,
]
