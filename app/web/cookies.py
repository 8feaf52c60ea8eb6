"""Session cookies: Secure, HttpOnly, SameSite=Lax, Path=/ (SECURITY.md "Sessions")."""

from litestar.datastructures import Cookie

from app.config import current


def session_cookie(name: str, token: str, max_age: int) -> Cookie:
    return Cookie(
        key=name,
        value=token,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=current().cookie_secure,
        samesite="lax",
    )


def expired_cookie(name: str) -> Cookie:
    return Cookie(
        key=name,
        value="",
        max_age=0,
        path="/",
        httponly=True,
        secure=current().cookie_secure,
        samesite="lax",
    )
