"""One date format per language in every door (issue 17 point 8): the portal, the console
and the kiosk write the same day the same way, "4 December 2026" / "4. december 2026",
through app.dates. Before, the kiosk's badge wrote 04.12.2026 and the console "Dec 4, 2026"."""

import re

import pytest

from app import dates
from app.clock import utcnow
from app.tables import Position
from app.visits.local_time import local_date
from tests.console.support import signed_in
from tests.factories import host, open_position
from tests.helpers import csrf_from
from tests.kiosk.test_kiosk_pages import as_kiosk, hidden

SHAPE = {"en": r"\d{1,2} [A-Z][a-z]+ \d{4}", "da": r"\d{1,2}\. [a-zæøå]+ \d{4}"}


async def _kiosk_badge(client, lang: str) -> str:
    host_id = await host()
    await as_kiosk(client)
    notice = await client.get(f"/kiosk/notice?language={lang}")
    notice_id = re.search(r"notice=(\d+)", notice.text).group(1)
    details = await client.get(f"/kiosk/details?language={lang}&notice={notice_id}")
    form = {
        "_csrf_token": csrf_from(details.text),
        "language": lang,
        "notice_id": notice_id,
        "submission": hidden(details.text, "submission"),
        "visitor_name": "Ann Visitor",
        "company": "Acme",
        "host_id": str(host_id),
        "purpose": "meeting",
    }
    badge = await client.post("/kiosk/sign-in", data=form)
    assert badge.status_code == 200
    return badge.text


@pytest.mark.parametrize("lang", ["en", "da"])
async def test_the_portal_the_console_and_the_kiosk_write_a_day_alike(client, notices, lang):
    today = local_date(utcnow())
    shown = dates.day(today, lang)
    assert re.fullmatch(SHAPE[lang], shown), shown
    # The kiosk: the visitor's badge carries today's date.
    assert shown in await _kiosk_badge(client, lang)
    # The portal: the last day to apply for a position.
    pid = await open_position()
    await Position.update({Position.valid_through: today}).where(Position.id == pid)
    slug = (await Position.select(Position.slug).where(Position.id == pid).first())["slug"]
    portal = await client.get(f"/positions/{slug}?lang={lang}")
    assert portal.status_code == 200 and shown in portal.text
    # The console: reception's visit log shows the day of the same visit.
    await signed_in(client, "reception")
    console = await client.get(f"/console/reception/log?lang={lang}")
    assert console.status_code == 200 and shown in console.text
    # No door writes the day another way.
    for page in (portal.text, console.text):
        assert today.strftime("%d.%m.%Y") not in page and today.isoformat() + "<" not in page
