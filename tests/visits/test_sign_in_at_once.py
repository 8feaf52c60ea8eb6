"""A walk-in's sign-in at once (app.visits.visits._sign_in_at_once: one statement on
PostgreSQL, one short transaction on the event loop on SQLite): it stores what sign_in's
transaction stores, or nothing at all, so the transaction can still refuse with the right
message or sign the visitor in. (Every kiosk sign-in test goes through it as well.)"""

import sqlite3
import threading

import pytest

from app import db
from app.clock import utcnow
from app.errors import Conflict
from app.mail import QUEUE
from app.privacy.notices import current_notice
from app.tables import OutboxMail, Token, Visit
from app.visits import codes, visits
from app.visits.sites import first_site_id
from tests.conftest import DATABASE
from tests.factories import enrolled_kiosk, host
from tests.visits.test_services import sign_in_form

SAME = ("company", "purpose", "host", "kiosk", "language", "notice_version", "expected_visit",
        "signed_in_at", "signed_out_at", "signed_out_by", "erase_after", "site")


async def test_it_stores_what_the_transaction_stores(notices):
    host_id = await host()
    kiosk_id, _ = await enrolled_kiosk()
    notice = await current_notice("visitor", "en")
    now = utcnow()
    form = sign_in_form(host_id, notice.id, visitor_name="  Ann Visitor ", submission="one",
                        site_id=await first_site_id())  # sign_in's, for a kiosk without one
    badge = await visits._sign_in_at_once(form, kiosk_id, now)
    assert badge is not None and badge.first_name == "Ann" and badge.host_name == "Hanne Host"
    # The same visit through the transaction (no submission id: it never takes the shortcut).
    await visits.sign_in(sign_in_form(host_id, notice.id, visitor_name="Ann Visitor"),
                         kiosk_id, now)
    at_once, by_transaction = await Visit.select().order_by(Visit.id)
    assert at_once["visitor_name"] == by_transaction["visitor_name"] == "Ann Visitor"
    assert str(at_once["uid"]) == badge.visit_ref
    assert at_once["signout_code_hash"] == codes.code_hash(badge.signout_code)
    assert {k: at_once[k] for k in SAME} == {k: by_transaction[k] for k in SAME}
    first, second = await OutboxMail.select().order_by(OutboxMail.id)
    assert {k: v for k, v in first.items() if k != "id"} == {
        k: v for k, v in second.items() if k != "id"
    }
    # The visit keeps its form's hash, which the transaction checks too: sending it again is
    # refused by both, and no single-use token is spent for a kiosk form any more.
    assert at_once["submission_hash"] == visits.submission_hash("one")
    assert by_transaction["submission_hash"] is None  # no submission id
    assert await Token.count() == 0
    assert await visits._sign_in_at_once(form, kiosk_id, now) is None
    with pytest.raises(Conflict):
        await visits.sign_in(form, kiosk_id, now)
    assert await Visit.count() == 2


@pytest.mark.parametrize("wrong", ["retired host", "candidate notice", "code in use", "replay"])
async def test_it_stores_nothing_when_a_check_fails(notices, wrong):
    live = await host()
    retired = await host(name="Gone", email="gone@example.org", active=False)
    notice = await current_notice("visitor", "en")
    candidate_notice = await current_notice("candidate", "en")
    on_site = await visits.sign_in(sign_in_form(live, notice.id, submission="earlier"), None,
                                   utcnow())
    before = (await Visit.count(), await OutboxMail.count(), await Token.count())
    form = sign_in_form(retired if wrong == "retired host" else live,
                        candidate_notice.id if wrong == "candidate notice" else notice.id,
                        submission="earlier" if wrong == "replay" else "new")
    code = on_site.signout_code if wrong == "code in use" else None
    assert await visits._sign_in_at_once(form, None, utcnow(), code) is None
    assert (await Visit.count(), await OutboxMail.count(), await Token.count()) == before
    if wrong == "code in use":  # the transaction then signs the visitor in with another code
        badge = await visits.sign_in(form, None, utcnow())
        assert badge.signout_code != on_site.signout_code


@pytest.mark.skipif(DATABASE != "sqlite", reason="SQLite's write lock")
async def test_on_sqlite_another_process_writing_sends_it_to_the_transaction(notices):
    """write_now never waits inside SQLite (it runs on the event loop): while another process
    holds the write lock it does nothing, and sign_in's transaction waits in its thread."""
    live = await host()
    notice = await current_notice("visitor", "en")
    other = sqlite3.connect(db.engine().path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        form = sign_in_form(live, notice.id, submission="while-busy")
        assert await visits._sign_in_at_once(form, None, utcnow()) is None
        threading.Timer(0.3, other.execute, ("COMMIT",)).start()
        badge = await visits.sign_in(form, None, utcnow())
    finally:
        other.close()
    assert badge.host_name == "Hanne Host"
    assert await Visit.count() == 1 and await OutboxMail.count() == 1


@pytest.mark.skipif(DATABASE != "sqlite", reason="app.db.write_now is SQLite's")
@pytest.mark.parametrize("ending", ["returns None", "raises"])
async def test_on_sqlite_a_write_now_that_does_not_finish_stores_nothing(ending):
    def work(connection: sqlite3.Connection) -> str | None:
        connection.execute(QUEUE, ("a@example.org", "s", "b", "admin", utcnow(), utcnow()))
        if ending == "raises":
            raise RuntimeError("half-way")
        return None

    if ending == "raises":
        with pytest.raises(RuntimeError):
            await db.write_now(work)
    else:
        assert await db.write_now(work) is None
    assert await OutboxMail.count() == 0
    assert await db.write_now(lambda connection: "and the next one works") is not None
