"""The subdistrict a signed-in user works in for one request, in an install that serves many.

A user works for one or more subdistricts (``fieldsvc.storage.tenancy``). Each staff page and
API call works in one of them at a time, as a project in ODK Central: the one named by the
request (``?subdistrict=CODE``), else the one last chosen in this browser, else the first of
the user's subdistricts by code. A user who works for a single subdistrict never chooses.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from fieldsvc.errors import Forbidden
from fieldsvc.models import Subdistrict, User
from fieldsvc.storage.tenancy import subdistrict_by_code, subdistrict_ids_of, subdistricts_for


@dataclass(frozen=True)
class Workplace:
    """Who is asking, the subdistrict this request works in, and the ones they may switch to.

    ``subdistrict`` is None only in an install that holds no subdistrict yet.
    """

    user: User
    subdistrict: Subdistrict | None
    choices: tuple[Subdistrict, ...]
    #: The user works for every subdistrict of the install (no ``user_subdistrict`` row).
    every: bool = False

    def may_see(self, subdistrict_id: int | None) -> bool:
        """Whether a row of subdistrict ``subdistrict_id`` is the user's to see: one of their
        subdistricts (any of them, not only the one this request works in); a row of no
        subdistrict only for a user of every subdistrict."""
        return self.every or any(s.id == subdistrict_id for s in self.choices)

    @property
    def subdistrict_id(self) -> int | None:
        return self.subdistrict.id if self.subdistrict is not None else None

    @property
    def code(self) -> str | None:
        return self.subdistrict.code if self.subdistrict is not None else None


def workplace_for(
    *, session: Session, user: User, asked: str | None = None, remembered: str | None = None
) -> Workplace:
    """The workplace of ``user`` for a request that asked for subdistrict ``asked`` (a code,
    or None) in a browser that last chose ``remembered``.

    Raises
    ------
    NotFound
        ``subdistrict_code_unknown`` when ``asked`` is no subdistrict of the install.
    Forbidden
        ``subdistrict_not_yours`` when ``asked`` is a subdistrict the user does not work for.
    """
    every = subdistrict_ids_of(session=session, user=user) is None
    choices = tuple(subdistricts_for(session=session, user=user))
    if asked:
        wanted = subdistrict_by_code(session=session, code=asked)
        if all(s.id != wanted.id for s in choices):
            raise Forbidden.of("subdistrict_not_yours", field="subdistrict", value=asked)
        return Workplace(user, wanted, choices, every)
    remembered_one = next((s for s in choices if s.code == remembered), None)
    chosen = remembered_one or (choices[0] if choices else None)
    return Workplace(user, chosen, choices, every)
