"""Stored photos over the JSON API: the file (``/api/v1/media/{sha256}``) and a thumbnail.

Photos are content-addressed, so their answers may be cached for ever; who may see one is
decided by the surveys holding it (staff: a survey of one of their subdistricts). A photo that
could not be opened is downloaded by staff as a file (``application/octet-stream``,
``Content-Disposition: attachment``) and has no thumbnail.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

from fieldsvc.api.deps import SessionDep, SettingsDep, UserPlace
from fieldsvc.services.submissions import photo_thumbnail, stored_photo

router = APIRouter(prefix="/api/v1", tags=["submissions"])

#: Photos are content-addressed: the bytes behind a URL never change.
_PRIVATE = {"Cache-Control": "no-store"}  # private photos: no copy on shared office PCs


@router.get("/media/{sha256}", summary="A stored photo, by its SHA-256", response_class=Response)
def get_media(sha256: str, session: SessionDep, settings: SettingsDep, place: UserPlace) -> Any:
    photo = stored_photo(
        session=session, settings=settings, user=place.user, sha256=sha256, place=place
    )
    if not photo.readable:  # bytes as a phone sent them: a file to save, never shown inline
        return FileResponse(
            photo.path,
            media_type=photo.media_type,
            filename=photo.name or sha256,
            content_disposition_type="attachment",
            headers={**_PRIVATE, "X-Content-Type-Options": "nosniff"},
        )
    return FileResponse(photo.path, media_type=photo.media_type, headers=_PRIVATE)


@router.get(
    "/media/{sha256}/thumbnail",
    summary="A small JPEG of a stored photo (longest side 320 px), made on first request",
    response_class=Response,
)
def get_media_thumbnail(
    sha256: str, session: SessionDep, settings: SettingsDep, place: UserPlace
) -> Any:
    path = photo_thumbnail(
        session=session, settings=settings, user=place.user, sha256=sha256, place=place
    )
    return FileResponse(path, media_type="image/jpeg", headers=_PRIVATE)
