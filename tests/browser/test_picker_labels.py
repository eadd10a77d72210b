"""Pickers whose labels carry a status or a date show the current one within a session (issue
12, found by the tester): the scorecard page's interview picker says "Submitted" after a submit,
the Interviews page's "Change or cancel" picker the new date after a reschedule. (A keyed
selectbox whose labels alone change keeps the old labels in the browser: ui.widgets
.current_choice gives it a new identity when its labels change.)
"""

import re
from datetime import UTC, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from models import Interview
from services.db import get_engine
from tests.browser.conftest import (
    choose,
    click_and_wait,
    log_in_as,
    make_in,
    seat_panelists,
    settled,
)

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
EXPECT_TIMEOUT_MS = 60_000
RECRUITER = "rosa.picker@example.com"


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_the_scorecard_picker_says_submitted_after_a_submit(page: Page, app_url, world):
    seat = seat_panelists(world, "kim", surname="Picker")["kim"]
    with make_in(world["url"]) as make:  # every answer given; only the submit is left
        make.scorecard(seat["iv"], seat["user"], 3, "yes", submit=False)
    page.goto(f"{app_url}/scorecard?interview={seat['iv'].id}")
    log_in_as(page, "kim@example.com", world["password"])
    picker = page.get_by_role("combobox", name="Interview")
    expect(picker).to_have_value(re.compile(r"^Cand Kim .*, Draft\)$"))
    settled(page)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_text(re.compile(r"^Submitted .*read-only now\."))).to_be_visible()
    # The next whole-page run (here: drawing the panel's view) redraws the picker.
    click_and_wait(page, page.get_by_role("button", name="Show the panel's view"))
    expect(picker).to_have_value(re.compile(r"^Cand Kim .*, Submitted\)$"))
    # The bench and the tests still find the picker by its stable class.
    expect(page.locator(".st-key-scorecard_interview").get_by_role("combobox")).to_have_value(
        re.compile(r"Submitted\)$"))


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_the_change_picker_shows_the_new_date_after_a_reschedule(page: Page, app_url, world):
    with make_in(world["url"]) as make:
        make.user("recruiter", name="Rosa Picker", email=RECRUITER)
        candidate = make.candidate(world["position"], name="Quinn Picker")
        interview = make.interview(candidate, [world["hugo"], make.user(name="Pia Picker")],
                                   days_ago=-3)
    old = interview.scheduled_at.replace(tzinfo=UTC)
    new_day = (old + timedelta(days=7)).date()
    page.goto(app_url)
    log_in_as(page, RECRUITER)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Interviews", exact=True).click()
    expect(page.get_by_role("heading", name="Interviews")).to_be_visible()
    settled(page)
    page.get_by_role("tab", name="Change or cancel").click()
    picker = page.get_by_role("combobox", name="Interview", exact=True)
    choose(page, picker, "Quinn", page.get_by_role("option", name=re.compile("Quinn Picker")).first)
    expect(picker).to_have_value(re.compile("Quinn Picker"))
    before = picker.input_value()
    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Save changes"))
    # Streamlit 1.67 draws st.date_input as a native <input type="date">.
    form.get_by_test_id("stDateInput").locator("input").fill(new_day.isoformat())
    click_and_wait(page, form.get_by_role("button", name="Save changes"))
    expect(page.get_by_text("Interview changed.")).to_be_visible()
    with Session(get_engine(world["url"])) as s:
        assert s.get(Interview, interview.id).scheduled_at.date() == new_day
    # Still this interview, labelled with its new date.
    expect(picker).to_have_value(re.compile("Quinn Picker"))
    expect(picker).not_to_have_value(before)
