"""Every consent event says how the person was identified (issue 16.1, GDPR Art. 7(1)): the
apply form of a new address (first_application), their page reached through a mailed sign-in
link (mailed_link_session), and the one-click opt-out link of a mail (optout_link). The
confirmation link's events are in test_known_address.py."""

from app.clock import utcnow
from app.privacy.candidate_rights import marketing_optout_url
from app.tables import Candidate, ConsentEvent
from tests.helpers import csrf_from
from tests.portal.support import apply_via_portal, position_slug, sign_in


async def identified(purpose: str, action: str) -> list[str]:
    rows = await ConsentEvent.select().where(
        (ConsentEvent.purpose == purpose) & (ConsentEvent.action == action)
    ).order_by(ConsentEvent.id)
    return [r["identified_by"] for r in rows]


async def test_each_door_records_how_the_person_was_identified(client, notices):
    slug = await position_slug()
    await apply_via_portal(client, slug, consent_n=None)  # m only
    assert await identified("m", "given") == ["first_application"]
    await sign_in(client, "ada@example.org")
    page = await client.get("/me")
    given = await client.post("/me/consent", data={
        "_csrf_token": csrf_from(page.text), "purpose": "marketing", "action": "give"})
    assert given.status_code == 303
    assert await identified("marketing", "given") == ["mailed_link_session"]
    cand = await Candidate.select().first()
    url = await marketing_optout_url(cand["id"], utcnow())
    path = url.split("testserver.local", 1)[1]
    client.cookies.clear()  # the opt-out needs no session: the link is the proof
    shown = await client.get(path)
    done = await client.post(path, data={"_csrf_token": csrf_from(shown.text)})
    assert done.status_code == 200
    assert await identified("marketing", "withdrawn") == ["optout_link"]
