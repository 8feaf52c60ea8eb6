"""Fixtures of the staff tests: the company's identity provider on loopback and the app
configured to use it (tests/staff/sso_support.py)."""

from collections.abc import AsyncIterator, Iterator

import pytest
from litestar.testing import AsyncTestClient

from tests.staff.sso_support import running_provider, sso_client, sso_settings


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with running_provider() as url:
        yield url


@pytest.fixture
async def app_client(provider: str) -> AsyncIterator[AsyncTestClient]:
    async for c in sso_client(sso_settings(provider)):
        yield c


@pytest.fixture
async def only_client(provider: str) -> AsyncIterator[AsyncTestClient]:
    """INTAKE_OIDC_ONLY=1: a sign-in through the provider turns the password off."""
    async for c in sso_client(sso_settings(provider, INTAKE_OIDC_ONLY="1")):
        yield c
