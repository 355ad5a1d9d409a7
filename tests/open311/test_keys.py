"""``fieldsvc open311 key``: a partner's key is printed once, stored only as its SHA-256, and
stops working when revoked."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.models import Open311Key
from fieldsvc.storage.open311_keys import active_key


def test_a_key_is_printed_once_and_stored_hashed(
    settings: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["open311", "key", "add", "CityApp"], settings=settings) == 0
    printed = capsys.readouterr().out
    (key,) = re.findall(r"api_key: (\S+)", printed)
    assert len(key) >= 40
    with Session(engine) as session:
        (record,) = session.exec(select(Open311Key)).all()
        assert record.name == "CityApp"
        assert record.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in repr(record.model_dump())
        found = active_key(session=session, key=key)
        assert found is not None and found.name == "CityApp"
        assert active_key(session=session, key="") is None
        assert active_key(session=session, key=key + "x") is None
    assert main(["open311", "key", "list"], settings=settings) == 0
    listing = capsys.readouterr().out
    assert "CityApp" in listing and "active" in listing and key not in listing


def test_a_name_is_taken_once_and_a_revoked_key_stops(
    settings: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["open311", "key", "add", "CityApp"], settings=settings) == 0
    (key,) = re.findall(r"api_key: (\S+)", capsys.readouterr().out)
    assert main(["open311", "key", "add", "CityApp"], settings=settings) == 2
    assert "CityApp" in capsys.readouterr().err
    assert main(["open311", "key", "revoke", "CityApp"], settings=settings) == 0
    assert main(["open311", "key", "revoke", "Nobody"], settings=settings) == 2
    with Session(engine) as session:
        assert active_key(session=session, key=key) is None
        assert len(session.exec(select(Open311Key)).all()) == 1
    capsys.readouterr()
    assert main(["open311", "key", "list"], settings=settings) == 0
    assert "revoked" in capsys.readouterr().out
