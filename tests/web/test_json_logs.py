"""INTAKE_LOG_FORMAT=json (issue 18.6): a real server writes one JSON object a line, and the
lines a request causes carry its correlation id, the one its answer shows."""

import json

import httpx

from tests.conftest import LiveServer


async def test_json_log_lines_carry_the_correlation_id():
    server = LiveServer({"INTAKE_COOKIE_SECURE": "0", "INTAKE_LOG_FORMAT": "json"}).start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            answer = await http.get("/positions/no-such-position", headers={"accept": "text/html"})
    finally:
        server.stop()
    request_id = answer.headers["x-request-id"]
    lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
    ours = [line for line in lines if line["logger"] == "intake.access"]
    assert ours, server.output()
    access = [line for line in ours if request_id in line["message"]]
    assert access and access[0]["request_id"] == request_id
    assert {"time", "level", "logger", "message"} <= set(access[0])


def test_an_unknown_log_format_is_refused():
    import pytest

    from app.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="INTAKE_LOG_FORMAT"):
        load_settings({"INTAKE_LOG_FORMAT": "xml", "INTAKE_SECRET_KEY": "x" * 40,
                       "INTAKE_DATA_DIR": "/tmp/intake-nowhere"})
