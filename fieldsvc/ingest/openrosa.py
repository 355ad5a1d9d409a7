"""OpenRosa submissions (ODK Collect / KoboCollect) → ``SurveyRecord``.

* XML is parsed with ``defusedxml`` and DTDs forbidden: billion-laughs, external entities and
  external DTDs are refused before any expansion happens.
* Namespace-agnostic: elements are matched by local name, so ``<data>``, ``<orx:meta>`` or a
  default-namespaced instance all read the same.
* Structure errors (not XML, no ``meta/instanceID``, unknown form id) raise
  ``MalformedSubmission`` naming the field; a *value* that cannot be read (``capacity_l`` =
  ``"abc"``) is not an error: the survey is kept and an ``invalid_value`` flag is returned.

Field names and XPaths: ``mobile_forms/README.md``.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as StdET
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from fieldsvc.errors import FieldsvcError, InvalidInput, PayloadTooLarge
from fieldsvc.ingest.checks import Flag
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, VILLAGE_HOUSEHOLDS_FORM, SurveyRecord
from fieldsvc.ingest.values import as_aware, is_bin_code
from fieldsvc.models.enums import Channel, Condition, Stream
from fieldsvc.problems import render

KNOWN_FORMS = (BIN_SURVEY_FORM, VILLAGE_HOUSEHOLDS_FORM)
XML_PART = "xml_submission_file"
INCOMPLETE_FIELD = "*isIncomplete*"

E = TypeVar("E", bound=StrEnum)


class MalformedSubmission(FieldsvcError):
    """The submission cannot be stored meaningfully (not XML, no instance id, unknown form)."""

    code = "malformed_submission"


@dataclass(frozen=True)
class ParsedSubmission:
    """A survey read from XML, the XML text as received, and the values that could not be read."""

    record: SurveyRecord
    raw_xml: str
    flags: list[Flag] = field(default_factory=list)


def _local(tag: Any) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1] if "}" in text else text.rsplit(":", 1)[-1]


def _children(element: StdET.Element) -> dict[str, StdET.Element]:
    found: dict[str, StdET.Element] = {}
    for child in element:
        found.setdefault(_local(child.tag), child)
    return found


def _text(element: StdET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None


def _invalid(field_name: str, value: str, expected: tuple[str, str]) -> Flag:
    """An ``invalid_value`` flag; ``expected`` is the rendered expectation (Thai, English)."""
    expected_th, expected_en = expected
    return Flag.of(
        "invalid_value",
        field_name,
        {"value": value, "expected": expected_en},
        field_name=field_name,
        value=value,
        expected_th=expected_th,
        expected_en=expected_en,
    )


class _Reader:
    """Reads typed values from the instance's fields, collecting flags instead of raising."""

    def __init__(self, fields: dict[str, StdET.Element]) -> None:
        self.fields = fields
        self.flags: list[Flag] = []

    def text(self, name: str) -> str | None:
        return _text(self.fields.get(name))

    def integer(self, name: str) -> int | None:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            number = float(raw)
            if not math.isfinite(number) or number != int(number):
                raise ValueError(raw)
            return int(number)
        except ValueError:
            self.flags.append(_invalid(name, raw, render("expected_integer")))
            return None

    def choice(self, name: str, enum: type[E]) -> E | None:
        raw = self.text(name)
        if raw is None:
            return None
        try:
            return enum(raw)
        except ValueError:
            allowed = "|".join(m.value for m in enum)
            self.flags.append(_invalid(name, raw, render("expected_choice", allowed=allowed)))
            return None

    def geopoint(self, name: str) -> tuple[float | None, float | None, float | None, float | None]:
        raw = self.text(name)
        if raw is None:
            return None, None, None, None
        try:
            parts = [float(p) for p in raw.split()]
            if len(parts) < 2 or not all(math.isfinite(p) for p in parts):
                raise ValueError(raw)
        except ValueError:
            self.flags.append(_invalid(name, raw, render("expected_geopoint")))
            return None, None, None, None
        parts += [math.nan] * (4 - len(parts))
        lat, lon, alt, acc = parts[:4]
        return lat, lon, (None if math.isnan(alt) else alt), (None if math.isnan(acc) else acc)

    def moment(self, *names: str) -> datetime | None:
        """The first readable dateTime or date among ``names`` (naive = Thailand time)."""
        for name in names:
            raw = self.text(name)
            if raw is None:
                continue
            try:
                return parse_moment(raw)
            except ValueError:
                self.flags.append(_invalid(name, raw, render("expected_moment")))
        return None


ENTITY_LIST = "bins"


def _version(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.strip().isdigit() else None


def _truthy(raw: str | None) -> bool:
    return (raw or "").strip().lower() in ("1", "true")


def entity_fields(meta: dict[str, StdET.Element]) -> dict[str, Any]:
    """The ``SurveyRecord`` fields of ``<meta><entity dataset id create update baseVersion
    trunkVersion branchId>`` (ODK entities spec 2024.1); empty when the survey declares no
    entity of the bins list or neither creates nor updates one (``create_if``/``update_if``
    false). An upsert that says both is an update: the id names a bin of the list."""
    element = meta.get("entity")
    if element is None or (element.get("dataset") or "").strip() != ENTITY_LIST:
        return {}
    entity_id = (element.get("id") or "").strip()[:64]
    if not entity_id:
        return {}
    if _truthy(element.get("update")):
        action = "update"
    elif _truthy(element.get("create")):
        action = "create"
    else:
        return {}
    return {
        "entity_action": action,
        "entity_id": entity_id,
        "entity_base_version": _version(element.get("baseVersion")),
        "entity_trunk_version": _version(element.get("trunkVersion")),
        "entity_branch_id": (element.get("branchId") or "").strip()[:64] or None,
    }


def parse_moment(raw: str) -> datetime:
    """An XForms ``date`` or ``dateTime`` as an aware datetime; no zone means Thailand time."""
    text = raw.strip().replace("Z", "+00:00")
    if len(text) == 10:
        return as_aware(date.fromisoformat(text))
    return as_aware(datetime.fromisoformat(text))


def parse_submission_xml(
    data: bytes | str, *, channel: Channel = Channel.openrosa
) -> ParsedSubmission:
    """Read an OpenRosa submission instance.

    Raises
    ------
    MalformedSubmission
        Not UTF-8, not well-formed XML, a DTD or entity (refused for safety), no
        ``meta/instanceID``, or a form id this server does not serve.
    """
    if isinstance(data, bytes):
        try:
            raw_xml = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedSubmission.of(
                "submission_not_utf8", field=XML_PART, byte=exc.start
            ) from exc
    else:
        raw_xml = data
    try:
        root = fromstring(raw_xml.encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise MalformedSubmission.of(
            "submission_has_dtd", field=XML_PART, kind=type(exc).__name__
        ) from exc
    except StdET.ParseError as exc:
        raise MalformedSubmission.of("submission_not_xml", field=XML_PART, reason=exc) from exc

    form_id = (root.get("id") or "").strip()
    if form_id not in KNOWN_FORMS:
        raise MalformedSubmission.of(
            "form_not_served",
            field="form_id",
            details={"value": form_id, "expected": list(KNOWN_FORMS)},
            form_id=form_id,
            forms_th=" หรือ ".join(KNOWN_FORMS),
            forms_en=", ".join(KNOWN_FORMS),
        )
    fields = _children(root)
    meta = _children(fields["meta"]) if "meta" in fields else {}
    instance_id = _text(meta.get("instanceID"))
    if not instance_id:
        raise MalformedSubmission.of("instance_id_missing", field="meta/instanceID")
    if len(instance_id) > 120:
        raise MalformedSubmission.of("instance_id_too_long", field="meta/instanceID")

    read = _Reader(fields)
    common: dict[str, Any] = {
        "instance_id": instance_id,
        "form_id": form_id,
        "channel": channel,
        "form_version": (root.get("version") or "").strip() or None,
        "deprecated_id": _text(meta.get("deprecatedID")),
        "village_number": read.integer("village"),
        "note": read.text("remarks"),
        "device_id": read.text("deviceid"),
    }
    if form_id == BIN_SURVEY_FORM:
        lat, lon, alt, acc = read.geopoint("location")
        code = read.text("bin_code") or read.text("bin_code_scan") or read.text("bin_code_typed")
        if code is not None and not is_bin_code(code):
            raise InvalidInput.of(
                "bin_code_invalid",
                field="bin_code",
                details={"value": code},
                field_name="bin_code",
                value=code,
            )
        photo = read.text("photo")
        record = SurveyRecord(
            **common,
            bin_code=code,
            lat=lat,
            lon=lon,
            altitude_m=alt,
            accuracy_m=acc,
            condition=read.choice("condition", Condition),
            capacity_l=read.integer("capacity_l"),
            stream=read.choice("stream", Stream),
            households_served=read.integer("households"),
            observed_at=read.moment("start", "end", "today"),
            photo_names=(photo,) if photo else (),
            **entity_fields(meta),
        )
    else:
        record = SurveyRecord(
            **common,
            village_households=read.integer("households"),
            village_population=read.integer("population"),
            observed_at=read.moment("survey_date", "start", "today"),
        )
    return ParsedSubmission(record=record, raw_xml=raw_xml, flags=read.flags)


# --- multipart (the POST body Collect sends) --------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    name: str
    data: bytes
    content_type: str | None


@dataclass(frozen=True)
class OpenRosaUpload:
    """One POST of a submission: its XML, whether more parts follow, and the files in it."""

    xml: bytes
    incomplete: bool
    files: list[UploadedFile]


async def bounded(stream: AsyncIterator[bytes], *, max_bytes: int) -> AsyncIterator[bytes]:
    """Pass a request body through, refusing it as soon as it exceeds ``max_bytes``."""
    total = 0
    async for chunk in stream:
        total += len(chunk)
        if total > max_bytes:
            raise PayloadTooLarge.of(
                "request_too_large",
                field="body",
                details={"max_bytes": max_bytes},
                max_bytes=max_bytes,
            )
        yield chunk


async def read_openrosa_multipart(
    headers: Headers, stream: AsyncIterator[bytes], *, max_bytes: int
) -> OpenRosaUpload:
    """Parse Collect's ``multipart/form-data`` POST: ``xml_submission_file``, the optional
    ``*isIncomplete*`` field, and one part per attachment (its file name is the part name)."""
    content_type = headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise MalformedSubmission.of(
            "not_multipart",
            field="content-type",
            details={"value": content_type},
            content_type=content_type or "none",
        )
    parser = MultiPartParser(
        headers,
        bounded(stream, max_bytes=max_bytes),  # type: ignore[arg-type]
        max_files=200,
        max_fields=50,
        max_part_size=max_bytes,
    )
    try:
        form = await parser.parse()
    except (MultiPartException, KeyError, ValueError) as exc:
        raise MalformedSubmission.of("multipart_unreadable", field="body", reason=exc) from exc
    xml: bytes | None = None
    incomplete = False
    files: list[UploadedFile] = []
    try:
        for key, value in form.multi_items():
            if key == INCOMPLETE_FIELD:
                text = value if isinstance(value, str) else (await value.read()).decode()
                incomplete = text.strip().lower() in ("yes", "true", "1")
            elif key == XML_PART:
                xml = value.encode("utf-8") if isinstance(value, str) else await value.read()
            elif isinstance(value, UploadFile):
                files.append(
                    UploadedFile(
                        name=value.filename or key,
                        data=await value.read(),
                        content_type=value.content_type,
                    )
                )
    finally:
        await form.close()
    if xml is None:
        raise MalformedSubmission.of("xml_part_missing", field=XML_PART, part=XML_PART)
    return OpenRosaUpload(xml=xml, incomplete=incomplete, files=files)
