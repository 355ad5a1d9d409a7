"""``fieldsvc doctor``: each check against a known answer, and the command's exit code."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.models import Role, User
from fieldsvc.services import doctor
from fieldsvc.storage.engine import make_engine
from fieldsvc.storage.users import create_user

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_public_url_must_be_https(tmp_path: Path) -> None:
    unset = doctor.check_public_url(Settings(data_dir=tmp_path))
    plain = doctor.check_public_url(Settings(data_dir=tmp_path, public_base_url="http://10.0.0.5"))
    secure = doctor.check_public_url(Settings(data_dir=tmp_path, public_base_url="https://a.b"))
    assert (unset.status, plain.status, secure.status) == ("fail", "fail", "ok")
    assert "FIELDSVC_PUBLIC_BASE_URL" in unset.message_en
    assert "not https" in plain.message_en and "ไม่ใช่ https" in plain.message_th


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[int]:
    """A TLS listener on 127.0.0.1 whose self-signed certificate expires in 5 days."""
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "5", "-subj", "/CN=office.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def accept() -> None:
        try:
            conn, _ = listener.accept()
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)
        except OSError:
            pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield port
    listener.close()


def test_certificate_expiring_in_five_days_is_a_warning(tls_server: int, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, public_base_url=f"https://127.0.0.1:{tls_server}")
    now = datetime.now(UTC)
    finding = doctor.check_certificate(settings, now=now)
    assert finding.status == "warn"
    assert "expires in 4 days" in finding.message_en  # 5 days less the seconds since issue


def test_certificate_states_from_a_known_expiry(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, public_base_url="https://bins.example")
    far = doctor.check_certificate(settings, now=NOW, expiry=lambda h, p: NOW + timedelta(90))
    past = doctor.check_certificate(settings, now=NOW, expiry=lambda h, p: NOW - timedelta(1))

    def unreachable(host: str, port: int) -> datetime:
        raise ConnectionRefusedError(host)

    skipped = doctor.check_certificate(settings, now=NOW, expiry=unreachable)
    plain = doctor.check_certificate(Settings(data_dir=tmp_path), now=NOW)
    assert (far.status, past.status, skipped.status, plain.status) == ("ok", "fail", "skip", "skip")
    assert "2027-03-02" in far.message_en
    assert "could not reach bins.example" in skipped.message_en


def test_assets_missing_and_present(tmp_path: Path) -> None:
    assert doctor.check_assets(tmp_path).status == "fail"
    assert "front-end files are missing" in doctor.check_assets(tmp_path).message_en
    assert doctor.check_assets().status == "ok"


def test_database_unreachable_unmigrated_and_ready(engine: Engine, tmp_path: Path) -> None:
    unreachable = make_engine("postgresql+psycopg://nobody:x@127.0.0.1:1/none")
    blank = make_engine(f"sqlite:///{tmp_path / 'blank.sqlite3'}")
    try:
        assert doctor.check_database(unreachable).status == "fail"
        assert "unreachable" in doctor.check_database(unreachable).message_en
        unmigrated = doctor.check_database(blank)
        assert unmigrated.status == "fail" and "fieldsvc db upgrade" in unmigrated.message_en
        assert doctor.check_database(engine).status == "ok"
    finally:
        unreachable.dispose()
        blank.dispose()


def test_disk_check_reads_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from shutil import _ntuple_diskusage  # type: ignore[attr-defined]

    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda p: _ntuple_diskusage(100, 97, 3))
    nearly_full = doctor.check_disk(tmp_path / "not" / "yet")
    assert nearly_full.status == "fail" and "nearly full" in nearly_full.message_en
    total = 100 * 1024**3
    monkeypatch.setattr(
        doctor.shutil, "disk_usage", lambda p: _ntuple_diskusage(total, total // 2, total // 2)
    )
    assert doctor.check_disk(tmp_path).status == "ok"


def test_backup_age(tmp_path: Path) -> None:
    assert doctor.check_backups(tmp_path, now=NOW).status == "fail"
    (tmp_path / "fieldsvc-backup-20261130T020000Z.tar").write_bytes(b"")
    old = doctor.check_backups(tmp_path, now=NOW)
    assert old.status == "fail" and "58 hours old" in old.message_en
    (tmp_path / "fieldsvc-backup-20261202T020000Z.tar").write_bytes(b"")
    fresh = doctor.check_backups(tmp_path, now=NOW)
    assert fresh.status == "ok" and "10 hours old" in fresh.message_en


def test_clock_skew_against_the_database(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        assert doctor.check_clock(engine).status == "skip"
        return
    assert doctor.check_clock(engine).status == "ok"
    ahead = doctor.check_clock(engine, now=lambda: datetime.now(UTC) + timedelta(minutes=5))
    assert ahead.status == "fail" and "-300 s" in ahead.message_en


def test_token_age_is_reported_because_tokens_have_no_expiry(session: Session) -> None:
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    assert doctor.check_tokens(engine, now=NOW).status == "ok"
    user, _token = create_user(
        session=session, username="old-admin", display_name="ผู้ดูแล", role=Role.admin
    )
    user.token_created_at = NOW - timedelta(days=400)
    session.add(user)
    _fresh, _ = create_user(
        session=session, username="new-staff", display_name="เจ้าหน้าที่", role=Role.health_staff
    )
    fresh_user = session.get(User, _fresh.id)
    assert fresh_user is not None
    fresh_user.token_created_at = NOW - timedelta(days=3)
    session.add(fresh_user)
    session.commit()
    finding = doctor.check_tokens(engine, now=NOW)
    assert finding.status == "warn"
    assert "no expiry column" in finding.message_en
    assert "1 of 2 tokens are older than 180 days (oldest 400)" in finding.message_en


def test_doctor_command_exits_1_and_names_problems_in_both_languages(
    engine: Engine,
    tmp_path: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from shutil import _ntuple_diskusage  # type: ignore[attr-defined]

    total = 100 * 1024**3
    monkeypatch.setattr(
        doctor.shutil, "disk_usage", lambda p: _ntuple_diskusage(total, total // 2, total // 2)
    )
    settings = Settings(
        data_dir=tmp_path, database_url=database_url, public_base_url="http://10.0.0.5:8000"
    )
    assert main(["doctor", "--backup-dir", str(tmp_path / "none")], settings=settings) == 1
    out = capsys.readouterr().out
    assert "[FAIL] public-url" in out and "[FAIL] backup" in out and "[ok  ] database" in out
    assert "พบปัญหา 2 ข้อ / 2 problem(s) found" in out
