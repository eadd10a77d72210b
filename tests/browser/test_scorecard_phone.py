"""The panelist's scorecard in Chromium (issue 12, points 2 to 6): the picker keeps a choice,
nothing typed is lost on reload, a card starts with the first answer, over-long text is kept,
and at 390 x 844 the targets are big enough, the status stays in view and the confirmation
is shown after submitting."""

import re
import time

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session, func, select

from models import Score
from services.auth import get_viewer
from services.db import get_engine
from services.scorecards import find_scorecard, save_and_submit
from tests.browser.conftest import idle, log_in_as, seat_panelists

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
MIN_TARGET = 24  # CSS px, WCAG 2.2 target size (minimum)


@pytest.fixture(scope="module")
def seats(world) -> dict:
    """Three more panelists, each on a fresh interview of the world's position (with Hugo)."""
    return seat_panelists(world, "noor", "ravi", "lena", "mira", "omar", surname="Phone")


def open_card(page: Page, base: str, interview_id: int, email: str, password: str) -> None:
    """Open the scorecard's URL logged out and log in right there."""
    page.goto(f"{base}/scorecard?interview={interview_id}")
    log_in_here(page, email, password)


def log_in_here(page: Page, email: str, password: str) -> None:
    log_in_as(page, email, password)
    expect(page.get_by_role("heading", name=re.compile("^Scorecard: "))).to_be_visible()
    idle(page)


def criterion(page: Page, name: str) -> Locator:
    title = page.get_by_test_id("stMarkdownContainer").get_by_text(name, exact=True)
    return page.get_by_test_id("stVerticalBlock").filter(
        has=page.locator(":scope > [data-testid=stElementContainer]").filter(has=title))


def card_of(world, seat):
    with Session(get_engine(world["url"])) as s:
        return find_scorecard(s, get_viewer(s, seat["user"].id), seat["iv"].id)


def test_picker_keeps_the_interview_chosen_by_click_or_keyboard(page, app_url, world):
    """Paul sits on four panels; the URL names Cara's, he picks another one."""
    open_card(page, app_url, world["iv_cara"].id, "paul@example.com", world["password"])
    expect(page.get_by_role("heading", name=f"Scorecard: {world['cara'].name}")).to_be_visible()
    picker = page.get_by_role("combobox", name="Interview")
    picker.click()
    page.get_by_role("option", name=re.compile(re.escape(world["mia"].name))).click()
    expect(page.get_by_role("heading", name=f"Scorecard: {world['mia'].name}")).to_be_visible()
    idle(page)
    expect(page.get_by_role("heading", name=f"Scorecard: {world['mia'].name}")).to_be_visible()
    assert f"interview={world['iv_mia'].id}" in page.url

    picker.focus()
    picker.press("ArrowDown")  # opens the list; the highlight already moves one option on
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    expect(picker).to_have_attribute("aria-activedescendant", re.compile("."))
    texts = options.all_inner_texts()
    ids = [options.nth(i).get_attribute("id") for i in range(len(texts))]
    here = next(i for i, t in enumerate(texts) if world["mia"].name in t)
    lit = ids.index(picker.get_attribute("aria-activedescendant"))
    # Another interview than the current one, reached with the arrow keys from the highlight
    # (the list does not wrap around at either end).
    target = min((i for i in range(len(texts)) if i not in (here, lit)),
                 key=lambda i: abs(i - lit))
    for _ in range(abs(target - lit)):
        picker.press("ArrowDown" if target > lit else "ArrowUp")
    expect(picker).to_have_attribute("aria-activedescendant", ids[target])
    picker.press("Enter")
    interviews = {world[c].name: f"iv_{c}" for c in ("cara", "mia", "dan", "rex")}
    name = next(n for n in interviews if n in texts[target])
    expect(page.get_by_role("heading", name=f"Scorecard: {name}")).to_be_visible()
    idle(page)
    expect(page.get_by_role("heading", name=f"Scorecard: {name}")).to_be_visible()
    iv = interviews[name]
    assert f"interview={world[iv].id}" in page.url


@pytest.mark.browser_context_args(**PHONE)
def test_text_typed_and_not_left_survives_a_reload_and_starts_the_card(page, app_url, world,
                                                                     seats):
    seat, c = seats["ravi"], world["criteria"]
    note = "Asked sharp questions about on-call; typed and never left the field"
    open_card(page, app_url, seat["iv"].id, "ravi@example.com", world["password"])
    # Only looking starts nothing: no card, the seat stays "not started".
    assert card_of(world, seat) is None
    expect(page.get_by_text("Not started yet.")).to_be_visible()

    box = criterion(page, c[1]).get_by_role("textbox")
    box.tap()
    box.press_sequentially(note, delay=5)
    # The page saves after a pause in typing; the field still has the focus.
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    assert page.evaluate("() => document.activeElement.tagName") == "TEXTAREA"
    card = card_of(world, seat)
    assert card is not None

    page.reload()
    log_in_here(page, "ravi@example.com", world["password"])
    expect(criterion(page, c[1]).get_by_role("textbox")).to_have_value(note)


@pytest.mark.browser_context_args(**PHONE)
def test_text_the_server_never_got_comes_back_after_a_reload_and_is_saved(page, app_url,
                                                                           world, seats):
    """The connection dies right after typing (a reload, a phone that drops the network): the
    server never hears of the text. The tab kept it: after the reload and logging in, the box
    has it again and it is saved; the kept copy is then forgotten."""
    seat, c = seats["mira"], world["criteria"]
    note = "Walked through the incident review step by step; kept only by the browser"
    open_card(page, app_url, seat["iv"].id, "mira@example.com", world["password"])
    criterion(page, c[0]).get_by_role("radiogroup", name="Score").get_by_text(
        "4", exact=True).tap()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    idle(page)
    page.evaluate("() => { WebSocket.prototype.send = function () {}; }")  # nothing reaches it
    box = criterion(page, c[1]).get_by_role("textbox")
    box.tap()
    box.press_sequentially(note, delay=5)
    box.press("Tab")  # even leaving the field sends nothing now
    page.reload()
    log_in_here(page, "mira@example.com", world["password"])
    expect(criterion(page, c[1]).get_by_role("textbox")).to_have_value(note)
    idle(page)

    def saved() -> int:
        with Session(get_engine(world["url"])) as s:
            return s.exec(select(func.count()).select_from(Score).where(
                Score.evidence == note)).one()

    expect(page.get_by_text("Draft saved.")).to_be_visible()
    assert saved() == 1
    # The copy goes once the server has the text: at the latest when the form is drawn again
    # with the same text (a run that ended after it was sent may already have dropped it).
    page.reload()
    log_in_here(page, "mira@example.com", world["password"])
    expect(criterion(page, c[1]).get_by_role("textbox")).to_have_value(note)
    page.wait_for_function("() => !Object.keys(sessionStorage).some("
                           "k => k.startsWith('secondlook-draft:'))")


@pytest.mark.browser_context_args(**PHONE)
def test_over_long_evidence_is_refused_with_a_message_and_kept(page, app_url, world, seats):
    seat, c = seats["lena"], world["criteria"]
    text = "x" * 10_001
    open_card(page, app_url, seat["iv"].id, "lena@example.com", world["password"])
    block = criterion(page, c[0])
    block.get_by_role("textbox").fill(text)
    block.get_by_role("textbox").press("Tab")
    expect(block.get_by_text(re.compile(r"Too long to save: 10,001 characters, at most 10,000")
                             )).to_be_visible()
    idle(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(block.get_by_role("textbox")).to_have_value(text)
    # The status bar does not say "saved" while that text is not.
    status = page.locator(".st-key-sc_status")
    expect(status).to_contain_text("1 field is not saved")
    expect(status).not_to_contain_text("Draft saved.")
    # The rest of the form still works and saves; the bar still counts the refused field.
    left = int(re.search(r"(\d+) things? left", status.inner_text()).group(1))
    criterion(page, c[1]).get_by_role("radiogroup", name="Score").get_by_text("3", exact=True).tap()
    expect(status).to_contain_text(f"{left - 1} thing")  # the score is in: one thing fewer
    assert card_of(world, seat) is not None
    expect(status).to_contain_text("1 field is not saved")
    # Shortened, it is saved, and the bar says so.
    block.get_by_role("textbox").fill("x" * 10_000)
    block.get_by_role("textbox").press("Tab")
    expect(status).to_contain_text("Draft saved.")
    expect(block.get_by_text(re.compile("Too long to save"))).to_have_count(0)


@pytest.mark.browser_context_args(**PHONE)
def test_phone_targets_status_in_view_and_confirmation_after_submit(page, app_url, world,
                                                                   seats):
    seat, c = seats["noor"], world["criteria"]
    height = PHONE["viewport"]["height"]
    open_card(page, app_url, seat["iv"].id, "noor@example.com", world["password"])

    options = page.get_by_test_id("stRadioOption")
    expect(options).to_have_count(4 * 6 + 4)
    for i in range(options.count()):
        box = options.nth(i).bounding_box()
        assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, \
            (options.nth(i).inner_text(), box)
    for name in c:
        group = criterion(page, name).get_by_role("radiogroup", name="Score")
        one = group.get_by_test_id("stRadioOption").first.bounding_box()
        skip = group.get_by_test_id("stRadioOption").last.bounding_box()
        assert abs(one["y"] - skip["y"]) < 2, ("'Not assessed' wraps", name, one, skip)
        assert skip["x"] + skip["width"] <= PHONE["viewport"]["width"]

    status = page.locator(".st-key-sc_status")

    def status_in_view() -> None:
        expect(status).to_be_in_viewport()
        box = status.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= height + 1, box

    status_in_view()
    expect(status).to_contain_text("5 things left before you can submit.")
    criterion(page, c[2]).scroll_into_view_if_needed()
    status_in_view()

    # Tasks are ticks, the first of them a task (no "Select all").
    expect(page.get_by_text("Select all")).to_have_count(0)
    ticks = page.get_by_test_id("stCheckbox")
    expect(ticks.first).to_contain_text(world["position"].tasks[0])
    ticks.first.get_by_text(world["position"].tasks[0]).tap()
    expect(status).to_contain_text("Draft saved.")

    for n, (name, option) in enumerate(zip(c, ["3", "4", "Not assessed", "2"], strict=True)):
        criterion(page, name).get_by_role("radiogroup", name="Score").get_by_text(
            option, exact=True).tap()
        expect(status).to_contain_text(f"{4 - n} thing")
    page.get_by_role("radiogroup", name="Recommendation").get_by_text("No", exact=True).tap()
    expect(status).to_contain_text("Ready to submit.")
    idle(page)
    submit = status.get_by_role("button", name="Submit scorecard")
    expect(submit).to_be_in_viewport()
    submit.tap()
    confirmation = page.get_by_text(re.compile(r"^Submitted .*read-only now\."))
    expect(confirmation).to_be_visible()
    expect(confirmation).to_be_in_viewport()


@pytest.mark.browser_context_args(**PHONE)
def test_a_submitted_card_is_changed_on_the_phone_and_read_back(page, app_url, world, seats):
    """Omar submitted; he changes one score (each tap saved and audited, no status bar while
    changing), then is done: the read-only card shows the new score, the database holds it."""
    seat = seats["omar"]
    with Session(get_engine(world["url"])) as s:
        save_and_submit(s, get_viewer(s, seat["user"].id), seat["iv"].id,
                        {"recommendation": "yes"},
                        [{"criterion_id": c, "value": 3} for c in seat["criteria"]])
    open_card(page, app_url, seat["iv"].id, "omar@example.com", world["password"])
    page.get_by_role("button", name="Change my submitted scorecard").tap()
    expect(page.get_by_text("You are changing your submitted scorecard.")).to_be_visible()
    idle(page)
    name = world["criteria"][1]
    criterion(page, name).get_by_role("radiogroup", name="Score").get_by_text(
        "2", exact=True).tap()
    card_id = card_of(world, seat).id

    def saved() -> int | None:
        with Session(get_engine(world["url"])) as s:
            return s.exec(select(Score.value).where(
                Score.scorecard_id == card_id, Score.criterion_id == seat["criteria"][1])).one()
    # Until the server has saved the tap (the page shows nothing new when it has), at most
    # the module's patience.
    deadline = time.monotonic() + 45
    while saved() != 2 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert saved() == 2
    idle(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.get_by_role("button", name="Done changing").tap()
    mine = page.locator(".sl-my-card table").first
    expect(mine.get_by_role("row").filter(has_text=name).get_by_role("cell").first).to_have_text("2")
    expect(page.get_by_test_id("stException")).to_have_count(0)
