"""Errors raised by the analysis engine for bad input.

The analysis package is pure and imports nothing from the rest of ``fieldsvc``; its one
exception mirrors the shape of the project's domain errors (stable ``code``, English and
Thai messages, the ``field`` at fault and machine-readable ``details``) so the API can map
it to a 422 with the same JSON body.
"""

from __future__ import annotations

from typing import Any


class AnalysisInputError(ValueError):
    """An input to an analysis function is missing, malformed or inconsistent.

    Parameters
    ----------
    message_en, message_th
        What went wrong, for a person.
    code
        Stable machine code, e.g. ``"crs_missing"``.
    field
        The input (frame, column or parameter) at fault.
    details
        Extras such as the value received and what was expected.
    """

    def __init__(
        self,
        message_en: str,
        *,
        code: str = "analysis_invalid_input",
        message_th: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_en = message_en
        self.message_th = message_th or message_en
        self.field = field
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        """Return the error in the project's one error shape."""
        return {
            "code": self.code,
            "message": self.message_en,
            "message_th": self.message_th,
            "field": self.field,
            "details": self.details,
        }
