"""The channel-independent survey record that every intake path produces.

OpenRosa XML, the web form's JSON and spreadsheet rows are each turned into ``SurveyRecord``
objects; ``fieldsvc.storage.submissions.receive_submission`` stores and applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from fieldsvc.models.enums import Channel, Condition, Stream

BIN_SURVEY_FORM = "bin_survey"
VILLAGE_HOUSEHOLDS_FORM = "village_households"


@dataclass(frozen=True)
class SurveyRecord:
    """One survey as understood, whatever channel it came through.

    Attributes
    ----------
    instance_id
        Globally unique id of this version (ODK ``meta/instanceID``, ``uuid:…``; the web form's
        client-generated id; a deterministic id for a spreadsheet row).
    form_id, form_version
        Which form (``bin_survey`` or ``village_households``) and its version.
    deprecated_id
        The instance id this version replaces (an edit), or None.
    lat, lon, altitude_m, accuracy_m
        The GPS fix; accuracy in metres (0 = hand-placed or mocked).
    photo_names
        Attachment file names the survey refers to (bytes may arrive separately).
    installed_on
        When the bin was put in place, if the survey says (a sheet's วันที่ติดตั้ง column).
    default_stream, default_capacity_l
        What a *new* bin registered from this survey gets when the survey itself names no
        stream or size: a sheet import's stated default (``Settings.sheet_default_stream``).
        ``stream`` and ``capacity_l`` stay None, so an inspection of a registered bin keeps
        the bin's own values rather than taking the default.
    code_made_on_phone
        True when the phone made ``bin_code`` up for a new bin (village + four digits): a code
        another bin already has is then replaced by a fresh one, never read as that bin.
    entity_action, entity_id, entity_base_version, entity_trunk_version, entity_branch_id
        The ODK entity the survey creates (``"create"``) or updates (``"update"``): its id, the
        list version the phone built the update on (``baseVersion``), the server version its
        offline branch started from (``trunkVersion``) and that branch's id (``branchId``).
    """

    instance_id: str
    form_id: str
    channel: Channel
    form_version: str | None = None
    deprecated_id: str | None = None
    bin_code: str | None = None
    village_number: int | None = None
    lat: float | None = None
    lon: float | None = None
    altitude_m: float | None = None
    accuracy_m: float | None = None
    condition: Condition | None = None
    capacity_l: int | None = None
    stream: Stream | None = None
    households_served: int | None = None
    village_households: int | None = None
    village_population: int | None = None
    note: str | None = None
    observed_at: datetime | None = None
    device_id: str | None = None
    photo_names: tuple[str, ...] = field(default_factory=tuple)
    installed_on: date | None = None
    default_stream: Stream | None = None
    default_capacity_l: int | None = None
    code_made_on_phone: bool = False
    entity_action: str | None = None
    entity_id: str | None = None
    entity_base_version: int | None = None
    entity_trunk_version: int | None = None
    entity_branch_id: str | None = None

    @property
    def stream_for_new_bin(self) -> Stream | None:
        """The stream a new bin registered from this survey gets (its own, else the default)."""
        return self.stream or self.default_stream

    @property
    def capacity_for_new_bin_l(self) -> int | None:
        """The size in litres a new bin gets (the survey's own, else the default)."""
        return self.capacity_l if self.capacity_l is not None else self.default_capacity_l
