"""Command-line options in an install of several subdistricts: ``--all`` (every subdistrict)
with one subdistrict named is a usage error."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.models import NationalRun
from tests.tenancy.conftest import TwoSubdistricts

NATIONAL = [
    ["coverage", "--all"],
    ["allocate", "--all", "--budget-baht-per-subdistrict", "9000"],
]


@pytest.mark.parametrize("command", NATIONAL, ids=["coverage", "allocate"])
def test_all_with_a_named_subdistrict_is_refused_naming_both_options(
    session: Session,
    settings: Settings,
    two: TwoSubdistricts,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    assert main([*command, "--subdistrict", "999902"], settings=settings) == 2
    err = capsys.readouterr().err
    assert "--all" in err and "--subdistrict 999902" in err, err
    assert "ใช้ร่วมกับ" in err  # Thai first, as every CLI error
    # --subdistrict-code is no option of these commands: argparse's own usage error (exit 2).
    with pytest.raises(SystemExit) as caught:
        main([*command, "--subdistrict-code", "999902"], settings=settings)
    assert caught.value.code == 2
    assert "--subdistrict-code" in capsys.readouterr().err
    assert session.exec(select(NationalRun)).all() == []  # nothing ran
