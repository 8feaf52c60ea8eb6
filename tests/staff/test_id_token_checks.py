"""The ID token is believed only when it is what the provider would sign for us (issue 18.5):
its signature by a key of the provider's JWKS, its issuer, its audience, its expiry and the
nonce of this sign-in (OpenID Connect Core 3.1.3.7).

A provider that lies needs a provider we control: a proxy on loopback in front of the real one
(oidc-provider-mock) passes everything through, but serves its own key as the JWKS and
re-signs the ID token the token endpoint returns, after changing one claim. Unchanged, the
re-signed token opens a session (so the harness is sound); each change opens nothing."""

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import werkzeug.serving
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.wrappers import Request, Response

from app.tables import Session
from tests.factories import staff_member
from tests.staff.sso_support import person, provider_answer, sso_client, sso_settings

OUR_KEY = RSAKey.generate_key(2048, parameters={"kid": "proxy-key"})
STRANGER_KEY = RSAKey.generate_key(2048, parameters={"kid": "proxy-key"})  # same kid, not ours

Change = Callable[[dict], tuple[dict, RSAKey]]
CHANGES: dict[str, Change] = {
    "unchanged": lambda c: (c, OUR_KEY),
    "signed by another key": lambda c: (c, STRANGER_KEY),
    "another issuer": lambda c: ({**c, "iss": "https://idp.example.net"}, OUR_KEY),
    "another audience": lambda c: ({**c, "aud": "someone-else", "azp": "intake"}, OUR_KEY),
    "expired": lambda c: ({**c, "exp": int(time.time()) - 600}, OUR_KEY),
    "another sign-in's nonce": lambda c: ({**c, "nonce": "replayed-nonce"}, OUR_KEY),
}


HOP_BY_HOP = {"content-length", "transfer-encoding", "content-encoding", "connection"}


def _claims(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class LyingProvider:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.change: Change = CHANGES["unchanged"]

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        request = Request(environ)
        if request.path == "/jwks":
            body = json.dumps({"keys": [OUR_KEY.as_dict(private=False)]}).encode()
            return Response(body, content_type="application/json")(environ, start_response)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        answer = httpx.request(
            request.method,
            self.upstream + request.full_path.rstrip("?"),
            headers=headers,  # Host stays ours: the provider names this proxy as the issuer
            content=request.get_data(),
        )
        body = answer.content
        if request.path == "/oauth2/token" and answer.status_code == 200:
            token = answer.json()
            claims, key = self.change(_claims(token["id_token"]))
            token["id_token"] = jwt.encode({"alg": "RS256", "kid": "proxy-key"}, claims, key)
            body = json.dumps(token).encode()
        kept = [(k, v) for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP]
        return Response(body, status=answer.status_code, headers=kept)(environ, start_response)


@pytest.fixture(scope="module")
def lying(provider: str) -> Iterator[tuple[str, LyingProvider]]:
    app = LyingProvider(provider)
    server = werkzeug.serving.make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(5)


@pytest.mark.parametrize("change", list(CHANGES))
async def test_only_the_token_the_provider_signed_for_us_opens_a_session(lying, change):
    issuer, proxy = lying
    proxy.change = CHANGES[change]
    await staff_member("hr", "hanne@example.com")
    person(issuer, "hanne", email="hanne@example.com", email_verified=True, groups=["hr-group"])
    async for client in sso_client(sso_settings(issuer)):
        answer = await client.get(await provider_answer(client, "hanne"))
        if change == "unchanged":
            assert answer.status_code == 303 and await Session.count() == 1
        else:
            assert answer.status_code == 400, answer.text[:300]
            assert "could not confirm the answer from Example ID" in answer.text
            assert await Session.count() == 0
