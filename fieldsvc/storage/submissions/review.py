"""Staff decisions on surveys (review) and staff corrections (a new version, re-applied)."""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, InvalidInput
from fieldsvc.models import ReviewState, Submission, User
from fieldsvc.models.enums import Channel
from fieldsvc.models.survey import SubmissionReview
from fieldsvc.storage.submissions.apply import apply_submission
from fieldsvc.storage.submissions.entity_intake import entity_applied_later
from fieldsvc.storage.submissions.receive import ReceiveResult, receive_submission
from fieldsvc.storage.submissions.records import record_from_parsed, record_to_parsed


def review_submission(
    *,
    session: Session,
    submission: Submission,
    state: ReviewState,
    comment: str | None,
    reviewer: User,
    settings: Settings,
) -> Submission:
    """Record a staff decision. Approving a held (not yet applied) current version applies it
    now, as it stands; to change values use ``correct_submission`` instead. Rejecting does not
    undo an inspection already applied (history is append-only): correct the bin instead."""
    if (
        state == ReviewState.approved
        and submission.is_current
        and submission.complete
        and not submission.applied
    ):
        apply_submission(session=session, submission=submission, settings=settings)
        entity_applied_later(session=session, settings=settings, submission=submission)
    submission.review_state = state
    session.add(submission)
    session.add(
        SubmissionReview(
            submission_id=submission.id or 0, state=state, comment=comment, reviewer_id=reviewer.id
        )
    )
    session.flush()
    return submission


CORRECTABLE_FIELDS = (
    "bin_code",
    "village_number",
    "lat",
    "lon",
    "accuracy_m",
    "condition",
    "capacity_l",
    "stream",
    "households_served",
    "village_households",
    "village_population",
    "note",
    "observed_at",
)


def correct_submission(
    *,
    session: Session,
    submission: Submission,
    changes: dict[str, Any],
    editor: User,
    settings: Settings,
    comment: str | None = None,
) -> ReceiveResult:
    """A staff correction: a new version (channel ``staff``, ``deprecated_id`` = this one) with
    ``changes`` applied, checked again and re-applied to the register. The original is kept."""
    if not submission.is_current:
        raise Conflict.of(
            "correction_of_old_version", field="id", details={"submission_id": submission.id}
        )
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
    if unknown or not changes:
        raise InvalidInput.of(
            "correction_fields_invalid",
            field=unknown[0] if unknown else "body",
            unknown=", ".join(unknown) or "nothing",
            allowed=", ".join(CORRECTABLE_FIELDS),
        )
    old = record_from_parsed(submission.parsed)
    new = dataclasses.replace(
        old,
        **changes,
        instance_id=f"uuid:{uuid.uuid4()}",
        deprecated_id=submission.instance_id,
        channel=Channel.staff,
    )
    raw = json.dumps(
        {
            "corrects": submission.instance_id,
            "changes": {k: record_to_parsed(new)[k] for k in sorted(changes)},
            "comment": comment,
            "by": editor.username,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    result = receive_submission(
        session=session,
        record=new,
        raw_payload=raw,
        content_type="application/json",
        submitter=editor,
        settings=settings,
    )
    session.add(
        SubmissionReview(
            submission_id=submission.id or 0,
            state=submission.review_state,
            comment=f"corrected by {result.submission.instance_id}"
            + (f": {comment}" if comment else ""),
            reviewer_id=editor.id,
        )
    )
    session.flush()
    return result
