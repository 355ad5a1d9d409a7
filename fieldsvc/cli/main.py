"""The ``fieldsvc`` command. Thin: it parses options and calls the same functions as the API."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.config import Settings, get_settings
from fieldsvc.errors import FieldsvcError
from fieldsvc.models import Role
from fieldsvc.storage.engine import engine_from_settings, session_scope
from fieldsvc.storage.migrate import upgrade_database

Handler = Callable[[argparse.Namespace, Settings], int]


def _say(*lines: str) -> None:
    for line in lines:
        print(line, flush=True)


def _fail(message: str) -> int:
    print(f"ผิดพลาด / error: {message}", file=sys.stderr, flush=True)
    return 2


# --- db --------------------------------------------------------------------------------------
def cmd_db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    engine = engine_from_settings(settings)
    upgrade_database(engine)
    _say(f"ฐานข้อมูลเป็นรุ่นล่าสุดแล้ว / database is up to date: {engine.url.render_as_string()}")
    return 0


def _progress(done: int, total: int) -> None:
    print(f"\r  {done:,}/{total:,} ({100 * done // max(total, 1)}%)", end="", file=sys.stderr)
    if done == total:
        print(file=sys.stderr)


# --- import ----------------------------------------------------------------------------------
def _layer_options(args: argparse.Namespace, names: Sequence[str]) -> dict[str, Any]:
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def cmd_import_bin_sheet(args: argparse.Namespace, settings: Settings) -> int:
    """``import bins`` of a CSV/Excel survey sheet: each row is received as a survey."""
    from fieldsvc.services.sheet_import import import_bin_sheet

    engine = engine_from_settings(settings)
    upgrade_database(engine)
    with session_scope(engine) as session:
        _say(f"กำลังนำเข้าแบบสำรวจ / importing survey sheet {args.path} …")
        outcome = import_bin_sheet(
            session=session,
            path=Path(args.path),
            settings=settings,
            encoding=args.encoding,
            sheet=args.sheet,
        )
    _say(outcome.summary())
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.ingest.sheet_files import SHEET_SUFFIXES
    from fieldsvc.services import imports

    if args.what == "bins" and Path(args.path).suffix.casefold() in SHEET_SUFFIXES:
        return cmd_import_bin_sheet(args, settings)
    engine = engine_from_settings(settings)
    upgrade_database(engine)
    path = Path(args.path)
    common = _layer_options(args, ["encoding", "layer", "source_crs"])
    with session_scope(engine) as session:
        _say(f"กำลังนำเข้า / importing {path} …")
        if args.what == "villages":
            subdistrict = imports.ensure_subdistrict(
                session=session, code=args.subdistrict_code, name=args.subdistrict_name
            )
            fields = ["name_field", "number_field", "code_field", "households_field"]
            outcome = imports.import_villages(
                session=session,
                path=path,
                subdistrict=subdistrict,
                **common,
                **_layer_options(args, [*fields, "population_field"]),
            )
        elif args.what == "households":
            outcome = imports.import_households(
                session=session, path=path, progress=_progress, **common
            )
        else:
            outcome = imports.import_bin_layer(
                session=session, path=path, progress=_progress, **common
            )
    _say(outcome.summary())
    return 0


# --- demo / serve ----------------------------------------------------------------------------
def _serve(settings: Settings) -> None:
    import uvicorn

    from fieldsvc.api.app import create_app

    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


def cmd_serve(_args: argparse.Namespace, settings: Settings) -> int:
    upgrade_database(engine_from_settings(settings))
    _serve(settings)
    return 0


def _demo_user(
    session: Session, username: str, name: str, role: Role, *, village: int | None = None
) -> str:
    """The demo user's token: a fresh one each run (only the hash is stored)."""
    from fieldsvc.storage.register import get_village_by_number
    from fieldsvc.storage.users import create_user, get_user, rotate_token

    try:
        return rotate_token(session=session, user=get_user(session=session, username=username))
    except FieldsvcError:
        found = get_village_by_number(session=session, number=village) if village else None
        villages = [found.id] if found is not None and found.id is not None else []
        _, token = create_user(
            session=session, username=username, display_name=name, role=role, village_ids=villages
        )
        return token


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services import demo, planning
    from fieldsvc.services.phone_setup import web_form_url
    from fieldsvc.storage.users import get_user

    engine = engine_from_settings(settings)
    upgrade_database(engine)
    _say("กำลังโหลดข้อมูลตัวอย่าง (สังเคราะห์) / loading the synthetic sample data …")
    with session_scope(engine) as session:
        for outcome in demo.load_sample_data(session=session):
            _say(outcome.saved.summary())
        token = _demo_user(session, "demo-admin", "ผู้ดูแลระบบ (ตัวอย่าง)", Role.admin)
        head_token = _demo_user(
            session, "demo-moo7", "ผู้ใหญ่บ้านหมู่ 7 (ตัวอย่าง)", Role.village_head, village=7
        )
        surveyor = get_user(session=session, username="demo-admin")
        samples = demo.load_sample_surveys(
            session=session, settings=settings, submitter=surveyor, today=date.today()
        )
        if samples:
            _say(f"แบบสำรวจตัวอย่าง (สังเคราะห์) / synthetic sample surveys: {len(samples)}")
            _say(*(f"  {what}: {outcome}" for what, outcome in samples))
        if not planning.list_plans(session=session):
            plan = planning.create_plan(session=session, settings=settings, budget_baht=400_000)
            planning.publish_plan(session=session, plan=plan)
            _say(f"แผนจัดสรรตัวอย่าง / sample allocation plan: {plan.title} (400,000 บาท)")
    base = f"http://{settings.host}:{settings.port}"
    _say(
        "",
        "fieldsvc พร้อมใช้งาน / is ready (ข้อมูลตัวอย่างเป็นข้อมูลสังเคราะห์ / sample data is synthetic)",
        f"  หน้าแรก / home:            {base}/",
        f"  เข้าสู่ระบบ / sign in:       {base}/login/{token}",
        f"  API (OpenAPI):             {base}/docs",
        "  แบบสำรวจมือถือ / phone form (ผู้ใหญ่บ้านหมู่ 7 / village 7 head):",
        f"                             {web_form_url(settings, head_token)}",
        f"  โทเค็นผู้ดูแล / admin token: {token}",
        "  กด Ctrl+C เพื่อหยุด / press Ctrl+C to stop",
        "",
    )
    if args.no_serve:
        return 0
    _serve(settings)
    return 0


# --- users ---------------------------------------------------------------------------------
def _village_number(text: str) -> int:
    from fieldsvc.ingest.sheet_values import arabic_digits

    return int(arabic_digits(text.strip()))


def _show_phone_setup(settings: Settings, user_line: str, token: str, qr_png: str | None) -> None:
    from fieldsvc.services import phone_setup as cs

    server_url = cs.collect_server_url(settings, token)
    payload = cs.encode_collect_settings(
        cs.collect_settings(server_url=server_url, project_name=settings.office_name)
    )
    _say(
        user_line,
        f"  ODK Collect server URL:      {server_url}",
        f"  แบบฟอร์มบนเว็บ / web form:    {cs.web_form_url(settings, token)}",
        "  สแกนใน ODK Collect (เพิ่มโครงการ → สแกนรหัส QR) / "
        "scan in ODK Collect (Add project → Scan QR code):",
        cs.qr_text(payload),
    )
    if qr_png:
        _say(f"  บันทึก QR สำหรับพิมพ์ / QR saved for printing: {cs.save_qr_png(payload, Path(qr_png))}")
    if not cs.phones_can_reach(settings):
        _say(
            f"  คำเตือน: โทรศัพท์เข้าถึง {cs.public_base_url(settings)} ไม่ได้ "
            "ตั้งค่า FIELDSVC_PUBLIC_BASE_URL ก่อนแจก QR",
            f"  warning: phones cannot reach {cs.public_base_url(settings)}; "
            "set FIELDSVC_PUBLIC_BASE_URL before handing out the QR code",
        )
    _say("  โทเค็นแสดงเพียงครั้งเดียว เก็บเป็นความลับ / the token is shown once: keep it secret")


def cmd_users_add(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.models import Role
    from fieldsvc.services.users import add_field_user

    engine = engine_from_settings(settings)
    upgrade_database(engine)
    with session_scope(engine) as session:
        user, token = add_field_user(
            session=session,
            username=args.username,
            display_name=args.name,
            role=Role(args.role),
            village_numbers=args.village or [],
            phone=args.phone,
        )
    villages = ", ".join(str(n) for n in dict.fromkeys(args.village or [])) or "-"
    line = f"ผู้ใช้ใหม่ / new user: {user.username} ({user.display_name}) · {user.role} · หมู่ {villages}"
    _show_phone_setup(settings, line, token, args.qr_png)
    return 0


def cmd_users_token(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.storage.users import get_user, rotate_token

    engine = engine_from_settings(settings)
    upgrade_database(engine)
    with session_scope(engine) as session:
        user = get_user(session=session, username=args.username)
        token = rotate_token(session=session, user=user)
    line = (
        f"โทเค็นใหม่ (โทเค็นเดิมใช้ไม่ได้แล้ว) / new token (the old one no longer works): {user.username}"
    )
    _show_phone_setup(settings, line, token, args.qr_png)
    return 0


def cmd_users_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.storage.users import get_user, revoke_user

    engine = engine_from_settings(settings)
    upgrade_database(engine)
    with session_scope(engine) as session:
        revoke_user(session=session, user=get_user(session=session, username=args.username))
    _say(
        f"ยกเลิกสิทธิ์แล้ว / revoked: {args.username} (ออกโทเค็นใหม่ด้วย users token / "
        "issue a new token with `users token`)"
    )
    return 0


def cmd_users_list(_args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.users import list_field_users

    engine = engine_from_settings(settings)
    upgrade_database(engine)
    with session_scope(engine) as session:
        rows = list_field_users(session=session)
    _say(f"{'username':<20} {'role':<13} {'villages':<10} {'status':<8} name")
    for row in rows:
        villages = ",".join(str(n) for n in row.village_numbers) or "-"
        status = "active" if row.active else "revoked"
        _say(f"{row.username:<20} {row.role:<13} {villages:<10} {status:<8} {row.display_name}")
    _say(f"ผู้ใช้ {len(rows)} คน / {len(rows)} users")
    return 0


def _add_users_parser(sub: Any) -> None:
    from fieldsvc.models import Role

    users = sub.add_parser("users", help="field users, their tokens and phone set-up QR codes")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    qr_help = "also save the ODK Collect settings QR code as a PNG for printing"
    add = users_sub.add_parser(
        "add",
        help="create a user; prints the Collect server URL, web-form link and settings QR code",
    )
    add.add_argument("username")
    add.add_argument("--name", required=True, help='the person\'s name, e.g. "นายสมชาย ใจดี"')
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument(
        "--village",
        action="append",
        type=_village_number,
        metavar="N",
        help="village number (หมู่ที่) the user surveys; repeat for several",
    )
    add.add_argument("--phone", help="phone number (personal data: never shown publicly)")
    add.add_argument("--qr-png", metavar="FILE", help=qr_help)
    add.set_defaults(handler=cmd_users_add)
    listing = users_sub.add_parser("list", help="list users, their villages and status")
    listing.set_defaults(handler=cmd_users_list)
    revoke = users_sub.add_parser("revoke", help="revoke a user's token at once")
    revoke.add_argument("username")
    revoke.set_defaults(handler=cmd_users_revoke)
    token = users_sub.add_parser(
        "token", help="issue a new token (the old one stops working) and print the set-up again"
    )
    token.add_argument("username")
    token.add_argument("--qr-png", metavar="FILE", help=qr_help)
    token.set_defaults(handler=cmd_users_token)


# --- parser ----------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldsvc",
        description="ทะเบียนและสำรวจถังขยะ อบต. · Waste-bin survey and asset register. "
        "Settings come from FIELDSVC_* environment variables (see README).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="create the embedded database, load the synthetic sample data and serve the app",
        description="Create the embedded SQLite database (or use FIELDSVC_DATABASE_URL), load the "
        "synthetic sample subdistrict from geodata/, create a demo admin and serve the app.",
    )
    demo.add_argument("--no-serve", action="store_true", help="load the data, then exit")
    demo.set_defaults(handler=cmd_demo)

    serve = sub.add_parser(
        "serve",
        help="serve the web app and APIs",
        description="Upgrade the schema if needed and serve the app.",
    )
    serve.set_defaults(handler=cmd_serve)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_sub.add_parser(
        "upgrade",
        help="apply schema migrations (Alembic) to the newest",
        description="Apply every pending schema migration.",
    )
    upgrade.set_defaults(handler=cmd_db_upgrade)

    from fieldsvc.cli import analysis as cli_analysis
    from fieldsvc.cli import maps as cli_maps
    from fieldsvc.cli import ops as cli_ops
    from fieldsvc.cli import reports as cli_reports

    cli_analysis.register(sub)
    cli_maps.register(sub)
    cli_reports.register(sub)
    cli_ops.register(sub)

    imp = sub.add_parser("import", help="import villages, households or a bin inventory from files")
    imp_sub = imp.add_subparsers(dest="what", required=True, metavar="LAYER")
    for what, helptext in (
        ("villages", "village boundaries: GeoJSON, GeoPackage, Shapefile (.shp or .zip), KML"),
        ("households", "household / demand points: GeoJSON, GeoPackage, Shapefile, KML"),
        (
            "bins",
            "a bin inventory (GeoJSON, GeoPackage, Shapefile, KML) or a survey sheet "
            "(CSV, Excel .xlsx, Kobo/ODK CSV export)",
        ),
    ):
        p = imp_sub.add_parser(
            what,
            help=helptext,
            description=f"Import {helptext}. Re-running "
            "updates what changed and never duplicates. Prints what was loaded, "
            "repaired and rejected, row by row.",
        )
        p.add_argument("path", help="the file to import")
        p.add_argument("--encoding", help="text encoding of attributes, e.g. cp874 (TIS-620)")
        p.add_argument("--layer", help="layer name inside a GeoPackage or KML")
        p.add_argument(
            "--crs",
            dest="source_crs",
            help="CRS of a file that does not say, e.g. EPSG:24047 (Indian 1975 / UTM 47N)",
        )
        p.set_defaults(handler=cmd_import)
        if what == "villages":
            p.add_argument("--name-field", help="column with the village name")
            p.add_argument("--number-field", help="column with the village number (หมู่ที่)")
            p.add_argument("--code-field", help="column with the village code")
            p.add_argument("--households-field", help="column with the number of households")
            p.add_argument("--population-field", help="column with the population")
            p.add_argument("--subdistrict-code", help="subdistrict code (when none exists yet)")
            p.add_argument("--subdistrict-name", help="subdistrict name (when none exists yet)")
        if what == "bins":
            p.add_argument("--sheet", help="worksheet name (or number) in an Excel file")
    _add_users_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, settings: Settings | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input or file)."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args, settings or get_settings())
    except (FieldsvcError, AnalysisInputError) as exc:
        return _fail(f"{exc.message_th} / {exc.message_en}")
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
