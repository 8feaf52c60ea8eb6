"""The kiosk's JSON API for a native tablet app: bearer credential, JSON errors, OpenAPI."""

from app.clock import utcnow
from app.jobs import JOBS
from app.tables import Visit
from app.visits.kiosks import create_kiosk, revoke
from tests.factories import host


async def enrol(client) -> tuple[int, dict]:
    pairing = await create_kiosk("App", "Lobby", utcnow())
    response = await client.post("/api/kiosk/enrol", json={"pairing_code": pairing.code})
    assert response.status_code == 201, response.text
    body = response.json()
    return body["kiosk_id"], {"authorization": f"Bearer {body['credential']}"}


async def test_a_native_app_signs_a_visitor_in_and_out_with_the_bearer_credential(client, notices):
    host_id = await host()
    kiosk_id, auth = await enrol(client)
    assert (await client.get("/api/kiosk/hosts", headers=auth)).json() == []  # nothing untyped
    assert (await client.get("/api/kiosk/hosts?q=h", headers=auth)).json() == []
    hosts = (await client.get("/api/kiosk/hosts?q=hann", headers=auth)).json()
    assert hosts == [{"id": host_id, "name": "Hanne Host", "department": ""}]
    notice = (await client.get("/api/kiosk/notice?language=da", headers=auth)).json()
    assert notice["language"] == "da" and notice["summary"]
    form = {
        "visitor_name": "Ann Visitor",
        "host_id": host_id,
        "purpose": "meeting",
        "notice_id": notice["notice_id"],
        "language": "da",
        "submission_id": "app-1",
    }
    sign_in = await client.post("/api/kiosk/sign-in", headers=auth, json=form)
    assert sign_in.status_code == 201, sign_in.text
    badge = sign_in.json()
    assert badge["first_name"] == "Ann" and badge["qr_svg"].startswith("<svg")
    assert (await Visit.select().first())["notice_version"] == notice["notice_id"]
    again = await client.post("/api/kiosk/sign-in", headers=auth, json=form)  # the same form
    assert again.status_code == 409 and await Visit.count() == 1
    out = await client.post(
        "/api/kiosk/sign-out", headers=auth, json={"code": badge["signout_code"]}
    )
    assert out.status_code == 200 and out.json() == {"signed_out": True}
    await revoke(kiosk_id, utcnow())
    assert (await client.get("/api/kiosk/hosts", headers=auth)).status_code == 403


async def test_api_errors_are_json_in_the_visitors_language_never_500(client, notices):
    host_id = await host()
    _, auth = await enrol(client)
    wrong = await client.post("/api/kiosk/enrol", json={"pairing_code": "AAAAAAAA"})
    assert wrong.status_code == 400 and "code" in wrong.json()["errors"]
    for body in (
        {"visitor_name": "", "host_id": host_id, "purpose": "meeting", "notice_id": 1},
        {"visitor_name": "A" * 900, "host_id": host_id, "purpose": "meeting", "notice_id": 1},
        {"visitor_name": "Ann", "host_id": 424242, "purpose": "meeting", "notice_id": 1},
        {"visitor_name": "Ann"},
        {"visitor_name": 5, "host_id": "x"},
    ):
        response = await client.post("/api/kiosk/sign-in", headers=auth, json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.headers["content-type"].startswith("application/json")
    bad_code = await client.post("/api/kiosk/sign-out", headers=auth, json={"code": "ZZZZZZ"})
    assert bad_code.status_code == 400 and bad_code.json()["errors"]["code"]
    assert await Visit.count() == 0
    assert (await client.post("/api/kiosk/sign-out", json={"code": "ZZZZZZ"})).status_code == 403


def test_the_api_is_described_in_the_openapi_document(settings):
    from app.main import create_app

    schema = create_app(settings).openapi_schema.to_schema()
    for path in (
        "/api/kiosk/enrol",
        "/api/kiosk/hosts",
        "/api/kiosk/sign-in",
        "/api/kiosk/sign-out",
        "/api/kiosk/notice",
    ):
        assert path in schema["paths"], path
    sign_in = schema["paths"]["/api/kiosk/sign-in"]["post"]
    assert {"201", "400", "403", "409", "429"} <= set(sign_in["responses"])
    assert "BadgeResponse" in str(sign_in["responses"]["201"])
    assert "Problem" in str(sign_in["responses"]["400"])
    assert "bearer" not in str(sign_in.get("parameters", "")).lower()  # a header, not a param


def test_the_openapi_document_declares_the_bearer_scheme_on_each_kiosk_operation(settings):
    """Issue 16 item 5: a native app's client generator learns the credential from the
    schema: one HTTP bearer scheme, required by every kiosk operation but enrolment."""
    from app.main import create_app

    schema = create_app(settings).openapi_schema.to_schema()
    schemes = schema["components"]["securitySchemes"]
    assert schemes == {"kioskCredential": {
        "type": "http", "scheme": "bearer", "description": schemes["kioskCredential"]["description"]}}
    operations = {(method, path): op for path, item in schema["paths"].items()
                  if path.startswith("/api/kiosk/") for method, op in item.items()}
    assert len(operations) == 5
    for (method, path), op in operations.items():
        wanted = None if path == "/api/kiosk/enrol" else [{"kioskCredential": []}]
        assert op.get("security") == wanted, (method, path)


async def test_the_api_refuses_the_tablets_cookie_without_the_bearer_header(client, notices):
    """The cookie is what a browser sends by itself; the API is exempt from CSRF, so it must
    take the bearer header only. The same credential as a header works."""
    host_id = await host()
    _, auth = await enrol(client)
    credential = auth["authorization"].removeprefix("Bearer ")
    notice = (await client.get("/api/kiosk/notice", headers=auth)).json()
    cookie = {"cookie": f"intake_kiosk={credential}"}
    form = {"visitor_name": "Ann Visitor", "host_id": host_id, "purpose": "meeting",
            "notice_id": notice["notice_id"]}
    for method, path, body in (("GET", "/api/kiosk/hosts", None),
                               ("GET", "/api/kiosk/notice", None),
                               ("POST", "/api/kiosk/sign-in", form),
                               ("POST", "/api/kiosk/sign-out", {"code": "ABCDEF"})):
        refused = await client.request(method, path, headers=cookie, json=body)
        assert refused.status_code == 403, (path, refused.text)
        assert (await client.request(method, path, headers=auth, json=body)).status_code != 403
    assert await Visit.count() == 1  # the bearer's sign-in only
    # The HTML kiosk still works with its cookie.
    assert (await client.get("/kiosk/language", headers=cookie)).status_code == 200


async def test_control_characters_and_deep_nesting_are_refused_never_500(client, notices):
    """Issue 16 item 8: names with control characters get the HTML forms' message; a NUL in
    any other string (unbindable on PostgreSQL) and a body nested deeper than any kiosk call
    (msgspec's decoder raised RecursionError) are 400s."""
    host_id = await host()
    _, auth = await enrol(client)
    notice = (await client.get("/api/kiosk/notice", headers=auth)).json()
    form = {"visitor_name": "Ann Visitor", "host_id": host_id, "purpose": "meeting",
            "notice_id": notice["notice_id"]}
    for field, value in (("visitor_name", "Ann\x00Visitor"), ("visitor_name", "Ann\x1bVisitor"),
                         ("company", "ACME\x07")):
        response = await client.post("/api/kiosk/sign-in", headers=auth,
                                     json={**form, field: value})
        assert response.status_code == 400, response.text
        assert response.json()["errors"][field] == (
            "This contains characters that are not allowed.")
    for field in ("invitation_code", "submission_id", "language", "purpose"):
        response = await client.post("/api/kiosk/sign-in", headers=auth,
                                     json={**form, field: "a\x00b"})
        assert response.status_code == 400, (field, response.text)
    out = await client.post("/api/kiosk/sign-out", headers=auth, json={"code": "A\x00B"})
    assert out.status_code == 400
    deep = b'{"pairing_code": "x", "more": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    for kind in ("application/json", "text/plain"):  # Litestar decodes whatever the type says
        response = await client.post("/api/kiosk/enrol", content=deep,
                                     headers={"content-type": kind})
        assert response.status_code == 400, response.text
        response = await client.post("/api/kiosk/sign-in", content=deep,
                                     headers={**auth, "content-type": kind})
        assert response.status_code == 400, response.text
    plain = {**form, "submission_id": "n-1"}
    assert (await client.post("/api/kiosk/sign-in", headers=auth,
                              json=plain)).status_code == 201
    assert await Visit.count() == 1


def test_the_end_of_day_job_looks_every_five_minutes_for_each_sites_own_end_of_day():
    """Issue 19.5: each site has its own time zone and end of day, so the job looks often and
    signs out whoever is past their site's (tests/visits/test_sites.py)."""
    job = next(j for j in JOBS if j.name == "end_of_day_sign_out")
    assert job.trigger == "cron" and job.quiet
    assert job.trigger_args() == {"minute": "*/5"}
