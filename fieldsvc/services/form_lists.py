"""The lists ODK Collect downloads with a form (its media files): the user's villages and the
registered bins of those villages, as CSV (UTF-8 without BOM, LF line ends)."""

from __future__ import annotations

import csv
import io

from sqlmodel import Session

from fieldsvc.models import User
from fieldsvc.storage.issued_codes import bins_for_phone_list
from fieldsvc.storage.users import village_ids_of

BINS_CSV = "bins.csv"


def bins_csv(*, session: Session, user: User) -> bytes:
    """``bins.csv``: ``name`` (the bin code), ``label``, ``village`` (number), ``capacity_l``,
    ``stream``; a village head gets the bins of their villages only. The bin survey looks a
    scanned or typed code up in it: a registered bin's village comes from its row, and its
    size and stream are not asked again."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label", "village", "capacity_l", "stream"])
    rows = bins_for_phone_list(
        session=session, village_ids=village_ids_of(session=session, user=user)
    )
    for code, village, capacity_l, stream in rows:
        writer.writerow([code, code, "" if village is None else village, capacity_l, stream])
    return out.getvalue().encode("utf-8")
