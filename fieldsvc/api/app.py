"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.middleware.trustedhost import TrustedHostMiddleware

from fieldsvc import __version__
from fieldsvc.api import observability
from fieldsvc.api.csrf import csrf_protection
from fieldsvc.api.errors import install_error_handlers
from fieldsvc.api.hosts import allowed_hosts, require_startable
from fieldsvc.api.limits import CallerFirst
from fieldsvc.api.responses import StrictJSONResponse
from fieldsvc.api.routes import (
    batch_review,
    citizen,
    coverage_history,
    exports,
    intake,
    labels,
    media,
    mobile,
    ogc,
    open311,
    openrosa,
    plan_items,
    planning,
    province,
    public,
    register,
    staff,
    staff_reports,
    submissions,
    tiles,
    web,
    work_order_pages,
    work_orders,
    workplace,
)
from fieldsvc.api.security import SecurityHeaders
from fieldsvc.config import Settings, get_settings
from fieldsvc.maps.assets import VENDOR_DIR
from fieldsvc.storage.engine import engine_from_settings

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the app. Tests pass their own settings and engine; production reads the env."""
    settings = settings or get_settings()
    require_startable(settings)  # production without its https address does not start
    engine = engine or engine_from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="fieldsvc",
        version=__version__,
        summary="ทะเบียนและสำรวจถังขยะ อบต. · Waste-bin survey and asset register",
        lifespan=lifespan,
        docs_url=None,  # served below from /vendor: FastAPI's own /docs loads Swagger UI from a CDN
        redoc_url=None,
        # One check for every route: a state-changing request signed in by the session cookie
        # must come from our own pages and carry the session's CSRF token.
        dependencies=[Depends(csrf_protection)],
        default_response_class=StrictJSONResponse,
    )
    app.state.settings = settings
    app.state.engine = engine
    install_error_handlers(app)
    observability.configure_logging(settings)
    # Outermost last: headers → access log → allowed hosts → caller and size → routes.
    app.add_middleware(CallerFirst, settings=settings, engine=engine)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings))
    app.add_middleware(observability.AccessLog)
    app.add_middleware(SecurityHeaders, settings=settings)
    app.include_router(intake.router)  # before register: /bins/near ≠ /bins/{code}
    app.include_router(submissions.router)
    app.include_router(batch_review.api)
    app.include_router(media.router)
    app.include_router(observability.router)  # /readyz
    app.include_router(register.router)
    app.include_router(planning.router)
    app.include_router(plan_items.api)
    app.include_router(openrosa.router)
    app.include_router(web.router)
    app.include_router(staff.router)
    app.include_router(workplace.router)  # the staff pages' subdistrict switcher
    app.include_router(plan_items.pages)
    app.include_router(work_orders.router)
    app.include_router(work_order_pages.router)
    app.include_router(batch_review.pages)
    app.include_router(labels.router)
    app.include_router(public.router)
    app.include_router(exports.router)
    app.include_router(coverage_history.router)
    app.include_router(tiles.router)
    app.include_router(ogc.router)  # OGC API – Features for QGIS and GDAL
    app.include_router(mobile.router)  # the phone web form at /m/ and /api/v1/me
    app.include_router(citizen.router)  # the public report page at /report
    app.include_router(staff_reports.router)  # staff triage of residents' reports
    app.include_router(province.router)  # one row per subdistrict (staff and public)
    app.include_router(open311.router)  # Open311 GeoReport v2 for partner apps
    settings.effective_media_dir.mkdir(parents=True, exist_ok=True)
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if VENDOR_DIR.is_dir():
        app.mount("/vendor", StaticFiles(directory=VENDOR_DIR), name="vendor")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="fieldsvc API",
            swagger_js_url="/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/vendor/swagger-ui/favicon-32x32.png",
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
