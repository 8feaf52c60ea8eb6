"""The composition root: the one file that knows every door (portal, kiosk, console)."""

import gc
import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from app import db, logs, memory, rate_limit
from app.cli import IntakeCLIPlugin
from app.config import ROOT, Settings, load_settings, use
from app.data_dir import secure_data_dir
from app.jobs import Runner
from app.proxies import TrustedProxies
from app.web import console, health, portal
from app.web import metrics as metrics_door
from app.web.access import public
from app.web.errors import handle_exception
from app.web.guards import EXTRA_CHECKS, check_access
from app.web.hostile_input import refuse_hostile_input
from app.web.middleware import privacy_middleware
from app.web.rate_limit import rate_limit_middleware
from kiosk import api as kiosk_api
from kiosk import routes as kiosk_routes


def door_routes(package: ModuleType) -> list[Any]:
    """Every module of a door package contributes its `ROUTES` list. A new page is a new
    module; nobody edits a central list (and every route still declares its access rule)."""
    routes: list[Any] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        routes.extend(getattr(module, "ROUTES", []))
    return routes


def route_handlers() -> list[Any]:
    handlers: list[Any] = [
        *health.ROUTES,
        *metrics_door.ROUTES,
        *door_routes(console),
        *door_routes(portal),
        *kiosk_routes.ROUTES,
    ]
    handlers.append(
        create_static_files_router(
            path="/static",
            directories=[ROOT / "app" / "static"],
            name="static",
            opt=public(),
            include_in_schema=False,
        )
    )
    return handlers


def _freeze_startup_objects() -> None:
    """Once per process, after start-up: the modules, the app and its routes live as long as
    the process, so the cyclic garbage collector need not scan them again. It did, in every
    full collection: ~35 ms with the event loop stopped, every few seconds under load, which
    made every request then in flight late (bench B1 on PostgreSQL: p99 70 ms, p50 30 ms).
    Objects freed by reference counting are freed as before; what requests make is still
    collected; only a start-up object later dropped inside a reference cycle would stay."""
    global _FROZEN
    if not _FROZEN:
        gc.collect()
        gc.freeze()
        _FROZEN = True


_FROZEN = False


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load_settings()
    use(settings)
    secure_data_dir(settings.data_dir)  # 0700 / 0600, also what an earlier version left
    EXTRA_CHECKS["kiosk"] = kiosk_routes.check_kiosk
    EXTRA_CHECKS["scraper"] = metrics_door.check_scraper
    logs.configure(settings.debug, settings.log_format == "json")
    runner = Runner(settings) if settings.scheduler else None

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        memory.tune()  # before the database's threads allocate anything
        await db.start(settings.db_pool_size)
        if runner:
            await runner.start()
        _freeze_startup_objects()
        try:
            yield
        finally:
            if runner:
                await runner.stop()
            await db.stop()

    app = Litestar(
        route_handlers=route_handlers(),
        guards=[check_access],
        before_request=refuse_hostile_input,
        lifespan=[lifespan],
        debug=settings.debug,
        logging_config=None,  # app/logs.py configures logging; Litestar's would replace it
        template_config=TemplateConfig(
            directory=Path(ROOT / "templates"),
            engine=JinjaTemplateEngine,
            engine_callback=partial(_configure_jinja, reload=not settings.is_production),
        ),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.cookie_secure,
            cookie_httponly=True,
            cookie_samesite="lax",
            cookie_name="intake_csrf",
        ),
        middleware=[
            rate_limit_middleware(rate_limit.counter(settings.redis_url, settings.database_url))
        ],
        exception_handlers={Exception: handle_exception},
        openapi_config=OpenAPIConfig(
            title="Intake",
            version="1.0.0",
            path="/schema",
            # The schema as data only. Litestar's API-docs pages (Swagger, ReDoc...) load their
            # script from a CDN and run inline script, which our CSP (script-src 'self') blocks:
            # they rendered blank. /schema itself answers the JSON.
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
            components=[kiosk_api.SECURITY_SCHEMES],
        ),
        request_max_body_size=11 * 1024 * 1024,
        plugins=[IntakeCLIPlugin()],
    )
    proxies = TrustedProxies(settings.trusted_proxies)
    app.asgi_handler = privacy_middleware(app.asgi_handler, proxies)
    return app


def _configure_jinja(engine: JinjaTemplateEngine, reload: bool) -> None:
    engine.engine.add_extension("jinja2.ext.i18n")
    engine.engine.autoescape = True
    # Checking every template file's mtime on each render (three `stat` calls for a kiosk
    # badge page) is for editing templates; production's templates change only on deploy.
    engine.engine.auto_reload = reload
