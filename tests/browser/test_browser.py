"""Second Look in a real browser: a Streamlit server on a filled database, driven by Chromium.

What AppTest cannot show: the login form, a reload (a new browser session) finding the draft
saved field by field, the phone layout, plotly and data grids drawn, and page URLs opened
directly by someone who is not logged in.
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import MARKER, SECRET_EVIDENCE, click_and_wait, idle, log_in_as, settled
from tests.browser.conftest import choose as pick
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PIA_EVIDENCE = f"Walked through the ledger API design, including idempotency keys {MARKER}-pia"



# ---------------------------------------------------------------- helpers


def open_my_scorecard(page: Page, candidate: str) -> None:
    """From 'My interviews', open the scorecard of the interview with this candidate."""
    expect(page.get_by_role("heading", name="My interviews")).to_be_visible()
    # The interview's bordered block: its own first element names the candidate.
    card = page.get_by_test_id("stVerticalBlock").filter(
        has=page.locator(":scope > [data-testid=stElementContainer]").filter(
            has=page.get_by_test_id("stMarkdownContainer").get_by_text(candidate)))
    card.get_by_role("link", name=re.compile("Open scorecard")).click()
    expect(page.get_by_role("heading", name=f"Scorecard: {candidate}")).to_be_visible()
    idle(page)


def criterion(page: Page, name: str) -> Locator:
    """The bordered block of one criterion on the scorecard (name, anchors, score, evidence):
    the block with the criterion's name as its own element (enclosing blocks hold it nested)."""
    title = page.get_by_test_id("stMarkdownContainer").get_by_text(name, exact=True)
    return page.get_by_test_id("stVerticalBlock").filter(
        has=page.locator(":scope > [data-testid=stElementContainer]").filter(has=title))


def radio_group(scope: Page | Locator, label: str = "Score") -> Locator:
    return scope.get_by_role("radiogroup", name=label)


def choose(scope: Page | Locator, option: str, label: str = "Score", *, tap: bool = False):
    """Click (or tap) a radio option by its visible label text."""
    target = radio_group(scope, label).get_by_text(option, exact=True)
    target.tap() if tap else target.click()


LEFT_TO_DO = re.compile(r"things? left before you can submit")


def left_before_submit(page: Page, n: int) -> None:
    """The scorecard's count of what still blocks submission (saved on the server)."""
    things = "thing" if n == 1 else "things"
    expect(page.get_by_text(f"{n} {things} left before you can submit.")).to_be_visible()


def grid(scope: Page | Locator) -> Locator:
    """A data grid's accessible table (its cells are drawn on a canvas)."""
    return scope.get_by_test_id("stDataFrame").locator("table[role=grid]")


# ---------------------------------------------------------------- tests


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_draft_survives_reload_then_submission_reaches_the_dashboard(page, new_context,
                                                                       app_url, world):
    password = world["password"]
    c = world["criteria"]
    cara = world["cara"].name

    page.goto(app_url)
    log_in_as(page, "pia@example.com", password)
    open_my_scorecard(page, cara)
    # Blind scoring: the colleague's evidence stays hidden until Pia submits.
    expect(page.get_by_text(SECRET_EVIDENCE)).to_have_count(0)
    left_before_submit(page, 5)  # four criteria and the recommendation

    choose(criterion(page, c[1]), "4")
    left_before_submit(page, 4)
    choose(criterion(page, c[0]), "5")
    # An end-of-scale score asks for evidence; the label says so once the score is saved.
    depth = criterion(page, c[0])
    expect(depth.get_by_text("Evidence (required for a score at the end of the scale)")
           ).to_be_visible()
    depth.get_by_role("textbox").fill(PIA_EVIDENCE)
    depth.get_by_role("textbox").press("Tab")  # a text area commits when it is left
    left_before_submit(page, 3)

    # A reload is a new browser session: logged out, but the draft is on the server, and
    # logging in on the reloaded address opens this scorecard again.
    page.reload()
    log_in_as(page, "pia@example.com", password)
    expect(page.get_by_role("heading", name=f"Scorecard: {cara}")).to_be_visible()
    idle(page)
    expect(radio_group(criterion(page, c[0])).get_by_role("radio", name="5", exact=True)
           ).to_be_checked()
    expect(radio_group(criterion(page, c[1])).get_by_role("radio", name="4", exact=True)
           ).to_be_checked()
    expect(radio_group(criterion(page, c[2])).get_by_role("radio", checked=True)).to_have_count(0)
    expect(criterion(page, c[0]).get_by_role("textbox")).to_have_value(PIA_EVIDENCE)
    left_before_submit(page, 3)

    choose(criterion(page, c[2]), "Not assessed")
    left_before_submit(page, 2)
    choose(criterion(page, c[3]), "3")
    left_before_submit(page, 1)
    choose(page, "Yes", "Recommendation")
    expect(page.get_by_text(LEFT_TO_DO)).to_have_count(0)
    idle(page)
    # A double-click (both clicks reach the server): submitted once, confirmed, no refusal.
    page.get_by_role("button", name="Submit scorecard").dblclick()
    expect(page.get_by_text(re.compile(r"^Submitted .*read-only now\."))).to_be_visible()
    expect(page.get_by_role("button", name="Submit scorecard")).to_have_count(0)
    settled(page)
    expect(page.get_by_text("Not submitted yet")).to_have_count(0)
    expect(page.get_by_text("changed in another window")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)

    # The hiring manager, in a browser of their own.
    manager = new_context().new_page()
    manager.goto(app_url)
    log_in_as(manager, "hana@example.com", password)
    expect(manager.get_by_role("heading", name="Dashboard")).to_be_visible()
    ranking = grid(manager.get_by_role("tabpanel", name="Ranking"))
    expect(ranking.locator("tr").filter(has_text=cara)).to_contain_text("2 of 2")

    # The dashboard's tabs and its candidate picker each start a run (of the tabs' fragment):
    # waited for, so what follows is not read off the candidate drawn before the pick.
    click_and_wait(manager, manager.get_by_role("tab", name="Candidate"))
    panel = manager.get_by_role("tabpanel", name="Candidate")
    picked = f"{cara} · {world['position'].title}"  # candidates are named with their position
    pick(manager, panel.get_by_role("combobox", name="Candidate"), "Cara",
         manager.get_by_role("option", name=picked, exact=True))
    expect(panel.get_by_role("combobox", name="Candidate")).to_have_value(picked)
    expect(panel.get_by_role("heading", name="Scores by panelist")).to_be_visible()
    scores = panel.locator(".st-key-score_grid table")
    expect(scores.locator("thead")).to_contain_text(world["pia"].name)  # a column each
    expect(scores.locator("thead")).to_contain_text(world["paul"].name)
    expect(scores.locator("tbody tr").first).to_contain_text("Technical skills: mean")

    # Every score with its evidence, in one table drawn when "Who said what" is opened.
    who = panel.get_by_test_id("stExpander").filter(
        has=manager.locator("summary").get_by_text("Who said what"))
    who.locator("summary").click()
    evidence = grid(who).locator("tr").filter(has_text=c[0])
    expect(evidence.filter(has_text=world["pia"].name)).to_contain_text(PIA_EVIDENCE)
    expect(evidence.filter(has_text=world["paul"].name)).to_contain_text(SECRET_EVIDENCE)


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=3)
def test_phone_panelist_fills_and_submits_a_whole_scorecard(page, app_url, world):
    c = world["criteria"]
    width = PHONE["width"]

    def within_width(locator: Locator) -> None:
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        assert box is not None, locator
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (locator, box)

    page.goto(app_url)
    log_in_as(page, "mo@example.com", world["password"])
    open_my_scorecard(page, world["mia"].name)
    left_before_submit(page, 5)

    options = page.get_by_test_id("stRadioOption")
    expect(options).to_have_count(4 * 6 + 4)  # scale 1-5 + Not assessed; 4 recommendations
    for i in range(options.count()):
        within_width(options.nth(i))

    for n, (name, option) in enumerate(zip(c, ["3", "4", "Not assessed", "2"], strict=True)):
        choose(criterion(page, name), option, tap=True)
        left_before_submit(page, 4 - n)
    choose(page, "No", "Recommendation", tap=True)
    expect(page.get_by_text(LEFT_TO_DO)).to_have_count(0)
    idle(page)

    submit = page.get_by_role("button", name="Submit scorecard")
    within_width(submit)
    submit.tap()
    expect(page.get_by_text(re.compile(r"^Submitted .*read-only now\."))).to_be_visible()
    # Read-only now: the card as text, every score given still shown, no control to tap.
    mine = page.locator(".sl-my-card table").first
    expect(mine.locator("tr").filter(has_text=c[1])).to_contain_text("4")
    expect(mine.locator("tr").filter(has_text=c[2])).to_contain_text("Not assessed")
    expect(page.get_by_role("radiogroup")).to_have_count(0)
    within_width(mine)


# Streamlit serves every file in pages/ by its URL, so every one of them is opened, including
# pages added after this list was written.
PAGE_PATHS = sorted({"my_interviews", "scorecard", "dashboard", "positions", "candidates",
                     "interviews", "users", "account"}
                    | {p.stem for p in (ROOT / "pages").glob("*.py") if p.stem != "__init__"})
TABS_AT_ONCE = 4  # pages load side by side; a whole page load is mostly waiting


def test_logged_out_direct_urls_show_no_data(context, app_url, world):
    """Each page's URL opened in a fresh tab by someone not logged in: only the login form or
    "Please log in", and not one name or note from the database."""
    query = {"scorecard": f"?interview={world['iv_cara'].id}",
             "dashboard": f"?position={world['position'].id}"}
    leaks = []
    for start in range(0, len(PAGE_PATHS), TABS_AT_ONCE):
        tabs = []
        for path in PAGE_PATHS[start:start + TABS_AT_ONCE]:
            tab = context.new_page()
            tab.goto(f"{app_url}/{path}{query.get(path, '')}", wait_until="commit")
            tabs.append((path, tab))
        for path, tab in tabs:
            gate = tab.get_by_text("Please log in to see this page.").or_(
                tab.get_by_role("textbox", name="Password"))
            expect(gate.first, f"/{path}: neither the login form nor 'Please log in'"
                   ).to_be_visible()
            idle(tab)
            html = tab.content()
            if MARKER in html or SECRET_EVIDENCE in html:
                leaks.append(f"/{path}: database text in the page")
            for what, found in (("a chart", tab.locator(".js-plotly-plot")),
                                ("a table", tab.get_by_test_id("stDataFrame")),
                                ("a plain table", tab.get_by_test_id("stTable")),
                                ("an HTML table", tab.locator(".sl-table")),
                                ("a Log out button", tab.get_by_role("button", name="Log out"))):
                if found.count():
                    leaks.append(f"/{path}: {what}")
            tab.close()
    assert PAGE_PATHS and not leaks, "\n".join(leaks)
