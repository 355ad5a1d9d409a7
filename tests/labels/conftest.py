"""The phone form's live server and browser fixtures, shared with tests/mobile/."""

from tests.mobile.conftest import browser, live, make_phone  # noqa: F401
