"""HTML (Jinja2) → PDF (WeasyPrint) for printed reports, with Thai digits and dates.

Fonts come from the system (Debian ``fonts-thai-tlwg``): Laksaman is the TLWG face of the
Sarabun design used on Thai government documents; Garuda and Loma are fallbacks.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord
from fieldsvc.reports import plan_tables as pt
from fieldsvc.reports.thai import baht_text, format_baht, format_number, format_percent
from fieldsvc.thai import digits, fiscal_year_label, format_be_date

#: Laksaman first; "TH Sarabun New" is deliberately absent: fonts-thai-tlwg aliases that name to
#: Laksaman scaled by 0.66 (89-tlwg-laksaman-synthetic.conf) and WeasyPrint then draws full-size
#: glyphs at the scaled advances, so every line of Thai overlaps itself. Sarabun (the Google
#: font, when installed) has no such alias.
FONT_STACK = '"Laksaman", "Sarabun", "Garuda", "Loma", sans-serif'

#: Compounds the Thai line breaker splits (ครัว|เรือน) and number prefixes that must stay with
#: their number: glued with WORD JOINER / NO-BREAK SPACE in the printed HTML.
_KEEP_TOGETHER = {
    "ครัวเรือน": "ครัว\u2060เรือน",
    "หมู่บ้าน": "หมู่\u2060บ้าน",
    "ผู้ใหญ่บ้าน": "ผู้ใหญ่\u2060บ้าน",
    "หมู่ที่ ": "หมู่ที่\u00a0",
    "ร้อยละ ": "ร้อยละ\u00a0",
    "พ.ศ. ": "พ.ศ.\u00a0",
}


def keep_together(html: str) -> str:
    """``html`` with the :data:`_KEEP_TOGETHER` phrases protected from line breaks."""
    for phrase, glued in _KEEP_TOGETHER.items():
        html = html.replace(phrase, glued)
    return html


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("fieldsvc.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _filters(thai: bool) -> dict[str, Any]:
    return {
        "d": lambda value: digits(value, thai),
        "n": lambda value, decimals=0: format_number(value, decimals, thai=thai),
        "baht": lambda value: format_baht(value, thai_digits=thai),
        "pct": lambda value, decimals=1: format_percent(value, decimals, thai=thai),
    }


def allocation_html(
    plan: AllocationPlanRecord,
    settings: Settings,
    *,
    thai_digits: bool,
    issued_on: date | None = None,
) -> str:
    """The notice as HTML (what :func:`render_pdf` prints)."""
    from fieldsvc.reports.allocation_list import SYNTHETIC_NOTE, plan_date

    env = _environment().overlay()
    env.filters.update(_filters(thai_digits))
    template = env.get_template("allocation_list.html")
    totals = pt.reason_totals(plan.recommendations)
    deferred = pt.reason_totals(plan.deferred)
    params = plan.parameters or {}
    before, after = pt.scenario(plan, "before"), pt.scenario(plan, "equity_floor")
    names = {v["village_number"]: v["village_name"] for v in pt.village_coverage_rows(plan)}
    ids = {v.get("village_id"): v.get("village_number") for v in plan.villages}

    def worst(row: dict[str, Any]) -> str:
        number = ids.get(row.get("worst_village_id"))
        return pt.village_label(number, names.get(number, "")) if number is not None else "—"

    context = {
        "font_stack": FONT_STACK,
        "office_name": settings.office_name,
        "office_address": settings.office_address,
        "office_phone": settings.office_phone,
        "plan": plan,
        "draft": plan.status != "published",
        "status_th": pt.STATUS_TH.get(plan.status, plan.status),
        "fiscal_year": fiscal_year_label(plan.fiscal_year_be, thai_digits),
        "radius_m": params.get("radius_m"),
        "floor_share": params.get("equity_floor_share"),
        "budget_baht": plan.budget_baht,
        "max_new_bins": params.get("max_new_bins"),
        "coverage_stream": pt.stream_th(params.get("coverage_stream", "general")),
        "totals": totals,
        "total_bins": sum(t.bins for t in totals),
        "total_households": sum(t.households_added for t in totals),
        "total_cost": sum(t.cost_baht for t in totals),
        "total_cost_words": baht_text(sum(t.cost_baht for t in totals)),
        "groups": pt.village_groups(plan),
        "villages": pt.village_coverage_rows(plan),
        "before": before,
        "after": after,
        "efficiency": pt.scenario(plan, "efficiency"),
        "worst_before": worst(before),
        "worst_after": worst(after),
        "deferred": deferred,
        "deferred_bins": sum(t.bins for t in deferred),
        "deferred_cost": sum(t.cost_baht for t in deferred),
        "synthetic_note": SYNTHETIC_NOTE if pt.is_sample_office(settings) else None,
        "issued_on": format_be_date(issued_on or plan_date(plan), thai_digits),
        "signatory_name": settings.signatory_name,
        "signatory_position": pt.signatory_position(settings),
        "cosignatory_name": settings.cosignatory_name,
        "cosignatory_position": settings.cosignatory_position,
        "thai_digits": thai_digits,
    }
    return keep_together(template.render(**context))


def render_pdf(html: str) -> bytes:
    """Print HTML to PDF with WeasyPrint (system fonts; nothing fetched from the network)."""
    from weasyprint import HTML  # imported late: slow, and only the report commands need it

    pdf: bytes = HTML(string=html, base_url=".").write_pdf()
    return pdf
