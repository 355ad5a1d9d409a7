"""Two subdistricts with a row in every table that travels with one, and real photo bytes."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import shapely
from sqlmodel import Session, col, select

from fieldsvc.config import Settings
from fieldsvc.models import (
    AllocationPlanRecord,
    Attachment,
    AttachmentVersion,
    Bin,
    CitizenReport,
    CitizenReportEvent,
    Household,
    Inspection,
    InspectionPolicy,
    IssuedCode,
    PlanItem,
    PlanItemBin,
    PlanItemEvent,
    PlanItemStage,
    Subdistrict,
    Submission,
    TraffyTicket,
    User,
    UserSubdistrict,
    UserVillage,
    Village,
    WorkOrder,
    WorkOrderEvent,
)
from fieldsvc.models.bin import EntityUpdate
from fieldsvc.models.enums import Channel, Condition, InspectionSource, ReviewState, Role, Stream
from fieldsvc.models.survey import SubmissionReview
from fieldsvc.storage.media import store_media

T0 = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)


def photo(label: str, size: int = 3000) -> bytes:
    """Deterministic bytes standing for a JPEG (the media store keeps any bytes)."""
    out = b"\xff\xd8\xff\xe0" + label.encode()
    block = label.encode()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return out[:size]


@dataclass
class Built:
    code: str
    bin_codes: list[str]
    instance_ids: list[str]
    photos: dict[str, bytes] = field(default_factory=dict)


def _shared_user(session: Session) -> User:
    found = session.exec(select(User).where(User.username == "surveyor")).first()
    if found is not None:
        return found
    user = User(
        username="surveyor",
        display_name="ผู้สำรวจ",
        role=Role.health_staff,
        token_hash="a" * 64,
        phone="0810000000",
    )
    session.add(user)
    session.flush()
    return user


def build_subdistrict(session: Session, settings: Settings, *, code: str, x0: float) -> Built:
    """One subdistrict of two villages with bins, their history and everything hanging off
    them. ``x0`` is its west edge (longitude) so two of them do not overlap."""
    tag = code[-2:]
    square = shapely.box(x0, 15.0, x0 + 0.04, 15.02)
    sub = Subdistrict(
        code=code, name=f"ตำบลทดสอบ{tag}", name_en=f"Test {tag}", province="นครราชสีมา",
        boundary=shapely.MultiPolygon([square]),
    )  # fmt: skip
    session.add(sub)
    session.flush()
    assert sub.id is not None
    surveyor = _shared_user(session)
    head = User(username=f"head{tag}", display_name=f"ผู้ใหญ่บ้าน {tag}", role=Role.village_head)
    session.add(head)
    session.flush()
    villages = []
    for number in (1, 2):
        part = shapely.box(x0 + 0.02 * (number - 1), 15.0, x0 + 0.02 * number, 15.02)
        village = Village(
            subdistrict_id=sub.id, number=number, name=f"บ้าน{tag}-{number}",
            code=f"{code}0{number}", households=40 + number, population=150,
            boundary=part, boundary_source="imported", collection_interval_days=3.5,
        )  # fmt: skip
        session.add(village)
        villages.append(village)
    session.flush()
    session.add(UserVillage(user_id=head.id, village_id=villages[0].id))
    built = Built(code=code, bin_codes=[], instance_ids=[])
    bins = []
    for n in range(3):
        village = villages[n % 2]
        item = Bin(
            code=f"B{code}-{n}", lon=x0 + 0.005 + 0.01 * n, lat=15.01, capacity_l=120 + 40 * n,
            stream=Stream.general, condition=Condition.usable, village_id=village.id,
            households_served=n or None, installed_on=date(2025, 1, 1 + n),
            last_inspected_at=T0 + timedelta(days=n), entity_version=2,
            entity_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"bin:{code}-{n}")),
            created_at=T0, updated_at=T0,
        )  # fmt: skip
        session.add(item)
        bins.append(item)
        built.bin_codes.append(item.code)
    session.flush()
    for n, item in enumerate(bins):
        instance = f"uuid:{code}-{n}"
        built.instance_ids.append(instance)
        raw = f"<data id='bin_survey'><code>{item.code}</code><n>{n}</n></data>"
        sub_row = Submission(
            instance_id=instance, root_id=instance, form_id="bin_survey", form_version="3",
            channel=Channel.openrosa, received_at=T0 + timedelta(hours=n),
            observed_at=T0 + timedelta(hours=n, minutes=-5), submitter_id=surveyor.id,
            device_id=f"collect:{tag}", gps_accuracy_m=4.5, village_id=item.village_id,
            bin_id=item.id, raw_payload=raw,
            payload_sha256=hashlib.sha256(raw.encode()).hexdigest(), applied=True,
            review_state=ReviewState.approved,
            flags=[{"key": "gps_poor", "accuracy": 4.5}], parsed={"code": item.code, "n": n},
        )  # fmt: skip
        session.add(sub_row)
        session.flush()
        session.add(
            EntityUpdate(
                submission_id=sub_row.id, bin_id=item.id, dataset="bins",
                entity_id=item.entity_id, action="update", base_version=1, trunk_version=1,
                made_version=2,
            )
        )  # fmt: skip
        session.add(
            SubmissionReview(
                submission_id=sub_row.id, state=ReviewState.approved, comment="ตรวจแล้ว",
                reviewer_id=head.id, reviewed_at=T0 + timedelta(days=1),
            )
        )  # fmt: skip
        old, new = photo(f"{code}-{n}-old"), photo(f"{code}-{n}-new", 4000 + n)
        for data in (old, new):
            built.photos[store_media(settings=settings, data=data)] = data
        attachment = Attachment(
            submission_id=sub_row.id, name=f"{n}.jpg", sha256=hashlib.sha256(new).hexdigest(),
            media_type="image/jpeg", size_bytes=len(new), received_at=T0,
        )  # fmt: skip
        session.add(attachment)
        session.flush()
        session.add(
            AttachmentVersion(
                attachment_id=attachment.id, sha256=hashlib.sha256(old).hexdigest(),
                media_type="image/jpeg", size_bytes=len(old), received_at=T0,
                replaced_at=T0 + timedelta(days=2), replaced_by_id=head.id,
            )
        )  # fmt: skip
        first = Inspection(
            bin_id=item.id, observed_at=T0 - timedelta(days=30), condition=Condition.usable,
            source=InspectionSource.inventory_import, recorded_at=T0 - timedelta(days=30),
        )  # fmt: skip
        latest = Inspection(
            bin_id=item.id, submission_id=sub_row.id, observed_at=sub_row.observed_at,
            condition=Condition.damaged if n == 0 else Condition.usable, capacity_l=item.capacity_l,
            stream=Stream.general, lon=item.lon, lat=item.lat, accuracy_m=4.5,
            households_served=3, note="ฝาแตก" if n == 0 else None, source=InspectionSource.survey,
            recorded_at=T0 + timedelta(hours=n),
        )  # fmt: skip
        session.add_all([first, latest])
        session.flush()
        if n == 0:
            order = WorkOrder(
                bin_id=item.id, village_id=item.village_id, kind="repair", status="assigned",
                reason="inspection", inspection_id=latest.id, opened_at=latest.observed_at,
                clock_at=latest.observed_at, assigned_to_id=surveyor.id,
                assigned_at=T0 + timedelta(days=1), created_at=T0, updated_at=T0,
            )  # fmt: skip
            session.add(order)
            session.flush()
            session.add_all(
                [
                    WorkOrderEvent(
                        order_id=order.id, action="opened", status="open",
                        inspection_id=latest.id, at=latest.observed_at, recorded_at=T0,
                    ),
                    WorkOrderEvent(
                        order_id=order.id, action="assigned", status="assigned",
                        actor_id=head.id, assigned_to_id=surveyor.id, mark_id=f"mark-{code}",
                        at=T0 + timedelta(days=1), recorded_at=T0,
                    ),
                ]
            )  # fmt: skip
    for n in range(4):
        session.add(
            Household(
                ref=f"H{code}-{n}", village_id=villages[n % 2].id, lon=x0 + 0.003 * (n + 1),
                lat=15.005, persons=3.0 + n, house_no=f"{n + 10}/1",
            )
        )  # fmt: skip
    session.add_all(
        [
            IssuedCode(code=bins[0].code, village_id=bins[0].village_id, issued_by_id=head.id,
                       issued_at=T0 - timedelta(days=60), used_at=T0, bin_id=bins[0].id),
            IssuedCode(code=f"B{code}-spare", village_id=villages[1].id, issued_at=T0),
        ]
    )  # fmt: skip
    report_photo = photo(f"{code}-report", 2500)
    built.photos[store_media(settings=settings, data=report_photo)] = report_photo
    first_report = CitizenReport(
        ticket=f"R{code}-1", access_key="k" * 20, kind="bin_full", description="ถังล้น",
        lon=bins[1].lon, lat=bins[1].lat, village_id=bins[1].village_id, bin_id=bins[1].id,
        photo_sha256=hashlib.sha256(report_photo).hexdigest(), photo_media_type="image/jpeg",
        contact_name="นางสมศรี", contact_phone="0899999999", client_hash="c" * 64,
        draft_id=f"draft-{code}-1", created_at=T0, updated_at=T0,
    )  # fmt: skip
    session.add(first_report)
    session.flush()
    second_report = CitizenReport(
        ticket=f"R{code}-2", access_key="j" * 20, kind="bin_full", lon=bins[1].lon,
        lat=bins[1].lat, village_id=bins[1].village_id, duplicate_of_id=first_report.id,
        created_at=T0 + timedelta(hours=1), updated_at=T0 + timedelta(hours=1),
    )  # fmt: skip
    session.add(second_report)
    session.flush()
    session.add_all(
        [
            CitizenReportEvent(report_id=first_report.id, action="created", at=T0),
            CitizenReportEvent(report_id=second_report.id, action="merge", actor_id=head.id,
                               detail=first_report.ticket, at=T0 + timedelta(hours=2)),
            TraffyTicket(ticket_id=f"T{code}", types="ความสะอาด", comment="ขยะเยอะ",
                         lon=x0 + 0.01, lat=15.01, village_id=villages[0].id,
                         reported_at=T0, imported_at=T0, last_seen_at=T0),
            InspectionPolicy(village_id=villages[1].id, stream="general", usable_days=30,
                             updated_at=T0, updated_by="admin"),
        ]
    )  # fmt: skip
    session.commit()
    return built


def add_tenancy_rows(session: Session, *, code: str) -> None:
    """What an install of many subdistricts adds to subdistrict ``code`` built above: the
    subdistrict of each row that names one, a bin outside every village, an allocation plan
    followed to the ground, and a health-staff member who works for it."""
    sub = session.exec(select(Subdistrict).where(Subdistrict.code == code)).one()
    tag = code[-2:]
    villages = {
        v.id: v for v in session.exec(select(Village).where(Village.subdistrict_id == sub.id))
    }
    for model in (Bin, Submission, CitizenReport, TraffyTicket, WorkOrder):
        for row in session.exec(select(model).where(col(model.village_id).in_(list(villages)))):
            row.subdistrict_id = sub.id
            session.add(row)
    loose = Bin(
        code=f"B{code}-loose", lon=101.0, lat=14.0, capacity_l=200, stream=Stream.general,
        condition=Condition.usable, subdistrict_id=sub.id,
        entity_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"bin:{code}-loose")),
        created_at=T0, updated_at=T0,
    )  # fmt: skip
    session.add(loose)
    staff = User(username=f"staff{tag}", display_name=f"จนท. {tag}", role=Role.health_staff)
    session.add(staff)
    session.flush()
    session.add(UserSubdistrict(user_id=staff.id, subdistrict_id=sub.id))
    bins = session.exec(
        select(Bin).where(col(Bin.village_id).in_(list(villages))).order_by(col(Bin.id))
    ).all()
    first_village = min(villages)
    plan = AllocationPlanRecord(
        subdistrict_id=sub.id, version=1, title=f"แผน {tag}", fiscal_year_be=2569,
        status="published", created_by_id=staff.id, published_at=T0, budget_baht=9000.0,
        parameters={"budget_baht": 9000.0},
        villages=[{"village_id": first_village, "households": 41}],
        recommendations=[
            {"rank": 1, "village_id": first_village, "bin_id": bins[0].id, "count": 1},
            {"rank": 2, "village_id": float(first_village), "bin_id": None, "count": 2},
        ],
        deferred=[{"village_id": max(villages), "reason": "budget"}],
        created_at=T0,
    )  # fmt: skip
    session.add(plan)
    session.flush()
    item = PlanItem(
        plan_id=plan.id, line=0, rank=1, reason="replacement", village_id=first_village,
        stream=Stream.general, capacity_l=240, count=1, replaces_bin_id=bins[0].id,
        planned_baht=4500.0, paid_baht=4400.0, stage=PlanItemStage.installed, approved_at=T0,
        updated_at=T0,
    )  # fmt: skip
    session.add(item)
    session.flush()
    session.add_all(
        [
            PlanItemEvent(item_id=item.id, action="approved", at=T0),
            PlanItemEvent(item_id=item.id, action="bin_confirmed", bin_id=bins[1].id,
                          actor_id=staff.id, at=T0 + timedelta(days=3)),
            PlanItemBin(item_id=item.id, bin_id=bins[1].id, distance_m=12.5,
                        confirmed_by_id=staff.id, confirmed_at=T0 + timedelta(days=3)),
        ]
    )  # fmt: skip
    session.commit()
