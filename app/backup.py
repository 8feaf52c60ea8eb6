"""`litestar backup` and `litestar backup-restore` on SQLite (issue 18.4): an online,
consistent copy of the database through SQLite's backup API, with the encrypted CV files,
in one archive encrypted with a key derived from the secret.

Backups respect erasure in two ways: a CV erased after the backup stays unreadable if the
restore is followed by the replay of deletion receipts (app/privacy/restore.py), and a backup
is worthless without INTAKE_SECRET_KEY. Keep backups for less time than the shortest
retention period (settings.backup_retention_days, shown on the Art. 30 page).

The archive is made and encrypted in memory (AES-GCM needs the whole message): fine for
Intake's size, where visits live 30 days and applications months; the plain copy is written
only inside the data folder (0700), and deleted before the command ends."""

import io
import os
import secrets
import sqlite3
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"INTAKE-BACKUP-1\n"
NONCE = 12
DATABASE_NAME = "intake.sqlite"


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why."""


def backup_key(secret: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"intake-backup", info=b"backup-v1"
    ).derive(secret.encode())


def _consistent_copy(database: Path, into: Path) -> Path:
    """SQLite's online backup: a snapshot of one moment while the app goes on writing."""
    copy = into / DATABASE_NAME
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return copy


def make_backup(database: Path, data_dir: Path, out_dir: Path, secret: str, now: datetime) -> Path:
    """Write `intake-<time>.backup` into `out_dir` (0600) and return its path."""
    if not database.exists():
        raise BackupError(f"no database at {database}")
    archive = io.BytesIO()
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".backup-") as tmp:
        copy = _consistent_copy(database, Path(tmp))
        with tarfile.open(fileobj=archive, mode="w") as tar:
            tar.add(copy, arcname=DATABASE_NAME)
            cv_dir = data_dir / "cv"
            if cv_dir.is_dir():
                tar.add(cv_dir, arcname="cv")
    nonce = secrets.token_bytes(NONCE)
    sealed = AESGCM(backup_key(secret)).encrypt(nonce, archive.getvalue(), MAGIC)
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = out_dir / f"intake-{now.strftime('%Y%m%dT%H%M%SZ')}.backup"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(MAGIC + nonce + sealed)
    return path


def restore_backup(path: Path, database: Path, data_dir: Path, secret: str, force: bool) -> None:
    """Put a backup's database and CV files in place. Refuses to overwrite without `force`;
    the app must not be running."""
    blob = path.read_bytes()
    if not blob.startswith(MAGIC):
        raise BackupError(f"{path} is not an Intake backup")
    nonce, sealed = blob[len(MAGIC) : len(MAGIC) + NONCE], blob[len(MAGIC) + NONCE :]
    try:
        plain = AESGCM(backup_key(secret)).decrypt(nonce, sealed, MAGIC)
    except InvalidTag as exc:
        raise BackupError("the backup does not open with this INTAKE_SECRET_KEY") from exc
    if database.exists() and not force:
        raise BackupError(f"{database} exists: stop Intake and add --force to replace it")
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r") as tar:
        members = [
            m
            for m in tar.getmembers()
            if (m.name == DATABASE_NAME or m.name.split("/")[0] == "cv")
            and ".." not in Path(m.name).parts
        ]
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        for member in members:
            target = database if member.name == DATABASE_NAME else data_dir / member.name
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True, mode=0o700)
                continue
            source = tar.extractfile(member)
            if source is None or not member.isfile():
                continue  # nothing but plain files and folders is ever written into a backup
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(source.read())
