"""``fieldsvc open311``: API keys for partner apps sending reports through Open311."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.console import say
from fieldsvc.cli.db import database_session

if TYPE_CHECKING:
    from fieldsvc.config import Settings


def cmd_key_add(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.open311_keys import add_partner_key

    with database_session(settings) as session:
        record, key = add_partner_key(
            session=session, name=args.name, subdistrict_code=args.subdistrict
        )
    where = (
        f"  ตำบล / subdistrict: {args.subdistrict}"
        if args.subdistrict
        else "  ทุกตำบล / any subdistrict"
    )
    say(
        f"คีย์ Open311 ใหม่ / new Open311 key: {record.name}",
        where,
        f"  api_key: {key}",
        "  คีย์แสดงเพียงครั้งเดียว เก็บเป็นความลับ / the key is shown once: keep it secret",
    )
    return 0


def cmd_key_list(_args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.open311_keys import partner_keys
    from fieldsvc.storage.open311_keys import subdistrict_codes

    with database_session(settings) as session:
        keys = partner_keys(session=session)
        codes = {i: code for code, i in subdistrict_codes(session=session).items()}
        lines = [
            f"{k.name}\t{k.created_at:%Y-%m-%d}\t"
            + ("ยกเลิกแล้ว / revoked" if k.revoked_at else "ใช้งาน / active")
            + (f"\t{codes.get(k.subdistrict_id, '?')}" if k.subdistrict_id is not None else "")
            for k in keys
        ]
    say(*(lines or ["ยังไม่มีคีย์ / no keys yet"]))
    return 0


def cmd_key_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.open311_keys import revoke_partner_key

    with database_session(settings) as session:
        record = revoke_partner_key(session=session, name=args.name)
    say(f"ยกเลิกคีย์แล้ว / key revoked: {record.name}")
    return 0


def register(sub: Any) -> None:
    """Add ``fieldsvc open311`` to the parser."""
    group = sub.add_parser("open311", help="Open311 GeoReport v2: partner apps' API keys")
    group_sub = group.add_subparsers(dest="open311_command", required=True, metavar="ACTION")
    key = group_sub.add_parser("key", help="partner API keys (stored hashed, shown once)")
    key_sub = key.add_subparsers(dest="key_command", required=True, metavar="ACTION")
    add = key_sub.add_parser("add", help="make a key for a partner app and print it once")
    add.add_argument("name", help="the partner's name, e.g. a city app")
    add.add_argument(
        "--subdistrict",
        metavar="CODE",
        help="tie the key to one subdistrict (its DOPA code): requests located elsewhere "
        "are refused",
    )
    add.set_defaults(handler=cmd_key_add)
    listing = key_sub.add_parser("list", help="list partners' keys and whether they work")
    listing.set_defaults(handler=cmd_key_list)
    revoke = key_sub.add_parser("revoke", help="stop a partner's key at once")
    revoke.add_argument("name")
    revoke.set_defaults(handler=cmd_key_revoke)
