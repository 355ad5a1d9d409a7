"""Photo checks: the real type from the bytes, a size cap, and EXIF (GPS, device) removed.

The file name a phone declares is never trusted: it only labels the attachment, and a name that
tries to leave its folder (``../``, ``/``, ``\\``) is refused outright.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

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


class PhotoRejected(FieldsvcError):
    """The bytes are not a JPEG, PNG or WebP photo."""

    code = "photo_rejected"
    status = 415


@dataclass(frozen=True)
class CleanPhoto:
    """A checked photo, re-encoded without EXIF (orientation already applied to the pixels)."""

    data: bytes
    media_type: str
    extension: str
    width: int
    height: int


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
        raise InvalidInput(
            f"attachment name {name!r} is not a plain file name; expected e.g. 1764123456789.jpg",
            message_th=f"ชื่อไฟล์แนบ {name!r} ไม่ถูกต้อง ต้องเป็นชื่อไฟล์ธรรมดา เช่น 1764123456789.jpg",
            field="name",
            details={"value": name},
        )
    return cleaned


def _not_an_image(name: str, head: bytes) -> PhotoRejected:
    what_en, what_th = "not a JPEG, PNG or WebP image", "ไม่ใช่ภาพ JPEG, PNG หรือ WebP"
    for magic, en, th in KNOWN_NOT_IMAGES:
        if head.startswith(magic):
            what_en, what_th = f"{en}, not a JPEG, PNG or WebP photo", f"{th} ไม่ใช่ภาพถ่าย"
            break
    return PhotoRejected(
        f"photo {name!r} is {what_en}; expected a JPEG, PNG or WebP photo",
        message_th=f"ไฟล์รูป {name} เป็น{what_th} ต้องเป็นภาพถ่าย JPEG, PNG หรือ WebP",
        field=name,
        details={"value": name, "expected": "image/jpeg|image/png|image/webp"},
    )


def clean_photo(data: bytes, *, name: str, max_bytes: int) -> CleanPhoto:
    """Check a photo and return it re-encoded without metadata.

    Raises ``PayloadTooLarge`` over ``max_bytes``, ``PhotoRejected`` when the bytes are not a
    JPEG/PNG/WebP Pillow can decode (whatever the name or declared type says).
    """
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"photo {name!r} is {len(data):,} bytes; the limit is {max_bytes:,} bytes",
            message_th=f"ไฟล์รูป {name} มีขนาด {len(data):,} ไบต์ เกินกำหนด {max_bytes:,} ไบต์",
            field=name,
            details={"value": len(data), "max_bytes": max_bytes},
        )
    kind = detect_image_type(data[:16])
    if kind is None:
        raise _not_an_image(name, data[:16])
    pil_format, media_type, extension = IMAGE_TYPES[kind]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format != pil_format:
                    raise _not_an_image(name, data[:16])
                if probe.width * probe.height > MAX_PIXELS:
                    raise PhotoRejected(
                        f"photo {name!r} is {probe.width}×{probe.height} pixels; "
                        f"the limit is {MAX_PIXELS:,} pixels",
                        message_th=f"ไฟล์รูป {name} มีจำนวนพิกเซลเกินกำหนด",
                        field=name,
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                out = io.BytesIO()
                if pil_format == "JPEG":
                    if upright.mode not in ("RGB", "L", "CMYK"):
                        upright = upright.convert("RGB")
                    upright.save(out, "JPEG", quality=90, optimize=True)
                elif pil_format == "PNG":
                    upright.save(out, "PNG", optimize=True)
                else:
                    upright.save(out, "WEBP", quality=90)
    except FieldsvcError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as exc:
        raise PhotoRejected(
            f"photo {name!r} looks like {kind.upper()} but cannot be decoded ({exc})",
            message_th=f"ไฟล์รูป {name} เสียหาย เปิดไม่ได้",
            field=name,
            details={"value": name},
        ) from exc
    return CleanPhoto(
        data=out.getvalue(),
        media_type=media_type,
        extension=extension,
        width=upright.width,
        height=upright.height,
    )
