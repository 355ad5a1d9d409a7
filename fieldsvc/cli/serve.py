"""``fieldsvc serve`` and ``fieldsvc demo``: the web app, with or without the sample data."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.console import say
from fieldsvc.cli.db import database_session, upgraded_engine

if TYPE_CHECKING:
    from fieldsvc.config import Settings


def tcp_port(text: str) -> int:
    """A TCP port number (1–65535), for ``--port``."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (1–65535): {text!r}")
    return port


def listen_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    """The settings with ``--host`` / ``--port`` when given (FIELDSVC_HOST/PORT otherwise).

    The printed links and the phones' base URL follow, as they do for the settings.
    """
    given = {name: getattr(args, name) for name in ("host", "port")}
    changes = {name: value for name, value in given.items() if value is not None}
    return settings.model_copy(update=changes) if changes else settings


def _serve(settings: Settings) -> None:
    import uvicorn

    from fieldsvc.api.app import create_app

    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.api.hosts import require_startable

    settings = listen_settings(args, settings)
    require_startable(settings)  # before the database is touched
    upgraded_engine(settings)
    _serve(settings)
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.demo import DEMO_PLAN_BUDGET_BAHT, prepare_demo
    from fieldsvc.services.phone_setup import web_form_url

    settings = listen_settings(args, settings)
    say("กำลังโหลดข้อมูลตัวอย่าง (สังเคราะห์) / loading the synthetic sample data …")
    with database_session(settings) as session:
        demo = prepare_demo(session=session, settings=settings, today=date.today())
    say(*(outcome.saved.summary() for outcome in demo.imports))
    if demo.sample_surveys:
        say(f"แบบสำรวจตัวอย่าง (สังเคราะห์) / synthetic sample surveys: {len(demo.sample_surveys)}")
        say(*(f"  {what}: {outcome}" for what, outcome in demo.sample_surveys))
    if demo.plan_title is not None:
        say(
            f"แผนจัดสรรตัวอย่าง / sample allocation plan: {demo.plan_title} "
            f"({DEMO_PLAN_BUDGET_BAHT:,} บาท)"
        )
    base = f"http://{settings.host}:{settings.port}"
    say(
        "",
        "fieldsvc พร้อมใช้งาน / is ready (ข้อมูลตัวอย่างเป็นข้อมูลสังเคราะห์ / sample data is synthetic)",
        f"  หน้าแรก / home:            {base}/",
        f"  เข้าสู่ระบบ / sign in:       {base}/login/{demo.admin_token}",
        f"  API (OpenAPI):             {base}/docs",
        "  แบบสำรวจมือถือ / phone form (ผู้ใหญ่บ้านหมู่ 7 / village 7 head):",
        f"                             {web_form_url(settings, demo.head_token)}",
        f"  โทเค็นผู้ดูแล / admin token: {demo.admin_token}",
        "  กด Ctrl+C เพื่อหยุด / press Ctrl+C to stop",
        "",
    )
    if args.no_serve:
        return 0
    _serve(settings)
    return 0


def _add_listen_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (default: FIELDSVC_HOST, 127.0.0.1)")
    parser.add_argument(
        "--port", type=tcp_port, help="port to listen on (default: FIELDSVC_PORT, 8000)"
    )


def register(sub: Any) -> None:
    """Add ``fieldsvc demo`` and ``fieldsvc serve`` to the parser."""
    demo = sub.add_parser(
        "demo",
        help="create the embedded database, load the synthetic sample data and serve the app",
        description="Create the embedded SQLite database (or use FIELDSVC_DATABASE_URL), load the "
        "synthetic sample subdistrict from geodata/, create a demo admin and serve the app.",
    )
    demo.add_argument("--no-serve", action="store_true", help="load the data, then exit")
    _add_listen_options(demo)
    demo.set_defaults(handler=cmd_demo)

    serve = sub.add_parser(
        "serve",
        help="serve the web app and APIs",
        description="Upgrade the schema if needed and serve the app.",
    )
    _add_listen_options(serve)
    serve.set_defaults(handler=cmd_serve)
