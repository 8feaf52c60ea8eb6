"""The audit log an admin can read (issue 17 point 8): staff by name and role, actions in
words in English and Danish, subjects as short references that link while the record exists,
filters by staff member, action and the company's days, pages of 100, and a CSV of the
filtered rows whose download is itself audited."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import escape

from app import dates
from app.clock import utcnow
from app.privacy import audit
from app.privacy.erasure import erase_candidate
from app.recruiting import interviews, messages
from app.tables import AuditEvent, StaffMember
from tests.console.support import signed_in
from tests.factories import consenting_application, open_position, staff_member


def _table(html: str) -> str:
    return html.split('<table class="list audit">')[1].split("</table>")[0]


async def test_staff_names_roles_labels_and_links_until_the_record_is_erased(client):
    admin = await signed_in(client, "admin")
    await StaffMember.update({StaffMember.display_name: "Astrid Admin"}).where(
        StaffMember.id == admin
    )
    pid = await open_position()
    a = await consenting_application(pid, "Frida Filter", cv=None)
    app_page = f"/console/positions/{pid}/applications/{a['application_id']}"
    assert (await client.get(app_page)).status_code == 200
    table = _table((await client.get("/console/audit?action=application_viewed")).text)
    assert "Astrid Admin" in table and "(Admin)" in table and "Application read" in table
    # The sections read, in words (the code "summary,background" was shown before).
    assert "Summary, Background" in table and "summary,background" not in table
    assert f'href="{app_page}"' in table and a["candidate_uid"][:8] in table
    assert "Frida Filter" not in table and "application_viewed<" not in table
    assert f"staff {admin}" not in table
    danish = _table((await client.get("/console/audit?action=application_viewed&lang=da")).text)
    assert "Ansøgning læst" in danish and "Application read" not in danish
    assert "(Administrator)" in danish and "(admin)" not in danish
    assert "Oversigt, Baggrund" in danish and "Summary" not in danish
    await audit.record(audit.Actor("staff", admin, "admin"), "stage_changed", utcnow(),
                       reason="received->offer (rejection)")  # fmt: skip
    moved = (await client.get("/console/audit?action=stage_changed&lang=da")).text
    assert "Modtaget → Tilbud (Afslag)" in _table(moved) and "received->" not in moved

    await erase_candidate(a["candidate_id"], "test", utcnow(), audit.SYSTEM)
    after = _table((await client.get("/console/audit?action=application_viewed&lang=en")).text)
    assert app_page not in after and a["candidate_uid"][:8] in after and "(erased)" in after


async def test_filters_by_staff_action_and_the_company_day_with_the_zone_shown(client):
    admin = await signed_in(client, "admin")
    other = audit.Actor("staff", admin + 1000, "hr")
    # 23:30 UTC on 3 November is 00:30 on 4 November in Copenhagen (INTAKE_TIMEZONE).
    late = datetime(2026, 11, 3, 23, 30, tzinfo=UTC)
    await audit.record(audit.Actor("staff", admin, "admin"), "queue_viewed", late)
    await audit.record(other, "queue_viewed", datetime(2026, 11, 3, 12, 0, tzinfo=UTC))
    await audit.record(other, "position_created", datetime(2026, 11, 4, 9, 0, tzinfo=UTC))
    page = await client.get("/console/audit?from=2026-11-04&to=2026-11-04")
    rows = _table(page.text).count("<tr>") - 1
    # The day and the clock are two pieces of one cell (a phone may break between them).
    assert rows == 2 and "4 November 2026 00:30 CET" in _words(page.text)
    assert "Europe/Copenhagen" in page.text  # the zone is said above the table
    only_admin = _table((await client.get(f"/console/audit?actor={admin}")).text)
    assert only_admin.count('data-action="queue_viewed"') == 1
    assert 'data-action="position_created"' not in only_admin
    action = _table((await client.get("/console/audit?action=position_created")).text)
    assert action.count("<tr>") == 2  # header and the one event
    danish = await client.get("/console/audit?from=2026-11-04&to=2026-11-04&lang=da")
    assert "4. november 2026 00.30 CET" in _words(danish.text)


def _words(page: str) -> str:
    """A page's text without its tags."""
    return re.sub(r"<[^>]+>", "", page)


async def test_pages_of_a_hundred_newest_first(client):
    await signed_in(client, "admin")
    start = datetime(2026, 11, 1, tzinfo=UTC)
    await AuditEvent.insert(
        *[
            AuditEvent(at=start, actor_kind="system", action="queue_viewed", erase_after=start,
                       reason=f"n{i:03d}")
            for i in range(230)
        ]
    )  # fmt: skip
    first = await client.get("/console/audit?action=queue_viewed")
    assert _table(first.text).count("<tr>") == 101 and "n229" in first.text
    older = first.text.split('href="?')[-1].split('"')[0].replace("&amp;", "&")
    second = await client.get("/console/audit?" + older)
    assert "n129" in second.text and "n229" not in second.text and "n029" not in second.text
    third = await client.get(
        "/console/audit?" + second.text.split('href="?')[-1].split('"')[0].replace("&amp;", "&")
    )
    assert _table(third.text).count("<tr>") == 31 and "Older events" not in third.text


async def test_the_csv_holds_the_filtered_rows_and_its_download_is_audited(client):
    admin = await signed_in(client, "admin")
    await StaffMember.update({StaffMember.display_name: "=HYPERLINK(1)"}).where(
        StaffMember.id == admin
    )
    me = audit.Actor("staff", admin, "admin")
    now = datetime(2026, 12, 4, 13, 5, tzinfo=UTC)
    for _ in range(3):
        await audit.record(me, "queue_viewed", now, reason="x")
    await audit.record(me, "position_created", now)
    answer = await client.get("/console/audit.csv?action=queue_viewed")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["Time", "Staff member", "Role", "Action", "Subject kind", "Subject",
                       "Object", "Reason", "Action key"]  # fmt: skip
    assert len(rows) == 4 and {r[8] for r in rows[1:]} == {"queue_viewed"}
    assert rows[1][0] == "2026-12-04T14:05:00+01:00" and rows[1][3] == "Queue read"
    assert rows[1][1] == "'=HYPERLINK(1)"  # a spreadsheet shows it, never runs it
    assert rows[1][2] == "Admin"
    exported = await AuditEvent.select().where(AuditEvent.action == "audit_log_exported")
    assert len(exported) == 1 and exported[0]["actor_id"] == admin
    assert exported[0]["reason"] == "action=queue_viewed"


async def test_the_csv_speaks_the_readers_language_like_the_page(client):
    admin = await signed_in(client, "admin")
    me = audit.Actor("staff", admin, "admin")
    now = datetime(2026, 12, 4, 13, 5, tzinfo=UTC)
    await audit.record(me, "queue_viewed", now, reason="summary,background")
    await audit.record(audit.SYSTEM, "stage_changed", now, reason="received->screening")
    page = (await client.get("/console/audit?lang=da")).text
    answer = await client.get("/console/audit.csv")  # the language the page was read in
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["Tidspunkt", "Medarbejder", "Rolle", "Handling", "Registreret (type)",
                       "Registreret", "Objekt", "Begrundelse", "Handlingsnøgle"]  # fmt: skip
    by_key = {r[8]: r for r in rows[1:]}
    read, moved = by_key["queue_viewed"], by_key["stage_changed"]
    assert read[2] == "Administrator" and read[3] in page  # the page's own label
    assert read[3] != "queue_viewed" and read[7] == "Oversigt, Baggrund"
    assert moved[1] != "system" and moved[1] in page and moved[7] == "Modtaget → Gennemgang"


async def test_a_rejections_reason_is_in_the_readers_language_on_the_page_and_in_the_csv(client):
    """A rejection records its template's key as the reason ("received->rejected (rejection)",
    Art. 22); the page and the CSV showed the key in English whatever the reader's language."""
    admin = await signed_in(client, "admin")
    pid = await open_position()
    a = await consenting_application(pid, cv=None)
    me = audit.Actor("staff", admin, "admin")
    await messages.reject(me, a["application_id"], pid, "rejection", False, 0, utcnow())
    danish = _table((await client.get("/console/audit?action=stage_changed&lang=da")).text)
    assert "Modtaget → Afvist (Afslag)" in danish and "rejection" not in danish
    rows = list(csv.reader(io.StringIO(
        (await client.get("/console/audit.csv?action=stage_changed")).content.decode("utf-8-sig")
    )))  # fmt: skip
    assert [r[7] for r in rows[1:]] == ["Modtaget → Afvist (Afslag)"]
    english = _table((await client.get("/console/audit?action=stage_changed&lang=en")).text)
    assert "Received → Rejected (Rejection)" in english and "(rejection)" not in english


async def test_only_admins_read_or_export_the_log(client):
    await signed_in(client, "hr")
    assert (await client.get("/console/audit")).status_code in (403, 404)
    assert (await client.get("/console/audit.csv")).status_code in (403, 404)
    assert await AuditEvent.count().where(AuditEvent.action == "audit_log_exported") == 0


async def test_a_position_is_named_by_its_title_while_it_exists(client):
    admin = await signed_in(client, "admin")
    pid = await open_position("Platform engineer")
    await audit.record(audit.Actor("staff", admin, "admin"), "queue_viewed", utcnow(),
                       subject_kind="position", object_id=pid)  # fmt: skip
    table = _table((await client.get("/console/audit?action=queue_viewed")).text)
    assert f'<a href="/console/positions/{pid}/edit">Platform engineer</a>' in table
    assert f"#{pid}<" not in table


@pytest.mark.parametrize(
    ("choice", "english", "danish"),
    [
        ("accepted", "Accepted by the candidate", "Accepteret af ansøgeren"),
        (
            "another_time",
            "The candidate asks for another time",
            "Ansøgeren beder om et andet tidspunkt",
        ),
    ],
)
async def test_a_candidates_interview_answer_is_in_words_on_the_page_and_in_the_csv(
    client, choice, english, danish
):
    """interview_answered records the candidate's choice as its reason; the page and the CSV
    showed the code ("another_time") instead of the words the application page uses."""
    admin = await signed_in(client, "admin")
    pid = await open_position()
    a = await consenting_application(pid, cv=None)
    me = audit.Actor("staff", admin, "admin")
    now = utcnow()
    plan = interviews.Plan(now + timedelta(days=2), 60, "Room 1", "", [admin])
    await interviews.schedule(me, a["application_id"], pid, plan, "en", now)
    assert await interviews.answer(a["candidate_id"], a["application_id"], choice, "", now)
    page = _table((await client.get("/console/audit?action=interview_answered&lang=da")).text)
    assert danish in page and f">{choice}<" not in page
    rows = list(csv.reader(io.StringIO(
        (await client.get("/console/audit.csv?action=interview_answered")).content.decode("utf-8-sig")
    )))  # fmt: skip
    assert [r[7] for r in rows[1:]] == [danish]
    page = _table((await client.get("/console/audit?action=interview_answered&lang=en")).text)
    assert english in page


# The reasons the code writes with a value in them, as written (bulk.apply, mail_language,
# staff services.invite, candidate_rights, consent_renewal, requests_queue): the page showed
# "reject_with_template: 3 of 4", "da", "hr", "purpose m", "assignee 12" and an ISO date.
async def _worded_rows(client) -> tuple[int, int]:
    admin = await signed_in(client, "admin")
    colleague, _, _ = await staff_member("hr", email="helle@example.org")
    await StaffMember.update({StaffMember.display_name: "Helle HR"}).where(
        StaffMember.id == colleague
    )
    me = audit.Actor("staff", admin, "admin")
    now = datetime(2026, 12, 4, 13, 5, tzinfo=UTC)
    for action, reason in [
        ("bulk_action", "reject_with_template: 3 of 4"),
        ("bulk_action", "rejected: 1 of 2"),
        ("bulk_action", "interview: 2 of 2"),
        ("mail_language_changed", "da"),
        ("staff.invited", "hr"),
        ("consent_given", "purpose m"),
        ("consent_withdrawn", "purpose n"),
        ("consent_renewed", "m,talent_pool"),
        ("rights_request_assigned", f"assignee {colleague}"),
        ("rights_request_assigned", "assignee 987654"),
        ("rights_request_extended", "due 2027-01-31"),
        ("reception_desk_viewed", "3 shown"),
        ("evacuation_list_viewed", "1 shown"),
        # Written whole or from parts (second_factor, staff services, provider_sign_in,
        # visits.rights, requests_queue, erasures, the export's own filters): the Danish page
        # showed "command line", "sso_only", "identity provider", "3 candidate visits"...
        ("staff.totp_reset", "command line"),
        ("staff.updated", "role=hr disabled=False sso_only"),
        ("staff.updated", "role=reception disabled=True"),
        ("staff.updated", "role=admin from the identity provider"),
        ("staff.provisioned", "role=hr"),
        ("staff.signed_in", "identity provider"),
        ("staff.sign_in_refused", "identity provider: disabled"),
        ("staff.sign_in_refused", "identity provider: no mapped group"),
        ("visitor_visits_matched", "1 candidate visits"),
        ("visitor_visits_matched", "3 candidate visits"),
        ("data_exported", "visitor access request: 3 visits"),
        ("data_exported", "access request"),
        ("visitor_request_erased", "1 visits"),
        ("erasure", "consent_withdrawn"),
        ("erasure", "erasure_request"),
        ("audit_log_exported", "all"),
        ("audit_log_exported", f"staff={colleague} action=queue_viewed from=2026-12-01 "
                               "to=2026-12-04 subject=3f2a9c1b"),
        ("audit_log_exported", "staff=987654"),
        ("bulk_action", "teleport: 1 of 1"),  # unknown or legacy: as written, never a 500
        ("rights_request_extended", "due 2027-13-45"),
        ("mail_language_changed", "xx"),
        ("staff.updated", "role=intern disabled=False"),
        ("audit_log_exported", "action=a b"),
    ]:
        await audit.record(me, action, now, reason=reason)
    return admin, colleague


WORDED = {
    "en": [
        "Rejected 3 of 4 selected with the rejection message",
        "Rejected 1 of 2 selected, without a mail",
        "Moved 2 of 2 selected to Interview",
        "Danish", "HR",
        "Reading the CV and background (m)", "Evaluation in interviews (n)",
        "Reading the CV and background (m), Talent pool",
        "Assigned to Helle HR", "Assigned to staff member #987654",
        "New deadline: 31 January 2027", "3 visits shown", "1 visit shown",
        "Reset from the command line",
        "Role: HR, account active, signs in only through the company's sign-in",
        "Role: Reception, account turned off", "Role: Admin, from the company's sign-in",
        "Role: HR", "The company's sign-in",
        "The company's sign-in: the account is turned off",
        "The company's sign-in: in no group that gives access",
        "1 candidate visit", "3 candidate visits", "Visitor's access request: 3 visits",
        "For an access request", "1 visit", "Consent withdrawn", "Erasure request",
        "Every entry, no filter",
        "Filtered by staff member Helle HR, action Queue read, from 1 December 2026, "
        "to 4 December 2026, subject id 3f2a9c1b",
        "Filtered by staff member #987654",
        "teleport: 1 of 1", "due 2027-13-45", "xx", "role=intern disabled=False", "action=a b",
    ],
    "da": [
        "Gav afslag til 3 af 4 valgte med afslagsbeskeden",
        "Gav afslag til 1 af 2 valgte uden at sende en mail",
        "Flyttede 2 af 2 valgte til Samtale",
        "Dansk", "HR",
        "Læsning af CV og baggrund (m)", "Vurdering ved samtaler (n)",
        "Læsning af CV og baggrund (m), Talentbank",
        "Tildelt Helle HR", "Tildelt medarbejder nr. 987654",
        "Ny frist: 31. januar 2027", "3 besøg vist", "1 besøg vist",
        "Nulstillet fra kommandolinjen",
        "Rolle: HR, konto aktiv, logger kun ind gennem virksomhedens eget login",
        "Rolle: Reception, konto slået fra", "Rolle: Administrator, fra virksomhedens eget login",
        "Rolle: HR", "Virksomhedens eget login",
        "Virksomhedens eget login: kontoen er slået fra",
        "Virksomhedens eget login: i ingen gruppe, der giver adgang",
        "1 kandidatbesøg", "3 kandidatbesøg", "Besøgendes anmodning om indsigt: 3 besøg",
        "Til en anmodning om indsigt", "1 besøg", "Samtykke trukket tilbage",
        "Anmodning om sletning",
        "Alle poster, intet filter",
        "Filtreret efter medarbejder Helle HR, handling Kø læst, fra 1. december 2026, "
        "til 4. december 2026, registrerets id 3f2a9c1b",
        "Filtreret efter medarbejder nr. 987654",
        "teleport: 1 of 1", "due 2027-13-45", "xx", "role=intern disabled=False", "action=a b",
    ],
}  # fmt: skip
EVERY_ENTRY = {"en": "Every entry, no filter", "da": "Alle poster, intet filter"}


@pytest.mark.parametrize("lang", ["en", "da"])
async def test_reasons_with_values_are_in_words_on_the_page_and_in_the_csv(client, lang):
    await _worded_rows(client)
    page = _table((await client.get(f"/console/audit?lang={lang}")).text)
    cells = [c.split("</td>")[0].strip() for c in page.split("<td>")[1:]]
    for words in WORDED[lang]:
        assert str(escape(words)) in cells, words  # as Jinja escapes it
    for raw in ("reject_with_template", "purpose m", "assignee ", "2027-01-31", ">da<", ">hr<",
                ">3 shown<", "sso_only", "identity provider", "staff=", "role=hr"):
        assert raw not in page, raw
    for raw in ("command line", "consent_withdrawn", "erasure_request", "access request", "all",
                "1 visits", "1 candidate visits"):
        assert raw not in cells, raw
    rows = list(csv.reader(io.StringIO(
        (await client.get("/console/audit.csv")).content.decode("utf-8-sig")
    )))  # fmt: skip
    own, *rest = rows[1:]  # newest first: the download's own row, then the rows written above
    assert own[8] == "audit_log_exported" and own[7] == EVERY_ENTRY[lang]
    reasons = [r[7] for r in rest]
    assert reasons[: len(WORDED[lang])] == list(reversed(WORDED[lang]))


async def test_the_reasons_the_code_writes_read_in_danish_on_the_page_and_in_the_csv(
    client, notices
):
    """The reasons above as the code itself writes them (a two-factor reset from the command
    line, an account set to sign in only through the company's sign-in, a visitor's access
    request looked up and exported, a withdrawal that erases, an export of this log with its
    filters): if a format changes and the wording does not follow, the code's words show."""
    from app.privacy.candidate_rights import change_consent
    from app.staff.second_factor import reset_second_factor
    from app.staff.services import update_member
    from app.visits import rights as visitor_rights
    from tests.visitor_requests.test_visitor_requests import visitor_asks, world

    await world()
    request_id = await visitor_asks(client, "access")
    admin = await signed_in(client, "admin")
    colleague, _, _ = await staff_member("hr", email="helle@example.org")
    await StaffMember.update({StaffMember.display_name: "Helle HR"}).where(
        StaffMember.id == colleague
    )
    me = audit.Actor("staff", admin, "admin")
    now = utcnow()
    await reset_second_factor(colleague, now)
    await update_member(me, colleague, "reception", True, now, sso_only=True)
    _, found = await visitor_rights.review(me, request_id, now)
    await visitor_rights.export_visits(me, request_id, [v["id"] for v in found[:1]], now)
    made = await consenting_application(await open_position(), n=False, cv=None)
    await change_consent(made["candidate_id"], "m", False, language="da", ip_prefix="",
                         now=now, confirm_erase=True)  # fmt: skip
    await client.get("/console/audit?lang=da")
    today = now.astimezone(dates.zone()).date()
    answer = await client.get(f"/console/audit.csv?actor={colleague}&from={today}&to={today}")
    assert answer.status_code == 200
    day = dates.day(today, "da")
    expected = {
        "staff.totp_reset": "Nulstillet fra kommandolinjen",
        "staff.updated": "Rolle: Reception, konto slået fra, logger kun ind gennem "
                         "virksomhedens eget login",
        "visitor_visits_matched": f"{len(found)} kandidatbesøg",
        "data_exported": "Besøgendes anmodning om indsigt: 1 besøg",
        "erasure": "Samtykke trukket tilbage",
        "audit_log_exported": f"Filtreret efter medarbejder Helle HR, fra {day}, til {day}",
    }  # fmt: skip
    page = _table((await client.get("/console/audit")).text)
    cells = [c.split("</td>")[0].strip() for c in page.split("<td>")[1:]]
    for action, words in expected.items():
        assert str(escape(words)) in cells, (action, words)
    rows = list(csv.reader(io.StringIO(
        (await client.get("/console/audit.csv")).content.decode("utf-8-sig")
    )))  # fmt: skip
    reasons = {r[8]: r[7] for r in rows[2:]}  # newest first: the oldest of each action
    assert {action: reasons[action] for action in expected} == expected
    # The action's own name: not "Slettes" ("is erased"), the retention page's column header
    assert {r[3] for r in rows[2:] if r[8] == "erasure"} == {"Data slettet"}


def test_an_exports_filters_are_read_back_from_the_reason_it_wrote():
    """audit_log.exported_filter is AuditFilter.described read back, part by part; a filter it
    cannot read back unambiguously (an action with a space) stays as written."""
    from datetime import date

    from app.privacy.audit_log import AuditFilter, exported_filter

    def read(f: AuditFilter) -> dict[str, str] | None:
        return exported_filter({"action": "audit_log_exported", "reason": f.described()})

    assert read(AuditFilter()) == {}
    assert read(AuditFilter(actor_id=12, action="staff.updated", since=date(2026, 12, 1),
                            until=date(2026, 12, 4), subject_ref="3f2a 9c=1b")) == {
        "staff": "12", "action": "staff.updated", "from": "2026-12-01", "to": "2026-12-04",
        "subject": "3f2a 9c=1b"}  # fmt: skip
    assert read(AuditFilter(until=date(2026, 12, 4))) == {"to": "2026-12-04"}
    assert read(AuditFilter(action="a b")) is None
