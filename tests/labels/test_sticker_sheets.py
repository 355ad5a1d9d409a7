"""QR sticker sheets and fresh codes: the PDF decoded back to its codes, codes reserved once and
marked used at intake, the CLI, and who may print or reserve (page, PDF, JSON API)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.cli.main import main
from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, Forbidden, NotFound
from fieldsvc.models import Bin, IssuedCode, Role
from fieldsvc.reports.labels import Label, labels_pdf
from fieldsvc.services import labels
from fieldsvc.storage.users import create_user
from tests.intake.conftest import Place, bin_xml, make_place
from tests.labels.sticker_images import decoded_codes, label_image, pdf_pages


@pytest.fixture
def place(session: Session) -> Place:
    return make_place(session)


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as test_client:
        yield test_client


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _send_survey(client: TestClient, token: str, xml: str) -> httpx.Response:
    """A survey sent as ODK Collect sends it, under the user's OpenRosa token."""
    return client.post(
        f"/openrosa/{token}/submission",
        files=[("xml_submission_file", ("s.xml", xml.encode(), "text/xml"))],
        headers={"X-OpenRosa-Version": "1.0"},
    )


def _issued(engine: Engine) -> list[tuple[str, bool]]:
    with Session(engine) as db:
        rows = db.exec(select(IssuedCode).order_by(IssuedCode.code)).all()
        return [(r.code, r.used_at is not None) for r in rows]


# --- the printed sheet -------------------------------------------------------------------------


def test_a_printed_sheet_decodes_back_to_its_codes_24_to_a_page() -> None:
    codes = [f"07-{n:04d}" for n in range(1, 27)] + ["NB-0001", "N7-KQ4TX"]
    sheet = [Label(code, 7, "บ้านหนองบัว", "ตำบลทดสอบ") for code in codes]
    pages = pdf_pages(labels_pdf(sheet, title="ป้าย QR"))
    assert len(pages) == 2  # 28 labels: 24 on the first A4 sheet, 4 on the second
    assert [p.size for p in pages] == [(1241, 1754)] * 2  # A4 at 150 dpi (pdftoppm rounds up)
    assert decoded_codes(pages[0]) == codes[:24]
    assert decoded_codes(pages[1]) == codes[24:]
    # each label cut out alone holds its own code (what a phone photographs)
    assert decoded_codes(label_image(pages[0], 0)) == ["07-0001"]
    assert decoded_codes(label_image(pages[0], 23)) == ["07-0024"]
    assert decoded_codes(label_image(pages[1], 3)) == ["N7-KQ4TX"]


def test_staff_print_a_village_and_a_fresh_batch_and_the_pdf_decodes(
    client: TestClient, place: Place, session: Session
) -> None:
    from tests.mobile.conftest import seed_bins

    seed_bins(session)  # NB-0001 and NB-0002 in หมู่ 1, NB-0301 in หมู่ 3
    staff = _bearer(place.staff_token)
    bins_pdf = client.get("/staff/labels/1.pdf?which=bins", headers=staff)
    assert bins_pdf.status_code == 200 and bins_pdf.headers["content-type"] == "application/pdf"
    assert decoded_codes(pdf_pages(bins_pdf.content)[0]) == ["NB-0001", "NB-0002"]

    reserved = client.post("/api/v1/labels/fresh", json={"village": 1, "count": 5}, headers=staff)
    assert reserved.status_code == 201, reserved.text
    assert reserved.json()["codes"] == ["01-0001", "01-0002", "01-0003", "01-0004", "01-0005"]
    fresh_pdf = client.get(reserved.json()["pdf"], headers=staff)
    assert decoded_codes(pdf_pages(fresh_pdf.content)[0]) == reserved.json()["codes"]

    page = client.get("/staff/labels", headers=staff)
    assert page.status_code == 200
    assert "/staff/labels/1.pdf?which=fresh" in page.text


def test_the_staff_form_reserves_and_answers_the_sheet(
    client: TestClient, place: Place, engine: Engine
) -> None:
    answer = client.post(
        "/staff/labels/fresh",
        data={"village": "2", "count": "3"},
        headers=_bearer(place.staff_token),
    )
    assert answer.status_code == 200, answer.text
    assert decoded_codes(pdf_pages(answer.content)[0]) == ["02-0001", "02-0002", "02-0003"]
    assert _issued(engine) == [("02-0001", False), ("02-0002", False), ("02-0003", False)]


# --- fresh codes: reserved once, used at intake, never issued again ----------------------------


def test_fresh_code_reserved_then_used_at_intake_then_never_reissued(
    client: TestClient, place: Place, session: Session, engine: Engine
) -> None:
    from tests.mobile.conftest import seed_bins

    seed_bins(session)
    # a bin already carrying 01-0002 (painted by hand): that number is skipped
    session.add(
        Bin(
            code="01-0002",
            lon=103.301,
            lat=16.301,
            capacity_l=200,
            stream="general",
            condition="usable",
            village_id=place.village_ids[1],
        )
    )
    session.commit()
    first = labels.issue_fresh_codes(session=session, user=place.staff, village_number=1, count=3)
    assert [r.code for r in first] == ["01-0001", "01-0003", "01-0004"]
    assert all(r.issued_by_id == place.staff.id and r.used_at is None for r in first)

    # the head scans the fresh sticker 01-0003 on a new bin: registered under that code
    xml = bin_xml(f"uuid:{uuid.uuid4()}", code="01-0003", photo="")
    sent = _send_survey(client, place.head_token, xml)
    assert sent.status_code == 201, sent.text
    with Session(engine) as db:
        new_bin = db.exec(select(Bin).where(Bin.code == "01-0003")).one()
        used = db.exec(select(IssuedCode).where(IssuedCode.code == "01-0003")).one()
        assert used.used_at is not None and used.bin_id == new_bin.id
    assert _issued(engine) == [("01-0001", False), ("01-0003", True), ("01-0004", False)]

    # the next batch starts after every code issued or carried, used or not
    session.expire_all()  # the intake ran in the server's own session
    second = labels.issue_fresh_codes(session=session, user=place.staff, village_number=1, count=2)
    assert [r.code for r in second] == ["01-0005", "01-0006"]
    # the unused ones print again; the used one does not
    again = labels.village_labels(
        session=session, user=place.staff, village_number=1, which="fresh"
    )
    assert [label.code for label in again.labels] == ["01-0001", "01-0004", "01-0005", "01-0006"]


def test_a_survey_through_the_general_apply_marks_the_code_used_too(
    client: TestClient, place: Place, session: Session, engine: Engine
) -> None:
    labels.issue_fresh_codes(session=session, user=place.staff, village_number=1, count=1)
    # a point outside every village: not the fast path, the general apply registers the bin
    xml = bin_xml(f"uuid:{uuid.uuid4()}", code="01-0001", location="16.2 103.2 150 4", photo="")
    sent = _send_survey(client, place.staff_token, xml)
    assert sent.status_code == 201, sent.text
    with Session(engine) as db:
        registered = db.exec(select(Bin).where(Bin.code == "01-0001")).one()
        used = db.exec(select(IssuedCode)).one()
    assert (registered.lat, registered.lon) == (16.2, 103.2)  # registered by the general apply
    assert used.used_at is not None and used.bin_id == registered.id


def test_counts_and_villages_out_of_range_are_refused(place: Place, session: Session) -> None:
    with pytest.raises(NotFound):
        labels.issue_fresh_codes(session=session, user=place.staff, village_number=9, count=1)
    with pytest.raises(Exception) as too_many:
        labels.issue_fresh_codes(session=session, user=place.staff, village_number=1, count=241)
    assert "241" in str(too_many.value)
    with pytest.raises(NotFound):  # nothing reserved yet: nothing to print again
        labels.village_labels(session=session, user=place.staff, village_number=1, which="fresh")


def test_a_village_out_of_codes_is_told_how_many_are_left(place: Place, session: Session) -> None:
    from fieldsvc.storage.issued_codes import MAX_SERIAL

    village = place.village_ids[3]
    session.add_all(
        IssuedCode(code=f"03-{n:04d}", village_id=village) for n in range(1, MAX_SERIAL - 1)
    )
    session.commit()
    with pytest.raises(Conflict) as refused:
        labels.issue_fresh_codes(session=session, user=place.staff, village_number=3, count=5)
    assert refused.value.details == {"value": 5, "left": 2}


# --- who may print and reserve -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["village_head", "viewer"])
def test_heads_and_viewers_may_not_reserve_or_print(
    role: str, place: Place, session: Session
) -> None:
    user = place.head if role == "village_head" else None
    if user is None:
        user, _ = create_user(session=session, username="v2", display_name="ผู้ดู", role=Role.viewer)
        session.commit()
    for village in (1, 2):  # the head's own village and another one
        with pytest.raises(Forbidden):
            labels.issue_fresh_codes(session=session, user=user, village_number=village, count=1)
        with pytest.raises(Forbidden):
            labels.village_labels(session=session, user=user, village_number=village, which="bins")


def test_wrong_role_or_village_changes_nothing_over_http(
    client: TestClient, place: Place, engine: Engine
) -> None:
    for token in (place.head_token, place.viewer_token):
        for village in (1, 2):
            api = client.post(
                "/api/v1/labels/fresh",
                json={"village": village, "count": 2},
                headers=_bearer(token),
            )
            assert api.status_code == 403 and api.json()["error"]["code"] == "forbidden"
            form = client.post(
                "/staff/labels/fresh",
                data={"village": str(village), "count": "2"},
                headers=_bearer(token),
            )
            assert form.status_code == 403
            assert (
                client.get(f"/staff/labels/{village}.pdf", headers=_bearer(token)).status_code
                == 403
            )
        assert client.get("/staff/labels", headers=_bearer(token)).status_code == 403
    # staff asking for a village that does not exist: 404, nothing reserved
    missing = client.post(
        "/api/v1/labels/fresh", json={"village": 9, "count": 2}, headers=_bearer(place.staff_token)
    )
    assert missing.status_code == 404
    assert client.post("/api/v1/labels/fresh", json={"village": 1, "count": 2}).status_code == 401
    assert _issued(engine) == []


# --- the command line --------------------------------------------------------------------------


def test_cli_prints_a_village_and_reserves_fresh_codes(
    place: Place, session: Session, settings: Settings, engine: Engine, tmp_path, capsys
) -> None:
    from tests.mobile.conftest import seed_bins

    seed_bins(session)
    out = tmp_path / "bins.pdf"
    assert main(["labels", "--village", "1", "--out", str(out)], settings=settings) == 0
    assert decoded_codes(pdf_pages(out.read_bytes())[0]) == ["NB-0001", "NB-0002"]
    fresh = tmp_path / "fresh.pdf"
    assert (
        main(
            ["labels", "--village", "๓", "--fresh", "4", "--out", str(fresh)],
            settings=settings,
        )
        == 0
    )
    assert decoded_codes(pdf_pages(fresh.read_bytes())[0]) == [f"03-000{n}" for n in range(1, 5)]
    assert "03-0001 03-0002 03-0003 03-0004" in capsys.readouterr().out
    with Session(engine) as db:
        issued = db.exec(select(IssuedCode)).all()
        assert len(issued) == 4 and all(r.issued_by_id is None for r in issued)
    assert main(["labels", "--village", "9", "--fresh", "1"], settings=settings) == 2
