"""``--subdistrict CODE`` of the commands that analyse or plan one subdistrict's register, and
of the commands that name a village by its number (หมู่ที่ repeats from one subdistrict to the
next)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session


#: The help of ``--subdistrict`` for commands that work on one subdistrict's register.
WORK_ON = "the subdistrict (6-digit DOPA code) to work on; needed when the install serves several"
#: … and for commands that name a village by its number.
OF_VILLAGE = (
    "the subdistrict (6-digit DOPA code) of the village number; needed when villages of "
    "several subdistricts have that number"
)


def add_subdistrict_argument(parser: Any, *, help: str = WORK_ON) -> None:  # noqa: A002
    """Add ``--subdistrict CODE`` with ``help`` (:data:`WORK_ON` or :data:`OF_VILLAGE`)."""
    parser.add_argument("--subdistrict", metavar="CODE", help=help)


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
