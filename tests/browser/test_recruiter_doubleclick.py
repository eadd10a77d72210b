"""A double-click on every create button of the recruiter pages creates once and confirms it:
"Save position" (a new one), "Save candidate" (a new one), "Schedule" and "Import candidates".
Issue 12: forms that cannot double-submit, that confirm what they did and reset after success.
The second click may reach the server before or after the first click's rerun; either way one
record is created and the creation is what the page confirms (ui.flash.again).

Each test works on a position, candidate and panelists of its own, beside the shared world.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, func, select

import models
from models import Candidate, Interview, Position
from services.db import get_engine
from tests.browser.conftest import choose, click_and_wait, log_in_as, make_in, settled

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
# A double-clicked save on a loaded two-core machine: two runs, the second interrupting the first.
EXPECT_TIMEOUT_MS = 60_000
RECRUITER = "dora.dbl@example.com"
# No e-mail column: without the page's guard a second run would add the same people again.
IMPORT_CSV = "name,salary\nOlga Import,51000\nOscar Import,53000\n"
# When the second click of a double-click reaches the server (see _click_twice).
TIMINGS = ["double", "late"]


@pytest.fixture(scope="module")
def site(world, app_url) -> dict:
    """A recruiter, two panelists and a position with a candidate of this module's own."""
    with make_in(world["url"]) as make:
        make.user("recruiter", name="Dora Doubleclick", email=RECRUITER)
        make.user(name="Pim Dblpanel", email="pim.dbl@example.com")
        make.user(name="Pat Dblpanel", email="pat.dbl@example.com")
        position = make.position(title="Site Reliability Dbl")
        for timing in TIMINGS:
            make.candidate(position, name=f"Eve Dbl{timing}")
    return {"base": app_url, "url": world["url"], "position": position.title}


def _count(url: str, model, *where) -> int:
    with Session(get_engine(url)) as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def _open(page: Page, base: str, link: str) -> None:
    page.goto(base)
    log_in_as(page, RECRUITER)
    # Waited for by the run it starts: the start page (Overview) has a "Positions" heading too.
    click_and_wait(page, page.get_by_test_id("stSidebarNav").get_by_role("link", name=link,
                                                                         exact=True))
    expect(page.get_by_role("heading", name=link)).to_be_visible()


def _pick(page: Page, scope, box: str, option: str) -> None:
    combo = scope.get_by_role("combobox", name=box, exact=True)
    # The list filters as one types.
    choose(page, combo, option.split()[0], page.get_by_role("option", name=option, exact=True))
    expect(combo).to_have_value(option)


def _click_twice(page: Page, button, timing: str, first_done) -> None:
    """A double-click on `button` as a fast server sees it ("double": both clicks reach the
    form the user filled) or as a busy one does ("late": the second lands on the form the
    first click's rerun drew, here made certain by waiting for `first_done`)."""
    if timing == "double":
        button.dblclick()
        return
    click_and_wait(page, button)
    first_done()
    click_and_wait(page, button)  # (a run ended by st.rerun is not counted: the one after is)


@pytest.mark.parametrize("timing", TIMINGS)
@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_save_new_position_creates_one(page, site, timing):
    title = f"Data Engineer Dbl {timing}"
    _open(page, site["base"], "Positions")
    page.get_by_role("textbox", name="Title").fill(title)
    page.get_by_role("textbox", name="Team").fill("Insights")
    edit = page.get_by_role("combobox", name="Edit")
    _click_twice(page, page.get_by_role("button", name="Save position"), timing,
                 lambda: expect(edit).to_have_value(title))
    expect(page.get_by_text(f"Position '{title}' created.")).to_be_visible()
    # The saved position is then selected for editing, not "New position" again.
    expect(edit).to_have_value(title)
    settled(page)
    expect(page.get_by_text(f"Position '{title}' saved.")).to_have_count(0)
    assert _count(site["url"], Position, Position.title == title) == 1
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.parametrize("timing", TIMINGS)
@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_save_new_candidate_creates_one(page, site, timing):
    name = f"Ingrid Solberg {timing.title()}"
    _open(page, site["base"], "Candidates")
    _pick(page, page, "Position", site["position"])
    settled(page)
    page.get_by_role("textbox", name="Name").fill(name)
    edit = page.get_by_role("combobox", name="Edit")
    _click_twice(page, page.get_by_role("button", name="Save candidate"), timing,
                 lambda: expect(edit).to_have_value(f"{name} · {site['position']}"))
    expect(page.get_by_text(f"Candidate {name} added.")).to_be_visible()
    expect(edit).to_have_value(f"{name} · {site['position']}")
    settled(page)
    expect(page.get_by_text(f"Candidate {name} saved.")).to_have_count(0)
    assert _count(site["url"], Candidate, Candidate.name == name) == 1
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.parametrize("timing", TIMINGS)
@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_schedule_creates_one_interview(page, site, timing):
    name = f"Eve Dbl{timing}"  # a candidate of each timing's own: one interview each
    candidate = f"{name} · {site['position']}"
    before = _count(site["url"], Interview)
    _open(page, site["base"], "Interviews")
    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Schedule", exact=True))
    for box, option in (("Candidate", candidate), ("Panelist 1", "Pim Dblpanel"),
                        ("Panelist 2", "Pat Dblpanel")):
        _pick(page, form, box, option)
    _click_twice(page, form.get_by_role("button", name="Schedule", exact=True), timing,
                 lambda: expect(page.get_by_test_id("stDataFrame").first).to_contain_text(name))
    expect(page.get_by_text(f"Interview scheduled: {candidate}")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first).to_contain_text(name)
    settled(page)
    # The second click is the first one's confirmation, not a refusal or "already there".
    expect(page.get_by_text("nothing was added")).to_have_count(0)
    expect(page.get_by_text("Interview not scheduled")).to_have_count(0)
    assert _count(site["url"], Interview) == before + 1
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.parametrize("timing", TIMINGS)
@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_save_changes_confirms_the_change_only(page, site, timing):
    """"Save changes" on an interview, double-clicked: "Interview changed.", not also
    "Nothing changed." for the second click."""
    with make_in(site["url"]) as make:
        position = make.s.exec(select(Position).where(Position.title == site["position"])).one()
        candidate = make.candidate(position, name=f"Ivy Dblchange{timing}")
        panel = [make.s.exec(select(models.User).where(models.User.email == email)).one()
                 for email in ("pim.dbl@example.com", "pat.dbl@example.com")]
        # A day of each timing's own, so its form is told apart from the one shown before.
        interview = make.interview(candidate, panel, days_ago=-2 - TIMINGS.index(timing))
    new_day = (interview.scheduled_at + timedelta(days=7)).date()
    _open(page, site["base"], "Interviews")
    page.get_by_role("tab", name="Change or cancel").click()
    picker = page.get_by_role("combobox", name="Interview", exact=True)
    choose(page, picker, "Ivy",
           page.get_by_role("option", name=re.compile(f"Ivy Dblchange{timing}")).first)
    expect(picker).to_have_value(re.compile(f"Ivy Dblchange{timing}"))
    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Save changes"))
    day = form.get_by_test_id("stDateInput").locator("input")
    # The form of this interview, not the one shown before the pick's run redrew it.
    expect(day).to_have_value(interview.scheduled_at.date().isoformat())
    settled(page)
    day.fill(new_day.isoformat())
    expect(day).to_have_value(new_day.isoformat())
    _click_twice(page, form.get_by_role("button", name="Save changes"), timing,
                 lambda: expect(page.get_by_text("Interview changed.")).to_be_visible())
    expect(page.get_by_text("Interview changed.")).to_be_visible()
    settled(page)
    # Counted now, not awaited: a toast goes away by itself, so waiting for none would pass.
    toasts = page.get_by_test_id("stToast").all_inner_texts()
    assert any("Interview changed." in t for t in toasts), toasts
    assert not any("Nothing changed." in t for t in toasts), toasts
    with Session(get_engine(site["url"])) as s:
        assert s.get(Interview, interview.id).scheduled_at.date() == new_day
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_import_candidates_imports_once(page, site, tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text(IMPORT_CSV, encoding="utf-8")
    _open(page, site["base"], "Import")
    _pick(page, page, "Position", site["position"])
    settled(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(csv)
    button = page.get_by_role("button", name="Import candidates")
    expect(button).to_be_visible()
    settled(page)
    button.dblclick()
    expect(page.get_by_text(re.compile(
        r"^(Imported 2 candidates\.|This file was just imported \(2 candidates\))"))
    ).to_be_visible()
    settled(page)
    assert _count(site["url"], Candidate, Candidate.name.like("% Import")) == 2
    expect(page.get_by_test_id("stException")).to_have_count(0)
