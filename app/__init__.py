"""Intake. `create_app` here is for Litestar's CLI typed without `--app` (`litestar retention
run`, as Litestar's own docs teach): with no LITESTAR_APP, its discovery imports the `app`
package of the current folder and calls its `create_app` (issue 16 item 12). It hands over
app.asgi's app, so the plain commands get exactly what `--app app.asgi:app` gets (the
deploy check's report-only settings included). Nothing is imported until it is called."""

from typing import Any


def create_app() -> Any:
    from app.asgi import app as asgi_app

    return asgi_app
