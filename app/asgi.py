"""The ASGI entry point for uvicorn and the `litestar` CLI (`--app app.asgi:app`)."""

import sys

from app.config import current, load_settings, use

# `litestar deploy-check` must load the app to find its command, and must still report when
# production settings are unsafe (which otherwise refuse to load): only then skip the refusal.
# Set before importing the app, as some modules read `current()` at import time.
_REPORT_ONLY = "deploy-check" in sys.argv[1:]
if _REPORT_ONLY:
    use(load_settings(check=False))

from app.main import create_app  # noqa: E402 - after the report-only settings above

app = create_app(current() if _REPORT_ONLY else None)
