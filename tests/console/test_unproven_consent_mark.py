"""Staff see which consents were given by someone who never proved control of the address
(a first application, issue 16.1), in English and in Danish; a consent given again from the
candidate's own page (a session opened from a mailed link) loses the mark."""

from tests.console.support import signed_in
from tests.factories import consenting_application, open_position, set_consent


def url(position_id: int, application_id: int) -> str:
    return f"/console/positions/{position_id}/applications/{application_id}"


async def test_first_application_consents_are_marked_as_unproven(client):
    await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid)  # m and n, from the apply form (first_application)
    page = await client.get(url(pid, a["application_id"]))
    assert page.status_code == 200
    assert "m: address not proven" in page.text and "n: address not proven" in page.text
    assert 'id="unproven"' in page.text
    danish = await client.get(url(pid, a["application_id"]),
                              headers={"accept-language": "da"})
    assert "m: adressen er ikke bekræftet" in danish.text
    assert "ingen havde endnu bevist" in danish.text
    # Given again from their own page: proven from then on.
    await set_consent(a["candidate_id"], a["candidate_uid"], "m", True)
    again = await client.get(url(pid, a["application_id"]))
    assert "m: address not proven" not in again.text and "n: address not proven" in again.text
    await set_consent(a["candidate_id"], a["candidate_uid"], "n", True)
    proven = await client.get(url(pid, a["application_id"]))
    assert "address not proven" not in proven.text and 'id="unproven"' not in proven.text
