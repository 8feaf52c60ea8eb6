"""The OpenID Connect side of staff sign-in (issue 18.5), through authlib.

Authorization code flow with PKCE (S256), a state bound to the browser and a nonce. The ID
token's signature is checked against the keys the provider publishes (its discovery document's
jwks_uri, fetched again when a token names a key we do not have); its issuer, audience, expiry,
nonce and at_hash by authlib's CodeIDToken. Nothing here decides who may enter: that is
app/staff/provider_sign_in.py."""

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from app.config import current
from app.db import transaction
from app.tables import Token
from app.tokens import digest, same

if TYPE_CHECKING:
    from app.staff.oidc_client import Client

SIGN_IN_TTL = timedelta(minutes=10)  # from the button to the provider's answer
PURPOSE = "sso_sign_in"
CALLBACK_PATH = "/console/login/sso/callback"
SIGNED_OUT_PATH = "/console/login?signed_out=1"


class SignInRefused(Exception):
    """Why a sign-in through the provider did not open a session; `reason` picks the page's
    words (templates/console/sso_refused.html)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _client() -> "Client":
    """authlib and httpx are imported on the first sign-in through a provider, not when the
    server starts: 17 MB of RSS that a server without one would carry for nothing (bench B6)."""
    from app.staff.oidc_client import client_for

    return client_for(current().identity_provider)


async def _metadata(client: "Client") -> dict[str, Any]:
    from app.staff.oidc_client import UNREACHABLE

    try:
        metadata = await client.load_server_metadata()
    except UNREACHABLE as exc:
        raise SignInRefused("unavailable") from exc
    # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer we asked.
    if metadata.get("issuer", "").rstrip("/") != current().identity_provider.issuer:
        raise SignInRefused("unavailable")
    return dict(metadata)


def callback_url() -> str:
    return f"{current().base_url}{CALLBACK_PATH}"


async def start_sign_in(next_url: str, now: datetime) -> tuple[str, str]:
    """The provider's authorization URL and the state, which the door also gives the browser
    in a cookie: the answer must come back to the browser that asked (login CSRF)."""
    client = _client()
    await _metadata(client)
    request = await client.create_authorization_url(redirect_uri=callback_url())
    await Token.insert(
        Token(
            purpose=PURPOSE,
            token_hash=digest(request["state"]),
            payload={
                "nonce": request["nonce"],
                "code_verifier": request["code_verifier"],
                "next": next_url,
            },
            created_at=now,
            expires_at=now + SIGN_IN_TTL,
        )
    )
    return request["url"], request["state"]


async def _claim_state(state: str, browser_state: str, now: datetime) -> dict[str, Any]:
    """The sign-in this answer belongs to, spent at once: a state works once, from the
    browser that started it, within SIGN_IN_TTL."""
    if not state or not browser_state or not same(state[:200], browser_state[:200]):
        raise SignInRefused("state")
    async with transaction():
        row = await Token.objects().where(Token.token_hash == digest(state[:200])).first()
        if row is None or row.purpose != PURPOSE or row.used_at is not None:
            raise SignInRefused("state")
        if row.expires_at <= now:
            raise SignInRefused("state")
        await Token.update({Token.used_at: now}).where(Token.id == row.id)
    payload = row.payload
    return dict(json.loads(payload) if isinstance(payload, str) else payload)


async def finish_sign_in(
    state: str, code: str, browser_state: str, now: datetime
) -> tuple[dict[str, Any], str, str]:
    """The verified claims of the person the provider signed in, their ID token (kept for
    sign-out) and where they were going."""
    pending = await _claim_state(state, browser_state, now)
    client = _client()
    await _metadata(client)
    from app.staff.oidc_client import REFUSED_ANSWER

    try:
        token = await client.fetch_access_token(
            redirect_uri=callback_url(), code=code[:2000], code_verifier=pending["code_verifier"]
        )
        # exp and iat are checked against the clock (authlib reads it, with 2 minutes of
        # leeway for clock skew). The issuer must be the one configured, and the audience
        # must name us (Core 3.1.3.7): authlib checks aud only when told to.
        idp = current().identity_provider
        claims = await client.parse_id_token(
            token,
            nonce=pending["nonce"],
            claims_options={
                "iss": {"essential": True, "values": [idp.issuer]},
                "aud": {"essential": True, "values": [idp.client_id]},
            },
        )
    except REFUSED_ANSWER as exc:
        raise SignInRefused("code") from exc
    if claims is None:
        raise SignInRefused("code")
    claims = dict(claims)
    groups_claim = current().identity_provider.groups_claim
    if "email" not in claims or groups_claim not in claims:
        claims = await _with_userinfo(client, token, claims)
    return claims, token["id_token"], str(pending.get("next") or "/console")


async def _with_userinfo(client: "Client", token: dict, claims: dict[str, Any]) -> dict[str, Any]:
    """Providers that keep the ID token small (Okta, Entra with many groups) give the e-mail
    or the groups from the userinfo endpoint; its sub must be the ID token's (Core 5.3.2)."""
    from app.staff.oidc_client import REFUSED_ANSWER

    try:
        info = dict(await client.userinfo(token=token))
    except REFUSED_ANSWER:
        return claims
    if info.get("sub") != claims.get("sub"):
        raise SignInRefused("code")
    return {**info, **claims}


async def sign_out_url(id_token: str | None) -> str | None:
    """RP-Initiated Logout: the provider's end_session_endpoint with id_token_hint and our
    post_logout_redirect_uri, when the provider has one and the session came from it."""
    if not id_token or not current().identity_provider.enabled:
        return None
    client = _client()
    try:
        metadata = await _metadata(client)
    except SignInRefused:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    logout = await client.create_logout_url(
        post_logout_redirect_uri=f"{current().base_url}{SIGNED_OUT_PATH}",
        id_token_hint=id_token,
        client_id=current().identity_provider.client_id,
    )
    return str(logout["url"])
