"""Walk the rows of a read layer with their 1-based number and source layer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from fieldsvc.ingest.layer_files import SOURCE_LAYER_COLUMN
from fieldsvc.ingest.report import NoteCollector
from fieldsvc.ingest.values import describe, is_blank
from fieldsvc.problems import render

T = TypeVar("T")


@dataclass(frozen=True)
class Row:
    """One feature: its attributes, geometry and where it is in the file."""

    number: int
    layer: str | None
    values: dict[str, object]
    geometry: BaseGeometry | None
    notes: NoteCollector

    def get(self, column: str | None) -> object:
        """Return the value of ``column`` (None when no such column was found)."""
        return None if column is None else self.values.get(column)

    def reject(self, th: str, en: str, value: object = None) -> None:
        """Note this row as rejected."""
        self.notes.reject(self.number, th, en, describe(value), self.layer)

    def repair(self, th: str, en: str, value: object = None) -> None:
        """Note this row as loaded after a change."""
        self.notes.repair(self.number, th, en, describe(value), self.layer)

    def optional(
        self, parse: Callable[[object], T | None], column: str | None, label_th: str, label_en: str
    ) -> T | None:
        """Parse an optional value; a blank one is None, an unreadable one is left blank and
        noted as a repair."""
        value = self.get(column)
        if is_blank(value):
            return None
        try:
            return parse(value)
        except ValueError:
            why = render("row_value_unreadable", label_th=label_th, label_en=label_en)
            self.repair(*why, value)
            return None


def iter_rows(frame: gpd.GeoDataFrame, notes: NoteCollector) -> Iterator[Row]:
    """Yield each feature in file order, numbered from 1."""
    geometry_name = frame.geometry.name
    records = frame.drop(columns=geometry_name).to_dict("records")
    for position, (values, geometry) in enumerate(zip(records, frame.geometry, strict=True)):
        layer = values.get(SOURCE_LAYER_COLUMN)
        yield Row(
            number=position + 1,
            layer=layer if isinstance(layer, str) else None,
            values={str(key): value for key, value in values.items()},
            geometry=geometry,
            notes=notes,
        )
