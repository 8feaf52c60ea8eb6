"""OpenAPI fuzzing with schemathesis (issue 7 item 2): against a running app's own schema, every
JSON operation gets a bounded number of generated requests, valid and invalid; none may answer
5xx and every answer must conform to the documented schema for its status.

JSON operations: the kiosk's /api/kiosk/* (with the bearer credential of an enrolled tablet)
and the JSON exports of the console and the candidate page (with a session of the right kind).
The HTML forms are fuzzed by test_hostile_forms.py instead."""

import asyncio
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks
from schemathesis.generation import GenerationMode

from app.clock import utcnow
from app.staff.sessions import open_session
from tests.factories import (
    consenting_application,
    enrolled_kiosk,
    host,
    open_position,
    staff_member,
)
from tests.security.servers import ProxiedLiveServer, server_env

EXAMPLES = 20  # per operation and mode: about a minute for the whole run on a loaded machine
CHECKS = [checks.not_a_server_error, checks.response_schema_conformance]
# The JSON exports that are not under /api/: (method, path) -> who calls them
CONSOLE_JSON = {("GET", "/console/art30.json"): "admin",
                ("GET", "/console/requests/{request_id}/export"): "admin",
                ("GET", "/me/export"): "candidate"}


@pytest.fixture(scope="module")
def server():
    live = ProxiedLiveServer(server_env()).start()
    yield live
    live.stop()


async def callers() -> dict[str, Any]:
    """Headers of an enrolled kiosk, an admin and a candidate, made as their sign-ins make them,
    and the ids a valid kiosk call needs (generated ids are almost never real ones)."""
    from app.privacy.notices import current_notice
    from app.visits.kiosks import create_kiosk

    host_id = await host()
    _, credential = await enrolled_kiosk()
    position_id = await open_position()
    applicant = await consenting_application(position_id)
    admin_id, _, _ = await staff_member("admin")
    now = utcnow()
    notice = await current_notice("visitor", "en")
    pairing = await create_kiosk("Spare tablet", "Lobby", now)
    return {
        "valid": {"host_id": host_id, "notice_id": notice.id if notice else 0,
                  "pairing_code": pairing.code},
        "kiosk": {"authorization": f"Bearer {credential}", "accept": "application/json"},
        "admin": {"cookie": f"intake_staff={await open_session(now, staff_id=admin_id)}",
                  "accept": "application/json"},
        "candidate": {"cookie": "intake_candidate="
                      + await open_session(now, candidate_id=applicant["candidate_id"]),
                      "accept": "application/json"},
    }


def who_calls(method: str, path: str) -> str | None:
    if path.startswith("/api/kiosk/"):
        return "kiosk"
    return CONSOLE_JSON.get((method, path))


def fuzz(operation: Any, base_url: str, headers: dict[str, str], mode: GenerationMode) -> None:
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case: Any) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=20)

    try:
        run()
    except Unsatisfiable:
        # An operation without parameters or body has no invalid variant to generate.
        if mode is not GenerationMode.NEGATIVE:
            raise


def valid_kiosk_journey(schema: Any, base_url: str, headers: dict[str, Any]) -> None:
    """The success answers must conform too: enrol, sign a visitor in and out, for real."""
    valid, kiosk_headers = headers["valid"], headers["kiosk"]
    op = {o.ok().path: o.ok() for o in schema.get_all_operations()}
    enrolled = op["/api/kiosk/enrol"].Case(body={"pairing_code": valid["pairing_code"]})
    response = enrolled.call_and_validate(base_url=base_url, checks=CHECKS)
    assert response.status_code == 201, response.text
    visit = {"visitor_name": "Vera Visitor", "host_id": valid["host_id"], "purpose": "meeting",
             "notice_id": valid["notice_id"], "language": "en", "company": "Acme"}
    signed_in = op["/api/kiosk/sign-in"].Case(body=visit)
    response = signed_in.call_and_validate(base_url=base_url, headers=kiosk_headers, checks=CHECKS)
    assert response.status_code == 201, response.text
    code = response.json()["signout_code"]
    signed_out = op["/api/kiosk/sign-out"].Case(body={"code": code})
    response = signed_out.call_and_validate(base_url=base_url, headers=kiosk_headers, checks=CHECKS)
    assert response.status_code in (200, 201), response.text


async def test_every_json_operation_survives_fuzzing(server):
    headers = await callers()
    schema = schemathesis.openapi.from_url(f"{server.url}/schema/openapi.json")
    # first, while no throttle has counted a generated wrong code yet
    await asyncio.to_thread(valid_kiosk_journey, schema, server.url, headers)
    fuzzed = []
    for result in schema.get_all_operations():
        operation = result.ok()
        caller = who_calls(operation.method.upper(), operation.path)
        if caller is None:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # the generated calls are blocking (requests): off the event loop
            await asyncio.to_thread(fuzz, operation, server.url, headers[caller], mode)
        fuzzed.append(f"{operation.method.upper()} {operation.path}")
    assert len([f for f in fuzzed if "/api/kiosk/" in f]) >= 5, fuzzed  # the whole kiosk API
    assert "GET /console/art30.json" in fuzzed
    assert "unexpected" not in server.output()  # no 500 was logged on the way
