"""The ASGI entry point for uvicorn (`app.asgi:app`) and the `litestar` CLI (found without
`--app` through `app.create_app`, which returns this app)."""

import asyncio
import sys
import threading
from pathlib import Path

from app.config import ConfigError, current, load_settings, use

# `litestar deploy-check` must load the app to find its command, and must still report when
# production settings are unsafe (which otherwise refuse to load): only then skip the refusal.
# Set before importing the app, as some modules read `current()` at import time.
_REPORT_ONLY = "deploy-check" in sys.argv[1:]
# The `litestar` commands (bootstrap among them) load this module too, and must work on a
# database that is behind: only a server checks the schema before it starts.
_CLI = Path(sys.argv[0]).name == "litestar" or sys.argv[0].endswith("litestar/__main__.py")

# uvicorn's exit code for "failed before serving": its supervisor then stops instead of
# restarting the worker forever.
STARTUP_FAILURE = 3


def refuse(reason: str) -> None:
    """One clear line instead of a traceback (issue 18: a short secret printed 44 lines)."""
    print(f"intake: refusing to start: {reason}", file=sys.stderr, flush=True)
    sys.exit(STARTUP_FAILURE)


def _check_schema() -> str | None:
    """Run the schema check on a loop of its own: uvicorn imports this inside its running loop."""
    from app.schema_check import SchemaMismatch, check_schema

    problem: list[str] = []

    def run() -> None:
        try:
            asyncio.run(check_schema())
        except SchemaMismatch as exc:
            problem.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - the database is down: /readyz reports it
            del exc

    thread = threading.Thread(target=run, name="intake-schema-check")
    thread.start()
    thread.join()
    return problem[0] if problem else None


try:
    if _REPORT_ONLY:
        use(load_settings(check=False))
    else:
        use(load_settings())
except ConfigError as exc:
    refuse(str(exc))

from app.main import create_app  # noqa: E402 - after the settings above

if not _CLI:
    _problem = _check_schema()
    if _problem:
        refuse(_problem)

app = create_app(current())
