"""The audit log's worded reasons and the retention page's kinds and jobs on a 1366x768
laptop, in English and Danish (review of the staff console: "raw code words shown to
humans"). INTAKE_SHOTS=<folder> keeps the screenshots to look at."""

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.jobs import JOBS, run_job
from app.privacy import audit
from app.tables import JobRun
from tests.browser.test_console_home import LAPTOP, _shot
from tests.browser.test_kiosk_journey import staff_page
from tests.factories import visit_row

pytestmark = pytest.mark.browser

SEEN = {
    "en": ("Rejected 3 of 4 selected with the rejection message", "New deadline:",
           "Clearing expired sessions and links", "Visits: 1", "Audit log entries: 2"),
    "da": ("Gav afslag til 3 af 4 valgte med afslagsbeskeden", "Ny frist:",
           "Oprydning i udløbne sessioner og links", "Besøg: 1",
           "Poster i revisionsloggen: 2"),
}  # fmt: skip
# The reasons written whole or from parts (review: still raw on the Danish page).
SEEN_REASONS = {
    "en": ("Reset from the command line",
           "Role: HR, account active, signs in only through the company's sign-in",
           "The company's sign-in", "1 candidate visit", "Visitor's access request: 3 visits",
           "For an access request", "Consent withdrawn",
           "Filtered by staff member #987654, action Queue read"),
    "da": ("Nulstillet fra kommandolinjen",
           "Rolle: HR, konto aktiv, logger kun ind gennem virksomhedens eget login",
           "Virksomhedens eget login", "1 kandidatbesøg",
           "Besøgendes anmodning om indsigt: 3 besøg", "Til en anmodning om indsigt",
           "Samtykke trukket tilbage", "Filtreret efter medarbejder nr. 987654, handling Kø læst"),
}  # fmt: skip
RAW = ("command line", "sso_only", "identity provider", "candidate visits",
       "visitor access request", "consent_withdrawn", "staff=", "action=")  # fmt: skip


async def test_reasons_kinds_and_jobs_read_as_words(browser, live_server):
    now = utcnow()
    for action, reason in [
        ("bulk_action", "reject_with_template: 3 of 4"),
        ("mail_language_changed", "da"),
        ("staff.invited", "hr"),
        ("consent_given", "purpose m"),
        ("rights_request_assigned", "assignee 987654"),
        ("rights_request_extended", f"due {(now + timedelta(days=40)).date().isoformat()}"),
        ("staff.totp_reset", "command line"),
        ("staff.updated", "role=hr disabled=False sso_only"),
        ("staff.signed_in", "identity provider"),
        ("visitor_visits_matched", "1 candidate visits"),
        ("data_exported", "visitor access request: 3 visits"),
        ("data_exported", "access request"),
        ("erasure", "consent_withdrawn"),
        ("audit_log_exported", "staff=987654 action=queue_viewed"),
    ]:
        await audit.record(audit.SYSTEM, action, now, reason=reason)
    await visit_row(signed_in_at=now, signed_out_at=now, erase_after=now + timedelta(days=3))
    await run_job(next(j for j in JOBS if j.name == "expired_sessions"), now)
    await JobRun.insert(JobRun(job="retention_sweep", started_at=now, finished_at=now,
                               counts={"audit_events": 2, "visits": 0}))  # fmt: skip
    context, page = await staff_page(browser, live_server, "admin")
    try:
        await page.set_viewport_size(LAPTOP)
        for lang in ("en", "da"):
            await page.goto(f"{live_server.url}/console/audit?lang={lang}")
            audit_text = await page.inner_text("main")
            for words in SEEN[lang][:2]:
                assert words in audit_text, words
            assert "reject_with_template" not in audit_text and "purpose m" not in audit_text
            for words in SEEN_REASONS[lang]:
                assert words in audit_text, words
            for raw in RAW if lang == "da" else RAW[1:]:  # "... from the command line"
                assert raw not in audit_text, raw
            await _shot(page, f"labels-audit-{lang}")
            await page.goto(f"{live_server.url}/console/retention?lang={lang}")
            retention_text = await page.inner_text("main")
            for words in SEEN[lang][2:]:
                assert words in retention_text, words
            assert "expired sessions\t" not in retention_text
            await page.locator("#runs").scroll_into_view_if_needed()
            await _shot(page, f"labels-retention-{lang}")
    finally:
        await context.close()
