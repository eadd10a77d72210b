"""Every page's URL opened directly, logged out and signed in (single sign-on keeps the login
across page loads) as a panelist who has not submitted yet: nothing reaches the browser that
the access matrix does not allow. And user text with Markdown or HTML in it stays text."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    HTML_NOTE,
    IMAGE_NAME,
    MARKER,
    SECRET_EVIDENCE,
    choose,
    click_and_wait,
    idle,
    open_context,
    sso_log_in,
)
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem != "__init__")
PANELIST_PAGES = {"my_interviews", "scorecard", "account"}
INJECTED_IMAGES = "img[src='x'], img[src*='127.0.0.1:9']"


@pytest.fixture
def provider(oidc_provider):
    return oidc_provider


@pytest.fixture
def site(sso_site) -> dict:
    return sso_site


@pytest.fixture(scope="module")
def pia(browser, sso_site, oidc_provider):
    """A browser signed in as Pia, who has submitted none of her scorecards."""
    context = open_context(browser)
    sso_log_in(context.new_page(), sso_site["base"], oidc_provider, "pia@example.com")
    yield context
    context.close()


def _query(site, path: str) -> str:
    return {"scorecard": f"?interview={site['iv_cara'].id}",
            "dashboard": f"?position={site['position'].id}"}.get(path, "")


@pytest.mark.parametrize("path", PAGES)
def test_logged_out_direct_url_shows_no_data(page: Page, site, path):
    page.goto(f"{site['base']}/{path}{_query(site, path)}")
    gate = page.get_by_text("Please log in to see this page.").or_(
        page.get_by_role("button", name="Log in with your company account"))
    expect(gate.first).to_be_visible()
    idle(page)
    assert MARKER not in page.content()
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
    expect(page.get_by_test_id("stTable")).to_have_count(0)
    expect(page.locator(".sl-table")).to_have_count(0)


@pytest.mark.parametrize("path", PAGES)
def test_panelist_before_submitting_gets_nothing_more_by_url(pia, site, path):
    page = pia.new_page()
    page.goto(f"{site['base']}/{path}{_query(site, path)}")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    refused = page.get_by_text("You do not have access to this page.")
    if path not in PANELIST_PAGES:
        # Either the page file runs and refuses, or Streamlit does not run a page her
        # navigation does not list and shows her first page under a "Page not found" notice.
        expect(refused.or_(page.get_by_role("dialog").filter(has_text="Page not found"))
               .first).to_be_visible()
    idle(page)
    html = page.content()
    assert SECRET_EVIDENCE not in html  # a colleague's evidence: blind until she submits
    assert f"Dan {MARKER}" not in html  # not her panel
    if refused.count():
        assert f"Cara {MARKER}" not in html and f"Backend Engineer {MARKER}" not in html
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    expect(page.locator(".sl-score-grid")).to_have_count(0)  # the panel's score grid
    expect(page.locator(".sl-ranking-chart")).to_have_count(0)  # and the ranking's intervals
    page.close()


def test_another_panels_interview_in_the_url_is_not_opened(pia, site):
    page = pia.new_page()
    page.goto(f"{site['base']}/scorecard?interview={site['iv_cara'].id + 1}")
    expect(page.get_by_role("heading", name=f"Scorecard: Cara {MARKER}")).to_be_visible()
    idle(page)
    assert f"Dan {MARKER}" not in page.content()
    page.close()


def test_markdown_and_html_in_names_and_notes_stay_text(pia, site, page: Page, provider):
    mine = pia.new_page()
    mine.goto(f"{site['base']}/my_interviews")
    # Shown literally; ui.text puts an invisible word joiner into "://" so it cannot autolink.
    shown = re.compile(re.escape(IMAGE_NAME).replace(re.escape("://"), ":\u2060?//"))
    expect(mine.get_by_text(shown).filter(visible=True).first).to_be_visible()
    expect(mine.locator("a[href*='127.0.0.1:9']")).to_have_count(0)
    mine.goto(f"{site['base']}/scorecard?interview={site['iv_odd'].id}")
    expect(mine.get_by_text(HTML_NOTE, exact=False).filter(visible=True).first)\
        .to_be_visible()
    idle(mine)
    expect(mine.locator(INJECTED_IMAGES)).to_have_count(0)
    mine.close()

    sso_log_in(page, site["base"], provider, "hana@example.com")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # The tab, the pick and each expander below start a run (the tabs' fragment): each is
    # waited for, so the checks read what that run drew, not the page before it.
    click_and_wait(page, page.get_by_role("tab", name="Candidate"))
    panel = page.get_by_role("tabpanel", name="Candidate")
    # Candidates are named with their position in every picker.
    choose(page, panel.get_by_role("combobox", name="Candidate"), "x.png",
           page.get_by_role("option", name=f"{IMAGE_NAME} · {site['position'].title}",
                            exact=True))
    # The evidence and each panelist's notes, drawn when opened: still text, never markup.
    for details in ("Who said what", "Each panelist's scorecard"):
        click_and_wait(page, panel.locator("summary").get_by_text(details))
    expect(panel.get_by_test_id("stDataFrame")).not_to_have_count(0)
    expect(page.locator(INJECTED_IMAGES)).to_have_count(0)
