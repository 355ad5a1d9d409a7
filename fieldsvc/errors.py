"""The one exception base of fieldsvc. No web imports: ``fieldsvc.api.errors`` maps each
error's catalogue code to HTTP.

Errors are raised from the problem catalogue (``InvalidInput.of("user_exists", username=...)``).
The constructor takes finished messages: ``of`` calls it, and so do the few places that wrap a
message written elsewhere (a layer's catalogue entry, the web framework's own answers).
"""

from __future__ import annotations

from typing import Any, Self

from fieldsvc.problems import problem


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
    code
        The catalogue code, when it is not the class's generic one.
    """

    code: str = "error"

    def __init__(
        self,
        message_en: str,
        *,
        message_th: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message_en)
        if code is not None:
            self.code = code
        self.message_en = message_en
        self.message_th = message_th or message_en
        self.field = field
        self.details = details or {}

    @classmethod
    def of(
        cls,
        key: str,
        /,
        *,
        field: str | None = None,
        details: dict[str, Any] | None = None,
        **params: object,
    ) -> Self:
        """The error ``key`` of the catalogue, its messages filled with ``params``."""
        entry = problem(key)
        if entry.scope != "request":
            raise ValueError(f"{key!r} is a {entry.scope} problem, not an error to raise")
        message_th, message_en = entry.render(**params)
        return cls(
            message_en,
            message_th=message_th,
            field=field,
            details=details,
            code=entry.public_code,
        )

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


class NotFound(FieldsvcError):
    code = "not_found"


class Conflict(FieldsvcError):
    code = "conflict"


class SubmissionConflict(Conflict):
    code = "submission_conflict"


class Unauthorized(FieldsvcError):
    code = "unauthorized"


class Forbidden(FieldsvcError):
    code = "forbidden"


class PayloadTooLarge(FieldsvcError):
    code = "payload_too_large"


class TooManyRequests(FieldsvcError):
    """A quota is used up (429); the client may try again later."""

    code = "too_many_requests"


class ImportFailed(FieldsvcError):
    """A whole file could not be imported (empty, unreadable, unknown CRS ...)."""

    code = "import_failed"
