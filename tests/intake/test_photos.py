"""Photo checks: the type from the bytes, size cap, EXIF removed; crash-safe content addressing."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from fieldsvc.api.errors import http_status
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput, NotFound, PayloadTooLarge
from fieldsvc.ingest.photos import (
    PhotoRejected,
    clean_photo,
    make_thumbnail,
    safe_attachment_name,
)
from fieldsvc.storage.media import (
    media_path,
    require_media,
    require_thumbnail,
    store_media,
    thumbnail_path,
)
from tests.intake.conftest import jpeg_bytes


def test_gps_exif_is_stripped_and_orientation_applied() -> None:
    original = jpeg_bytes(with_gps_exif=True, size=(64, 48))
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)  # the GPS block is there to begin with
    clean = clean_photo(original, name="p.jpg", max_bytes=1_000_000)
    assert clean.media_type == "image/jpeg" and (clean.width, clean.height) == (48, 64)
    with Image.open(io.BytesIO(clean.data)) as after:
        assert len(after.getexif()) == 0 and "exif" not in after.info
    assert b"PhoneMaker" not in clean.data


def _jpeg_with_metadata(*, progressive: bool = False) -> bytes:
    image = Image.effect_noise((64, 48), 40).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation: already upright
    exif.get_ifd(0x8825)[2] = (16.0, 18.0, 18.0)  # GPS latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at home", progressive=progressive)
    return out.getvalue()


def test_upright_jpeg_keeps_its_pixels_and_loses_its_metadata() -> None:
    original = _jpeg_with_metadata() + b"PK\x03\x04 appended archive"
    clean = clean_photo(original, name="p.jpg", max_bytes=1_000_000)
    assert (clean.width, clean.height) == (64, 48)
    assert b"PhoneMaker" not in clean.data and b"taken at home" not in clean.data
    assert b"appended archive" not in clean.data and clean.data.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(clean.data)) as after, Image.open(io.BytesIO(original)) as before:
        assert len(after.getexif()) == 0 and "exif" not in after.info
        assert after.tobytes() == before.tobytes()  # the compressed pixels were not touched


def test_progressive_jpeg_is_re_encoded_without_metadata() -> None:
    clean = clean_photo(_jpeg_with_metadata(progressive=True), name="p.jpg", max_bytes=10**6)
    assert b"PhoneMaker" not in clean.data and (clean.width, clean.height) == (64, 48)
    with Image.open(io.BytesIO(clean.data)) as after:
        assert len(after.getexif()) == 0


def test_jpeg_cut_inside_its_pixels_is_rejected() -> None:
    data = _jpeg_with_metadata()
    with pytest.raises(PhotoRejected):
        clean_photo(data[: len(data) - 200], name="cut.jpg", max_bytes=10**6)


@pytest.mark.parametrize(("fmt", "media_type"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_png_and_webp_are_accepted(fmt: str, media_type: str) -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (1, 2, 3)).save(out, fmt)
    assert clean_photo(out.getvalue(), name="x", max_bytes=10**6).media_type == media_type


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 8, "EXE"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "GIF"),
        (b"just some text pretending to be a photo", "not a JPEG, PNG or WebP"),
    ],
)
def test_renamed_files_are_rejected_by_content(data: bytes, what: str) -> None:
    with pytest.raises(PhotoRejected) as caught:
        clean_photo(data, name="photo.jpg", max_bytes=10**6)
    assert http_status(caught.value) == 415 and what in caught.value.message_en
    assert "photo.jpg" in caught.value.message_th


def test_truncated_jpeg_is_rejected() -> None:
    data = jpeg_bytes()[:40]
    with pytest.raises(PhotoRejected):
        clean_photo(data, name="cut.jpg", max_bytes=10**6)


def test_photo_over_the_cap_is_too_large() -> None:
    with pytest.raises(PayloadTooLarge) as caught:
        clean_photo(jpeg_bytes(), name="big.jpg", max_bytes=100)
    assert http_status(caught.value) == 413 and "100" in caught.value.message_th


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "a/b.jpg", "..\\win.ini", "C:evil.jpg", ".htaccess", "", "x\x00.jpg"],
)
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput):
        safe_attachment_name(name)


def test_plain_names_pass() -> None:
    assert safe_attachment_name(" 1764123456789.jpg ") == "1764123456789.jpg"
    assert safe_attachment_name("รูปถัง 1.jpg") == "รูปถัง 1.jpg"


def test_media_is_content_addressed_and_idempotent(settings: Settings) -> None:
    digest = store_media(settings=settings, data=b"bytes of a photo")
    path = media_path(settings=settings, sha256=digest)
    assert path == settings.effective_media_dir / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == b"bytes of a photo"
    assert store_media(settings=settings, data=b"bytes of a photo") == digest
    assert [p.name for p in path.parent.iterdir()] == [digest]  # no temp files left behind
    assert require_media(settings=settings, sha256=digest) == path
    with pytest.raises(InvalidInput):
        media_path(settings=settings, sha256="../../etc/passwd")


def test_a_cut_off_jpeg_is_rejected_even_after_weasyprint_relaxed_pillow() -> None:
    """WeasyPrint (imported for the PDF reports) turns on Pillow's LOAD_TRUNCATED_IMAGES for the
    whole process; photo checks must stay strict regardless, and leave the setting as found."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    data = _jpeg_with_metadata()
    with pytest.raises(PhotoRejected):
        clean_photo(data[: len(data) - 200], name="cut.jpg", max_bytes=10**6)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_thumbnail_keeps_the_shape_and_fits_320_px() -> None:
    portrait = clean_photo(jpeg_bytes(size=(768, 1024)), name="p.jpg", max_bytes=10**7).data
    with Image.open(io.BytesIO(make_thumbnail(portrait))) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (240, 320)
        assert len(thumb.getexif()) == 0
    small = jpeg_bytes(size=(200, 100))
    with Image.open(io.BytesIO(make_thumbnail(small))) as thumb:
        assert thumb.size == (200, 100)  # never enlarged


def test_thumbnail_of_a_transparent_png_is_flattened_on_white() -> None:
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (0, 0, 200, 400))  # left half red, right half transparent
    out = io.BytesIO()
    image.save(out, "PNG")
    with Image.open(io.BytesIO(make_thumbnail(out.getvalue()))) as thumb:
        assert thumb.mode == "RGB" and thumb.size == (320, 320)
        red, white = thumb.getpixel((40, 160)), thumb.getpixel((280, 160))
    assert red[0] > 180 and red[1] < 40  # type: ignore[index]
    assert min(white) > 245  # type: ignore[arg-type]


def test_thumbnail_of_damaged_bytes_is_refused_clearly() -> None:
    data = jpeg_bytes(size=(640, 480))
    with pytest.raises(PhotoRejected):
        make_thumbnail(data[: len(data) // 2])
    with pytest.raises(PhotoRejected):
        make_thumbnail(b"not an image at all")


def test_thumbnail_is_cached_beside_the_media(settings: Settings) -> None:
    digest = store_media(settings=settings, data=jpeg_bytes(size=(1024, 768)))
    path = require_thumbnail(settings=settings, sha256=digest)
    assert path == thumbnail_path(settings=settings, sha256=digest)
    assert path.is_relative_to(settings.effective_media_dir / "thumbnails")
    first = path.stat().st_mtime_ns
    assert require_thumbnail(settings=settings, sha256=digest).stat().st_mtime_ns == first
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left
    with pytest.raises(NotFound):
        require_thumbnail(settings=settings, sha256="f" * 64)
    with pytest.raises(InvalidInput):
        thumbnail_path(settings=settings, sha256="../../etc/passwd")
