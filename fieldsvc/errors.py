"""Domain errors with stable codes. No web imports: the API maps ``status`` to HTTP."""

from __future__ import annotations

from typing import Any


class FieldsvcError(Exception):
    """Base of every expected, explainable failure.

    Parameters
    ----------
    message_en, message_th
        What went wrong, for a person; Thai is shown first in the UI.
    field
        The input field at fault, when there is one.
    details
        Machine-readable extras (the value received, what was expected, ...).
    """

    code: str = "error"
    status: int = 400

    def __init__(
        self,
        message_en: str,
        *,
        message_th: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_th = message_th or message_en
        self.field = field
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        """The one error shape used by the API and the CLI."""
        return {
            "code": self.code,
            "message": self.message_en,
            "message_th": self.message_th,
            "field": self.field,
            "details": self.details,
        }


class InvalidInput(FieldsvcError):
    code = "invalid_input"
    status = 422


class NotFound(FieldsvcError):
    code = "not_found"
    status = 404


class Conflict(FieldsvcError):
    code = "conflict"
    status = 409


class SubmissionConflict(Conflict):
    code = "submission_conflict"


class Unauthorized(FieldsvcError):
    code = "unauthorized"
    status = 401


class Forbidden(FieldsvcError):
    code = "forbidden"
    status = 403


class PayloadTooLarge(FieldsvcError):
    code = "payload_too_large"
    status = 413


class ImportFailed(FieldsvcError):
    """A whole file could not be imported (empty, unreadable, unknown CRS ...)."""

    code = "import_failed"
    status = 422
