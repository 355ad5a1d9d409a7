"""``fieldsvc doctor``: check a live install and say, in Thai and English, what is wrong.

Each check returns one :class:`Finding`. ``ok`` and ``skip`` are fine; ``warn`` and ``fail`` are
problems (the command then exits 1). Every check takes what it reads as arguments, so each can be
tested against a known answer.
"""

from __future__ import annotations

import shutil
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.models import User
from fieldsvc.services.backup import backup_time, default_backup_dir, list_backups
from fieldsvc.services.readiness import database_state, missing_vendor_assets

Status = Literal["ok", "skip", "warn", "fail"]
CERT_WARN_DAYS = 21
DISK_MIN_FREE_SHARE = 0.10
DISK_MIN_FREE_BYTES = 2 * 1024**3
BACKUP_MAX_AGE = timedelta(hours=26)  # daily timer, with slack
CLOCK_MAX_SKEW_S = 30.0
TOKEN_MAX_AGE = timedelta(days=180)


@dataclass(frozen=True)
class Finding:
    check: str
    status: Status
    message_th: str
    message_en: str

    @property
    def problem(self) -> bool:
        return self.status in ("warn", "fail")

    def line(self) -> str:
        mark = {"ok": "ok  ", "skip": "skip", "warn": "WARN", "fail": "FAIL"}[self.status]
        return f"[{mark}] {self.check}: {self.message_th} / {self.message_en}"


def check_public_url(settings: Settings) -> Finding:
    url = settings.public_base_url
    if not url:
        return Finding(
            "public-url", "fail",
            "ยังไม่ได้ตั้ง FIELDSVC_PUBLIC_BASE_URL โทรศัพท์จะไม่รู้ที่อยู่เซิร์ฟเวอร์",
            "FIELDSVC_PUBLIC_BASE_URL is not set: phones do not know the server's address",
        )  # fmt: skip
    if urlsplit(url).scheme != "https":
        return Finding(
            "public-url", "fail",
            f"{url} ไม่ใช่ https: มือถือจะปิด GPS กล้อง และโหมดออฟไลน์ของแบบฟอร์ม",
            f"{url} is not https: phones switch off GPS, camera and offline mode of the form",
        )  # fmt: skip
    return Finding("public-url", "ok", f"{url} ใช้ https", f"{url} uses https")


def _der_items(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """(tag, content start, content end) of each DER element in ``data[start:end]``."""
    items = []
    at = start
    while at < end:
        tag, length = data[at], data[at + 1]
        at += 2
        if length & 0x80:  # long form: the next (length & 0x7F) bytes hold the length
            count = length & 0x7F
            length = int.from_bytes(data[at : at + count], "big")
            at += count
        items.append((tag, at, at + length))
        at += length
    return items


def certificate_not_after(der: bytes) -> datetime:
    """The ``notAfter`` time of a DER X.509 certificate (RFC 5280 §4.1.2.5)."""
    (_tag, start, end), *_ = _der_items(der, 0, len(der))
    tbs = _der_items(der, *_der_items(der, start, end)[0][1:])
    fields = tbs[1:] if tbs[0][0] == 0xA0 else tbs  # [0] version is optional
    validity = fields[3]  # serial, signature algorithm, issuer, validity
    tag, start, end = _der_items(der, validity[1], validity[2])[1]
    stamp = der[start:end].decode("ascii")
    pattern = "%y%m%d%H%M%SZ" if tag == 0x17 else "%Y%m%d%H%M%SZ"  # UTCTime / GeneralizedTime
    return datetime.strptime(stamp, pattern).replace(tzinfo=UTC)


def peer_certificate_expiry(host: str, port: int, *, timeout_s: float = 5.0) -> datetime:
    """When the certificate ``host:port`` presents expires. Not verified on purpose: an office
    CA the server itself does not trust, or an expired certificate, must still be read."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((host, port), timeout=timeout_s) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    if der is None:
        raise ssl.SSLError("no certificate")
    return certificate_not_after(der)


def check_certificate(
    settings: Settings,
    *,
    now: datetime,
    expiry: Callable[[str, int], datetime] = peer_certificate_expiry,
) -> Finding:
    url = settings.public_base_url or ""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return Finding(
            "certificate", "skip", "ไม่มีใบรับรองให้ตรวจ (ไม่ใช่ https)",
            "no certificate to check (not https)",
        )  # fmt: skip
    try:
        expires = expiry(parts.hostname, parts.port or 443)
    except (OSError, ValueError) as exc:
        return Finding(
            "certificate", "skip",
            f"เชื่อมต่อ {parts.hostname} ไม่ได้ จึงข้ามการตรวจใบรับรอง ({type(exc).__name__})",
            f"could not reach {parts.hostname}, certificate not checked ({type(exc).__name__})",
        )  # fmt: skip
    days = (expires - now).total_seconds() / 86400
    if days < 0:
        return Finding(
            "certificate", "fail", f"ใบรับรองหมดอายุแล้วเมื่อ {expires:%Y-%m-%d}",
            f"the certificate expired on {expires:%Y-%m-%d}",
        )  # fmt: skip
    if days < CERT_WARN_DAYS:
        return Finding(
            "certificate", "warn",
            f"ใบรับรองจะหมดอายุในอีก {int(days)} วัน ({expires:%Y-%m-%d}) ตรวจว่า Caddy ต่ออายุได้",
            f"the certificate expires in {int(days)} days ({expires:%Y-%m-%d}); "
            "check that Caddy can renew it",
        )  # fmt: skip
    return Finding(
        "certificate", "ok", f"ใบรับรองใช้ได้ถึง {expires:%Y-%m-%d}",
        f"the certificate is valid until {expires:%Y-%m-%d}",
    )  # fmt: skip


def check_assets(vendor_dir: Path | None = None) -> Finding:
    missing = missing_vendor_assets(vendor_dir) if vendor_dir else missing_vendor_assets()
    if missing:
        names = ", ".join(missing[:3]) + (" …" if len(missing) > 3 else "")
        return Finding(
            "assets", "fail",
            f"ไม่มีไฟล์หน้าเว็บ {len(missing)} ไฟล์ ({names}) แผนที่จะว่างเปล่า: ติดตั้ง fieldsvc ใหม่",
            f"{len(missing)} vendored front-end files are missing ({names}): maps stay blank; "
            "reinstall fieldsvc",
        )  # fmt: skip
    return Finding("assets", "ok", "ไฟล์หน้าเว็บครบ", "vendored front-end files are present")


def check_database(engine: Engine) -> Finding:
    reachable, error, revision, head = database_state(engine)
    if not reachable:
        return Finding(
            "database", "fail", f"เชื่อมต่อฐานข้อมูลไม่ได้ ({error})",
            f"the database is unreachable ({error})",
        )  # fmt: skip
    if revision != head:
        return Finding(
            "database", "fail",
            f"ฐานข้อมูลยังไม่เป็นรุ่นล่าสุด ({revision} ≠ {head}): สั่ง fieldsvc db upgrade",
            f"the database is not migrated ({revision}, newest {head}): run fieldsvc db upgrade",
        )  # fmt: skip
    return Finding(
        "database", "ok", f"ฐานข้อมูลพร้อม (รุ่น {head})", f"the database is ready (revision {head})"
    )


def check_disk(folder: Path) -> Finding:
    probe = folder
    while not probe.exists():
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    share = usage.free / usage.total if usage.total else 0.0
    free_gb = usage.free / 1024**3
    if share < DISK_MIN_FREE_SHARE or usage.free < DISK_MIN_FREE_BYTES:
        return Finding(
            "disk", "fail",
            f"พื้นที่ดิสก์ใกล้เต็ม: เหลือ {free_gb:.1f} GB ({share:.0%}) ที่ {probe}",
            f"the disk is nearly full: {free_gb:.1f} GB ({share:.0%}) free at {probe}",
        )  # fmt: skip
    return Finding(
        "disk", "ok", f"พื้นที่ว่าง {free_gb:.1f} GB ({share:.0%})",
        f"{free_gb:.1f} GB ({share:.0%}) free",
    )  # fmt: skip


def check_backups(folder: Path, *, now: datetime) -> Finding:
    backups = list_backups(folder)
    if not backups:
        return Finding(
            "backup", "fail", f"ยังไม่มีไฟล์สำรองข้อมูลใน {folder}", f"there is no backup in {folder}"
        )
    newest = backups[-1]
    taken = backup_time(newest)
    assert taken is not None  # list_backups only lists names with a time
    hours = (now - taken).total_seconds() / 3600
    if now - taken > BACKUP_MAX_AGE:
        return Finding(
            "backup", "fail",
            f"สำรองข้อมูลครั้งล่าสุดเมื่อ {hours:.0f} ชั่วโมงก่อน ({newest.name}): ตรวจ fieldsvc-backup.timer",
            f"the last backup is {hours:.0f} hours old ({newest.name}): "
            "check fieldsvc-backup.timer",
        )  # fmt: skip
    return Finding(
        "backup", "ok", f"สำรองข้อมูลล่าสุดเมื่อ {hours:.0f} ชั่วโมงก่อน",
        f"the last backup is {hours:.0f} hours old",
    )  # fmt: skip


def database_clock(engine: Engine) -> datetime | None:
    """The database server's clock (PostgreSQL); ``None`` for SQLite, which is this machine."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        value: datetime = connection.execute(text("SELECT clock_timestamp()")).scalar_one()
    return value.astimezone(UTC)


def check_clock(
    engine: Engine, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Finding:
    try:
        before = now()
        theirs = database_clock(engine)
        after = now()
    except SQLAlchemyError:
        return Finding(
            "clock", "skip", "เชื่อมต่อฐานข้อมูลไม่ได้ จึงข้ามการตรวจนาฬิกา",
            "database unreachable, clock not checked",
        )  # fmt: skip
    if theirs is None:
        return Finding(
            "clock", "skip", "SQLite อยู่ในเครื่องนี้ ไม่มีนาฬิกาอื่นให้เทียบ",
            "SQLite runs on this machine: no other clock to compare",
        )  # fmt: skip
    skew = (theirs - (before + (after - before) / 2)).total_seconds()
    if abs(skew) > CLOCK_MAX_SKEW_S:
        return Finding(
            "clock", "fail",
            f"นาฬิกาเครื่องนี้ต่างจากเครื่องฐานข้อมูล {skew:+.0f} วินาที: เปิด NTP (timedatectl)",
            f"this clock differs from the database server's by {skew:+.0f} s: enable NTP "
            "(timedatectl)",
        )  # fmt: skip
    return Finding(
        "clock", "ok", f"นาฬิกาตรงกับฐานข้อมูล ({skew:+.1f} วินาที)",
        f"clock agrees with the database ({skew:+.1f} s)",
    )  # fmt: skip


def check_tokens(engine: Engine, *, now: datetime) -> Finding:
    """Tokens have no expiry column in this version: report how old the active ones are."""
    try:
        with Session(engine) as session:
            created = session.exec(
                select(User.token_created_at).where(
                    User.token_hash.is_not(None),  # type: ignore[union-attr]
                    User.revoked_at.is_(None),  # type: ignore[union-attr]
                )
            ).all()
    except SQLAlchemyError:
        return Finding("tokens", "skip", "อ่านตารางผู้ใช้ไม่ได้", "could not read the users table")
    ages = [now - c for c in created if c is not None]
    note_th = "โทเค็นไม่มีวันหมดอายุ (ระบบไม่มีช่องวันหมดอายุ) จึงรายงานอายุแทน"
    note_en = "tokens never expire (no expiry column), so their age is reported instead"
    if not created:
        return Finding("tokens", "ok", f"ไม่มีโทเค็นที่ใช้งาน; {note_th}", f"no active tokens; {note_en}")
    oldest = max(ages, default=timedelta(0))
    stale = sum(1 for age in ages if age > TOKEN_MAX_AGE)
    if stale:
        return Finding(
            "tokens", "warn",
            f"{note_th}: {stale} จาก {len(created)} โทเค็นอายุเกิน {TOKEN_MAX_AGE.days} วัน "
            f"(เก่าสุด {oldest.days} วัน) ออกใหม่ด้วย fieldsvc users token",
            f"{note_en}: {stale} of {len(created)} tokens are older than {TOKEN_MAX_AGE.days} "
            f"days (oldest {oldest.days}); reissue with fieldsvc users token",
        )  # fmt: skip
    return Finding(
        "tokens", "ok", f"{note_th}: {len(created)} โทเค็น เก่าสุด {oldest.days} วัน",
        f"{note_en}: {len(created)} tokens, oldest {oldest.days} days",
    )  # fmt: skip


def run_checks(
    *, settings: Settings, engine: Engine, backup_dir: Path | None = None
) -> list[Finding]:
    """Every check, in the order a person fixes them."""
    now = datetime.now(UTC)
    return [
        check_public_url(settings),
        check_certificate(settings, now=now),
        check_assets(),
        check_database(engine),
        check_disk(settings.data_dir),
        check_backups(backup_dir or default_backup_dir(settings), now=now),
        check_clock(engine),
        check_tokens(engine, now=now),
    ]
