"""Read and record look-ups of submissions, their attachments and reviews."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from fieldsvc.errors import NotFound
from fieldsvc.models import Attachment, AttachmentVersion, ReviewState, Submission
from fieldsvc.models.survey import SubmissionReview
from fieldsvc.models.types import utc_now
from fieldsvc.storage.submissions.selection import SurveySelection


def get_submission_by_instance(*, session: Session, instance_id: str) -> Submission | None:
    return session.exec(select(Submission).where(Submission.instance_id == instance_id)).first()


def has_submissions(*, session: Session) -> bool:
    """True once any survey has been received."""
    return session.exec(select(Submission.id).limit(1)).first() is not None


def attachments_of(*, session: Session, submission_id: int | None) -> list[Attachment]:
    return list(
        session.exec(
            select(Attachment)
            .where(Attachment.submission_id == submission_id)
            .order_by(col(Attachment.name))
        ).all()
    )


def first_photos(*, session: Session, submission_ids: Sequence[int]) -> dict[int, str]:
    """submission id → SHA-256 of its first received photo (by name), for thumbnails in lists."""
    if not submission_ids:
        return {}
    rows = session.exec(
        select(Attachment.submission_id, Attachment.sha256)
        .where(
            col(Attachment.submission_id).in_(list(submission_ids)),
            col(Attachment.sha256).is_not(None),
            col(Attachment.media_type).startswith("image/"),
        )
        .order_by(col(Attachment.submission_id), col(Attachment.name))
    )
    photos: dict[int, str] = {}
    for submission_id, sha256 in rows:
        if sha256 is not None:
            photos.setdefault(submission_id, sha256)
    return photos


def attach_media(
    *,
    session: Session,
    submission: Submission,
    name: str,
    sha256: str,
    media_type: str,
    size_bytes: int,
    known_rows: Sequence[Attachment] | None = None,
    sender_id: int | None = None,
) -> Attachment:
    """Record that the bytes of attachment ``name`` arrived (idempotent). A re-sent file with
    other bytes becomes the current one; the earlier bytes are kept as an ``AttachmentVersion``
    naming ``sender_id`` and the time (the media file stays in the store).
    ``known_rows``: the submission's attachment rows when the caller has them (no query)."""
    if known_rows is not None:
        row = next((a for a in known_rows if a.name == name), None)
    else:
        row = session.exec(
            select(Attachment).where(
                Attachment.submission_id == submission.id, Attachment.name == name
            )
        ).first()
    if row is None:
        row = Attachment(submission_id=submission.id or 0, name=name)
    elif row.sha256 is not None and row.sha256 != sha256:
        session.add(
            AttachmentVersion(
                attachment_id=row.id or 0,
                sha256=row.sha256,
                media_type=row.media_type,
                size_bytes=row.size_bytes,
                received_at=row.received_at,
                replaced_by_id=sender_id,
            )
        )
        row.received_at = None  # the new bytes' own arrival time, set below
    row.sha256, row.media_type, row.size_bytes = sha256, media_type, size_bytes
    row.received_at = row.received_at or utc_now()
    session.add(row)
    session.flush()
    return row


def photos_received_since(
    *, session: Session, submitter_id: int | None, since: datetime
) -> tuple[int, int]:
    """How many photos, and how many bytes, ``submitter_id``'s surveys received since ``since``."""
    row = session.exec(
        select(func.count(col(Attachment.id)), func.coalesce(func.sum(Attachment.size_bytes), 0))
        .join(Submission, col(Submission.id) == col(Attachment.submission_id))
        .where(
            Submission.submitter_id == submitter_id,
            col(Attachment.sha256).is_not(None),
            col(Attachment.received_at) >= since,
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def reviews_of(*, session: Session, submission_id: int | None) -> list[SubmissionReview]:
    return list(
        session.exec(
            select(SubmissionReview)
            .where(SubmissionReview.submission_id == submission_id)
            .order_by(col(SubmissionReview.reviewed_at), col(SubmissionReview.id))
        ).all()
    )


# --- queries -----------------------------------------------------------------------------------


def require_submission(*, session: Session, key: str) -> Submission:
    """A submission by database id (digits) or instance id (``uuid:…`` or a bare UUID)."""
    found = None
    if key.isdigit():
        found = session.get(Submission, int(key))
    else:
        found = get_submission_by_instance(session=session, instance_id=key)
        if found is None and not key.startswith("uuid:"):
            found = get_submission_by_instance(session=session, instance_id=f"uuid:{key}")
    if found is None:
        raise NotFound.of("submission_not_found", field="id", key=key)
    return found


def list_submissions(
    *,
    session: Session,
    village_ids: Sequence[int] | None = None,
    own_submitter_id: int | None = None,
    village_id: int | None = None,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    flag_code: str | None = None,
    review_state: ReviewState | None = None,
    form_id: str | None = None,
    source_file: str | None = None,
    current_only: bool = True,
    limit: int = 100,
    offset: int = 0,
    subdistrict_id: int | None = None,
) -> list[Submission]:
    """Submissions newest first (the filters as ``SurveySelection`` reads them); of one
    subdistrict when ``subdistrict_id`` is given (None: every subdistrict)."""
    selection = SurveySelection(
        village_ids=village_ids,
        own_submitter_id=own_submitter_id,
        village_id=village_id,
        date_from=date_from,
        date_to=date_to,
        flag_code=flag_code,
        review_states=(review_state,) if review_state is not None else None,
        form_id=form_id,
        source_file=source_file,
        current_only=current_only,
        subdistrict_id=subdistrict_id,
    )
    query = select(Submission).where(*selection.clauses())
    query = query.order_by(col(Submission.received_at).desc(), col(Submission.id).desc())
    return list(session.exec(query.offset(offset).limit(limit)).all())


def submission_versions(*, session: Session, root_id: str) -> list[Submission]:
    """Every version of one survey, oldest first."""
    return list(
        session.exec(
            select(Submission)
            .where(Submission.root_id == root_id)
            .order_by(col(Submission.received_at), col(Submission.id))
        ).all()
    )


def submissions_holding_media(*, session: Session, sha256: str) -> list[Submission]:
    """The surveys holding a photo, now or as an earlier (replaced) version."""
    current = session.exec(
        select(Submission)
        .join(Attachment, col(Attachment.submission_id) == col(Submission.id))
        .where(Attachment.sha256 == sha256)
    ).all()
    earlier = session.exec(
        select(Submission)
        .join(Attachment, col(Attachment.submission_id) == col(Submission.id))
        .join(AttachmentVersion, col(AttachmentVersion.attachment_id) == col(Attachment.id))
        .where(AttachmentVersion.sha256 == sha256)
    ).all()
    return list({s.id: s for s in [*current, *earlier]}.values())


def media_type_and_name(*, session: Session, sha256: str) -> tuple[str | None, str] | None:
    """The media type the bytes ``sha256`` were stored with and the attachment name they came
    under (a current photo first, else an earlier version), or None when no survey holds them."""
    current = session.exec(
        select(Attachment.media_type, Attachment.name).where(Attachment.sha256 == sha256).limit(1)
    ).first()
    if current is not None:
        return current[0], current[1]
    earlier = session.exec(
        select(AttachmentVersion.media_type, Attachment.name)
        .join(Attachment, col(AttachmentVersion.attachment_id) == col(Attachment.id))
        .where(AttachmentVersion.sha256 == sha256)
        .limit(1)
    ).first()
    return (earlier[0], earlier[1]) if earlier is not None else None


def attachment_versions(*, session: Session, attachment_id: int | None) -> list[AttachmentVersion]:
    """The earlier photos of an attachment, oldest replacement first."""
    return list(
        session.exec(
            select(AttachmentVersion)
            .where(AttachmentVersion.attachment_id == attachment_id)
            .order_by(col(AttachmentVersion.replaced_at), col(AttachmentVersion.id))
        ).all()
    )


def has_staff_review(*, session: Session, submission_id: int | None) -> bool:
    """True once staff recorded any decision on this survey version."""
    found = session.exec(
        select(SubmissionReview.id).where(SubmissionReview.submission_id == submission_id).limit(1)
    ).first()
    return found is not None
