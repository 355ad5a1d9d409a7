"""Errors raised by the analysis engine for bad input.

The analysis package is pure: of the rest of ``fieldsvc`` it imports only ``fieldsvc.errors``
and ``fieldsvc.problems``. Its one exception is a ``FieldsvcError`` (a catalogue code, English
and Thai messages, the ``field`` at fault and machine-readable ``details``), so the API maps
it to a 422 with the same JSON body, and a ``ValueError`` for callers of the library.
"""

from __future__ import annotations

from fieldsvc.errors import FieldsvcError


class AnalysisInputError(FieldsvcError, ValueError):
    """An input to an analysis function is missing, malformed or inconsistent.

    Raised from the catalogue (``AnalysisInputError.of("crs_missing", field=name, name=name)``)
    or with inline messages and a ``code`` (``AnalysisInputError("...", code="crs_missing")``).
    """

    code = "analysis_invalid_input"
