"""``fieldsvc users``: field users, their tokens and the phone set-up (ODK Collect QR code)."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.console import say
from fieldsvc.cli.db import database_session

if TYPE_CHECKING:
    from fieldsvc.config import Settings

#: The values of ``fieldsvc.models.Role`` (a test keeps them equal); written out so that
#: ``fieldsvc users --help`` does not load the database models.
ROLES = ("admin", "health_staff", "village_head", "viewer")
#: ``users list``'s subdistricts of a user who works for every one.
EVERY_SUBDISTRICT = "ทุกตำบล / all"


def village_number(text: str) -> int:
    """A village number (หมู่ที่) as typed, Thai digits allowed: ``"๗"`` → 7."""
    from fieldsvc.thai import arabic_digits

    return int(arabic_digits(text.strip()))


def _show_phone_setup(
    settings: Settings, user_line: str, token: str, qr_png: str | None, project_name: str
) -> None:
    from fieldsvc.services.phone_setup import phone_setup, qr_text, save_qr_png

    setup = phone_setup(settings, token, project_name=project_name)
    say(
        user_line,
        f"  ODK Collect server URL:      {setup.server_url}",
        f"  แบบฟอร์มบนเว็บ / web form:    {setup.web_form_url}",
        "  สแกนใน ODK Collect (เพิ่มโครงการ → สแกนรหัส QR) / "
        "scan in ODK Collect (Add project → Scan QR code):",
        qr_text(setup.qr_payload),
    )
    if qr_png:
        saved = save_qr_png(setup.qr_payload, Path(qr_png))
        say(f"  บันทึก QR สำหรับพิมพ์ / QR saved for printing: {saved}")
    if not setup.phones_can_reach:
        say(
            f"  คำเตือน: โทรศัพท์เข้าถึง {setup.base_url} ไม่ได้ ตั้งค่า FIELDSVC_PUBLIC_BASE_URL ก่อนแจก QR",
            f"  warning: phones cannot reach {setup.base_url}; "
            "set FIELDSVC_PUBLIC_BASE_URL before handing out the QR code",
        )
    say("  โทเค็นแสดงเพียงครั้งเดียว เก็บเป็นความลับ / the token is shown once: keep it secret")


def _show_expiry(expires_at: datetime | None) -> None:
    if expires_at is None:
        return
    from fieldsvc.thai import THAI_TZ

    local = expires_at.astimezone(THAI_TZ)
    say(f"  โทเค็นหมดอายุ / the token expires: {local:%Y-%m-%d %H:%M} (เวลาไทย / Thai time)")


def cmd_users_add(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.models import Role
    from fieldsvc.services.offices import phone_project_name
    from fieldsvc.services.users import add_field_user

    with database_session(settings) as session:
        user, token = add_field_user(
            session=session,
            username=args.username,
            display_name=args.name,
            role=Role(args.role),
            village_numbers=args.village or [],
            phone=args.phone,
            expires_days=args.expires_days,
            subdistrict_codes=args.subdistrict or [],
            all_subdistricts=args.all_subdistricts,
        )
        project = phone_project_name(session=session, settings=settings, user=user)
    villages = ", ".join(str(n) for n in dict.fromkeys(args.village or [])) or "-"
    line = f"ผู้ใช้ใหม่ / new user: {user.username} ({user.display_name}) · {user.role} · หมู่ {villages}"
    _show_phone_setup(settings, line, token, args.qr_png, project)
    _show_expiry(user.token_expires_at)
    return 0


def cmd_users_token(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.offices import phone_project_name
    from fieldsvc.services.users import rotate_field_user_token

    with database_session(settings) as session:
        user, token = rotate_field_user_token(
            session=session, username=args.username, expires_days=args.expires_days
        )
        project = phone_project_name(session=session, settings=settings, user=user)
    line = (
        f"โทเค็นใหม่ (โทเค็นเดิมใช้ไม่ได้แล้ว) / new token (the old one no longer works): {user.username}"
    )
    _show_phone_setup(settings, line, token, args.qr_png, project)
    _show_expiry(user.token_expires_at)
    return 0


def cmd_users_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.users import revoke_field_user

    with database_session(settings) as session:
        revoke_field_user(session=session, username=args.username)
    say(
        f"ยกเลิกสิทธิ์แล้ว / revoked: {args.username} (ออกโทเค็นใหม่ด้วย users token / "
        "issue a new token with `users token`)"
    )
    return 0


def cmd_users_list(_args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.users import list_field_users

    with database_session(settings) as session:
        rows = list_field_users(session=session)
    say(f"{'username':<20} {'role':<13} {'villages':<10} {'status':<8} name · subdistricts")
    for row in rows:
        villages = ",".join(str(n) for n in row.village_numbers) or "-"
        status = "active" if row.active else "revoked"
        places = (
            EVERY_SUBDISTRICT
            if row.subdistrict_codes is None
            else ",".join(row.subdistrict_codes) or "-"
        )
        say(
            f"{row.username:<20} {row.role:<13} {villages:<10} {status:<8} {row.display_name}"
            f" · {places}"
        )
    say(f"ผู้ใช้ {len(rows)} คน / {len(rows)} users")
    return 0


def cmd_users_scope(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.users import scope_field_user

    with database_session(settings) as session:
        user, subdistricts = scope_field_user(
            session=session,
            username=args.username,
            subdistrict_codes=args.subdistrict or [],
            all_subdistricts=args.all_subdistricts,
        )
        places = (
            EVERY_SUBDISTRICT
            if subdistricts is None
            else ", ".join(f"{s.code} {s.name}" for s in subdistricts)
        )
        username = user.username
    say(
        f"{username} ดูแล / works for: {places}",
        "  มีผลตั้งแต่คำขอถัดไป ไม่ต้องเข้าสู่ระบบใหม่ / "
        "takes effect from their next request; no new sign-in needed",
    )
    return 0


def register(sub: Any) -> None:
    """Add ``fieldsvc users`` to the parser."""
    users = sub.add_parser("users", help="field users, their tokens and phone set-up QR codes")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    qr_help = "also save the ODK Collect settings QR code as a PNG for printing"
    expires_help = "the token stops working after N days (default: never)"
    add = users_sub.add_parser(
        "add",
        help="create a user; prints the Collect server URL, web-form link and settings QR code",
    )
    add.add_argument("username")
    add.add_argument("--name", required=True, help='the person\'s name, e.g. "นายสมชาย ใจดี"')
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument(
        "--village",
        action="append",
        type=village_number,
        metavar="N",
        help="village number (หมู่ที่) the user surveys; repeat for several",
    )
    add.add_argument(
        "--subdistrict",
        action="append",
        metavar="CODE",
        help="a subdistrict (6-digit code) the user works for; repeat for several (needed when "
        "this install serves several subdistricts; a village head names one, whose villages "
        "--village numbers)",
    )
    add.add_argument(
        "--all-subdistricts",
        action="store_true",
        help="a provincial officer: works for every subdistrict of the install "
        "(not for village heads)",
    )
    add.add_argument("--phone", help="phone number (personal data: never shown publicly)")
    add.add_argument("--qr-png", metavar="FILE", help=qr_help)
    add.add_argument("--expires-days", type=float, metavar="N", help=expires_help)
    add.set_defaults(handler=cmd_users_add)
    listing = users_sub.add_parser("list", help="list users, their villages and status")
    listing.set_defaults(handler=cmd_users_list)
    scope = users_sub.add_parser(
        "scope",
        help="change the subdistricts health staff, a viewer or an admin works for "
        "(village heads: by their villages)",
    )
    scope.add_argument("username")
    which = scope.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--subdistrict",
        action="append",
        metavar="CODE",
        help="a subdistrict (6-digit code) the user works for; repeat for several",
    )
    which.add_argument(
        "--all-subdistricts",
        action="store_true",
        help="a provincial officer: works for every subdistrict of the install",
    )
    scope.set_defaults(handler=cmd_users_scope)
    revoke = users_sub.add_parser("revoke", help="revoke a user's token at once")
    revoke.add_argument("username")
    revoke.set_defaults(handler=cmd_users_revoke)
    token = users_sub.add_parser(
        "token", help="issue a new token (the old one stops working) and print the set-up again"
    )
    token.add_argument("username")
    token.add_argument("--qr-png", metavar="FILE", help=qr_help)
    token.add_argument("--expires-days", type=float, metavar="N", help=expires_help)
    token.set_defaults(handler=cmd_users_token)
