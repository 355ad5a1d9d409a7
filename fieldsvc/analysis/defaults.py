"""Domain defaults for sizing and coverage (``docs/DOMAIN.md``), written once.

Plain constants with no imports: the analysis functions use them as their defaults, and
``fieldsvc.config.Settings`` reads them as the deployment defaults (every one overridable).
"""

from __future__ import annotations

from typing import Final

#: Waste generated per person per day, kg (rural อบต.; 0.5–0.9).
WASTE_KG_PER_PERSON_DAY: Final = 0.7
#: Days between collections, T (village values override it).
COLLECTION_INTERVAL_DAYS: Final = 3.0
#: Peak factor for festivals and fruit season (1.2–1.5).
PEAK_FACTOR: Final = 1.3
#: Share of household waste put in communal bins.
COLLECTED_SHARE: Final = 0.65
#: Loose density of waste in a bin, kg/m³.
BIN_DENSITY_KG_M3: Final = 130.0
#: Usable fraction of a bin's volume.
BIN_FILL_FRACTION: Final = 0.8
#: Persons per household, used when no person count is known.
PERSONS_PER_HOUSEHOLD: Final = 3.1
#: Share of a damaged bin's volume counted as usable capacity.
DAMAGED_CAPACITY_FACTOR: Final = 0.5
#: Walking service radius, metres.
SERVICE_RADIUS_M: Final = 200.0
#: Walking distance / straight-line distance when no path network is known.
DETOUR_FACTOR: Final = 1.3
#: Building footprints counted as houses: smaller ones are sheds, toilets or kiosks (a one-room
#: Thai rural house is ~25–40 m²), m² ...
MIN_BUILDING_AREA_M2: Final = 20.0
#: ... larger ones temple halls, schools, warehouses or factories rather than one household.
MAX_BUILDING_AREA_M2: Final = 1000.0
#: Open Buildings rows below ~0.7 confidence are often not buildings.
MIN_BUILDING_CONFIDENCE: Final = 0.70
