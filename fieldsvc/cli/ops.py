"""Running a server: ``fieldsvc backup``, ``fieldsvc restore`` and ``fieldsvc doctor``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldsvc.config import Settings


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.backup import create_backup

    out_dir = Path(args.out) if args.out else None
    result = create_backup(settings=settings, out_dir=out_dir, keep=args.keep)
    print(result.summary(), flush=True)
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.backup import restore_backup

    print(f"กำลังตรวจไฟล์สำรอง / verifying {args.archive} …", flush=True)
    result = restore_backup(settings=settings, archive_path=Path(args.archive))
    print(result.summary(), flush=True)
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.doctor import run_checks
    from fieldsvc.storage.engine import engine_from_settings

    engine = engine_from_settings(settings)
    try:
        backup_dir = Path(args.backup_dir) if args.backup_dir else None
        findings = run_checks(settings=settings, engine=engine, backup_dir=backup_dir)
    finally:
        engine.dispose()
    for finding in findings:
        print(finding.line(), flush=True)
    problems = sum(f.problem for f in findings)
    if problems:
        print(f"พบปัญหา {problems} ข้อ / {problems} problem(s) found", flush=True)
        return 1
    print("ไม่พบปัญหา / no problems found", flush=True)
    return 0


def cmd_erase_citizen_contacts(args: argparse.Namespace, settings: Settings) -> int:
    from fieldsvc.services.citizen_public import erase_old_contacts
    from fieldsvc.storage.engine import engine_from_settings, session_scope

    engine = engine_from_settings(settings)
    try:
        with session_scope(engine) as session:
            erased = erase_old_contacts(session=session, settings=settings)
    finally:
        engine.dispose()
    days = settings.citizen_contact_keep_days
    print(
        f"ลบชื่อและเบอร์โทรของผู้แจ้งที่เก่ากว่า {days} วันแล้ว {erased} เรื่อง / "
        f"erased the contact details of {erased} report(s) older than {days} days",
        flush=True,
    )
    return 0


def register(sub: Any) -> None:
    """Add the operations commands to the ``fieldsvc`` parser's sub-commands."""
    backup = sub.add_parser(
        "backup",
        help="write one archive of the database, the photos and a checksum manifest",
        description="Back up while the server keeps running: a consistent database snapshot "
        "(SQLite online backup or pg_dump -Fc), every photo, and manifest.json with the row "
        "count of each table and the SHA-256 of each file.",
    )
    backup.add_argument(
        "--out", metavar="DIR", help="folder for the archive (default DATA_DIR/backups)"
    )
    backup.add_argument(
        "--keep", type=int, metavar="N", help="then delete all but the newest N backups there"
    )
    backup.set_defaults(handler=cmd_backup)
    restore = sub.add_parser(
        "restore",
        help="check a backup's checksums and restore it into an empty install",
        description="Verify every checksum first (a damaged archive is refused, exit 2), then "
        "restore the database and photos into this install, which must be empty.",
    )
    restore.add_argument("archive", help="a fieldsvc-backup-….tar file")
    restore.set_defaults(handler=cmd_restore)
    doctor = sub.add_parser(
        "doctor",
        help="check this install and say what is wrong (https, certificate, database, disk, "
        "backups, clock, tokens)",
        description="Check a live install. Exit 0 when nothing is wrong, 1 when a check found "
        "a problem.",
    )
    doctor.add_argument(
        "--backup-dir", metavar="DIR", help="where the backups are (default DATA_DIR/backups)"
    )
    doctor.set_defaults(handler=cmd_doctor)
    erase = sub.add_parser(
        "erase-citizen-contacts",
        help="erase residents' names and phones kept longer than citizen_contact_keep_days",
        description="Run daily (cron or a systemd timer): every resident's report older than "
        "FIELDSVC_CITIZEN_CONTACT_KEEP_DAYS loses its name, phone and e-mail; the report "
        "itself stays.",
    )
    erase.set_defaults(handler=cmd_erase_citizen_contacts)
