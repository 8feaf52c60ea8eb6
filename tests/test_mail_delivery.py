"""One bad mail never holds back the others (issue 16, point 2): a poisoned outbox row, such
as an address stored before addresses were checked, backs off on its own and is finally
marked failed for the admins, while the mails behind it go out through a real SMTP server on
loopback (aiosmtpd). The job's log names no address."""

import logging
import os
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from app.clock import utcnow
from app.config import load_settings, use
from app.jobs import JOBS, run_job
from app.mail import BACKOFF, MAX_ATTEMPTS, deliver_pending, queue
from app.tables import OutboxMail
from tests.conftest import free_port
from tests.factories import staff_member
from tests.helpers import login_staff
from tests.portal.test_mail_smtp import Inbox

POISON = "x:;@y.zz"


async def _planted(now) -> tuple[int, list[int]]:
    """The poisoned row first (written past every check, as an old version could), then
    three good ones."""
    await OutboxMail.insert(OutboxMail(to_address=POISON, subject="Sign-in link", body="b",
                                       created_at=now, erase_after=now + timedelta(days=30)))
    bad = (await OutboxMail.select(OutboxMail.id).first())["id"]
    good = [await queue(f"good{i}@example.org", f"Mail {i}", "hello", now) for i in range(3)]
    return bad, good


@pytest.fixture
def inbox():
    """A real SMTP server on loopback, and the settings that deliver to it; the suite's own
    settings again afterwards."""
    received = Inbox()
    port = free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    use(_smtp(port))
    yield received
    controller.stop()
    use(load_settings())


DELIVER = next(j for j in JOBS if j.name == "deliver_mail")


def _smtp(port: int):
    return load_settings({**os.environ, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
                          "SMTP_FROM": "intake@example.com"})


async def test_a_poisoned_mail_backs_off_alone_and_then_fails(caplog, inbox):
    now = utcnow()
    bad, good = await _planted(now)
    with caplog.at_level(logging.DEBUG):
        assert await run_job(DELIVER, now) == {"sent": 3, "failed": 1}
        assert sorted(r for rcpts, _ in inbox.messages for r in rcpts) == [
            "good0@example.org", "good1@example.org", "good2@example.org"]
        row = await OutboxMail.select().where(OutboxMail.id == bad).first()
        assert row["sent_at"] is None and row["failed_at"] is None
        assert row["attempts"] == 1 and row["next_attempt_at"] == now + BACKOFF[0]
        assert row["last_error"] and POISON not in row["last_error"]
        # Within its backoff the poisoned mail is not tried, while new mail still leaves.
        later = await queue("later@example.org", "Later", "hello", now)
        assert (await deliver_pending(now + BACKOFF[0] - timedelta(seconds=1))).sent == 1
        row = await OutboxMail.select().where(OutboxMail.id == bad).first()
        assert row["attempts"] == 1
        # Each attempt waits longer; after the last the mail is failed, and stays so.
        at = now
        for attempt in range(1, MAX_ATTEMPTS):
            at = at + BACKOFF[attempt - 1]
            assert await run_job(DELIVER, at) == {"sent": 0, "failed": 1}
            row = await OutboxMail.select().where(OutboxMail.id == bad).first()
            assert row["attempts"] == attempt + 1
        assert row["failed_at"] == at and row["next_attempt_at"] is None
        assert (await deliver_pending(at + timedelta(days=1))).sent == 0
        assert (await OutboxMail.select().where(OutboxMail.id == bad).first())[
            "attempts"] == MAX_ATTEMPTS
    delivered = await OutboxMail.select().where(OutboxMail.id.is_in([*good, later]))
    assert all(m["sent_at"] is not None for m in delivered)
    assert len(inbox.messages) == 4
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"mail {bad} not sent" in logged  # the failure is logged, by id
    assert POISON not in logged and "x:;" not in logged and "@y.zz" not in logged


async def test_an_unreachable_mail_server_blames_no_mail():
    use(_smtp(free_port()))  # nothing listens there
    try:
        now = utcnow()
        await queue("ada@example.org", "Sign-in link", "hello", now)
        assert (await deliver_pending(now)).sent == 0
    finally:
        use(load_settings())
    row = await OutboxMail.select().first()
    assert row["attempts"] == 0 and row["next_attempt_at"] is None and row["failed_at"] is None


async def test_admins_see_failed_mail_on_the_outbox_page(client):
    now = utcnow()
    await OutboxMail.insert(OutboxMail(to_address=POISON, subject="Your visit", body="code 123",
                                       created_at=now, erase_after=now + timedelta(days=30),
                                       attempts=MAX_ATTEMPTS, failed_at=now,
                                       last_error="AttributeError"))
    _, email, password = await staff_member("admin")
    await login_staff(client, email, password)
    page = await client.get("/console/outbox")
    assert page.status_code == 200
    assert "Mail that could not be delivered" in page.text
    assert 'class="failed-mail"' in page.text and "AttributeError" in page.text
    page = await client.get("/console/outbox", headers={"accept-language": "da"})
    assert "Post, der ikke kunne leveres" in page.text
    # A mail waiting for its next attempt says the day too (2 or 6 h of backoff cross
    # midnight): 23:30 UTC on 3 November is 00:30 on 4 November in Copenhagen.
    await OutboxMail.insert(OutboxMail(to_address="later@example.org", subject="Later", body="x",
                                       created_at=now, erase_after=now + timedelta(days=30),
                                       attempts=4,
                                       next_attempt_at=datetime(2026, 11, 3, 23, 30, tzinfo=UTC)))
    page = await client.get("/console/outbox?lang=en")
    assert "next attempt 4 November 2026 00:30 CET" in page.text


async def test_a_delivery_run_is_kept_only_when_it_sent_or_failed_something(inbox):
    """Issue 18.7: a row every 30 s (2,880 a day) pushed every other job off the retention
    page. A run that found nothing to do leaves no row; one that sent or failed does."""
    from app.tables import JobRun

    now = utcnow()
    for _ in range(3):
        assert await run_job(DELIVER, now) == {"sent": 0, "failed": 0}
    assert await JobRun.count() == 0
    await queue("ada@example.org", "Hello", "hello", now)
    assert await run_job(DELIVER, now) == {"sent": 1, "failed": 0}
    rows = await JobRun.select()
    assert len(rows) == 1 and rows[0]["job"] == "deliver_mail" and rows[0]["finished_at"]
