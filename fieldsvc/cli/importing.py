"""What every ``fieldsvc import`` command shares: the file options it takes, and the run that
opens the database, calls one import use case and prints its summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from fieldsvc.cli.console import say
from fieldsvc.cli.db import database_session

if TYPE_CHECKING:
    from fieldsvc.config import Settings


class Summarised(Protocol):
    """What an import use case returns: an outcome that can say what happened."""

    def summary(self) -> str: ...


def run_import(
    settings: Settings,
    announce: str,
    use_case: Callable[..., Summarised],
    /,
    **arguments: Any,
) -> int:
    """Say ``announce``, run ``use_case(session=..., **arguments)`` in one committed database
    session, then print the outcome's summary; the command's exit status."""
    with database_session(settings) as session:
        say(announce)
        outcome = use_case(session=session, **arguments)
    say(outcome.summary())
    return 0


def add_map_options(parser: Any) -> None:
    """``--encoding``, ``--layer`` and ``--crs`` of a map file (GeoJSON, GeoPackage, ...)."""
    parser.add_argument("--encoding", help="text encoding of attributes, e.g. cp874 (TIS-620)")
    parser.add_argument("--layer", help="layer name inside a GeoPackage or KML")
    parser.add_argument(
        "--crs",
        dest="source_crs",
        help="CRS of a file that does not say, e.g. EPSG:24047 (Indian 1975 / UTM 47N)",
    )


def add_sheet_option(parser: Any) -> None:
    """``--sheet``: the worksheet of an Excel file."""
    parser.add_argument("--sheet", help="worksheet name (or number) in an Excel file")


def add_table_options(parser: Any) -> None:
    """The options of a CSV/Excel table for one subdistrict: ``--subdistrict-code``,
    ``--encoding`` and ``--sheet``."""
    parser.add_argument("--subdistrict-code", help="the subdistrict (when there are several)")
    parser.add_argument("--encoding", help="text encoding of a CSV, e.g. cp874")
    add_sheet_option(parser)
