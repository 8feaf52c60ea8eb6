"""argon2id password hashing, off the event loop and bounded (SECURITY.md "Passwords").

Production uses argon2-cffi's defaults (64 MiB, t=3, p=4; RFC 9106). The "test" profile is
cheap so the suite runs fast; `load_settings` refuses it in production."""

import asyncio
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app import memory

T = TypeVar("T")


def _lower_priority() -> None:
    """argon2 computes its p=4 lanes in threads of its own, which inherit this thread's nice
    value: a login storm then yields the CPU to the event loop (the kiosk) instead of taking
    both cores from it (bench B5)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (OSError, AttributeError):
        pass


# One hash at a time: one hash already uses every core (p=4) and 64 MiB, so a second one in
# parallel only doubles the peak memory (bench B6: 207 MB with two, 143 MB with one) and
# starves the kiosk. A burst of logins queues here.
_HASHING = ThreadPoolExecutor(
    max_workers=1, thread_name_prefix="argon2", initializer=_lower_priority
)


def _with_room(fn: Callable[..., T], *args: object) -> T:
    """The hash's 64 MiB on top of what the process holds, not of what it once held: freed
    heap pages go back to the system first (app/memory.py, bench B6)."""
    memory.give_back()
    return fn(*args)


async def _off_loop(fn: Callable[..., T], *args: object) -> T:
    return await asyncio.get_running_loop().run_in_executor(_HASHING, _with_room, fn, *args)


_COMMON = frozenset(
    line.strip().lower()
    for line in (Path(__file__).parent / "common_passwords.txt").read_text().splitlines()
    if line.strip()
)
MIN_LENGTH, MAX_LENGTH = 12, 128


def make_hasher(profile: str) -> PasswordHasher:
    if profile == "test":
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


class Passwords:
    def __init__(self, profile: str) -> None:
        self.hasher = make_hasher(profile)
        # An unknown e-mail is checked against this, so it costs the same time (ASVS 6.3.8).
        self._dummy = self.hasher.hash("intake-dummy-password-for-equal-timing")

    async def hash(self, password: str) -> str:
        return await _off_loop(self.hasher.hash, password)

    async def verify(self, stored: str | None, password: str) -> bool:
        """True when `password` matches. Any argon2 error (a mismatch, a corrupt hash) is a
        plain False: a broken stored hash is a failed login, never a 500."""
        target = stored or self._dummy

        def check() -> bool:
            try:
                return self.hasher.verify(target, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

        ok = await _off_loop(check)
        return ok and stored is not None

    def needs_rehash(self, stored: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True


def password_problem(password: str, email: str = "") -> str | None:
    """ASVS 6.2: length only, no composition rules, refuse common passwords."""
    if len(password) < MIN_LENGTH:
        return "Use at least 12 characters."
    if len(password) > MAX_LENGTH:
        return "Use at most 128 characters."
    lowered = password.lower()
    if lowered in _COMMON or (email and lowered == email.lower()):
        return "This password is too common. Choose another."
    return None


_instances: dict[str, Passwords] = {}


def passwords(profile: str) -> Passwords:
    """One hasher per profile for the process (the dummy hash is made once)."""
    if profile not in _instances:
        _instances[profile] = Passwords(profile)
    return _instances[profile]
