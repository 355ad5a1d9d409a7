"""The allocation notice as PDF, checked on the rendered page, never by extracted text
(pdftotext garbles Thai even when the page is right)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord
from fieldsvc.reports.allocation_list import allocation_pdf
from fieldsvc.reports.pdf import allocation_html, render_pdf

if not (shutil.which("pdftoppm") and shutil.which("pdffonts")):  # a missing tool fails, never skips
    pytest.fail("needs poppler-utils (scripts/setup-system.sh installs it)", pytrace=False)
DPI = 60
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


def _pages(pdf: bytes, tmp_path: Path, name: str, dpi: int = DPI) -> list[np.ndarray]:
    """Each page as a grey-scale array (0 black … 255 white)."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp_path / name)], check=True
    )
    files = sorted(tmp_path.glob(f"{name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [np.asarray(Image.open(f).convert("L"), dtype=np.int16) for f in files]


def _fonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str, str]]:
    source = tmp_path / "fonts.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(source)], check=True, capture_output=True, text=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        match = re.match(r"(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)", line)
        assert match, line
        rows.append((match.group(1), match.group(2), match.group(4)))
    return rows


def _subject_only(html: str, family: str) -> str:
    """The same page with everything hidden (layout kept) except the subject line, set in
    ``family`` alone: a reference rendering at exactly the report's position."""
    style = (
        "<style>body * { visibility: hidden !important; } "
        ".subject { visibility: visible !important; "
        f"font-family: {family} !important; }}</style></head>"
    )
    return html.replace("</head>", style, 1)


def test_the_notice_embeds_laksaman_and_nothing_else(
    plan: AllocationPlanRecord, office: Settings, tmp_path: Path
) -> None:
    fonts = _fonts(allocation_pdf(plan, office), tmp_path)
    assert fonts, "no fonts: the Thai text would be missing"
    for name, kind, embedded in fonts:
        assert "Laksaman" in name, f"fallback font {name}: a glyph missing from Laksaman"
        assert "Type 3" not in kind and embedded == "yes"


def test_the_subject_line_renders_like_laksaman_alone(
    plan: AllocationPlanRecord, office: Settings, tmp_path: Path
) -> None:
    """The report's subject line is pixel-for-pixel the line set in Laksaman alone, and far
    from the two failures seen on this stack: the "TH Sarabun New" alias (Laksaman scaled by
    0.66, glyphs drawn over each other) and a different face (Garuda)."""
    html = allocation_html(plan, office, thai_digits=True)
    page = _pages(render_pdf(html), tmp_path, "report")[0]
    good = _pages(render_pdf(_subject_only(html, '"Laksaman"')), tmp_path, "good")[0]
    ink = np.argwhere(good[: good.shape[0] // 3] < 160)  # page numbers stay in the footer
    assert len(ink) > 300, "the reference line has almost no ink: no Thai glyphs?"
    (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0) + 1
    assert right - left > 5 * (bottom - top), "the subject should be one wide line"

    def distance(image: np.ndarray) -> float:
        window = (slice(top, bottom), slice(left, right))
        return float(np.abs(page[window] - image[window]).mean())

    alias = _pages(render_pdf(_subject_only(html, '"TH Sarabun New"')), tmp_path, "alias")[0]
    other = _pages(render_pdf(_subject_only(html, '"Garuda"')), tmp_path, "other")[0]
    assert distance(good) < 3.0
    assert distance(alias) > 20.0 and distance(other) > 20.0  # the check can fail


def test_a_list_of_tens_of_items_fits_a_few_a4_pages(
    plan: AllocationPlanRecord, office: Settings, tmp_path: Path
) -> None:
    many = AllocationPlanRecord.model_validate(plan.model_dump())
    many.recommendations = [
        dict(row, rank=i + 1, village_number=1 + i % 10, village_name=f"บ้านที่ {1 + i % 10}",
             capacity_l=[120.0, 200.0, 240.0, 660.0, 1100.0][i % 5],
             stream=["general", "organic", "recyclable", "hazardous"][i // 10 % 4])
        for i, row in enumerate(plan.recommendations * 6)
    ]  # fmt: skip
    pages = _pages(allocation_pdf(many, office), tmp_path, "many")
    assert 2 <= len(pages) <= 5
    for page in pages:
        assert page.shape[1] < page.shape[0], "A4 portrait"
        height, width = page.shape
        # nothing printed in the outer 1 cm: the table does not overflow the page
        margin = int(DPI / 2.54)
        assert page[:, :margin].min() > 200 and page[:, width - margin :].min() > 200


def test_draft_and_digits_options(
    plan: AllocationPlanRecord, office: Settings, tmp_path: Path
) -> None:
    draft = AllocationPlanRecord.model_validate(plan.model_dump())
    draft.status, draft.published_at = "draft", None
    html = allocation_html(draft, office, thai_digits=True)
    assert "ร่าง — ยังไม่ได้ประกาศ" in html
    assert "ประกาศ ณ วันที่ ๒๐ พฤศจิกายน ๒๕๖๙" in html  # the draft is dated by its creation
    published = allocation_html(plan, office, thai_digits=True)
    assert "ร่าง — ยังไม่ได้ประกาศ" not in published
    assert "ประกาศ ณ วันที่ ๒๖ พฤศจิกายน ๒๕๖๙" in published  # 01:30 on the 26th in Bangkok
    assert "๔๕,๔๐๐.๐๐" in published and "45,400" not in published
    assert "(สี่หมื่นห้าพันสี่ร้อยบาทถ้วน)" in published
    arabic = allocation_html(plan, office, thai_digits=False)
    assert "45,400.00" in arabic and "๔๕,๔๐๐" not in arabic
    assert "ข้อมูลสมมุติ" in published
    named = office.model_copy(
        update={"office_name": "องค์การบริหารส่วนตำบลลงมูลเหล็ก", "signatory_name": "นายสมชาย ใจดี"}
    )
    real = allocation_html(plan, named, thai_digits=True)
    assert "ข้อมูลสมมุติ" not in real
    assert "(นายสมชาย ใจดี)" in real and "นายกองค์การบริหารส่วนตำบลลงมูลเหล็ก" in real
    assert "ผู้อำนวยการกองสาธารณสุข" in real


def test_save_the_sample_notice_for_people_to_look_at(
    plan: AllocationPlanRecord, office: Settings, tmp_path: Path
) -> None:
    pdf = allocation_pdf(plan, office)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "test_plan.pdf").write_bytes(pdf)
    for i, page in enumerate(_pages(pdf, tmp_path, "look", dpi=80), start=1):
        Image.fromarray(page.astype(np.uint8)).save(ARTIFACTS / f"test_plan-{i}.png")
    assert Image.open(io.BytesIO((ARTIFACTS / "test_plan-1.png").read_bytes())).size[0] > 0


def test_the_pdf_is_rendered_once_per_plan_state(
    plan: AllocationPlanRecord, office: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An anonymous visitor cannot make the server render the public list per request."""
    import fieldsvc.reports.pdf as pdf_module

    renders: list[int] = []
    real = pdf_module.render_pdf

    def counting(html: str) -> bytes:
        renders.append(1)
        return real(html)

    monkeypatch.setattr(pdf_module, "render_pdf", counting)
    first = allocation_pdf(plan, office)
    assert allocation_pdf(plan, office) == first
    assert len(renders) == 1
    letterhead = office.model_copy(update={"signatory_name": "นายทดสอบ ใหม่"})
    assert allocation_pdf(plan, letterhead) != first  # a changed letterhead is a new notice
    plan.status = "withdrawn"
    allocation_pdf(plan, office)  # a changed plan state is rendered again
    assert len(renders) == 3
