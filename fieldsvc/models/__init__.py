"""SQLModel tables and their Create/Public families. No logic lives here."""

from fieldsvc.models.bin import (
    Bin,
    BinCreate,
    BinPublic,
    EntityUpdate,
    Inspection,
    InspectionPublic,
)
from fieldsvc.models.citizen import (
    CitizenReport,
    CitizenReportEvent,
    ReportKind,
    ReportStatus,
    ReportVisibility,
)
from fieldsvc.models.enums import Channel, Condition, InspectionSource, ReviewState, Role, Stream
from fieldsvc.models.labels import IssuedCode
from fieldsvc.models.national import NationalResult, NationalRun
from fieldsvc.models.open311 import Open311Key
from fieldsvc.models.people import Household, SignInSession, User, UserSubdistrict, UserVillage
from fieldsvc.models.place import Subdistrict, SubdistrictPublic, Village, VillagePublic
from fieldsvc.models.plan import (
    AllocationPlanRecord,
    PlanItem,
    PlanItemBin,
    PlanItemEvent,
    PlanItemStage,
)
from fieldsvc.models.rounds import InspectionPolicy
from fieldsvc.models.survey import Attachment, AttachmentVersion, Submission
from fieldsvc.models.traffy import TraffyTicket
from fieldsvc.models.work_order import (
    WorkOrder,
    WorkOrderEvent,
    WorkOrderKind,
    WorkOrderStatus,
)

__all__ = [
    "AllocationPlanRecord",
    "Attachment",
    "AttachmentVersion",
    "Bin",
    "BinCreate",
    "BinPublic",
    "Channel",
    "CitizenReport",
    "CitizenReportEvent",
    "Condition",
    "EntityUpdate",
    "Household",
    "Inspection",
    "InspectionPolicy",
    "InspectionPublic",
    "InspectionSource",
    "IssuedCode",
    "NationalResult",
    "NationalRun",
    "Open311Key",
    "PlanItem",
    "PlanItemBin",
    "PlanItemEvent",
    "PlanItemStage",
    "ReviewState",
    "ReportKind",
    "ReportStatus",
    "ReportVisibility",
    "Role",
    "SignInSession",
    "Stream",
    "Submission",
    "TraffyTicket",
    "Subdistrict",
    "SubdistrictPublic",
    "User",
    "UserSubdistrict",
    "UserVillage",
    "Village",
    "VillagePublic",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkOrderKind",
    "WorkOrderStatus",
]
