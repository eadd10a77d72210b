"""Sessions that end: "Log out everywhere" in one browser ends the same account's session in
another browser (two browser contexts: two people's worth of cookies and tabs)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import idle, log_in_as, open_context
from tests.browser.test_browser import DESKTOP

pytestmark = pytest.mark.browser



def test_log_out_everywhere_ends_the_session_in_another_browser(browser, app_url, world):
    first = open_context(browser, viewport=DESKTOP)
    second = open_context(browser, viewport=DESKTOP)
    try:
        one, two = first.new_page(), second.new_page()
        for page in (one, two):
            page.goto(app_url)
            log_in_as(page, "hugo@example.com", world["password"])
            expect(page.get_by_role("heading", name="My interviews")).to_be_visible()
            idle(page)
        one.get_by_role("button", name="Log out everywhere").click()
        expect(one.get_by_role("textbox", name="Password")).to_be_visible()
        # The other browser's next action (here: opening another page) finds its session over.
        two.get_by_role("link", name="My account").click()
        expect(two.get_by_role("textbox", name="Password")).to_be_visible()
        expect(two.get_by_role("heading", name="My account")).to_have_count(0)
        expect(two.get_by_role("button", name="Log out everywhere")).to_have_count(0)
        # And logging in again works: only the old sessions ended. The login was shown in
        # place at the page's URL, so logging in opens the page the click asked for.
        log_in_as(two, "hugo@example.com", world["password"])
        expect(two.get_by_role("heading", name="My account")).to_be_visible()
        expect(two.get_by_role("button", name="Log out everywhere")).to_be_visible()
        assert urlsplit(two.url).path == "/account"
    finally:
        first.close()
        second.close()
