"""What happened to each row of an imported file: loaded, repaired, rejected, warned."""

from __future__ import annotations

from dataclasses import dataclass, field

_SUMMARY_NOTES = 10


@dataclass(frozen=True)
class RowNote:
    """One remark about one row of the source file.

    Parameters
    ----------
    row : int
        1-based feature number in file order, as a person counts (for a KML with several
        folders, counted across all folders in file order).
    reason_th, reason_en : str
        Why the row was repaired or rejected, in Thai and English.
    value : str or None
        The offending value as text (a field value, a geometry type, a validity reason).
    layer : str or None
        Layer (KML folder) the row came from, when the file had several.
    """

    row: int
    reason_th: str
    reason_en: str
    value: str | None = None
    layer: str | None = None

    def line(self) -> str:
        """Return ``"แถว 3: ... / Row 3: ..."`` for lists shown to people."""
        where_th = f"แถว {self.row}" + (f" ({self.layer})" if self.layer else "")
        where_en = f"Row {self.row}" + (f" ({self.layer})" if self.layer else "")
        shown = f" [{self.value}]" if self.value is not None else ""
        return f"{where_th}: {self.reason_th}{shown} / {where_en}: {self.reason_en}"


@dataclass(frozen=True)
class ImportReport:
    """Outcome of reading one file.

    Frozen: the lists are not meant to be changed after the reader returns them.

    Parameters
    ----------
    loaded : int
        Rows in the returned frame (after merging duplicate parts of one village).
    repaired : list of RowNote
        Rows loaded after a change: geometry repaired, an unreadable value left blank,
        parts merged.
    rejected : list of RowNote
        Rows left out, each with the reason.
    warnings : list of str
        File-level remarks, each ``"Thai / English"`` (CRS assumed, encoding guessed, ...).
    field_map : dict of str to str
        Output column -> source column actually used (given or guessed).
    """

    loaded: int
    repaired: list[RowNote] = field(default_factory=list)
    rejected: list[RowNote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    field_map: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """Return a short bilingual summary: counts, then up to 10 row notes.

        Examples
        --------
        >>> print(ImportReport(loaded=3).summary())
        นำเข้า 3 รายการ ซ่อมแซม 0 ปฏิเสธ 0 คำเตือน 0
        Loaded 3, repaired 0, rejected 0, warnings 0
        """
        lines = [
            f"นำเข้า {self.loaded} รายการ ซ่อมแซม {len(self.repaired)} "
            f"ปฏิเสธ {len(self.rejected)} คำเตือน {len(self.warnings)}",
            f"Loaded {self.loaded}, repaired {len(self.repaired)}, "
            f"rejected {len(self.rejected)}, warnings {len(self.warnings)}",
        ]
        notes = [*self.rejected, *self.repaired]
        lines += [note.line() for note in notes[:_SUMMARY_NOTES]]
        lines += self.warnings[: max(0, _SUMMARY_NOTES - len(notes))]
        hidden = len(notes) + len(self.warnings) - (len(lines) - 2)
        if hidden > 0:
            lines.append(f"... และอีก {hidden} รายการ / ... and {hidden} more")
        return "\n".join(lines)


@dataclass
class NoteCollector:
    """Mutable notes gathered while reading rows; ``freeze`` makes the ImportReport."""

    warnings: list[str] = field(default_factory=list)
    repaired: list[RowNote] = field(default_factory=list)
    rejected: list[RowNote] = field(default_factory=list)

    def repair(self, row: int, th: str, en: str, value: str | None, layer: str | None) -> None:
        """Note a row loaded after a change."""
        self.repaired.append(RowNote(row, th, en, value, layer))

    def reject(self, row: int, th: str, en: str, value: str | None, layer: str | None) -> None:
        """Note a row left out."""
        self.rejected.append(RowNote(row, th, en, value, layer))

    def freeze(self, loaded: int, field_map: dict[str, str]) -> ImportReport:
        """Return the finished report."""
        return ImportReport(
            loaded=loaded,
            repaired=list(self.repaired),
            rejected=sorted(self.rejected, key=lambda note: note.row),
            warnings=list(self.warnings),
            field_map=dict(field_map),
        )
