"""Company single sign-on end to end: Chromium, a Streamlit server with [auth], and a small OIDC
provider on 127.0.0.1 (tests/oidc_provider.py)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import MARKER, idle, sso_log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def sso_app(sso_site) -> str:
    return sso_site["base"]


@pytest.fixture
def provider(oidc_provider):
    return oidc_provider


def test_company_login_opens_the_pages_of_the_users_roles(page: Page, sso_app, provider):
    page.goto(sso_app)
    expect(page.get_by_role("textbox", name="Password")).to_have_count(0)
    sso_log_in(page, sso_app, provider, "hana@example.com")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # The grid keeps a hidden accessibility copy of its cells: look at what is shown.
    expect(page.get_by_text(f"Cara {MARKER}").filter(visible=True).first).to_be_visible()
    # The identity cookie outlives the browser session: a reload stays signed in.
    page.reload()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    idle(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in with your company account")).to_be_visible()


def test_an_email_without_an_account_gets_the_no_access_page_only(page: Page, sso_app,
                                                                   provider):
    sso_log_in(page, sso_app, provider, "stranger@example.com")
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    expect(page.get_by_text("stranger@example.com", exact=False)).to_be_visible()
    for path in ("", "dashboard", "my_interviews", "audit"):
        page.goto(f"{sso_app}/{path}")
        expect(page.get_by_text("no access", exact=False).first).to_be_visible()
        idle(page)
        assert MARKER not in page.content()
        expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
