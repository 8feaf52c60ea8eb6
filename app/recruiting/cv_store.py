"""Encrypted CV storage (policy: "Encryption of sent information"; MISSION: "CVs are encrypted
at rest, each with its own key, so that destroying the key destroys the file").

Each file gets a random 256-bit AES-GCM key. That key is itself encrypted ("wrapped") with a
master key derived by HKDF from the app's secret and kept in CVFile.wrapped_key: when the row
is erased the file is unreadable, even if a copy of the disk survives. Files get a random
name and lie where app/recruiting/cv_blobs.py keeps them: the database on PostgreSQL,
settings.cv_dir (outside any served folder) on SQLite."""

import asyncio
import os
import secrets
from typing import Any, NamedTuple

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import current
from app.recruiting import cv_blobs

NONCE = 12


class StoredCV(NamedTuple):
    storage_name: str
    wrapped_key: bytes


def _master_key() -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"intake-cv-store", info=b"cv-key-wrap"
    ).derive(current().secret_key.encode())


def _seal(content: bytes) -> tuple[StoredCV, bytes]:
    storage_name = secrets.token_hex(24)
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE)
    sealed = nonce + AESGCM(key).encrypt(nonce, content, storage_name.encode())
    wrap_nonce = os.urandom(NONCE)
    wrapped = wrap_nonce + AESGCM(_master_key()).encrypt(wrap_nonce, key, storage_name.encode())
    return StoredCV(storage_name, wrapped), sealed


def unseal(storage_name: str, wrapped_key: bytes, sealed: bytes) -> bytes:
    """The plain content; raises cryptography's InvalidTag when the key or the bytes are not
    this file's (also `cv-move-to-db`'s check that a moved copy is whole)."""
    wrapped = bytes(wrapped_key)
    key = AESGCM(_master_key()).decrypt(wrapped[:NONCE], wrapped[NONCE:], storage_name.encode())
    return AESGCM(key).decrypt(sealed[:NONCE], sealed[NONCE:], storage_name.encode())


async def store_cv(content: bytes) -> StoredCV:
    """Encrypt and store a file (before the use-case transaction; the caller removes it with
    `destroy_cv` if that transaction fails)."""
    stored, sealed = await asyncio.to_thread(_seal, content)
    await cv_blobs.write(stored.storage_name, sealed)
    return stored


async def read_cv(cv: dict[str, Any]) -> bytes:
    """The plain content of a CVFile row (only for an authorised handler)."""
    sealed = await cv_blobs.read(cv["storage_name"])
    return await asyncio.to_thread(unseal, cv["storage_name"], cv["wrapped_key"], sealed)


async def destroy_cv(storage_name: str) -> None:
    """Remove the file; its key dies with the CVFile row."""
    await cv_blobs.remove([storage_name])
