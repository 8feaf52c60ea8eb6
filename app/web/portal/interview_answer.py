"""The candidate's answer to an interview invitation, from their page (issue 17.5): accept,
or ask for another time with a short note. The console shows it on the application page."""

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.clock import utcnow
from app.errors import ValidationFailed
from app.recruiting import interviews
from app.web.access import candidate
from app.web.forms import first_values
from app.web.portal.me import candidate_id, me_page


@post("/me/applications/{application_id:int}/interview", opt=candidate())
async def answer_interview(request: Request, application_id: FromPath[int]) -> Template | Redirect:
    form = first_values(await request.form())
    try:
        answered = await interviews.answer(
            candidate_id(request),
            application_id,
            str(form.get("answer", "")),
            str(form.get("note", "")),
            utcnow(),
        )
    except ValidationFailed as exc:
        return await me_page(
            request, 400, errors=exc.errors, values={**form, "application": application_id}
        )
    # Moved or cancelled meanwhile: the page shows the interview as it is now.
    done = "interview" if answered else "interview_changed"
    return Redirect(f"/me?done={done}#application-{application_id}", status_code=303)


ROUTES = [answer_interview]
