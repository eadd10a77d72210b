"""Two app servers on one PostgreSQL database, as behind a load balancer: what a panelist submits
through one shows on the other's dashboard at its next rerun, with no restart and no stale cache.
"""

import re
from contextlib import ExitStack

import pytest
from playwright.sync_api import Page, expect

from services.scorecards import open_scorecard
from tests.browser.conftest import (  # noqa: F401  (fixtures: Chromium, and CI's rule for it)
    _require_chromium,
    browser_type_launch_args,
)
from tests.browser.conftest import idle as settled
from tests.browser.conftest import log_in_as as log_in
from tests.browser.test_browser import (
    DESKTOP,
    choose,
    criterion,
    left_before_submit,
    open_my_scorecard,
)
from tests.conftest import PASSWORD
from tools.app_server import app_server

TIMEOUT_MS = 30_000

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _patient_expect():
    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def two_servers(request, db_url, tmp_path) -> list[str]:
    """`streamlit run app.py` twice, on two ports, both with DATABASE_URL = this test's database."""
    failed_before = request.session.testsfailed

    def logs_if_failed() -> None:  # printed output shows under a failed test's report
        if request.session.testsfailed > failed_before:
            for log in sorted(tmp_path.glob("server-*.log")):
                print(f"----- {log.name} -----\n{log.read_text(errors='replace')[-5000:]}")

    with ExitStack() as stack:
        stack.callback(logs_if_failed)  # last out, after both servers stopped
        yield [stack.enter_context(app_server(db_url, tmp_path / f"server-{name}.log"))
               for name in ("a", "b")]


def scorecards_in(page: Page):
    # The position's row of figures (ui.text.html_stats): one figure, its label and value.
    return page.locator(".sl-position-figures .sl-stat").filter(has_text="Scorecards in")


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_a_scorecard_submitted_on_one_server_shows_on_the_others_dashboard(
        page, new_context, session, make, two_servers):
    server_a, server_b = two_servers
    manager = make.user("hiring_manager", name="Hana Manager", email="hana@example.com")
    position = make.position(manager=manager, title="Backend Engineer")
    pia = make.user("panelist", name="Pia Panel", email="pia@example.com")
    paul = make.user("panelist", name="Paul Panel", email="paul@example.com")
    cara = make.candidate(position, name="Cara Candidate")
    interview = make.interview(cara, [pia, paul])
    make.scorecard(interview, paul, [3, 4, 3, 4], "yes")
    criteria = [c.name for c in open_scorecard(session, make.viewer(pia), interview.id).criteria]
    session.close()

    # The hiring manager has the dashboard open on server B.
    board = new_context().new_page()
    board.goto(server_b)
    log_in(board, "hana@example.com", PASSWORD)
    expect(board.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(scorecards_in(board)).to_contain_text("1 of 2")

    # Pia fills and submits her scorecard on server A.
    page.goto(server_a)
    log_in(page, "pia@example.com", PASSWORD)
    open_my_scorecard(page, cara.name)
    left_before_submit(page, len(criteria) + 1)  # each criterion and the recommendation
    for n, name in enumerate(criteria, start=1):
        choose(criterion(page, name), "3")
        left_before_submit(page, len(criteria) + 1 - n)  # saved before the next click
    choose(page, "Yes", "Recommendation")
    expect(page.get_by_text(re.compile(r"things? left before you can submit"))).to_have_count(0)
    settled(page)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_text("read-only now.")).to_be_visible()

    # Server B, not restarted, in the same browser session: the next run shows it.
    nav = board.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Calibration").click()
    settled(board)
    nav.get_by_role("link", name="Dashboard").click()
    expect(board.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(scorecards_in(board)).to_contain_text("2 of 2")
