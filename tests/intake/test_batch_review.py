"""Batch review: staff approve or reject every survey awaiting a decision that the review
filter matches (one imported sheet, one village, one flag), after a confirmation of how many
and which flags; each survey is decided exactly as a single review decides it."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, Forbidden, InvalidInput
from fieldsvc.ingest.checks import Flag
from fieldsvc.models import Bin, Inspection, ReviewState, Role, Submission, User
from fieldsvc.models.survey import SubmissionReview
from fieldsvc.services import batch_review
from fieldsvc.services.batch_review import BatchFilter, BatchOutcome, decide_batch, preview_batch
from fieldsvc.services.sheet_import import import_bin_sheet
from fieldsvc.storage.submissions import add_flags
from fieldsvc.storage.submissions.selection import (
    SurveySelection,
    count_selected,
    lock_selected,
)
from fieldsvc.storage.users import create_user
from tests.intake.conftest import Place
from tests.signin import sign_in

#: A village heads' sheet: H-1 and H-6 are clean (registered at once); the other five are held:
#: H-2, H-7 surveyed "in the future" (impossible_value), H-3 without a stream for a new code
#: (unknown_bin_code: this office imports with no default stream, FIELDSVC_SHEET_DEFAULT_STREAM
#: =none), H-4 a 50,000 L bin (impossible_value), H-5 coordinates swapped.
HEADS_CSV = """\
code,village,lat,lon,capacity,stream,condition,date
H-1,1,16.305,103.305,200,general,usable,2026-11-20
H-2,1,16.3052,103.3052,200,general,usable,2030-01-01
H-3,2,16.305,103.315,200,,usable,2026-11-20
H-4,2,16.3055,103.3155,50000,general,usable,2026-11-20
H-5,1,103.3056,16.3056,200,general,usable,2026-11-20
H-6,3,16.305,103.325,200,general,damaged,2026-11-20
H-7,3,16.3051,103.3251,200,general,usable,2030-01-02
"""
#: Another import, held for the same reason as H-2: not part of "heads.csv"'s batch.
OTHER_CSV = """\
code,village,lat,lon,capacity,stream,condition,date
O-1,1,16.3058,103.3058,240,general,usable,2030-02-01
"""
HELD = {"H-2", "H-3", "H-4", "H-5", "H-7"}


@pytest.fixture
def imported(session: Session, settings: Settings, place: Place, tmp_path: Path) -> Place:
    for name, text in (("heads.csv", HEADS_CSV), ("other 100%_.csv", OTHER_CSV)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        holding = settings.model_copy(update={"sheet_default_stream": None})
        import_bin_sheet(session=session, path=path, settings=holding)
        session.commit()
    return place


def _by_code(session: Session) -> dict[str, Submission]:
    session.expire_all()
    return {s.parsed["bin_code"]: s for s in session.exec(select(Submission))}


def _reviews(session: Session) -> list[SubmissionReview]:
    return list(session.exec(select(SubmissionReview).order_by(SubmissionReview.id)))


def _bin_codes(session: Session) -> set[str]:
    return {b.code for b in session.exec(select(Bin))}


def _decide(
    session: Session,
    settings: Settings,
    reviewer: User,
    batch_filter: BatchFilter,
    decision: ReviewState,
    token: str,
    comment: str | None = None,
) -> BatchOutcome:
    return decide_batch(
        session=session,
        settings=settings,
        reviewer=reviewer,
        batch_filter=batch_filter,
        decision=decision,
        comment=comment,
        token=token,
    )


# --- the preview ------------------------------------------------------------------------------


def test_preview_counts_and_flags_match_an_independent_count(
    session: Session, imported: Place
) -> None:
    preview = preview_batch(
        session=session, user=imported.staff, batch_filter=BatchFilter(source_file="heads.csv")
    )
    # Counted here straight from the stored rows: the sheet's current surveys with issues.
    rows = [
        s
        for s in session.exec(select(Submission))
        if s.is_current
        and s.review_state == ReviewState.has_issues
        and json.loads(s.raw_payload)["file"] == "heads.csv"
    ]
    assert {s.parsed["bin_code"] for s in rows} == HELD
    flags = Counter(f["code"] for s in rows for f in s.flags)
    assert preview.count == len(rows) == 5
    assert preview.to_apply == 5  # none is in the register yet
    assert {f.code: f.count for f in preview.flags} == dict(flags)
    assert dict(flags) == {"impossible_value": 3, "unknown_bin_code": 1, "coordinates_swapped": 1}
    assert [f.code for f in preview.flags][0] == "impossible_value"  # most frequent first
    labels = {f.code: (f.label_th, f.label_en) for f in preview.flags}
    assert labels["coordinates_swapped"] == (
        "ละติจูด/ลองจิจูดสลับกัน",
        "Latitude and longitude swapped",
    )
    assert labels["unknown_bin_code"] == ("ไม่พบรหัสถัง", "Unknown bin code")
    assert re.fullmatch(r"[0-9a-f]{32}", preview.token) and not preview.too_many


@pytest.mark.parametrize(
    ("options", "village", "codes"),
    [
        ({}, None, HELD | {"O-1"}),
        ({"source_file": "other 100%_.csv"}, None, {"O-1"}),
        ({"source_file": "other"}, None, set()),  # a file name, not the start of one
        ({"source_file": "heads.csv"}, 2, {"H-3", "H-4"}),
        ({"flag_code": "coordinates_swapped"}, None, {"H-5"}),
        ({"flag_code": "impossible_value"}, 1, {"H-2", "O-1"}),
        ({"state": ReviewState.received}, None, {"H-1", "H-6"}),
    ],
)
def test_filter_by_import_village_and_flag_decides_those_surveys(
    session: Session,
    settings: Settings,
    imported: Place,
    options: dict[str, Any],
    village: int | None,
    codes: set[str],
) -> None:
    village_id = imported.village_ids[village] if village else None
    batch_filter = BatchFilter(**options, village_id=village_id)
    preview = preview_batch(session=session, user=imported.staff, batch_filter=batch_filter)
    by_code = _by_code(session)
    assert preview.count == len(codes)
    _decide(session, settings, imported.staff, batch_filter, ReviewState.rejected, preview.token)
    decided = {r.submission_id for r in _reviews(session)}
    assert {code for code, s in by_code.items() if s.id in decided} == codes


# --- the decision -----------------------------------------------------------------------------


def test_approval_applies_exactly_the_filtered_set_with_reviewer_and_time(
    session: Session, settings: Settings, imported: Place
) -> None:
    village3 = BatchFilter(source_file="heads.csv", village_id=imported.village_ids[3])
    preview = preview_batch(session=session, user=imported.staff, batch_filter=village3)
    assert preview.count == 1 and _bin_codes(session) == {"H-1", "H-6"}
    before = {code: (s.review_state, s.applied) for code, s in _by_code(session).items()}
    started = datetime.now(UTC)
    outcome = _decide(
        session,
        settings,
        imported.staff,
        village3,
        ReviewState.approved,
        preview.token,
        comment="ตรวจกับผู้ใหญ่บ้านแล้ว",
    )
    assert (outcome.selected, outcome.decided, outcome.applied, outcome.failed) == (1, 1, 1, 0)
    after = _by_code(session)
    h7 = after["H-7"]
    assert (h7.review_state, h7.applied) == (ReviewState.approved, True)
    assert {c: (s.review_state, s.applied) for c, s in after.items() if c != "H-7"} == {
        c: v for c, v in before.items() if c != "H-7"
    }
    # Its bin is registered through the same path a single approval takes, inspection included.
    assert _bin_codes(session) == {"H-1", "H-6", "H-7"}
    bin_row = session.get(Bin, h7.bin_id)
    assert bin_row is not None and bin_row.code == "H-7"
    assert bin_row.village_id == imported.village_ids[3]
    inspections = session.exec(select(Inspection).where(Inspection.submission_id == h7.id)).all()
    assert len(inspections) == 1
    (review,) = _reviews(session)
    assert review.submission_id == h7.id and review.state == ReviewState.approved
    assert review.reviewer_id == imported.staff.id and review.comment == "ตรวจกับผู้ใหญ่บ้านแล้ว"
    assert started <= review.reviewed_at <= datetime.now(UTC)


def test_a_survey_that_cannot_be_applied_is_reported_and_the_others_are_decided(
    session: Session, settings: Settings, imported: Place
) -> None:
    heads = BatchFilter(source_file="heads.csv")
    preview = preview_batch(session=session, user=imported.staff, batch_filter=heads)
    outcome = _decide(session, settings, imported.staff, heads, ReviewState.approved, preview.token)
    by_code = _by_code(session)
    code_of = {s.id: code for code, s in by_code.items()}
    assert (outcome.selected, outcome.decided, outcome.applied) == (5, 2, 2)
    failed = {code_of[f.submission_id]: f.field for f in outcome.failures}
    assert failed == {"H-3": "stream", "H-4": "capacity_l", "H-5": "lat"}
    assert all(f.message_th and f.message_en for f in outcome.failures)
    # The failed surveys stay as they were: held, no review recorded; the others are decided.
    for code in failed:
        assert (by_code[code].review_state, by_code[code].applied) == (
            ReviewState.has_issues,
            False,
        )
    reviewed = {code_of[r.submission_id] for r in _reviews(session)}
    assert reviewed == {"H-2", "H-7"}
    assert _bin_codes(session) == {"H-1", "H-6", "H-2", "H-7"}


def test_rejection_records_each_review_and_registers_nothing(
    session: Session, settings: Settings, imported: Place
) -> None:
    heads = BatchFilter(source_file="heads.csv")
    preview = preview_batch(session=session, user=imported.staff, batch_filter=heads)
    outcome = _decide(
        session,
        settings,
        imported.staff,
        heads,
        ReviewState.rejected,
        preview.token,
        comment="ข้อมูลไม่น่าเชื่อถือ",
    )
    assert (outcome.decided, outcome.applied, outcome.failed) == (5, 0, 0)
    reviews = _reviews(session)
    assert len(reviews) == 5 and len({r.submission_id for r in reviews}) == 5
    assert {(r.state, r.reviewer_id, r.comment) for r in reviews} == {
        (ReviewState.rejected, imported.staff.id, "ข้อมูลไม่น่าเชื่อถือ")
    }
    assert _bin_codes(session) == {"H-1", "H-6"}
    assert {s.review_state for c, s in _by_code(session).items() if c in HELD} == {
        ReviewState.rejected
    }


def test_a_set_that_changed_after_the_preview_is_refused_and_nothing_is_decided(
    session: Session, settings: Settings, imported: Place, tmp_path: Path
) -> None:
    everything = BatchFilter()
    preview = preview_batch(session=session, user=imported.staff, batch_filter=everything)

    def decide() -> None:
        _decide(session, settings, imported.staff, everything, ReviewState.approved, preview.token)

    # One more held survey arrives: a sixth row of another sheet.
    late = tmp_path / "late.csv"
    late.write_text(OTHER_CSV.replace("O-1", "L-1"), encoding="utf-8")
    import_bin_sheet(session=session, path=late, settings=settings)
    session.commit()
    with pytest.raises(Conflict) as caught:
        decide()
    assert caught.value.code == "batch_changed" and caught.value.details["count"] == 7
    assert _reviews(session) == [] and _bin_codes(session) == {"H-1", "H-6"}
    # Same count, other flags: a flag added to one survey changes what was confirmed too.
    preview = preview_batch(session=session, user=imported.staff, batch_filter=everything)
    h2 = _by_code(session)["H-2"]
    add_flags(
        session=session,
        submission=h2,
        flags=[
            Flag.of(
                "possible_duplicate",
                "location",
                bin_code="H-2",
                existing="H-1",
                distance_m=3,
                radius_m=15,
            )
        ],
    )
    session.commit()
    with pytest.raises(Conflict):
        decide()
    assert _reviews(session) == []


def test_a_batch_over_the_limit_is_refused(
    session: Session, settings: Settings, imported: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_review, "BATCH_LIMIT", 4)
    heads = BatchFilter(source_file="heads.csv")
    preview = preview_batch(session=session, user=imported.staff, batch_filter=heads)
    assert (preview.count, preview.too_many, preview.token, preview.flags) == (5, True, "", [])
    with pytest.raises(InvalidInput) as caught:
        _decide(session, settings, imported.staff, heads, ReviewState.approved, "0" * 32)
    assert caught.value.code == "batch_too_large" and "5" in caught.value.message_en
    assert _reviews(session) == []


def test_only_reviewers_decide_a_batch(
    session: Session, settings: Settings, imported: Place
) -> None:
    _, admin_token = create_user(
        session=session, username="admin", display_name="ผู้ดูแล", role=Role.admin
    )
    session.commit()
    heads = BatchFilter(source_file="heads.csv")
    token = preview_batch(session=session, user=imported.staff, batch_filter=heads).token
    for user in (imported.head, _viewer(session)):
        with pytest.raises(Forbidden):
            preview_batch(session=session, user=user, batch_filter=heads)
        with pytest.raises(Forbidden):
            _decide(session, settings, user, heads, ReviewState.approved, token)
    assert _reviews(session) == []


def _viewer(session: Session) -> User:
    return session.exec(select(User).where(User.role == Role.viewer)).one()


def test_batch_states_are_only_those_awaiting_a_decision(session: Session, imported: Place) -> None:
    with pytest.raises(InvalidInput) as caught:
        preview_batch(
            session=session,
            user=imported.staff,
            batch_filter=BatchFilter(state=ReviewState.approved),
        )
    assert caught.value.field == "state"


def test_a_village_scope_keeps_its_villages_only_and_not_unsigned_rows(
    session: Session, imported: Place
) -> None:
    """A scope without "own surveys" must not read a missing submitter as a match: the sheet
    rows have none."""
    scoped = SurveySelection(village_ids=[imported.village_ids[2]])
    assert count_selected(session=session, selection=scoped) == 2  # H-3, H-4
    assert count_selected(session=session, selection=SurveySelection(village_ids=[])) == 0


# --- over HTTP --------------------------------------------------------------------------------


@pytest.fixture
def client(engine: Engine, settings: Settings, imported: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as test_client:
        yield test_client


def test_json_preview_then_decision_then_the_same_token_again(
    client: TestClient, session: Session, imported: Place
) -> None:
    staff = {"Authorization": f"Bearer {imported.staff_token}"}
    village1 = {"village_id": imported.village_ids[1], "flag": "impossible_value"}
    preview = client.get("/api/v1/batch-reviews/preview", params=village1, headers=staff)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert (body["count"], body["to_apply"], body["too_many"]) == (2, 2, False)  # H-2, O-1
    assert body["flags"] == [
        {
            "code": "impossible_value",
            "label_th": "ค่าที่เป็นไปไม่ได้",
            "label_en": "Impossible value",
            "count": 2,
        }
    ]
    decision = {"filter": village1, "decision": "approved", "token": body["token"]}
    sent = client.post("/api/v1/batch-reviews", json=decision, headers=staff)
    assert sent.status_code == 200, sent.text
    result = sent.json()
    assert (result["decided"], result["applied"], result["failed"]) == (2, 2, 0)
    assert result["reviewer_id"] == imported.staff.id
    assert _bin_codes(session) == {"H-1", "H-6", "H-2", "O-1"}
    again = client.post("/api/v1/batch-reviews", json=decision, headers=staff)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "batch_changed"
    assert len(_reviews(session)) == 2


@pytest.mark.parametrize("who", ["head", "viewer"])
def test_json_batch_is_refused_to_village_heads_and_viewers(
    client: TestClient, session: Session, imported: Place, who: str
) -> None:
    token = {"head": imported.head_token, "viewer": imported.viewer_token}[who]
    headers = {"Authorization": f"Bearer {token}"}
    preview = client.get("/api/v1/batch-reviews/preview", headers=headers)
    assert preview.status_code == 403
    staff_view = preview_batch(session=session, user=imported.staff, batch_filter=BatchFilter())
    decision = {"decision": "approved", "token": staff_view.token}
    sent = client.post("/api/v1/batch-reviews", json=decision, headers=headers)
    assert sent.status_code == 403
    assert _reviews(session) == [] and _bin_codes(session) == {"H-1", "H-6"}


def test_staff_pages_confirm_then_decide(
    client: TestClient, session: Session, imported: Place
) -> None:
    sign_in(client, imported.staff_token)
    queue = client.get("/staff/review", params={"source": "heads.csv"})
    assert queue.status_code == 200
    page = queue.text
    assert 'id="batch-review"' in page and "อนุมัติทั้งหมด 5 รายการ" in page
    assert '<option value="heads.csv" selected>' in page
    confirm = client.get(
        "/staff/batch-review",
        params={"source": "heads.csv", "state": "has_issues", "decision": "approved"},
    )
    assert confirm.status_code == 200, confirm.text
    text = confirm.text
    assert re.search(r'id="batch-count">5<', text)
    assert "ค่าที่เป็นไปไม่ได้" in text and "ละติจูด/ลองจิจูดสลับกัน" in text
    token = re.search(r'name="token" value="([0-9a-f]+)"', text)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert token and csrf
    form = {
        "csrf_token": csrf.group(1),
        "state": "has_issues",
        "source": "heads.csv",
        "village": "",
        "flag": "",
        "date_from": "",
        "date_to": "",
        "decision": "approved",
        "token": token.group(1),
        "comment": "นำเข้าจากผู้ใหญ่บ้าน",
    }
    del client.headers["X-CSRF-Token"]  # the form's own field carries it, as a browser sends
    done = client.post("/staff/batch-review", data=form)
    assert done.status_code == 200, done.text
    assert re.search(r'id="batch-decided">2<', done.text)
    assert re.search(r'id="batch-failed">3<', done.text)
    # a failure says why, in Thai: no stream (H-3), a 50,000 L size (H-4), swapped coordinates (H-5)
    assert "ต้องมีประเภทขยะ" in done.text and "ขนาดถังไม่ถูกต้อง" in done.text
    assert "ตำแหน่งไม่ถูกต้อง" in done.text
    assert {r.comment for r in _reviews(session)} == {"นำเข้าจากผู้ใหญ่บ้าน"}
    # Without the CSRF token the cookie-signed form is refused.
    forged = client.post("/staff/batch-review", data={**form, "csrf_token": "x"})
    assert forged.status_code == 403


def test_viewer_sees_the_queue_without_the_batch_buttons(
    client: TestClient, imported: Place
) -> None:
    sign_in(client, imported.viewer_token)
    page = client.get("/staff/review").text
    assert 'id="queue"' in page and 'id="batch-review"' not in page
    assert client.get("/staff/batch-review").status_code == 403


def test_two_batches_over_the_same_surveys_decide_them_once(
    engine: Engine, settings: Settings, imported: Place
) -> None:
    """The second confirmation of the same set waits for the first to finish, then finds the
    surveys decided and is refused: no survey gets two decisions."""
    heads = BatchFilter(source_file="heads.csv")
    with Session(engine) as first:
        staff = first.get(User, imported.staff.id)
        assert staff is not None
        token = preview_batch(session=first, user=staff, batch_filter=heads).token
    answers: list[str] = []

    def second_batch() -> None:
        with Session(engine) as second:
            reviewer = second.get(User, imported.staff.id)
            assert reviewer is not None
            try:
                _decide(second, settings, reviewer, heads, ReviewState.rejected, token)
                answers.append("decided")
            except Conflict as exc:
                answers.append(exc.code)

    with Session(engine) as first:
        staff = first.get(User, imported.staff.id)
        assert staff is not None
        selection = SurveySelection(
            review_states=(ReviewState.has_issues,), source_file="heads.csv"
        )
        assert len(lock_selected(session=first, selection=selection, limit=10)) == 5
        waiting = threading.Thread(target=second_batch)
        waiting.start()
        waiting.join(timeout=1.0)
        assert waiting.is_alive()  # it waits for the first batch's transaction
        _decide(first, settings, staff, heads, ReviewState.approved, token)
    waiting.join(timeout=30)
    assert answers == ["batch_changed"]
    with Session(engine) as check:
        reviews = list(check.exec(select(SubmissionReview)))
    assert len(reviews) == 2 and {r.state for r in reviews} == {ReviewState.approved}
