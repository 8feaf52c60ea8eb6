"""The ASGI entry point for uvicorn and the `litestar` CLI (`--app app.asgi:app`)."""

import sys

from app.config import load_settings
from app.main import create_app

# `litestar deploy-check` must load the app to find its command, and must still report when
# production settings are unsafe (which otherwise refuse to load): only then skip the refusal.
_REPORT_ONLY = "deploy-check" in sys.argv[1:]

app = create_app(load_settings(check=False) if _REPORT_ONLY else None)
