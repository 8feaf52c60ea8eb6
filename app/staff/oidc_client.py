"""authlib's OpenID Connect client for app/staff/identity_provider.py, in a module of its own
so that authlib and httpx are loaded only when a provider is used (bench B6: 17 MB of RSS)."""

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import BaseApp
from authlib.integrations.base_client.async_app import AsyncOAuth2Mixin
from authlib.integrations.base_client.async_openid import AsyncOpenIDMixin
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc.errors import JoseError

from app.config import IdentityProvider

# authlib talks over httpx2 when it is installed, else over httpx (its fallback, deprecated
# in authlib 1.9): a transport failure of either is "the provider cannot be reached".
try:
    import httpx2  # type: ignore[import-not-found]

    TRANSPORT_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, httpx2.HTTPError)
except ImportError:
    TRANSPORT_ERRORS = (httpx.HTTPError,)

# ValueError: a document that is not JSON
UNREACHABLE: tuple[type[Exception], ...] = (*TRANSPORT_ERRORS, ValueError)
REFUSED_ANSWER: tuple[type[Exception], ...] = (AuthlibBaseError, JoseError, KeyError, *UNREACHABLE)


class Client(AsyncOAuth2Mixin, AsyncOpenIDMixin, BaseApp):  # type: ignore[misc]
    """authlib's framework-free OpenID Connect client over httpx (its Starlette client,
    without Starlette's session: the state lives in our own table)."""

    client_cls = AsyncOAuth2Client


_clients: dict[IdentityProvider, Client] = {}


def client_for(idp: IdentityProvider) -> Client:
    """One per provider and process: the discovery document and the keys are fetched once,
    the keys again when a token is signed with a new one (key rotation)."""
    if idp not in _clients:
        _clients[idp] = Client(
            framework=None,
            client_id=idp.client_id,
            client_secret=idp.client_secret,
            server_metadata_url=f"{idp.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": idp.scopes, "code_challenge_method": "S256", "timeout": 10},
        )
    return _clients[idp]


__all__ = ["REFUSED_ANSWER", "UNREACHABLE", "Client", "client_for"]
