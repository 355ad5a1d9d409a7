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
from fieldsvc.models.open311 import Open311Key
from fieldsvc.models.people import Household, SignInSession, User, UserVillage
from fieldsvc.models.place import Subdistrict, SubdistrictPublic, Village, VillagePublic
from fieldsvc.models.plan import AllocationPlanRecord
from fieldsvc.models.survey import Attachment, AttachmentVersion, Submission
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
    "InspectionPublic",
    "InspectionSource",
    "IssuedCode",
    "Open311Key",
    "ReviewState",
    "ReportKind",
    "ReportStatus",
    "ReportVisibility",
    "Role",
    "SignInSession",
    "Stream",
    "Submission",
    "Subdistrict",
    "SubdistrictPublic",
    "User",
    "UserVillage",
    "Village",
    "VillagePublic",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkOrderKind",
    "WorkOrderStatus",
]
