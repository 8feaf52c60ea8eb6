"""Every form that takes an e-mail address checks it with email-validator (issue 16, point
2): `x:;@y.zz` passed the old pattern and then stopped all outgoing mail. The message stands
beside the field, in the user's language, with what was typed kept; nothing is stored or
queued."""

from datetime import date

import pytest

from app.addresses import checked_address, is_valid_address
from app.errors import ValidationFailed
from app.tables import ExpectedVisit, Host, OutboxMail, RightsRequest, StaffMember
from tests.factories import host, staff_member
from tests.helpers import csrf_from, login_staff
from tests.portal.support import PDF, apply_fields, apply_via_portal, position_slug, sign_in

BAD = ("x:;@y.zz", "ada@localhost", "Ada <ada@example.org>", "ada@example..org", "@example.org")
MESSAGE = {"en": "Enter a valid e-mail address.", "da": "Skriv en gyldig e-mailadresse."}


@pytest.mark.parametrize("address", BAD)
def test_the_shared_check_refuses_what_mail_cannot_carry(address):
    assert not is_valid_address(address)
    with pytest.raises(ValidationFailed) as caught:
        checked_address(address, "visitor_email")
    assert caught.value.errors == {"visitor_email": MESSAGE["en"]}


def test_the_shared_check_accepts_real_addresses():
    for address in ("ada@example.org", "a.b+jobs@sub.example.dk", "søren@example.dk"):
        assert is_valid_address(address)
    assert checked_address("  ada@example.org ") == "ada@example.org"


async def _post(client, path, token_page, fields, lang, files=None):
    page = await client.get(token_page, headers={"accept-language": lang})
    assert page.status_code == 200, page.text[:300]
    return await client.post(path, data={**fields, "_csrf_token": csrf_from(page.text)},
                             files=files, headers={"accept-language": lang})


async def _as(client, role):
    _, email, password = await staff_member(role, f"{role}-x@example.org")
    await login_staff(client, email, password)


async def _apply(client):
    slug = await position_slug()
    return f"/apply/{slug}", f"/apply/{slug}", apply_fields(email="x:;@y.zz"), {"cv": ("cv.pdf", PDF)}


async def _email_change(client):
    await apply_via_portal(client, await position_slug())
    await sign_in(client, "ada@example.org")
    await OutboxMail.delete(force=True)
    return "/me/email", "/me/correct", {"email": "x:;@y.zz"}, None


async def _signin_link(client):
    return "/me/signin", "/me/signin", {"email": "x:;@y.zz"}, None


async def _password_reset(client):
    return "/console/reset", "/console/reset", {"email": "x:;@y.zz"}, None


async def _invite(client):
    await _as(client, "admin")
    return "/console/staff/invite", "/console/staff", {"email": "x:;@y.zz", "role": "hr"}, None


async def _host(client):
    await _as(client, "admin")
    return "/console/hosts", "/console/hosts", {"name": "Hal Host", "email": "x:;@y.zz",
                                                "active": "true"}, None


async def _preregistration(client):
    host_id = await host()
    await _as(client, "reception")
    return "/console/reception/expected", "/console/reception", {
        "visitor_name": "Vera Visitor", "visitor_email": "x:;@y.zz", "host_id": str(host_id),
        "expected_on": date.today().isoformat(), "purpose": "meeting"}, None


async def _visitor_rights(client):
    return "/visitor-rights", "/visitor-rights", {
        "kind": "access", "name": "Vera Visitor", "email": "x:;@y.zz",
        "visit_date": "2026-11-01"}, None


FORMS = {"apply": _apply, "e-mail change": _email_change, "sign-in link": _signin_link,
         "password reset": _password_reset, "staff invite": _invite, "host": _host,
         "pre-registration": _preregistration, "visitor rights": _visitor_rights}


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("form", FORMS)
async def test_each_form_refuses_a_bad_address_beside_the_field(client, notices, form, lang):
    path, token_page, fields, files = await FORMS[form](client)
    hosts_before, staff_before = await Host.count(), await StaffMember.count()
    response = await _post(client, path, token_page, fields, lang, files)
    assert response.status_code == 400, response.text[:500]
    assert MESSAGE[lang] in response.text
    assert "x:;@y.zz" in response.text  # what was typed is kept in the field
    assert await OutboxMail.count() == 0
    assert (await Host.count(), await StaffMember.count()) == (hosts_before, staff_before)
    assert await ExpectedVisit.count() == 0 and await RightsRequest.count() == 0
