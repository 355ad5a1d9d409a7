"""A survey record as stored on its ``Submission``: the parsed JSON, the payload digest, flags."""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from fieldsvc.ingest.checks import Flag
from fieldsvc.ingest.survey import SurveyRecord
from fieldsvc.models import ReviewState, Submission
from fieldsvc.models.enums import Channel, Condition, Stream


def record_to_parsed(record: SurveyRecord) -> dict[str, Any]:
    """A ``SurveyRecord`` as plain JSON (enums as strings, times as ISO 8601)."""
    out: dict[str, Any] = {}
    for name in SurveyRecord.__dataclass_fields__:
        value = getattr(record, name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Channel | Condition | Stream):
            value = value.value
        out[name] = value
    return out


def record_from_parsed(parsed: dict[str, Any]) -> SurveyRecord:
    values = dict(parsed)
    values["channel"] = Channel(values["channel"])
    for name, enum in (
        ("condition", Condition),
        ("stream", Stream),
        ("default_stream", Stream),
    ):
        values[name] = enum(values[name]) if values.get(name) else None
    if values.get("observed_at"):
        values["observed_at"] = datetime.fromisoformat(values["observed_at"])
    if values.get("installed_on"):
        values["installed_on"] = date.fromisoformat(values["installed_on"])
    values["photo_names"] = tuple(values.get("photo_names") or ())
    known = SurveyRecord.__dataclass_fields__
    return SurveyRecord(**{k: v for k, v in values.items() if k in known})


def payload_digest(raw_payload: str, content_type: str) -> str:
    """SHA-256 of the payload; JSON is compared canonically so a re-serialised retry matches."""
    body = raw_payload
    if "json" in content_type:
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(raw_payload), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def add_flags(*, session: Session, submission: Submission, flags: list[Flag]) -> None:
    """Add flags found after receiving (e.g. a rejected photo), without duplicates."""
    stored = list(submission.flags or [])
    seen = {(f.get("code"), f.get("field")) for f in stored}
    for flag in flags:
        if (flag.code, flag.field) not in seen:
            stored.append(flag.as_dict())
            seen.add((flag.code, flag.field))
    submission.flags = stored
    if stored and submission.review_state == ReviewState.received:
        submission.review_state = ReviewState.has_issues
    session.add(submission)
    session.flush()


def set_flags_of_code(
    *, session: Session, submission: Submission, code: str, flags: list[Flag]
) -> bool:
    """Make ``flags`` the submission's flags of one ``code``, each kept per field: a flag
    already stored for a field stays as it was, one whose cause is gone is dropped (e.g. a
    photo that could not be opened, replaced by one that can). A survey left without any flag
    goes back from ``has_issues`` to ``received`` (its flags alone had put it there: photos
    change only until staff review it). Returns whether anything changed (nothing is written
    otherwise)."""
    stored = list(submission.flags or [])
    wanted = {flag.field: flag for flag in flags}
    kept = [f for f in stored if f.get("code") != code or f.get("field") in wanted]
    have = {f.get("field") for f in kept if f.get("code") == code}
    kept += [flag.as_dict() for field, flag in wanted.items() if field not in have]
    if kept == stored:
        return False
    submission.flags = kept
    if kept and submission.review_state == ReviewState.received:
        submission.review_state = ReviewState.has_issues
    elif not kept and submission.review_state == ReviewState.has_issues:
        submission.review_state = ReviewState.received
    session.add(submission)
    session.flush()
    return True
