"""`fieldsvc --help` is quick: building the parser and printing any help loads no science
and no database library (each command imports what it needs when it runs)."""

from __future__ import annotations

import json
import subprocess
import sys

from fieldsvc.cli.analysis import STREAMS
from fieldsvc.cli.users import ROLES
from fieldsvc.models import Role, Stream

HEAVY = (
    "geopandas",
    "pandas",
    "numpy",
    "scipy",
    "shapely",
    "pyproj",
    "pulp",
    "folium",
    "networkx",
    "weasyprint",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "uvicorn",
    "fastapi",
    "pydantic",
    "pydantic_settings",
)

HELPS = [
    [],
    ["demo"],
    ["serve"],
    ["db"],
    ["db", "upgrade"],
    ["coverage"],
    ["allocate"],
    ["plans"],
    ["site"],
    ["map"],
    ["export"],
    ["export", "allocation"],
    ["export", "coverage"],
    ["import"],
    ["import", "villages"],
    ["import", "bins"],
    ["backup"],
    ["restore"],
    ["doctor"],
    ["open311"],
    ["open311", "key"],
    ["open311", "key", "add"],
    ["users"],
    ["users", "add"],
    ["users", "token"],
]

PROGRAM = """
import contextlib, io, json, sys
from fieldsvc.cli import main
from fieldsvc.cli.main import build_parser

build_parser()
printed = []
for argv in json.loads(sys.argv[1]):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            main([*argv, "--help"])
        except SystemExit as stop:
            assert stop.code == 0, (argv, stop.code)
    printed.append(out.getvalue())
heavy = sorted(m.split(".")[0] for m in sys.modules if m.split(".")[0] in json.loads(sys.argv[2]))
print(json.dumps({"heavy": sorted(set(heavy)), "printed": printed}))
"""


def test_help_imports_no_scientific_or_database_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, json.dumps(HELPS), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    answer = json.loads(done.stdout)
    assert answer["heavy"] == []
    assert len(answer["printed"]) == len(HELPS)
    assert "usage: fieldsvc [-h] COMMAND" in answer["printed"][0]
    assert "usage: fieldsvc users add" in answer["printed"][-2]
    assert "--qr-png FILE" in answer["printed"][-1]


def test_choices_written_out_for_help_match_the_models() -> None:
    assert tuple(r.value for r in Role) == ROLES
    assert tuple(s.value for s in Stream) == STREAMS
