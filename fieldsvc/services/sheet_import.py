"""Import a bin survey sheet: read it (``fieldsvc.ingest.sheets``), then receive every row
through ``receive_submission`` like any other channel. Used by the CLI (and later the API).

Each row is received inside its own SAVEPOINT, so a row the register refuses is reported and
the rest still go in; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import FieldsvcError, SubmissionConflict
from fieldsvc.ingest.report import ImportReport, RowNote
from fieldsvc.ingest.sheets import SheetRead, SheetRow, read_bin_sheet
from fieldsvc.models import Channel, User
from fieldsvc.storage.submissions import (
    get_submission_by_instance,
    receive_submission,
    record_to_parsed,
)

SHEET_CONTENT_TYPE = "application/json"
_SHOWN_NOTES = 20


@dataclass(frozen=True)
class SheetImportOutcome:
    """What a sheet import did.

    Attributes
    ----------
    created, edited, duplicate
        Rows stored as new surveys, as new versions of a survey (Kobo ``deprecatedID``), and
        rows already received before (nothing stored).
    flagged
        Rows stored (created or edited) with at least one check flag; ``held`` of them have a
        ``reject`` flag: kept, but not applied to the register until staff review them.
    report
        The reading report; rows the register refused are added to its ``rejected`` list.
    flag_notes
        One note per flag of a stored row, so the person importing sees what staff will see.
    """

    file: str
    created: int
    edited: int
    duplicate: int
    flagged: int
    held: int
    report: ImportReport
    flag_notes: list[RowNote] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"ไฟล์ {self.file}: ใหม่ {self.created} แก้ไข {self.edited} ซ้ำ {self.duplicate} "
            f"ต้องตรวจสอบ {self.flagged} (รอเจ้าหน้าที่อนุมัติ {self.held}) "
            f"ไม่นำเข้า {len(self.report.rejected)}",
            f"{self.file}: new {self.created}, edited {self.edited}, duplicate {self.duplicate}, "
            f"flagged {self.flagged} (held for staff {self.held}), "
            f"not imported {len(self.report.rejected)}",
            self.report.summary(),
        ]
        lines += [note.line() for note in self.flag_notes[:_SHOWN_NOTES]]
        if len(self.flag_notes) > _SHOWN_NOTES:
            more = len(self.flag_notes) - _SHOWN_NOTES
            lines.append(f"... และอีก {more} รายการ / ... and {more} more")
        return "\n".join(lines)


def import_bin_sheet(
    *,
    session: Session,
    path: Path | str,
    settings: Settings,
    submitter: User | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> SheetImportOutcome:
    """Read a survey sheet and receive each row as a ``sheet`` submission (idempotent).

    Raises
    ------
    ImportFailed
        When the file as a whole cannot be read (see ``read_bin_sheet``).
    """
    read = read_bin_sheet(path, encoding=encoding, sheet=sheet)
    counts = {"created": 0, "edited": 0, "duplicate": 0, "flagged": 0, "held": 0}
    refused: list[RowNote] = []
    flag_notes: list[RowNote] = []
    for row in read.rows:
        try:
            with session.begin_nested():
                result = receive_submission(
                    session=session,
                    record=row.record,
                    raw_payload=row.raw_payload(file=read.file, sheet=read.sheet),
                    content_type=SHEET_CONTENT_TYPE,
                    submitter=submitter,
                    settings=settings,
                    complete=True,
                )
        except SubmissionConflict as exc:
            note = _conflict(session=session, row=row, error=exc)
            if note is None:
                counts["duplicate"] += 1
            else:
                refused.append(note)
            continue
        except FieldsvcError as exc:
            refused.append(RowNote(row.row, exc.message_th, exc.message_en, exc.field))
            continue
        counts[result.outcome] += 1
        if result.outcome != "duplicate" and result.flags:
            counts["flagged"] += 1
            counts["held"] += int(not result.submission.applied)
            flag_notes += [RowNote(row.row, f.message_th, f.message_en) for f in result.flags]
    return SheetImportOutcome(
        file=read.file,
        created=counts["created"],
        edited=counts["edited"],
        duplicate=counts["duplicate"],
        flagged=counts["flagged"],
        held=counts["held"],
        report=_with_refused(read, refused),
        flag_notes=flag_notes,
    )


def _conflict(*, session: Session, row: SheetRow, error: SubmissionConflict) -> RowNote | None:
    """None when the "conflict" is the same survey seen again, else the note to report."""
    instance_id = row.record.instance_id
    if instance_id.startswith("sheet:"):
        # The id is a hash of the row's content: only the file name or row number differ.
        return None
    existing = get_submission_by_instance(session=session, instance_id=instance_id)
    if existing is not None and existing.channel != Channel.sheet:
        # A Kobo/ODK export of a survey the phone already sent: the phone's copy is kept.
        return None
    if existing is not None and existing.parsed == record_to_parsed(row.record):
        # The same export saved under another name (Kobo names carry the export time), or
        # with other bookkeeping columns: the survey itself is unchanged.
        return None
    return RowNote(row.row, error.message_th, error.message_en, instance_id)


def _with_refused(read: SheetRead, refused: list[RowNote]) -> ImportReport:
    report = read.report
    return ImportReport(
        loaded=report.loaded - len(refused),
        repaired=list(report.repaired),
        rejected=sorted([*report.rejected, *refused], key=lambda note: note.row),
        warnings=list(report.warnings),
        field_map=dict(report.field_map),
    )
