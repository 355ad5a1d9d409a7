"""`fieldsvc users`: field users, their tokens and the ODK Collect settings QR code."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, select

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.models import Role, Subdistrict, User, Village
from fieldsvc.services.phone_setup import (
    collect_settings,
    decode_collect_settings,
    encode_collect_settings,
    qr_text,
)
from fieldsvc.storage.users import user_for_token, village_ids_of

TOKEN_IN_URL = re.compile(r"/openrosa/([A-Za-z0-9_-]+)")


@pytest.fixture
def villages(engine: Engine) -> dict[int, int]:
    """หมู่ที่ 1–5 of one subdistrict: village number -> id."""
    with Session(engine) as session:
        sub = Subdistrict(code="999903", name="ตำบลทดสอบ")
        session.add(sub)
        session.flush()
        rows = [Village(subdistrict_id=sub.id or 0, number=n, name=f"บ้าน{n}") for n in range(1, 6)]
        session.add_all(rows)
        session.commit()
        return {v.number: v.id or 0 for v in rows}


def _add(settings: Settings, *extra: str) -> int:
    args = ["users", "add", "somchai", "--name", "นายสมชาย ใจดี", "--role", "village_head"]
    return main([*args, *extra], settings=settings)


def _token(out: str) -> str:
    found = TOKEN_IN_URL.search(out)
    assert found is not None, out
    return found.group(1)


def test_collect_qr_payload_is_zlib_base64_json_with_the_server_url() -> None:
    url = "https://bins.example.go.th/openrosa/TOKEN"
    payload = encode_collect_settings(collect_settings(server_url=url, project_name="อบต.ทดสอบ"))
    decoded = decode_collect_settings(payload)
    assert decoded["general"]["server_url"] == url
    assert decoded["admin"] == {}  # Collect needs the key even when empty
    assert decoded["project"]["name"] == "อบต.ทดสอบ"


def test_users_add_prints_urls_and_the_settings_qr(
    settings: Settings,
    villages: dict[int, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = settings.model_copy(update={"public_base_url": "https://bins.example.go.th/"})
    png = tmp_path / "qr" / "somchai.png"
    assert _add(settings, "--village", "3", "--village", "๔", "--qr-png", str(png)) == 0
    out = capsys.readouterr().out
    token = _token(out)
    server_url = f"https://bins.example.go.th/openrosa/{token}"
    assert server_url in out
    assert f"https://bins.example.go.th/m/#token={token}" in out
    expected = encode_collect_settings(
        collect_settings(server_url=server_url, project_name=settings.office_name)
    )
    assert qr_text(expected) in out  # the QR drawn in the terminal carries exactly this payload
    assert decode_collect_settings(expected)["general"]["server_url"] == server_url
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width >= 200
    assert "warning" not in out  # a public URL is set


def test_village_head_is_linked_to_the_villages_by_number(
    engine: Engine, settings: Settings, villages: dict[int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add(settings, "--village", "4", "--village", "2", "--phone", "0812345678") == 0
    out = capsys.readouterr().out
    token = _token(out)
    assert f"http://127.0.0.1:8000/openrosa/{token}" in out
    assert "FIELDSVC_PUBLIC_BASE_URL" in out  # phones cannot reach 127.0.0.1: say so
    with Session(engine) as session:
        user = user_for_token(session=session, token=token)
        assert user is not None and user.role == Role.village_head
        assert village_ids_of(session=session, user=user) == sorted([villages[2], villages[4]])
    assert main(["users", "list"], settings=settings) == 0
    listing = capsys.readouterr().out
    assert re.search(r"somchai\s+village_head\s+2,4\s+active\s+นายสมชาย ใจดี", listing)
    assert "0812345678" not in listing and token not in listing


def test_unknown_village_or_missing_village_fails_without_creating_a_user(
    engine: Engine, settings: Settings, villages: dict[int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add(settings, "--village", "9") == 2
    assert "หมู่ที่ 9" in capsys.readouterr().err
    assert _add(settings) == 2  # a village head needs a village
    with Session(engine) as session:
        assert session.exec(select(User)).first() is None


def test_revoke_makes_the_token_fail(
    engine: Engine, settings: Settings, villages: dict[int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add(settings, "--village", "1") == 0
    token = _token(capsys.readouterr().out)
    with Session(engine) as session:
        assert user_for_token(session=session, token=token) is not None
    assert main(["users", "revoke", "somchai"], settings=settings) == 0
    with Session(engine) as session:
        assert user_for_token(session=session, token=token) is None
    assert main(["users", "list"], settings=settings) == 0
    assert re.search(r"somchai\s+village_head\s+1\s+revoked", capsys.readouterr().out)


def test_token_rotation_replaces_the_old_token(
    engine: Engine, settings: Settings, villages: dict[int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add(settings, "--village", "1") == 0
    old = _token(capsys.readouterr().out)
    assert main(["users", "token", "somchai"], settings=settings) == 0
    new = _token(capsys.readouterr().out)
    assert new != old
    with Session(engine) as session:
        assert user_for_token(session=session, token=old) is None
        user = user_for_token(session=session, token=new)
        assert user is not None and user.username == "somchai"
    assert main(["users", "token", "nobody"], settings=settings) == 2


def test_the_database_holds_only_the_token_hash(
    engine: Engine, settings: Settings, villages: dict[int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add(settings, "--village", "1") == 0
    token = _token(capsys.readouterr().out)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "somchai")).one()
        assert user.token_hash == hashlib.sha256(token.encode()).hexdigest()
        for table in SQLModel.metadata.sorted_tables:
            for row in session.connection().execute(text(f'SELECT * FROM "{table.name}"')):
                assert not any(token in str(value) for value in row), table.name
