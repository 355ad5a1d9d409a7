"""Pick the source column of each field of a map layer by its name.

Column names are matched loosely (case, spaces, ``_``, ``-``, ``.`` ignored) because the
same field arrives as ``VILL_NO``, ``vill no`` or ``หมู่ที่`` depending on who drew the map.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from fieldsvc.ingest.errors import LayerReadError

_KEY_IGNORED = re.compile(r"[\s_\-.:/()]+")


@dataclass(frozen=True)
class FieldRole:
    """An output column and the source column names it is guessed from, in order."""

    column: str
    label_th: str
    candidates: tuple[str, ...]


def column_key(name: str) -> str:
    """Return the loose matching key of a column name.

    Examples
    --------
    >>> column_key("VILL_NO") == column_key("vill no")
    True
    """
    return _KEY_IGNORED.sub("", unicodedata.normalize("NFC", name)).casefold()


def find_column(
    columns: Sequence[str], role: FieldRole, *, given: str | None, file: str
) -> str | None:
    """Return the source column for ``role``: ``given`` if set, else the first good guess.

    Raises
    ------
    LayerReadError
        ``field_not_found`` when ``given`` names a column the file does not have.
    """
    by_key: dict[str, str] = {}
    for name in columns:
        by_key.setdefault(column_key(name), name)
    if given is not None:
        if given in columns:
            return given
        if column_key(given) in by_key:
            return by_key[column_key(given)]
        raise LayerReadError(
            "field_not_found",
            file=file,
            field=given,
            role_th=role.label_th,
            role_en=role.column,
            columns=", ".join(columns) or "-",
        )
    for candidate in role.candidates:
        if column_key(candidate) in by_key:
            return by_key[column_key(candidate)]
    return None
