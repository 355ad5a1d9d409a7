"""The three walks (re-inspection, new bin, poor fix) at 360×640 and 360×560: counted, and
every button the head taps is in view when its screen opens."""

from __future__ import annotations

import pytest

from tests.mobile.conftest import ARTIFACTS, Live, PhoneMaker
from tests.mobile.walk import PATHS, Walk, walk_path, write

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("height", [640, 560])
def test_three_walks_counted_and_in_view(make_phone: PhoneMaker, live: Live, height: int) -> None:
    walks: list[Walk] = []
    for path in PATHS:
        phone = make_phone(height=height)
        phone.page.goto(live.link())
        phone.page.locator("html[data-data='ready']").wait_for(state="attached")
        walks.append(walk_path(phone, path))
        assert phone.errors == []
    write(walks, ARTIFACTS / f"walk-360x{height}.json")
    for walk in walks:
        print(walk.summary())
