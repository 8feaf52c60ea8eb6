"""The lock files pin every package with its hashes (issue 18.8), and cover pyproject.toml: a
dependency added to pyproject.toml without `make lock` fails here, not on the next machine
(`make install` installs from the lock alone, `--require-hashes`, and Intake with
`--no-deps`, so an unlocked package would simply be missing there)."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
APP_LOCK = ROOT / "requirements" / "app.lock"
TEST_LOCK = ROOT / "requirements" / "test.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
RELOCK = "pyproject.toml and the lock disagree: run `make lock` and commit requirements/"


def pins(lock: Path) -> dict[str, str]:
    """name -> version of every pinned line; each must carry at least one sha256 hash."""
    found: dict[str, str] = {}
    entry: str | None = None
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if match:
            entry = canonicalize_name(match[1])
            found[entry] = match[2].rstrip("\\").strip()
            assert line.rstrip().endswith("\\"), f"{lock.name}: {entry} has no hash"
        elif line.strip().startswith("--hash=sha256:"):
            assert entry is not None
        elif line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"{lock.name}: unexpected line {line!r} (an index URL?)")
    return found


def declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    app = [Requirement(r) for r in project["dependencies"]]
    test = [Requirement(r) for r in project["optional-dependencies"]["test"]]
    return app, test


def missing(requirements: list[Requirement], locked: dict[str, str]) -> list[str]:
    out = []
    for req in requirements:
        version = locked.get(canonicalize_name(req.name))
        if version is None or not req.specifier.contains(version, prereleases=True):
            out.append(f"{req} (locked: {version or 'absent'})")
    return out


def test_every_dependency_of_pyproject_is_pinned_in_the_locks():
    app, test = declared()
    app_pins, test_pins = pins(APP_LOCK), pins(TEST_LOCK)
    assert not missing(app, app_pins), f"{RELOCK}: {missing(app, app_pins)}"
    assert not missing(app + test, test_pins), f"{RELOCK}: {missing(app + test, test_pins)}"


def test_the_two_locks_pin_the_same_versions():
    """The app lock is resolved within the test lock: `make run` and `make test` run the same
    packages, and the app lock holds nothing the tests did not run with."""
    app_pins, test_pins = pins(APP_LOCK), pins(TEST_LOCK)
    assert set(app_pins) <= set(test_pins), set(app_pins) - set(test_pins)
    assert {n: v for n, v in app_pins.items() if test_pins[n] != v} == {}


def test_the_lock_check_sees_an_unlocked_dependency(tmp_path):
    """The check itself can fail: a requirement the lock does not have, or pins outside it."""
    locked = pins(TEST_LOCK)
    assert missing([Requirement("no-such-package-intake>=1")], locked)
    assert missing([Requirement("litestar<1")], locked)
    bare = tmp_path / "bare.lock"
    bare.write_text("litestar==2.25.0\n")
    try:
        pins(bare)
    except AssertionError as exc:
        assert "no hash" in str(exc)
    else:
        raise AssertionError("a pin without a hash passed")
