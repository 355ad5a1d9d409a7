"""Surveys as received: store, check and apply them (``receive``, ``apply``), staff decisions
and corrections (``review``), and the look-ups (``queries``).

Every channel (OpenRosa, the web form's JSON, spreadsheets, staff corrections) comes through
``receive_submission``. It is idempotent on ``record.instance_id``:

* the identical payload again → ``"duplicate"`` (nothing new is stored; a split upload's last
  part marks an incomplete submission complete and applies it);
* the same id with a different payload → ``SubmissionConflict`` (409);
* ``deprecated_id`` set → a new version (``"edited"``); the old one is kept, marked not current,
  and the edit reaches the bin as a ``correction`` inspection.

Surveys with a ``"reject"`` flag are kept but not applied until staff approve or correct them
(``review_submission``, ``correct_submission``). The caller commits.
"""

from fieldsvc.models.survey import SubmissionReview
from fieldsvc.storage.submissions.apply import apply_submission
from fieldsvc.storage.submissions.queries import (
    attach_media,
    attachment_versions,
    attachments_of,
    first_photos,
    get_submission_by_instance,
    has_staff_review,
    list_submissions,
    media_type_and_name,
    photos_received_since,
    require_submission,
    reviews_of,
    submission_versions,
    submissions_holding_media,
)
from fieldsvc.storage.submissions.receive import Outcome, ReceiveResult, receive_submission
from fieldsvc.storage.submissions.records import (
    add_flags,
    payload_digest,
    record_from_parsed,
    record_to_parsed,
    set_flags_of_code,
)
from fieldsvc.storage.submissions.review import (
    CORRECTABLE_FIELDS,
    correct_submission,
    review_submission,
)

__all__ = [
    "CORRECTABLE_FIELDS",
    "Outcome",
    "ReceiveResult",
    "SubmissionReview",
    "add_flags",
    "apply_submission",
    "attach_media",
    "attachment_versions",
    "attachments_of",
    "first_photos",
    "correct_submission",
    "get_submission_by_instance",
    "has_staff_review",
    "list_submissions",
    "media_type_and_name",
    "payload_digest",
    "photos_received_since",
    "receive_submission",
    "record_from_parsed",
    "record_to_parsed",
    "require_submission",
    "review_submission",
    "reviews_of",
    "set_flags_of_code",
    "submission_versions",
    "submissions_holding_media",
]
