"""Tables and documents written by file extension (the CLI's ``--out`` options)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import Point

from fieldsvc.errors import InvalidInput
from fieldsvc.reports.tables import (
    document_format,
    wants_geometry,
    with_geometry,
    write_document,
    write_table_file,
)


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({"village_id": [1, 2], "name": ["บ้านหนึ่ง", "บ้านสอง"], "households": [20, 5]})


def test_csv_has_a_bom_for_excel_and_no_geometry(table: pd.DataFrame, tmp_path: Path) -> None:
    shapes = gpd.GeoDataFrame(
        {"village_id": [1, 2]}, geometry=[Point(100.5, 14.0), Point(100.6, 14.1)], crs=4326
    )
    out = tmp_path / "deep" / "coverage.csv"
    write_table_file(with_geometry(table, shapes, on="village_id"), out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
    assert rows[0] == {"village_id": "1", "name": "บ้านหนึ่ง", "households": "20"}


def test_xlsx_sheet_is_named(table: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    write_table_file(table, out, sheet="plan")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["plan"]
    assert [c.value for c in book["plan"][2]] == [1, "บ้านหนึ่ง", 20]


def test_geojson_carries_the_joined_shapes(table: pd.DataFrame, tmp_path: Path) -> None:
    shapes = gpd.GeoDataFrame({"village_id": [2]}, geometry=[Point(100.6, 14.1)], crs=4326)
    out = tmp_path / "coverage.geojson"
    assert wants_geometry(out) and not wants_geometry(tmp_path / "c.CSV")
    write_table_file(with_geometry(table, shapes, on="village_id"), out)
    features = json.loads(out.read_text("utf-8"))["features"]
    assert [f["geometry"] for f in features] == [
        None,
        {"type": "Point", "coordinates": [100.6, 14.1]},
    ]


def test_map_file_of_a_plain_table_and_unknown_types_are_refused(
    table: pd.DataFrame, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match="no geometry"):
        write_table_file(table, tmp_path / "t.gpkg")
    with pytest.raises(InvalidInput) as caught:
        write_table_file(table, tmp_path / "t.txt")
    assert caught.value.field == "out" and ".xlsx" in caught.value.message_th


def test_document_format_from_option_or_extension(tmp_path: Path) -> None:
    allowed = ("pdf", "xlsx", "csv")
    assert document_format(tmp_path / "list.PDF", None, allowed) == "pdf"
    assert document_format(tmp_path / "list.bin", "csv", allowed) == "csv"
    with pytest.raises(InvalidInput) as caught:
        document_format(tmp_path / "list.docx", None, allowed)
    assert caught.value.details == {"value": "docx", "expected": ["pdf", "xlsx", "csv"]}


def test_write_document_makes_the_folder(tmp_path: Path) -> None:
    out = write_document(tmp_path / "a" / "b" / "list.pdf", b"%PDF-1.7")
    assert out.read_bytes() == b"%PDF-1.7"
