"""A staff correction of a survey, parsed one way for the JSON API and the review page's form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.values import bin_code_field
from fieldsvc.models import Condition, Stream


class CorrectionIn(BaseModel):
    """Fields to change; only those sent are changed. Values are re-checked like a survey."""

    model_config = ConfigDict(extra="forbid")

    bin_code: str | None = Field(default=None, min_length=1, max_length=40)
    village: int | None = None
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    condition: Condition | None = None
    capacity_l: int | None = None
    stream: Stream | None = None
    households: int | None = None
    population: int | None = None
    note: str | None = Field(default=None, max_length=2000)
    observed_at: datetime | None = None
    comment: str | None = Field(default=None, max_length=2000, description="Why (not a field)")

    @field_validator("bin_code")
    @classmethod
    def _bin_code_rule(cls, value: str | None) -> str | None:
        return bin_code_field(value)

    def changed_fields(self) -> dict[str, Any]:
        """The fields sent, without the comment (names as in this schema)."""
        sent = self.model_dump(exclude_unset=True)
        sent.pop("comment", None)
        return sent


#: The review page's correction form: form field → (schema field, how its text is read).
CORRECTION_FORM_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "bin_code": ("bin_code", str),
    "village_number": ("village", int),
    "condition": ("condition", Condition),
    "stream": ("stream", Stream),
    "capacity_l": ("capacity_l", int),
    "lat": ("lat", float),
    "lon": ("lon", float),
}


def correction_from_form(form: Mapping[str, Any]) -> CorrectionIn:
    """A :class:`CorrectionIn` from the review page's form; empty boxes are not sent."""
    sent: dict[str, Any] = {}
    for name, (field, kind) in CORRECTION_FORM_FIELDS.items():
        raw = str(form.get(name) or "").strip()
        if not raw:
            continue
        try:
            sent[field] = kind(raw)
        except ValueError as exc:
            raise InvalidInput.of(
                "correction_value_invalid",
                field=name,
                details={"value": raw},
                field_name=name,
                value=raw,
                kind=getattr(kind, "__name__", "value"),
            ) from exc
    comment = str(form.get("comment") or "").strip()
    if comment:
        sent["comment"] = comment
    try:
        return CorrectionIn.model_validate(sent)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "body"
        raise InvalidInput.of(
            "request_invalid", field=where, field_name=where, reason=problem["msg"]
        ) from exc
