"""Who works for which subdistrict, and which subdistrict a new row belongs to."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from fieldsvc.errors import Forbidden, InvalidInput, NotFound
from fieldsvc.models import Role
from fieldsvc.services.users import add_field_user
from fieldsvc.services.workplace import workplace_for
from fieldsvc.storage.tenancy import subdistrict_for_row, subdistrict_ids_of
from tests.tenancy.conftest import TwoSubdistricts


def test_users_made_before_a_second_subdistrict_keep_only_the_first(
    session: Session, two: TwoSubdistricts
) -> None:
    a_id, b_id = two.a.subdistrict.id, two.b.subdistrict.id
    assert subdistrict_ids_of(session=session, user=two.a.users["staff"]) == [a_id]
    assert subdistrict_ids_of(session=session, user=two.b.users["staff"]) == [b_id]
    assert subdistrict_ids_of(session=session, user=two.a.users["head"]) == [a_id]
    assert subdistrict_ids_of(session=session, user=two.b.users["head"]) == [b_id]


def test_a_workplace_is_the_users_subdistrict_and_another_one_is_refused(
    session: Session, two: TwoSubdistricts
) -> None:
    staff_b = two.b.users["staff"]
    place = workplace_for(session=session, user=staff_b)
    assert place.code == "999902" and [s.code for s in place.choices] == ["999902"]
    assert workplace_for(session=session, user=staff_b, remembered="999901").code == "999902"
    with pytest.raises(Forbidden):
        workplace_for(session=session, user=staff_b, asked="999901")
    with pytest.raises(NotFound):
        workplace_for(session=session, user=staff_b, asked="123456")


def test_a_provincial_officer_chooses_among_every_subdistrict(
    session: Session, two: TwoSubdistricts
) -> None:
    user, _ = add_field_user(
        session=session,
        username="officer",
        display_name="ผู้ตรวจจังหวัด",
        role=Role.viewer,
        all_subdistricts=True,
    )
    place = workplace_for(session=session, user=user)
    assert [s.code for s in place.choices] == ["999901", "999902"]
    assert place.code == "999901"
    assert workplace_for(session=session, user=user, remembered="999902").code == "999902"
    assert workplace_for(session=session, user=user, asked="999902").code == "999902"


def test_with_several_subdistricts_a_new_user_must_name_theirs(
    session: Session, two: TwoSubdistricts
) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_field_user(session=session, username="x", display_name="X", role=Role.health_staff)
    assert refused.value.field == "subdistrict"
    head, _ = add_field_user(
        session=session,
        username="headb2",
        display_name="ผู้ใหญ่บ้าน ข หมู่ 2",
        role=Role.village_head,
        village_numbers=[2],
        subdistrict_codes=["999902"],
    )
    assert subdistrict_ids_of(session=session, user=head) == [two.b.subdistrict.id]
    with pytest.raises(InvalidInput):  # a head cannot be "every subdistrict"
        add_field_user(
            session=session,
            username="y",
            display_name="Y",
            role=Role.village_head,
            village_numbers=[1],
            all_subdistricts=True,
        )


def test_a_new_row_belongs_to_its_villages_subdistrict_else_its_point(
    session: Session, two: TwoSubdistricts
) -> None:
    a_id, b_id = two.a.subdistrict.id, two.b.subdistrict.id
    assert subdistrict_for_row(session=session, village_id=two.b.village_ids[1]) == b_id
    assert subdistrict_for_row(session=session, village_id=None, lon=103.301, lat=16.305) == a_id
    assert subdistrict_for_row(session=session, village_id=None, lon=103.359, lat=16.305) == b_id
    outside = subdistrict_for_row(session=session, village_id=None, lon=100.0, lat=14.0)
    assert outside is None
    by_sender = subdistrict_for_row(
        session=session, village_id=None, lon=100.0, lat=14.0, user=two.b.users["head"]
    )
    assert by_sender == b_id


def test_a_workplace_sees_rows_of_the_users_subdistricts_only(
    session: Session, two: TwoSubdistricts
) -> None:
    a_id, b_id = two.a.subdistrict.id, two.b.subdistrict.id
    place_b = workplace_for(session=session, user=two.b.users["staff"])
    assert place_b.may_see(b_id) and not place_b.may_see(a_id) and not place_b.may_see(None)
    officer, _ = add_field_user(
        session=session,
        username="officer2",
        display_name="ผู้ตรวจจังหวัด",
        role=Role.admin,
        all_subdistricts=True,
    )
    everywhere = workplace_for(session=session, user=officer)
    assert everywhere.every and everywhere.may_see(a_id) and everywhere.may_see(None)
