"""``--subdistrict CODE`` of the commands that analyse or plan one subdistrict's register, and
of the commands that name a village by its number (หมู่ที่ repeats from one subdistrict to the
next)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session


def add_subdistrict_argument(parser: Any) -> None:
    """Add ``--subdistrict CODE`` (needed when the install serves several subdistricts)."""
    parser.add_argument(
        "--subdistrict",
        metavar="CODE",
        help="the subdistrict (6-digit DOPA code) to work on; needed when the install serves "
        "several",
    )


def command_subdistrict(*, session: Session, code: str | None) -> int | None:
    """The id of the subdistrict a command works on: the one named by ``code``; None (the
    whole register) in an install of one subdistrict or none.

    Raises
    ------
    NotFound
        ``subdistrict_code_unknown`` when no subdistrict has that code.
    InvalidInput
        ``subdistrict_required`` when the install serves several and none was named.
    """
    from fieldsvc.errors import InvalidInput
    from fieldsvc.storage.tenancy import subdistrict_by_code, subdistrict_count

    if code:
        return subdistrict_by_code(session=session, code=code.strip()).id
    count = subdistrict_count(session=session)
    if count > 1:
        raise InvalidInput.of("subdistrict_required", field="subdistrict", count=count)
    return None


def add_village_subdistrict_argument(parser: Any) -> None:
    """Add ``--subdistrict CODE``: the subdistrict of a ``--village`` number."""
    parser.add_argument(
        "--subdistrict",
        metavar="CODE",
        help="the subdistrict (6-digit DOPA code) of the village number; needed when villages "
        "of several subdistricts have that number",
    )


def named_subdistrict(*, session: Session, code: str | None) -> int | None:
    """The id of the subdistrict ``code`` names; None when no code is given (a village number
    is then looked for in every subdistrict, and refused when several have it).

    Raises
    ------
    NotFound
        ``subdistrict_code_unknown`` when no subdistrict has that code.
    """
    from fieldsvc.storage.tenancy import subdistrict_by_code

    return subdistrict_by_code(session=session, code=code.strip()).id if code else None
