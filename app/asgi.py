"""The ASGI entry point for uvicorn and the `litestar` CLI (`--app app.asgi:app`)."""

from app.main import create_app

app = create_app()
