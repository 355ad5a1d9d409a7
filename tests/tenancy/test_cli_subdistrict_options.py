"""Command-line options in an install of several subdistricts: ``--all`` (every subdistrict)
with one subdistrict named is a usage error, and a village number (หมู่ที่) names a village of
the chosen subdistrict: a number two subdistricts share needs ``--subdistrict``."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.models import InspectionPolicy, IssuedCode, NationalRun
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


def _policies(session: Session) -> list[tuple[int | None, int | None]]:
    session.expire_all()
    rows = session.exec(select(InspectionPolicy).order_by(col(InspectionPolicy.id))).all()
    return [(row.village_id, row.usable_days) for row in rows]


def test_rounds_policy_village_number_is_of_the_named_subdistrict(
    session: Session, settings: Settings, two: TwoSubdistricts, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = ["rounds", "policy", "--usable-days"]
    # หมู่ 1 is in A and in B: which one is not guessed.
    assert main([*policy, "10", "--village", "1"], settings=settings) == 2
    err = capsys.readouterr().err
    assert "999901" in err and "999902" in err and "--subdistrict" in err, err
    assert _policies(session) == []
    assert (
        main([*policy, "11", "--village", "1", "--subdistrict", "999902"], settings=settings) == 0
    )
    assert _policies(session) == [(two.b.village_ids[1], 11)]  # B's หมู่ 1, not A's
    # หมู่ 3 only in A: no need to say which subdistrict …
    assert main([*policy, "12", "--village", "3"], settings=settings) == 0
    assert _policies(session)[-1] == (two.a.village_ids[3], 12)
    # … and B has none: refused, nothing written for A's หมู่ 3 in B's name.
    assert (
        main([*policy, "13", "--village", "3", "--subdistrict", "999902"], settings=settings) == 2
    )
    assert "3" in capsys.readouterr().err
    assert (
        main([*policy, "14", "--village", "1", "--subdistrict", "999909"], settings=settings) == 2
    )
    assert "999909" in capsys.readouterr().err
    assert len(_policies(session)) == 2


def test_labels_village_number_is_of_the_named_subdistrict(
    session: Session,
    settings: Settings,
    two: TwoSubdistricts,
    capsys: pytest.CaptureFixture[str],
    tmp_path: object,
) -> None:
    out = f"{tmp_path}/labels.pdf"
    labels = ["labels", "--village", "2", "--fresh", "2", "--out", out]
    assert main(labels, settings=settings) == 2
    assert "999901" in capsys.readouterr().err
    assert session.exec(select(IssuedCode)).all() == []
    assert main([*labels, "--subdistrict", "999902"], settings=settings) == 0
    session.expire_all()
    issued = session.exec(select(IssuedCode)).all()
    assert len(issued) == 2 and {row.village_id for row in issued} == {two.b.village_ids[2]}
