"""Hand-off to the HR system (issue 17 point 10), against a real HTTP server on loopback: the
webhook is signed (HMAC-SHA256 over the timestamp and the body), retried after a 500 with
the outbox's backoff, never sent for a candidate who is not hired, its pending body gone once
delivered or when the candidate is erased, and the hired candidate's record then erased on
its own retention rule."""

import hashlib
import hmac
import json
import os
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.clock import utcnow
from app.config import load_settings, use
from app.errors import Forbidden
from app.mail import BACKOFF
from app.privacy import audit
from app.privacy.erasure import erase_candidate
from app.privacy.export import collect
from app.privacy.sweep import sweep
from app.recruiting.handover import deliver_handovers, hand_over
from app.recruiting.invitations import reference
from app.tables import Application, Candidate, HrisHandover, Position
from tests.console.support import post_on, signed_in
from tests.factories import consenting_application, open_position

SECRET = "hris-test-secret-0123456789abcdef0123456789"


class HrSystem:
    """A real HTTP server on loopback that records each request and answers the statuses it
    is told to, in order (then 200)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict, bytes]] = []
        self.statuses: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(outer.statuses.pop(0) if outer.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/employees"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _webhook_settings(url: str):
    return load_settings(
        {**os.environ, "INTAKE_HRIS_WEBHOOK_URL": url, "INTAKE_HRIS_WEBHOOK_SECRET": SECRET}
    )


@pytest.fixture
def hr_system():
    """The HR system, and the settings whose webhook points at it; the suite's own after."""
    system = HrSystem()
    use(_webhook_settings(system.url))
    yield system
    system.stop()
    use(load_settings())


@pytest.fixture
def settings(hr_system):
    """The app's settings (the `client` fixture's) with the webhook too."""
    return _webhook_settings(hr_system.url)


async def _application(stage: str, name: str = "Hanna Hired") -> tuple[int, dict]:
    pid = await open_position("Data engineer")
    a = await consenting_application(pid, name, cv=None)
    await Application.update({Application.stage: stage}).where(
        Application.id == a["application_id"]
    )
    return pid, a


def _signed_correctly(headers: dict, body: bytes) -> int:
    parts = dict(p.split("=", 1) for p in headers["x-intake-signature"].split(","))
    expected = hmac.new(SECRET.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(parts["v1"], expected.hexdigest())
    return int(parts["t"])


async def test_a_hired_candidate_is_handed_over_signed_and_retried_after_a_500(client, hr_system):
    pid, a = await _application("hired")
    await signed_in(client, "hr")
    page = f"/console/positions/{pid}/applications/{a['application_id']}"
    assert 'id="hand-over-button"' in (await client.get(page)).text
    answer = await post_on(client, page, page + "/hand-over", {})
    assert answer.status_code == 303
    row = await HrisHandover.select().first()
    assert row["status"] == "pending" and "Hanna Hired" in row["body"]

    hr_system.statuses = [500]
    now = utcnow()
    assert (await deliver_handovers(now))["failed"] == 1
    headers, body = hr_system.received[0]
    assert _signed_correctly(headers, body) == int(now.timestamp())
    assert headers["x-intake-delivery"] == str(row["reference"])
    row = await HrisHandover.select().first()
    assert row["attempts"] == 1 and row["last_error"] == "HTTP 500" and row["body"]
    assert row["next_attempt_at"] == now + BACKOFF[0]
    await deliver_handovers(now + timedelta(seconds=30))  # not due yet: nothing sent
    assert len(hr_system.received) == 1

    later = now + BACKOFF[0]
    assert (await deliver_handovers(later))["delivered"] == 1
    headers, body = hr_system.received[1]
    assert _signed_correctly(headers, body) == int(later.timestamp())
    sent = json.loads(body)
    position = await Position.select().where(Position.id == pid).first()
    application = await Application.select().where(Application.id == a["application_id"]).first()
    assert sent["schema"] == "intake.hris.handover/1"
    assert sent["person"]["name"] == "Hanna Hired" and sent["person"]["email"].endswith(
        "@example.org"
    )
    assert sent["position"] == {"reference": position["slug"], "title": "Data engineer"}
    assert sent["start"] == {"reference": str(application["uid"])}
    assert set(sent) == {"schema", "reference", "handed_over_at", "person", "position", "start"}
    assert "I like building things" not in body.decode()  # no cover letter, no CV, no ratings
    row = await HrisHandover.select().first()
    assert row["status"] == "delivered" and row["body"] == ""  # the copy is gone once delivered
    assert application["handed_over_at"] == later
    assert application["erase_after"] == later + timedelta(days=30)
    assert 'id="hand-over-button"' not in (await client.get(page)).text
    # The candidate's own export names the recipient and when (Art. 15(1)(c)).
    exported = (await collect(a["candidate_id"]))["applications"][0]["hr_system_hand_off"]
    assert exported == [{"reference": row["reference"], "status": "delivered",
                         "created_at": row["created_at"], "delivered_at": later}]  # fmt: skip


async def test_admins_read_the_delivery_log_without_the_persons_data(client, hr_system):
    pid, a = await _application("hired")
    await signed_in(client, "admin")
    page = f"/console/positions/{pid}/applications/{a['application_id']}"
    await post_on(client, page, page + "/hand-over", {})
    hr_system.statuses = [503] * 10
    now = utcnow()
    for attempt in range(6):
        await deliver_handovers(now + timedelta(days=attempt))
    row = await HrisHandover.select().first()
    assert row["status"] == "failed" and row["body"]  # kept for a retry, erased with them
    log = (await client.get("/console/hris")).text
    assert str(row["reference"])[:8] in log and "HTTP 503" in log
    # The application by the reference its page and its interviews show, not a row id.
    uid = (await Application.select(Application.uid).first())["uid"]
    assert reference(uid) in log and reference(uid) in (await client.get(page)).text
    email = (await Candidate.select(Candidate.email).first())["email"]
    assert "Hanna Hired" not in log and email not in log
    retried = await post_on(client, "/console/hris", f"/console/hris/{row['reference']}/retry", {})
    assert retried.status_code == 303
    assert (await HrisHandover.select().first())["status"] == "pending"
    # The next attempt can be tomorrow (6 h of backoff): its day is said, with the zone.
    await HrisHandover.update(
        {HrisHandover.next_attempt_at: datetime(2026, 11, 3, 23, 30, tzinfo=UTC)}
    ).where(HrisHandover.id == row["id"])
    assert "next attempt 4 November 2026 00:30 CET" in (await client.get("/console/hris")).text


async def test_never_sent_for_a_candidate_who_is_not_hired(client, hr_system):
    pid, a = await _application("offer", "Olga Offer")
    await signed_in(client, "hr")
    page = f"/console/positions/{pid}/applications/{a['application_id']}"
    assert 'id="hand-over-button"' not in (await client.get(page)).text
    refused = await post_on(client, page, page + "/hand-over", {})
    assert refused.status_code == 403 and "Only a hired candidate" in refused.text
    with pytest.raises(Forbidden):
        await hand_over(audit.Actor("staff", 1, "hr"), a["application_id"], pid, utcnow())
    assert await HrisHandover.count() == 0
    # Handed over while hired, then moved back before the webhook went: cancelled, not sent.
    pid2, hired = await _application("hired")
    await hand_over(audit.Actor("staff", 1, "hr"), hired["application_id"], pid2, utcnow())
    await Application.update({Application.stage: "offer"}).where(
        Application.id == hired["application_id"]
    )
    assert (await deliver_handovers(utcnow()))["cancelled"] == 1
    assert hr_system.received == []
    row = await HrisHandover.select().first()
    assert row["status"] == "cancelled" and row["body"] == ""


async def test_the_pending_body_is_erased_with_the_candidate(hr_system):
    pid, a = await _application("hired")
    await hand_over(audit.Actor("staff", 1, "hr"), a["application_id"], pid, utcnow())
    assert await HrisHandover.count() == 1
    await erase_candidate(a["candidate_id"], "erasure request", utcnow(), audit.SYSTEM)
    assert await HrisHandover.count() == 0
    assert (await deliver_handovers(utcnow()))["delivered"] == 0 and hr_system.received == []


async def test_the_hired_record_is_swept_its_days_after_the_confirmation(hr_system):
    pid, a = await _application("hired")
    now = utcnow()
    await hand_over(audit.Actor("staff", 1, "hr"), a["application_id"], pid, now)
    await deliver_handovers(now)
    await sweep(now + timedelta(days=29))
    assert await Candidate.count().where(Candidate.id == a["candidate_id"]) == 1
    await sweep(now + timedelta(days=31))
    assert await Candidate.count().where(Candidate.id == a["candidate_id"]) == 0
    assert await Application.count().where(Application.id == a["application_id"]) == 0


def test_the_deploy_check_wants_https_and_a_long_secret_for_the_hr_system():
    plain = load_settings({**os.environ, "INTAKE_HRIS_WEBHOOK_URL": "http://hris.example/hook",
                           "INTAKE_HRIS_WEBHOOK_SECRET": "short"})  # fmt: skip
    problems = " ".join(plain.unsafe_settings())
    assert "INTAKE_HRIS_WEBHOOK_URL is not HTTPS" in problems
    assert "INTAKE_HRIS_WEBHOOK_SECRET is missing" in problems
    good = _webhook_settings("https://hris.example/hook")
    assert not [p for p in good.unsafe_settings() if "HRIS" in p]
    assert not [p for p in load_settings().unsafe_settings() if "HRIS" in p]  # off: no finding


async def test_no_trace_of_a_pending_body_in_the_database_files_after_erasure(hr_system):
    from app.config import current
    from app.privacy.erasure import checkpoint
    from tests.retention.test_no_trace import MARKER, _raw_hits

    pid, a = await _application("hired", f"Ann {MARKER}")
    await hand_over(audit.Actor("staff", 1, "hr"), a["application_id"], pid, utcnow())
    assert MARKER in (await HrisHandover.select().first())["body"]
    if current().is_sqlite:
        await checkpoint()
        assert _raw_hits(MARKER.encode()), "the raw database should hold the marker"
    await erase_candidate(a["candidate_id"], "erasure request", utcnow(), audit.SYSTEM)
    assert await HrisHandover.count() == 0
    if current().is_sqlite:
        assert _raw_hits(MARKER.encode()) == []
