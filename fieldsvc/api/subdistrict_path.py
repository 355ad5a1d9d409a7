"""The ``{code:dopa}`` path part: a subdistrict's 6-digit DOPA code.

Only six digits match, so ``/public/{code:dopa}`` never shadows ``/public/province`` or
``/public/map.html``; a six-digit code of no subdistrict answers 404
``subdistrict_code_unknown`` (:func:`public_subdistrict`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path
from starlette.convertors import Convertor, register_url_convertor

from fieldsvc.api.deps import SessionDep
from fieldsvc.models import Subdistrict
from fieldsvc.storage.tenancy import subdistrict_by_code


class DopaCodeConvertor(Convertor[str]):
    regex = "[0-9]{6}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("dopa", DopaCodeConvertor())


def public_subdistrict(
    code: Annotated[str, Path(description="the subdistrict's 6-digit DOPA code")],
    session: SessionDep,
) -> Subdistrict:
    """The subdistrict of the path's code (404 ``subdistrict_code_unknown`` if none)."""
    return subdistrict_by_code(session=session, code=code)


PublicSubdistrict = Annotated[Subdistrict, Depends(public_subdistrict)]
