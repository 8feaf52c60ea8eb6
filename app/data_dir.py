"""The data folder is for Intake's own user only (issue 16 item 10; ASVS 5.0 13.3: secrets
and data files readable by their owner only): the folder and every folder in it 0700, every
file 0600: the SQLite database and its -wal, -shm and -journal, the encrypted CVs, the
scheduler's lock, the development secret, anything left there by an earlier version.

SQLite creates a database as 0644 (less the umask) and gives its -wal, -shm and -journal
the database file's mode. So the database file is made here, empty and 0600, before SQLite
first opens it; its companions then follow it. Files and folders that exist from before are
put right at every start (`secure_data_dir`, called by app.main.create_app, which every
server and every `litestar` command runs)."""

import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _own_only(path: Path, mode: int) -> None:
    if stat.S_IMODE(path.lstat().st_mode) != mode:
        path.chmod(mode)


def make_folder(folder: Path) -> None:
    """The folder, made 0700 when missing (its parents as the umask says), and 0700 now."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    _own_only(folder, FOLDER_MODE)


def secure_data_dir(data_dir: str | Path) -> None:
    """Every folder under the data folder 0700 and every file 0600. Symbolic links are left
    as they are (chmod would follow them out of the folder)."""
    root = Path(data_dir)
    make_folder(root)
    for folder, folders, files in os.walk(root):
        for name in folders:
            if not (Path(folder) / name).is_symlink():
                _own_only(Path(folder) / name, FOLDER_MODE)
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                _own_only(path, FILE_MODE)


def secure_sqlite_file(database: str | Path) -> None:
    """The SQLite database 0600 before SQLite opens it (made empty when missing: SQLite takes
    an empty file as a new database), and its companions 0600 when they exist."""
    db = Path(database)
    if str(db) in ("", ":memory:"):
        return
    if not db.parent.exists():
        make_folder(db.parent)
    try:
        # Only when missing: opening and closing an existing database file would drop every
        # POSIX lock this process's SQLite connections hold on it (fcntl locks belong to the
        # process), and another connection could then delete the -wal under them.
        os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    for suffix in SQLITE_COMPANIONS:
        companion = Path(f"{db}{suffix}")
        if companion.exists() and not companion.is_symlink():
            _own_only(companion, FILE_MODE)
