"""The problem catalogue: every error and every survey flag, with stable codes.

``problem(key)`` finds an entry, ``render(key, **params)`` fills its Thai and English
templates. Exceptions (``fieldsvc.errors``) and flags (``fieldsvc.ingest.checks``) are built
from it; the API maps its codes to HTTP, the review page reads its flag labels.
The entries are grouped by area: ``general`` (request and access errors), ``files`` (files and
sheets, files written), ``served`` (forms, tiles, open data), ``intake`` (phone submissions and
photos), ``flags`` (survey checks), ``plans``,
``places`` (a subdistrict's starting data), ``backups``, ``analysis`` and ``rows`` (the notes of
an import report).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

from fieldsvc.problems import (
    analysis,
    backups,
    buildings,
    citizen,
    coverage_history,
    features,
    files,
    flags,
    general,
    intake,
    labels,
    open311,
    places,
    plans,
    province,
    review,
    rounds,
    rows,
    served,
    tenancy,
    traffy,
    transfer,
    work_orders,
)
from fieldsvc.problems.model import Problem, Scope, Severity, entry, template_fields

__all__ = [
    "CATALOGUE",
    "Problem",
    "Severity",
    "entry",
    "flag_labels",
    "http_statuses",
    "problem",
    "render",
    "render_line",
    "Scope",
    "template_fields",
]


def index(problems: Iterable[Problem]) -> dict[str, Problem]:
    """Key -> problem; a key given twice is a mistake in the table."""
    table: dict[str, Problem] = {}
    for item in problems:
        if item.key in table:
            raise ValueError(f"problem key {item.key!r} is in the catalogue twice")
        table[item.key] = item
    return table


CATALOGUE: Final[Mapping[str, Problem]] = MappingProxyType(
    index(
        [
            *general.PROBLEMS,
            *served.PROBLEMS,
            *intake.PROBLEMS,
            *flags.PROBLEMS,
            *files.PROBLEMS,
            *labels.PROBLEMS,
            *citizen.PROBLEMS,
            *open311.PROBLEMS,
            *coverage_history.PROBLEMS,
            *plans.PROBLEMS,
            *transfer.PROBLEMS,
            *province.PROBLEMS,
            *tenancy.PROBLEMS,
            *review.PROBLEMS,
            *places.PROBLEMS,
            *backups.PROBLEMS,
            *analysis.PROBLEMS,
            *rows.PROBLEMS,
            *buildings.PROBLEMS,
            *features.PROBLEMS,
            *traffy.PROBLEMS,
            *rounds.PROBLEMS,
            *work_orders.PROBLEMS,
        ]
    )
)


def problem(key: str) -> Problem:
    """The catalogue entry for ``key``; a ``KeyError`` names an uncatalogued key."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise KeyError(f"{key!r} is not in the problem catalogue (fieldsvc/problems/)") from None


def render(key: str, /, **params: object) -> tuple[str, str]:
    """Thai and English messages of ``key`` (see ``Problem.render``)."""
    return problem(key).render(**params)


def render_line(key: str, /, **params: object) -> str:
    """``"Thai / English"`` in one line, as the import report's file-level warnings read."""
    message_th, message_en = render(key, **params)
    return f"{message_th} / {message_en}"


def http_statuses() -> dict[str, int]:
    """Public error code -> HTTP status, for the API's one error handler.

    The status is on the entry whose key is the code; its variants (same code) share it.
    """
    return {
        item.key: item.status
        for item in CATALOGUE.values()
        if item.scope == "request" and item.status is not None and item.public_code == item.key
    }


def flag_labels() -> dict[str, tuple[str, str]]:
    """Flag code -> short (Thai, English) label, in catalogue order, for the review filters."""
    return {
        item.key: (item.label_th, item.label_en)
        for item in CATALOGUE.values()
        if item.scope == "survey" and item.public_code == item.key
    }
