"""The one settings object. Nothing else in fieldsvc reads the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from fieldsvc.analysis import defaults as domain
from fieldsvc.models.enums import Stream


class Settings(BaseSettings):
    """Deployment settings, read from ``FIELDSVC_*`` environment variables or a ``.env`` file.

    The analysis defaults are those of ``DOMAIN.md`` (``fieldsvc.analysis.defaults``); every one
    can be overridden per deployment (and most per village in the database).
    """

    model_config = SettingsConfigDict(env_prefix="FIELDSVC_", env_file=".env", extra="ignore")

    # --- storage -------------------------------------------------------------------------
    data_dir: Path = Field(default=Path("var"), description="Working folder for the embedded DB")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Empty: SQLite file under data_dir. "
        "PostgreSQL + PostGIS: postgresql+psycopg://user:pass@host/db",
    )
    media_dir: Path | None = Field(default=None, description="Photos; default data_dir/media")
    sql_echo: bool = False

    # --- web -----------------------------------------------------------------------------
    environment: Literal["development", "production"] = Field(
        default="development",
        description="'production' refuses to start without an https FIELDSVC_PUBLIC_BASE_URL",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str | None = Field(
        default=None, description="URL phones use to reach this server, e.g. https://bins.example"
    )
    session_idle_hours: float = Field(
        default=12, gt=0, description="A signed-in browser left unused this long must sign in again"
    )
    session_max_days: float = Field(
        default=7, gt=0, description="A browser must sign in again this long after signing in"
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Extra Host names this server answers to, beside the public base URL's "
        "host, localhost and 127.0.0.1 (e.g. a LAN address during a demo)",
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as text or one JSON object per line"
    )
    office_name: str = "องค์การบริหารส่วนตำบลตัวอย่าง"
    office_name_en: str = "Sample Subdistrict Administrative Organization"
    mark_documents_synthetic: bool = Field(
        default=False,
        description=(
            "Documents say their data are synthetic (a training or demonstration install); "
            "always so for the sample office, including its subdistricts' own office names"
        ),
    )

    # --- printed reports (letterhead and signatures; public, so no personal data) ---------
    office_address: str = Field(
        default="ตำบลตัวอย่าง อำเภอเมือง จังหวัดตัวอย่าง",
        description="Office address printed under the name on reports",
    )
    office_phone: str | None = Field(
        default=None, description="The office's own public phone number, printed on reports"
    )
    signatory_name: str | None = Field(
        default=None, description="Name signing published lists (blank: a dotted line to sign)"
    )
    signatory_position: str | None = Field(
        default=None, description="Position of the signatory; default 'นายก' + office_name"
    )
    cosignatory_name: str | None = Field(
        default=None, description="Name of the officer proposing the list (blank: dotted line)"
    )
    cosignatory_position: str = Field(
        default="ผู้อำนวยการกองสาธารณสุข", description="Position of the proposing officer"
    )
    report_thai_digits: bool = Field(
        default=True, description="Print Thai digits (๐–๙) in PDF reports, as official documents do"
    )
    map_base_layer: str = Field(
        default="none",
        description="Map background: 'none' (boundaries only), '/tiles/{z}/{x}/{y}.png' for "
        "the local tile folder or MBTiles this app serves, or an online tile URL template",
    )
    tiles_dir: Path | None = Field(
        default=None, description="Folder of XYZ tiles (z/x/y.png) served at /tiles/…"
    )
    mbtiles_path: Path | None = Field(
        default=None, description="MBTiles file served at /tiles/… (instead of tiles_dir)"
    )
    open_data_licence: str = "Creative Commons Attribution 4.0 (CC BY 4.0)"

    # --- inspection rounds (overridable per village and stream: `fieldsvc rounds policy`) --
    rounds_usable_days: int = Field(
        default=30, gt=0, le=366, description="A usable bin is inspected at least this often"
    )
    rounds_attention_days: int = Field(
        default=7, gt=0, le=366, description="A damaged or overflowing bin is re-inspected sooner"
    )
    rounds_missing_days: int = Field(
        default=3,
        ge=0,
        le=366,
        description="A bin reported missing is re-checked this soon (0: due at once)",
    )
    rounds_due_soon_days: int = Field(
        default=7, ge=0, le=90, description="'Due' lists bins falling due within this many days"
    )

    # --- field checks --------------------------------------------------------------------
    max_gps_accuracy_m: float = Field(default=25.0, gt=0, description="Worse fixes are flagged")
    duplicate_radius_m: float = Field(
        default=5.0, gt=0, description="New bin this close, or within its fix's accuracy = same?"
    )
    max_photo_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    max_submission_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    max_json_bytes: int = Field(
        default=64 * 1024, gt=0, description="Largest JSON (or form) body of an API request"
    )
    max_photos_per_user_day: int = Field(
        default=2000, gt=0, description="Photos one user may send per Thai calendar day"
    )
    max_photo_bytes_per_user_day: int = Field(
        default=2 * 1024**3, gt=0, description="Bytes of photos one user may send per day"
    )

    # --- reports from residents -----------------------------------------------------------
    citizen_reports_public_at_once: bool = Field(
        default=False,
        description="Show a resident's report publicly at once (else only once staff accept it)",
    )
    citizen_contact_keep_days: int = Field(
        default=365, gt=0, description="Days a resident's name and phone are kept, then erased"
    )
    citizen_max_text_chars: int = Field(default=1000, gt=0, description="Longest description")
    citizen_max_photo_bytes: int = Field(
        default=3 * 1024 * 1024, gt=0, description="Largest photo on the public report page"
    )
    citizen_max_request_bytes: int = Field(
        default=4 * 1024 * 1024, gt=0, description="Largest body sent by the public report page"
    )
    citizen_reports_per_address_day: int = Field(
        default=20, gt=0, description="Reports one network address may send in 24 hours"
    )
    citizen_reports_per_device_day: int = Field(
        default=5, gt=0, description="Reports one phone (its page's device id) may send in 24 h"
    )
    open311_posts_per_key_hour: int = Field(
        default=200, gt=0, description="Open311 requests one partner key may send in an hour"
    )
    citizen_duplicate_radius_m: float = Field(
        default=50.0, gt=0, description="Open reports this close are offered to join"
    )
    citizen_bin_suggest_radius_m: float = Field(
        default=100.0, gt=0, description="Registered bins this close are suggested in triage"
    )
    province_table_max_subdistricts: int = Field(
        default=500,
        gt=0,
        description=(
            "The provincial overview lists provinces instead of subdistricts when no province "
            "is chosen and more subdistricts than this are in scope (a national install: the "
            "full table sums every household of the country)"
        ),
    )
    citizen_many_open_reports: int = Field(
        default=5, gt=0, description="A village with this many open reports stands out"
    )
    citizen_hash_salt: str | None = Field(
        default=None,
        description="Secret salt of the address and device hashes (else one kept in media_dir)",
    )

    # --- work orders for the service unit -----------------------------------------------
    # Target time from the finding to "done", per kind: an overflowing bin is a health nuisance
    # within a day; a repair needs parts, a replacement a bin from the store.
    work_order_target_hours_repair: int = Field(
        default=7 * 24, gt=0, description="Hours to repair a damaged bin"
    )
    work_order_target_hours_replace: int = Field(
        default=14 * 24, gt=0, description="Hours to replace a missing bin"
    )
    work_order_target_hours_extra_collection: int = Field(
        default=24, gt=0, description="Hours to empty an overflowing bin"
    )

    # --- survey sheets ---------------------------------------------------------------------
    # A village head's inventory sheet often has no stream or size column: communal bins are
    # general waste, and the usual rural communal bin is the 200 L drum (DOMAIN.md). A row
    # without them registers its new bin with these (said once in the import report);
    # "none" turns a default off (such rows are then held for staff).
    sheet_default_stream: Stream | None = Field(
        default=Stream.general, description="Stream of a new bin from a sheet row naming none"
    )
    sheet_default_capacity_l: int | None = Field(
        default=200, gt=0, le=20000, description="Size (L) of a new bin from a row naming none"
    )
    sheet_code_conflict_m: float = Field(
        default=50.0,
        gt=0,
        description="One code on sheet rows (or a registered bin) farther apart than this is "
        "a conflict held for staff: two fixes of one bin differ by up to twice the GPS limit",
    )

    # --- plan follow-through ----------------------------------------------------------------
    # A new bin of the planned stream and size registered this close to a planned site is
    # suggested to staff as one of the item's bins: a phone fix (≤ 25 m accepted) plus a bin
    # set down at the roadside rather than on the computed point.
    plan_install_match_m: float = Field(
        default=30.0,
        gt=0,
        le=1000,
        description="A newly registered bin within this distance (m) of a planned site, of the "
        "planned stream and size, is suggested as installed for that plan item",
    )

    # --- analysis defaults (DOMAIN.md) ----------------------------------------------------
    waste_kg_per_person_day: float = Field(default=domain.WASTE_KG_PER_PERSON_DAY, gt=0)
    collection_interval_days: float = Field(default=domain.COLLECTION_INTERVAL_DAYS, gt=0)
    peak_factor: float = Field(default=domain.PEAK_FACTOR, ge=1)
    collected_share: float = Field(default=domain.COLLECTED_SHARE, gt=0, le=1)
    bin_density_kg_m3: float = Field(default=domain.BIN_DENSITY_KG_M3, gt=0)
    bin_fill_fraction: float = Field(default=domain.BIN_FILL_FRACTION, gt=0, le=1)
    persons_per_household: float = Field(default=domain.PERSONS_PER_HOUSEHOLD, gt=0)
    service_radius_m: float = Field(default=domain.SERVICE_RADIUS_M, gt=0)
    detour_factor: float = Field(default=domain.DETOUR_FACTOR, ge=1)
    building_min_area_m2: float = Field(
        default=domain.MIN_BUILDING_AREA_M2,
        ge=0,
        description="Building footprints smaller than this (m²) are not counted as houses "
        "(sheds, toilets, kiosks)",
    )
    building_max_area_m2: float = Field(
        default=domain.MAX_BUILDING_AREA_M2,
        gt=0,
        description="Building footprints larger than this (m²) are not counted as houses "
        "(temple halls, schools, warehouses)",
    )
    building_min_confidence: float = Field(
        default=domain.MIN_BUILDING_CONFIDENCE,
        ge=0,
        le=1,
        description="Open Buildings rows below this confidence are left out",
    )
    osm_pbf_path: Path | None = Field(
        default=None,
        description="OpenStreetMap extract (.osm.pbf) of the area: coverage then uses walking "
        "distances on its paths instead of straight line × detour factor. Nothing is downloaded.",
    )

    @field_validator("sheet_default_stream", "sheet_default_capacity_l", mode="before")
    @classmethod
    def _none_turns_off(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().casefold() in {"", "none"}:
            return None
        return value

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("FIELDSVC_DATABASE_URL must be a sqlite:// or postgresql:// URL")
        return value

    @property
    def public_host(self) -> str | None:
        """The host name of ``public_base_url`` (None when it is not set)."""
        return urlsplit(self.public_base_url).hostname if self.public_base_url else None

    @property
    def effective_database_url(self) -> str:
        """The database URL actually used: the configured one or the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'fieldsvc.sqlite3').resolve()}"

    @property
    def effective_media_dir(self) -> Path:
        return self.media_dir or (self.data_dir / "media")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings`` instead)."""
    return Settings()
