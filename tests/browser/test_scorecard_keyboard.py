"""A panelist completes and submits a scorecard with the keyboard alone (issue 13, WCAG 2.2 AA):
Tab, Shift+Tab, Space, Enter and the arrow keys only, no mouse. On every stop the focused
control shows a focus ring (2.4.7) and is not covered by the sticky status bar (2.4.11), at
390 x 844 and on a desktop. Quick successive arrow presses on a score are not lost (issue 12)."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from services.auth import get_viewer
from services.db import get_engine
from services.scorecards import find_scorecard
from tests.browser.conftest import idle, log_in_as, seat_panelists

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
MAX_TABS = 80

# What the focused element is and whether it can be seen: its ring (the element's own outline
# or box-shadow; for a visually hidden radio or checkbox, its label's), and whether its box
# meets the sticky status bar's (a control inside the bar is the bar itself). The page's scroll
# region, Streamlit's <main tabindex=0> (a Tab stop so the keyboard can scroll it, and the skip
# link's target), holds the bar: the bar cannot hide what contains it, so it is not "covered".
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {none: true};
  const shown = (el.matches('input[type=radio], input[type=checkbox]') && el.closest('label'))
    || el;
  const cs = getComputedStyle(shown);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1
    && cs.outlineColor !== 'rgba(0, 0, 0, 0)';
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  const r = shown.getBoundingClientRect();
  const bar = document.querySelector('.st-key-sc_status');
  let covered = false;
  if (bar && !bar.contains(el) && !el.contains(bar)) {
    const b = bar.getBoundingClientRect();
    covered = r.bottom > b.top && r.top < b.bottom && r.right > b.left && r.left < b.right;
  }
  const keyed = el.closest('[class*="st-key-"]');
  const key = keyed ? [...keyed.classList].find((c) => c.startsWith('st-key-')) : '';
  return {none: false, tag: el.tagName, key, text: (shown.innerText || '').slice(0, 40),
          ring: outline || shadow, covered, rect: [r.x, r.y, r.width, r.height]};
}"""


@pytest.fixture(scope="module")
def seats(world) -> dict:
    """Two panelists, each on a fresh interview of the world's position (with Hugo)."""
    seats = seat_panelists(world, "kira", "kofi", surname="Keys")
    for seat in seats.values():
        seat["tasks"] = len(world["position"].tasks)
    return seats


def focus(page: Page) -> dict:
    return page.evaluate(FOCUS)


def tab_to(page: Page, key: str, *, check: bool = True, back: bool = False) -> dict:
    """Press Tab (Shift+Tab) until the focus is inside the widget of this key; on the way, every
    focused control must show its ring and be clear of the status bar."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        info = focus(page)
        if info["none"]:
            continue
        if check:
            assert_visible_focus(page)
            info = focus(page)
        if info["key"] == f"st-key-{key}":
            return info
    raise AssertionError(f"{MAX_TABS} Tabs never reached {key}; last focus {focus(page)}")


def assert_visible_focus(page: Page) -> None:
    """The focused control has a ring and is not under the sticky bar (the page moves it out
    from under the bar once focused, so wait for that)."""
    try:
        page.wait_for_function(f"() => !({FOCUS})().covered", timeout=3_000)
    except Exception:
        pass
    info = focus(page)
    assert info["ring"], ("no visible focus ring", info)
    assert not info["covered"], ("focused control hidden under the status bar", info)


def fill_by_keyboard(page: Page, seat: dict, password: str) -> None:
    iv, user = seat["iv"].id, seat["user"]
    log_in_as(page, user.email, password, keyboard=True)
    expect(page.get_by_role("heading", name=re.compile("^Scorecard: "))).to_be_visible()
    status = page.locator(".st-key-sc_status")
    expect(status).to_contain_text(f"{len(seat['criteria']) + 1} things left")
    for n, cid in enumerate(seat["criteria"]):
        group = f"sc_score_{iv}_{cid}"
        tab_to(page, group)
        # Space picks the first score, two quick arrow presses move it to 3: each press is a
        # save, and none may be lost while the previous one is still running.
        page.keyboard.press("Space")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        checked = page.locator(f".st-key-{group} label:has(input:checked)")
        expect(checked).to_have_text("3")
        left = len(seat["criteria"]) - n
        expect(status).to_contain_text(re.compile(rf"\b{left} things? left"))
        assert_visible_focus(page)
        tab_to(page, f"sc_evidence_{iv}_{cid}")
        page.keyboard.type(f"Keyboard note {n}")
    for i in range(seat["tasks"]):
        tab_to(page, f"sc_task_{iv}_{i}")
        page.keyboard.press("Space")
        expect(page.locator(f".st-key-sc_task_{iv}_{i} input")).to_be_checked()
    tab_to(page, f"sc_recommendation_{iv}_")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f".st-key-sc_recommendation_{iv}_ label:has(input:checked)")
           ).to_have_text("No")
    expect(status).to_contain_text("Ready to submit.")
    # Shift+Tab goes back through the form as well: back to the recommendation.
    tab_to(page, f"sc_concerns_{iv}_")
    tab_to(page, f"sc_recommendation_{iv}_", back=True)
    tab_to(page, "submit_card")
    idle(page)
    page.keyboard.press("Enter")
    confirmation = page.get_by_text(re.compile(r"^Submitted .*read-only now\."))
    expect(confirmation).to_be_visible()
    expect(confirmation).to_be_in_viewport()


def _run(page: Page, app_url: str, world, seat) -> None:
    page.goto(f"{app_url}/scorecard?interview={seat['iv'].id}")
    fill_by_keyboard(page, seat, world["password"])
    with Session(get_engine(world["url"])) as s:
        card = find_scorecard(s, get_viewer(s, seat["user"].id), seat["iv"].id)
    assert card is not None and card.status == "submitted" and card.recommendation == "no"


@pytest.mark.browser_context_args(**PHONE)
def test_keyboard_only_scorecard_on_a_phone(page, app_url, world, seats):
    _run(page, app_url, world, seats["kira"])


@pytest.mark.browser_context_args(**DESKTOP)
def test_keyboard_only_scorecard_on_a_desktop(page, app_url, world, seats):
    _run(page, app_url, world, seats["kofi"])
