"""A CSRF check the apply form does itself, so a stale token (a form left open overnight, a
cookie cleared) re-renders the form with what was typed and a plain message, instead of the
middleware's bare 403 (issue 3, "Bad input"). Same double-submit rule as Litestar's
middleware: the form token and the cookie must carry the same HMAC-signed secret."""

from secrets import compare_digest

from litestar import Request
from litestar.datastructures import Cookie
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash, generate_csrf_token
from litestar.utils.scope.state import ScopeState

EXCLUDE = {"exclude_from_csrf": True}


def _secret(token: str | None, key: str) -> str | None:
    if not token or len(token) < CSRF_SECRET_LENGTH + 1 or len(token) > 512:
        return None
    secret, mac = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    return secret if compare_digest(mac, generate_csrf_hash(token=secret, secret=key)) else None


def token_ok(request: Request, submitted: object) -> bool:
    config = request.app.csrf_config
    assert config is not None
    cookie = _secret(request.cookies.get(config.cookie_name), config.secret)
    form = _secret(submitted if isinstance(submitted, str) else None, config.secret)
    return cookie is not None and form is not None and compare_digest(cookie, form)


def browser_secret(request: Request) -> str:
    """The secret in this browser's CSRF cookie ("" if none): binds a CV kept after an apply
    form's error to the browser that sent it (issue 21.1), so its token alone is not enough."""
    config = request.app.csrf_config
    assert config is not None
    return _secret(request.cookies.get(config.cookie_name), config.secret) or ""


def fresh_token(request: Request) -> list[Cookie]:
    """Put a valid token in the page being rendered; a new cookie if the old one is bad."""
    config = request.app.csrf_config
    assert config is not None
    existing = request.cookies.get(config.cookie_name)
    state = ScopeState.from_scope(request.scope)
    if existing and _secret(existing, config.secret):
        state.csrf_token = existing
        return []
    token = generate_csrf_token(secret=config.secret)
    state.csrf_token = token
    return [
        Cookie(
            key=config.cookie_name,
            value=token,
            path=config.cookie_path,
            secure=config.cookie_secure,
            httponly=config.cookie_httponly,
            samesite=config.cookie_samesite,
        )
    ]
