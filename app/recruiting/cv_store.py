"""Encrypted CV storage (policy: "Encryption of sent information"; MISSION: "CVs are encrypted
at rest, each with its own key, so that destroying the key destroys the file").

Each file gets a random 256-bit AES-GCM key. That key is itself encrypted ("wrapped") with a
master key derived by HKDF from the app's secret and kept in CVFile.wrapped_key: when the row
is erased the file is unreadable, even if a copy of the disk survives. Files live in
settings.cv_dir under a random name, outside any served folder."""

import asyncio
import os
import secrets
from pathlib import Path
from typing import Any, NamedTuple

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import current

NONCE = 12


class StoredCV(NamedTuple):
    storage_name: str
    wrapped_key: bytes


def _master_key() -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"intake-cv-store", info=b"cv-key-wrap"
    ).derive(current().secret_key.encode())


def _folder() -> Path:
    folder = current().cv_dir
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _path(storage_name: str) -> Path:
    if not storage_name.isalnum():
        raise ValueError("bad storage name")
    return _folder() / storage_name


def _store(content: bytes) -> StoredCV:
    storage_name = secrets.token_hex(24)
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE)
    sealed = nonce + AESGCM(key).encrypt(nonce, content, storage_name.encode())
    path = _path(storage_name)
    temp = path.with_name(path.name + ".part")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(sealed)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temp, path)
    wrap_nonce = os.urandom(NONCE)
    wrapped = wrap_nonce + AESGCM(_master_key()).encrypt(wrap_nonce, key, storage_name.encode())
    return StoredCV(storage_name, wrapped)


def _read(storage_name: str, wrapped_key: bytes) -> bytes:
    wrapped = bytes(wrapped_key)
    key = AESGCM(_master_key()).decrypt(wrapped[:NONCE], wrapped[NONCE:], storage_name.encode())
    sealed = _path(storage_name).read_bytes()
    return AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], storage_name.encode())


async def store_cv(content: bytes) -> StoredCV:
    """Encrypt and write a file (before the use-case transaction; the caller removes it with
    `destroy_cv` if that transaction fails)."""
    return await asyncio.to_thread(_store, content)


async def read_cv(cv: dict[str, Any]) -> bytes:
    """The plain content of a CVFile row (only for an authorised handler)."""
    return await asyncio.to_thread(_read, cv["storage_name"], cv["wrapped_key"])


async def destroy_cv(storage_name: str) -> None:
    """Remove the file; its key dies with the CVFile row."""
    await asyncio.to_thread(_path(storage_name).unlink, missing_ok=True)
