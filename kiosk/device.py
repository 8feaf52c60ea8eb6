"""The tablet's device credential: an HttpOnly, Secure, SameSite=Strict cookie for the HTML
kiosk, or `Authorization: Bearer` for a native app. Only its SHA-256 is stored.

The JSON API takes the bearer header only (issue 16 item 5): a cookie is an ambient
credential that a browser sends by itself, and the API is exempt from CSRF because no
browser ever adds a bearer header on its own."""

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie

from app.config import current

KIOSK_COOKIE = "intake_kiosk"
YEAR = 365 * 24 * 3600


def bearer_credential(connection: ASGIConnection) -> str | None:
    auth = connection.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return None


def credential_from(connection: ASGIConnection) -> str | None:
    """The HTML kiosk's pages: the bearer header when there is one, else the cookie."""
    return bearer_credential(connection) or connection.cookies.get(KIOSK_COOKIE)


def device_cookie(credential: str) -> Cookie:
    # Strict: the tablet only ever navigates within the kiosk, so no other site may make it
    # send the credential.
    return Cookie(
        key=KIOSK_COOKIE,
        value=credential,
        max_age=YEAR,
        path="/",
        httponly=True,
        secure=current().cookie_secure,
        samesite="strict",
    )
