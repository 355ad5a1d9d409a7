"""Photo checks: the real type from the bytes, a size cap, and EXIF (GPS, device) removed.

The file name a phone declares is never trusted: it only labels the attachment, and a name that
tries to leave its folder (``../``, ``/``, ``\\``) is refused outright.

A survey's photo that cannot be decoded does not cost the survey (:func:`receive_photo`): its
bytes are kept exactly as received, marked unreadable, and never decoded again.
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from fieldsvc.errors import FieldsvcError, InvalidInput, PayloadTooLarge

MAX_PIXELS = 40_000_000  # 40 Mpx: far beyond a phone photo, far below a decompression bomb
MAX_NAME_LENGTH = 255

# magic bytes → (Pillow format, media type, extension)
IMAGE_TYPES = {
    "jpeg": ("JPEG", "image/jpeg", "jpg"),
    "png": ("PNG", "image/png", "png"),
    "webp": ("WEBP", "image/webp", "webp"),
}
# what else people send by mistake, for a clear message
KNOWN_NOT_IMAGES = (
    (b"%PDF", "a PDF document", "เอกสาร PDF"),
    (b"MZ", "a Windows program (EXE)", "โปรแกรม Windows (EXE)"),
    (b"\x7fELF", "a program (ELF)", "โปรแกรม (ELF)"),
    (b"PK\x03\x04", "a ZIP archive or Office document", "ไฟล์ ZIP หรือเอกสาร Office"),
    (b"GIF8", "a GIF image (not accepted)", "ภาพ GIF (ไม่รับ)"),
    (b"\x00\x00\x00", "a video or HEIC file", "ไฟล์วิดีโอหรือ HEIC"),
)
#: Documents and programs: the wrong file, not a damaged photo, whatever its name says. Refused
#: (415) even where an undecodable photo is kept, so that nobody's program is stored as a photo.
NEVER_KEPT_AS_PHOTO = (b"%PDF", b"MZ", b"\x7fELF", b"PK\x03\x04")
#: Names that say "this is a picture" (any picture, also those fieldsvc cannot open).
IMAGE_NAME_SUFFIXES = (".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif", ".gif", ".bmp")
#: The media type an unreadable photo is stored and served with: bytes, never an image.
UNREADABLE_MEDIA_TYPE = "application/octet-stream"


class PhotoRejected(FieldsvcError):
    """The bytes are not a JPEG, PNG or WebP photo."""

    code = "photo_rejected"


@dataclass(frozen=True)
class CleanPhoto:
    """A checked photo without EXIF or other metadata (EXIF orientation applied to the pixels)."""

    data: bytes
    media_type: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class UnreadablePhoto:
    """A survey's photo that cannot be decoded, kept exactly as received (``data``).

    It is never decoded again, never thumbnailed and never served as an image: its
    ``media_type`` is :data:`UNREADABLE_MEDIA_TYPE`. ``reason`` says why (for staff).
    """

    data: bytes
    reason: str
    media_type: str = UNREADABLE_MEDIA_TYPE


ReceivedPhoto = CleanPhoto | UnreadablePhoto


def is_readable_media_type(media_type: str | None) -> bool:
    """True for the media type of a checked photo (``image/…``); an unreadable photo's bytes
    (:data:`UNREADABLE_MEDIA_TYPE`) or an unknown type is not one."""
    return bool(media_type) and str(media_type).startswith("image/")


def detect_image_type(head: bytes) -> str | None:
    """``"jpeg"``, ``"png"`` or ``"webp"`` from the file's first bytes, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def safe_attachment_name(name: str | None) -> str:
    """The declared file name, if it is a plain file name; otherwise ``InvalidInput``."""
    cleaned = (name or "").strip()
    bad = (
        not cleaned
        or len(cleaned) > MAX_NAME_LENGTH
        or "/" in cleaned
        or "\\" in cleaned
        or "\x00" in cleaned
        or cleaned in (".", "..")
        or cleaned.startswith(".")
        or ":" in cleaned
    )
    if bad:
        raise InvalidInput.of(
            "attachment_name_invalid", field="name", details={"value": name}, name=name
        )
    return cleaned


def _not_an_image(name: str, head: bytes) -> PhotoRejected:
    details = {"value": name, "expected": "image/jpeg|image/png|image/webp"}
    for magic, en, th in KNOWN_NOT_IMAGES:
        if head.startswith(magic):
            return PhotoRejected.of(
                "photo_of_other_kind",
                field=name,
                details=details,
                name=name,
                kind_th=th,
                kind_en=en,
            )
    return PhotoRejected.of("photo_not_an_image", field=name, details=details, name=name)


def _too_large(data: bytes, *, name: str, max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge.of(
        "photo_too_large",
        field=name,
        details={"value": len(data), "max_bytes": max_bytes},
        name=name,
        size=len(data),
        max_bytes=max_bytes,
    )


def _undecodable(name: str, kind: str, exc: BaseException) -> PhotoRejected:
    return PhotoRejected.of(
        "photo_undecodable",
        field=name,
        details={"value": name},
        name=name,
        kind=kind.upper(),
        reason=exc,
    )


def _check_size(probe: Image.Image, name: str) -> None:
    if probe.width * probe.height > MAX_PIXELS:
        raise PhotoRejected.of(
            "photo_too_many_pixels",
            field=name,
            name=name,
            width=probe.width,
            height=probe.height,
            max_pixels=MAX_PIXELS,
        )


#: What Pillow raises for bytes it cannot decode. ``DecompressionBombError`` (a header claiming
#: more than twice Pillow's pixel limit) is an ``Exception``, not a ``Warning``: without it here
#: such a file, a few dozen bytes long, was a 500.
_UNDECODABLE = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    OSError,
    SyntaxError,
    ValueError,
    Warning,
)

_strict_lock = threading.Lock()
_strict_users = 0
_saved_truncated_setting = False


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Make Pillow refuse truncated images while photos are checked.

    ``PIL.ImageFile.LOAD_TRUNCATED_IMAGES`` is process-wide, and WeasyPrint sets it to True
    when imported (for the PDF reports): a cut-off upload would then be accepted with grey
    pixels. The first photo check in progress saves the setting and turns it off; the last
    one puts it back.
    """
    global _strict_users, _saved_truncated_setting
    with _strict_lock:
        if _strict_users == 0:
            _saved_truncated_setting = ImageFile.LOAD_TRUNCATED_IMAGES
            ImageFile.LOAD_TRUNCATED_IMAGES = False
        _strict_users += 1
    try:
        yield
    finally:
        with _strict_lock:
            _strict_users -= 1
            if _strict_users == 0:
                ImageFile.LOAD_TRUNCATED_IMAGES = _saved_truncated_setting


def _decodes(data: bytes) -> tuple[int, int]:
    """Decode the whole image (a JPEG at 1/8 scale: every coefficient is still read, so a
    truncated or corrupt file fails) and return its full width and height."""
    with Image.open(io.BytesIO(data)) as image:
        size = image.size
        if image.format == "JPEG":
            image.draft(image.mode, (max(size[0] // 8, 1), max(size[1] // 8, 1)))
        image.load()
        return size


def _reencoded(data: bytes, pil_format: str) -> tuple[bytes, int, int]:
    """Decode fully, turn upright (EXIF orientation) and encode again without metadata."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        if pil_format == "JPEG":
            if upright.mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            upright.save(out, "JPEG", quality=90)
        elif pil_format == "PNG":
            upright.save(out, "PNG")
        else:
            upright.save(out, "WEBP", quality=90)
        return out.getvalue(), upright.width, upright.height


def clean_photo(data: bytes, *, name: str, max_bytes: int) -> CleanPhoto:
    """Check a photo and return it without metadata.

    An upright baseline JPEG (what phones send) keeps its compressed pixels: only its metadata
    segments are cut out (``strip_jpeg_metadata``), and the result is decoded to prove it is an
    image. Anything else (EXIF orientation to apply, progressive JPEG, PNG, WebP) is decoded and
    encoded again. Raises ``PayloadTooLarge`` over ``max_bytes``, ``PhotoRejected`` when the
    bytes are not a JPEG/PNG/WebP Pillow can decode (whatever the name or declared type says).
    """
    if len(data) > max_bytes:
        raise _too_large(data, name=name, max_bytes=max_bytes)
    kind = detect_image_type(data[:16])
    if kind is None:
        raise _not_an_image(name, data[:16])
    pil_format, media_type, extension = IMAGE_TYPES[kind]
    try:
        with warnings.catch_warnings(), _strict_decoding():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != pil_format:
                    raise _not_an_image(name, data[:16])
                _check_size(probe, name)
                upright = probe.getexif().get(EXIF_ORIENTATION, 1) == 1
            stripped = strip_jpeg_metadata(data) if pil_format == "JPEG" and upright else None
            if stripped is not None:
                cleaned = stripped
                width, height = _decodes(stripped)
            else:
                cleaned, width, height = _reencoded(data, pil_format)
    except FieldsvcError:
        raise
    except _UNDECODABLE as exc:
        raise _undecodable(name, kind, exc) from exc
    return CleanPhoto(
        data=cleaned, media_type=media_type, extension=extension, width=width, height=height
    )


def claims_to_be_an_image(name: str, declared_type: str | None) -> bool:
    """True when the sender says the file is a picture: its name ends like one, or its declared
    media type is ``image/…``."""
    declared = (declared_type or "").split(";", 1)[0].strip().lower()
    return name.lower().endswith(IMAGE_NAME_SUFFIXES) or declared.startswith("image/")


def receive_photo(
    data: bytes, *, name: str, declared_type: str | None, max_bytes: int
) -> ReceivedPhoto:
    """A survey's photo as it will be stored: cleaned (:func:`clean_photo`), or, when it cannot
    be decoded, kept unchanged as an :class:`UnreadablePhoto` so the survey is not lost.

    Still refused: a file over ``max_bytes`` (``PayloadTooLarge``, 413), a document or program
    (PDF, EXE, ELF, ZIP/Office: ``PhotoRejected``, 415, whatever its name) and a file that
    neither decodes nor claims to be a picture (:func:`claims_to_be_an_image`; 415).
    """
    try:
        return clean_photo(data, name=name, max_bytes=max_bytes)
    except PhotoRejected as exc:
        wrong_file = data.startswith(NEVER_KEPT_AS_PHOTO)
        if wrong_file or not claims_to_be_an_image(name, declared_type):
            raise
        return UnreadablePhoto(data=data, reason=exc.message_en)


THUMBNAIL_PX = 320
"""Longest side of a thumbnail: sharp in a 160 px map popup on a 2× screen, ~15 KB as JPEG."""


def make_thumbnail(data: bytes, *, max_px: int = THUMBNAIL_PX) -> bytes:
    """A small JPEG of a stored photo (longest side ``max_px``, upright, no metadata).

    Transparent PNG/WebP are flattened on white. Raises ``PhotoRejected`` when Pillow cannot
    decode the bytes (stored photos passed :func:`clean_photo`, so this means a damaged file).
    """
    kind = detect_image_type(data[:16]) or "unknown"
    try:
        with warnings.catch_warnings(), _strict_decoding():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale: much faster
                    image.draft("RGB", (max_px, max_px))
                image.load()
                small = ImageOps.exif_transpose(image)
                small.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
                if small.mode in ("RGBA", "LA", "P"):
                    rgba = small.convert("RGBA")
                    small = Image.new("RGB", rgba.size, "white")
                    small.paste(rgba, mask=rgba.getchannel("A"))
                elif small.mode != "RGB":
                    small = small.convert("RGB")
                out = io.BytesIO()
                small.save(out, "JPEG", quality=80, optimize=True)
                return out.getvalue()
    except _UNDECODABLE as exc:
        raise _undecodable("thumbnail", kind, exc) from exc


# --- JPEG metadata, cut out losslessly ---------------------------------------------------------

EXIF_ORIENTATION = 0x0112
SOS, EOI = 0xDA, 0xD9
#: Segments a decoder needs: APP0 (JFIF), APP2 (ICC colour profile), APP14 (Adobe colour
#: transform), and every non-APP marker (tables, frame). Other APPn (EXIF with GPS and phone
#: model, XMP, maker notes) and COM (comments) are dropped.
KEPT_APP_MARKERS = {0xE0, 0xE2, 0xEE}
STANDALONE_MARKERS = {0x01, *range(0xD0, 0xD8)}  # TEM, RST0-7: no length field
#: A marker inside entropy-coded data: 0xFF followed by anything but a stuffed 0x00 or RSTn.
SCAN_MARKER_RE = re.compile(rb"\xff[^\x00\xd0-\xd7]")


def strip_jpeg_metadata(data: bytes) -> bytes | None:
    """The JPEG without its metadata segments and without anything after its end marker, for a
    single-scan (baseline) JPEG; None when the file is laid out otherwise (progressive, fill
    bytes, unexpected markers) and must be re-encoded instead."""
    if data[:2] != b"\xff\xd8":
        return None
    kept = [b"\xff\xd8"]
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker in STANDALONE_MARKERS:
            kept.append(data[pos : pos + 2])
            pos += 2
            continue
        end = pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if end > len(data):
            return None
        if marker == SOS:
            scan_end = _single_scan_end(data, end)
            if scan_end is None:
                return None
            kept.append(data[pos:scan_end])
            return b"".join(kept)
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE) or marker in KEPT_APP_MARKERS:
            kept.append(data[pos:end])
        pos = end
    return None


def _single_scan_end(data: bytes, scan_start: int) -> int | None:
    """The end of the EOI marker when the first marker after the scan data is EOI."""
    found = SCAN_MARKER_RE.search(data, scan_start)
    if found is None or data[found.start() + 1] != EOI:
        return None
    return found.end()
