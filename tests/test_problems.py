"""The problem catalogue is complete: every code the source raises or flags is in it, and every
template formats with the parameters it declares, in Thai and in English."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.api.errors import http_status
from fieldsvc.errors import FieldsvcError, InvalidInput, NotFound
from fieldsvc.ingest.checks import FLAG_LABELS, Flag
from fieldsvc.ingest.errors import LayerReadError
from fieldsvc.problems import CATALOGUE, http_statuses, render, render_line, template_fields

FIELDSVC = Path(__file__).parents[1] / "fieldsvc"

#: Calls whose first argument is a catalogue key.
KEY_FUNCTIONS = {"of", "render", "render_line", "problem", "LayerReadError", "sheet_failure"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_flag_of(func: ast.expr) -> bool:
    """``Flag.of(...)``: its key must be a survey flag, not an error."""
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "of"
        and isinstance(func.value, ast.Name)
        and func.value.id == "Flag"
    )


def _first_literal(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _uses() -> Iterator[tuple[str, str, str]]:
    """(kind, literal, where) for every catalogue key or code written in the package."""
    for path in sorted(FIELDSVC.rglob("*.py")):
        if "problems" in path.relative_to(FIELDSVC).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(FIELDSVC.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                name, literal = _name(node.func), _first_literal(node)
                if literal is not None and (name == "Flag" or _is_flag_of(node.func)):
                    yield "flag", literal, where
                elif literal is not None and name in KEY_FUNCTIONS:
                    yield "key", literal, where
                for keyword in node.keywords:
                    value = keyword.value
                    if (
                        keyword.arg == "code"
                        and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                    ):
                        yield "code", value.value, where
            elif isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and [getattr(t, "id", None) for t in statement.targets] == ["code"]
                        and isinstance(statement.value, ast.Constant)
                    ):
                        yield "code", str(statement.value.value), where


USES = list(_uses())


def test_the_scan_finds_the_codes_in_use() -> None:
    kinds = {kind for kind, _, _ in USES}
    assert kinds == {"key", "flag", "code"}
    assert len({literal for _, literal, _ in USES}) >= 100


def test_every_key_and_code_used_in_the_source_is_in_the_catalogue() -> None:
    missing = [f"{where}: {literal!r}" for _, literal, where in USES if literal not in CATALOGUE]
    assert missing == []


#: Modules that may build an error or flag from finished messages: the exception base (``of``
#: calls it), a layer error that renders its own catalogue entry, and the flag read back from
#: the database.
MESSAGE_BUILDERS = {"fieldsvc/errors.py", "fieldsvc/ingest/errors.py", "fieldsvc/ingest/checks.py"}


def test_no_error_or_flag_is_worded_outside_the_catalogue() -> None:
    """Thai and English messages live in ``fieldsvc/problems/``; a raise site passes a key."""
    inline = []
    for path in sorted(FIELDSVC.rglob("*.py")):
        where = path.relative_to(FIELDSVC.parent).as_posix()
        if "problems" in path.relative_to(FIELDSVC).parts or where in MESSAGE_BUILDERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (
                _name(node.func) == "Flag" or any(k.arg == "message_th" for k in node.keywords)
            ):
                inline.append(f"{where}:{node.lineno}")
    assert inline == []


def test_every_error_code_has_an_http_status() -> None:
    statuses = http_statuses()
    for kind, literal, where in USES:
        item = CATALOGUE[literal]
        if kind == "code":
            assert item.scope == "request" and literal in statuses, where
        if kind == "flag":
            assert item.scope == "survey", where


def test_every_flag_code_raised_anywhere_has_a_label() -> None:
    """FLAG_LABELS feeds the review filter; a flag without a label would be unfilterable."""
    raised = {
        CATALOGUE[literal].public_code
        for kind, literal, _ in USES
        if literal in CATALOGUE and CATALOGUE[literal].scope == "survey"
    }
    assert len(raised) >= 15
    assert raised == set(FLAG_LABELS)
    assert all(th and en for th, en in FLAG_LABELS.values())


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_each_template_formats_with_its_declared_parameters(key: str) -> None:
    item = CATALOGUE[key]
    assert item.severity in ("error", "hold", "note")
    assert item.th and item.en
    used_th, used_en = template_fields(item.th), template_fields(item.en)
    assert used_th | used_en == set(item.params)
    assert set(item.defaults) <= set(item.params)
    # A number formats under every spec the catalogue uses (",", ".1f", "g", "!r").
    th, en = item.render(**{name: 1234 for name in item.params})
    assert "{" not in th.replace("{'", "") and "{" not in en.replace("{'", "")


def test_every_public_code_is_itself_an_entry_of_the_same_scope() -> None:
    for item in CATALOGUE.values():
        primary = CATALOGUE[item.public_code]
        assert primary.key == primary.public_code
        assert item.scope == primary.scope, item.key
        if item.scope == "request":
            assert item.severity == "error", item.key
            assert primary.status is not None, item.key
            assert item.status in (None, primary.status), item.key
        else:
            assert item.status is None, item.key
        if item.scope == "survey":
            assert item.severity in ("hold", "note"), item.key


def test_render_refuses_a_missing_or_unknown_parameter() -> None:
    with pytest.raises(TypeError, match="missing"):
        render("user_exists")
    with pytest.raises(TypeError, match="unknown"):
        render("user_exists", username="somchai", role="admin")


def test_errors_from_the_catalogue_carry_its_code_and_messages() -> None:
    error = InvalidInput.of("user_exists", field="username", username="somchai")
    assert error.as_dict() == {
        "code": "invalid_input",
        "message": "User 'somchai' already exists",
        "message_th": "มีผู้ใช้ชื่อ somchai อยู่แล้ว",
        "field": "username",
        "details": {},
    }
    assert http_status(NotFound.of("bin_not_found", bin_code="A-1")) == 404
    with pytest.raises(ValueError, match="not an error to raise"):
        InvalidInput.of("polygon_repaired")


def test_the_old_inline_constructor_still_works() -> None:
    error = NotFound("No plan", message_th="ไม่มีแผน", field="plan")
    assert (error.code, http_status(error), error.message_th, error.field) == (
        "not_found",
        404,
        "ไม่มีแผน",
        "plan",
    )


def test_every_layer_raises_one_exception_family() -> None:
    analysis = AnalysisInputError.of("crs_missing", field="bins", name="bins")
    assert isinstance(analysis, FieldsvcError) and isinstance(analysis, ValueError)
    assert (analysis.code, http_status(analysis)) == ("crs_missing", 422)
    assert analysis.message_th == "ข้อมูล bins ไม่มีระบบพิกัด (CRS)"
    layer = LayerReadError("zip_too_large", file="v.zip", limit_mb=500)
    assert isinstance(layer, FieldsvcError)
    assert (layer.code, http_status(layer)) == ("zip_too_large", 422)
    assert layer.message_en == "Zip file 'v.zip' unpacks to more than 500 MB."


def test_flags_take_their_code_severity_and_messages_from_the_catalogue() -> None:
    flag = Flag.of("population_below_households", "population", population=3, households=5)
    assert (flag.code, flag.severity) == ("impossible_value", "review")
    assert flag.message_en.startswith("population = 3 is less than households = 5")
    held = Flag.of("unknown_village", "village", severity="reject", village=9)
    assert (held.code, held.severity) == ("unknown_village", "reject")
    with pytest.raises(ValueError, match="not a survey flag"):
        Flag.of("user_exists", "username", username="x")


def test_import_report_notes_come_from_the_catalogue() -> None:
    assert render_line("header_row_moved", row=3) == "แถวหัวตารางอยู่ที่แถว 3 / header row is row 3"
    assert CATALOGUE["polygon_repaired"].scope == "row"
    assert "polygon_repaired" not in FLAG_LABELS


def _fieldsvc_imports(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
    return {name for name in found if name.split(".")[0] == "fieldsvc"}


def test_the_catalogue_and_the_analysis_stay_at_the_bottom_of_the_house() -> None:
    """The catalogue imports nothing of fieldsvc; the pure analysis only errors and problems."""
    assert {m for m in _fieldsvc_imports(FIELDSVC / "problems")} <= {
        "fieldsvc.problems",
        "fieldsvc.problems.model",
    }
    outside = {
        m for m in _fieldsvc_imports(FIELDSVC / "analysis") if not m.startswith("fieldsvc.analysis")
    }
    assert outside == {"fieldsvc.errors"}
