"""Hiring manager and recruiter flows in a real browser (Debian's Chromium), on their own
server and database so they can add data without disturbing the other browser tests.

- Exports: three PDF downloads in a row, then a submission, then a pack that contains it.
- Double-clicks on Schedule, on "Save position" (new) and "Save candidate" (new) create one.
- The dashboard's ranking shows Discuss and Decision without sideways scrolling at 1280 px.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from models import Candidate, Interview, Position
from services import auth
from services.db import get_engine, migrate
from tests.browser.conftest import STARTUP_SECONDS, _free_port, _healthy
from tests.browser.test_browser import TIMEOUT_MS, log_in, settled
from tests.conftest import PASSWORD, ROOT, Factory

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}
LATE_EVIDENCE = "Late-arriving evidence Kv9w about the billing migration"


@pytest.fixture(autouse=True)
def _patient_expect():
    # Two cores shared by several test runs: a dashboard's first run can take 15 s or more.
    expect.set_options(timeout=2 * TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A database with a manager, a recruiter, a position of three candidates; a server on it."""
    path = tmp_path_factory.mktemp("mgr-db") / "mgr.db"
    url = f"sqlite:///{path}"
    migrate(url)
    from argon2 import PasswordHasher

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        with Session(get_engine(url), expire_on_commit=False) as s:
            make = Factory(s)
            manager = make.user("hiring_manager", name="Hana Manager", email="hana@example.com")
            make.user("recruiter", name="Rita Recruiter", email="rita@example.com")
            pia = make.user(name="Pia Panel", email="pia@example.com")
            paul = make.user(name="Paul Panel", email="paul@example.com")
            position = make.position(manager=manager, title="Backend Engineer")
            cands = [make.candidate(position, name=n) for n in
                     ("Cara Candidate", "Dan Candidate", "Eve Candidate")]
            ivs = [make.interview(c, [pia, paul]) for c in cands]
            for iv, values in zip(ivs, ([4, 4, 3, 4], [2, 3, 2, 3], [5, 5, 4, 5]), strict=True):
                make.scorecard(iv, paul, values, "yes")
            make.scorecard(ivs[0], pia, [1, 2, 1, 2], "strong_no")  # something to discuss
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = path.parent / "server.log"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield {"base": base, "url": url, "ivs": ivs, "pia": pia, "cands": cands}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        get_engine(url).dispose()


def _count(url: str, model, *where) -> int:
    with Session(get_engine(url)) as s:
        return len(s.exec(select(model).where(*where)).all())


def _open(page: Page, base: str, email: str, link: str) -> None:
    page.goto(base)
    log_in(page, email, PASSWORD)
    # The root URL forwards to the role's start page (app.py's home, a switch_page) after the
    # login's rerun. A menu click before that forward lands is overtaken by it: wait until the
    # URL names the start page.
    expect(page.get_by_role("button", name="Log out everywhere")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"^https?://[^/]+/(home)?([?#].*)?$"))
    settled(page)
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=link)).to_be_visible()
    settled(page)


def _pdf_text(page: Page, tmp_path: Path, n: int) -> str:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download the PDF pack").click()
    pdf = tmp_path / f"pack{n}.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


@pytest.mark.browser_context_args(viewport=DESKTOP, accept_downloads=True)
def test_three_pdf_downloads_then_a_new_submission_is_in_the_next_pack(page, site, tmp_path):
    _open(page, site["base"], "hana@example.com", "Exports")
    for n in range(3):
        text = _pdf_text(page, tmp_path, n)
        assert "Backend Engineer" in text and "Kv9w" not in text
        settled(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
    # Pia submits Dan's card meanwhile (another browser, as far as this page knows).
    with Session(get_engine(site["url"]), expire_on_commit=False) as s:
        Factory(s).scorecard(site["ivs"][1], site["pia"], [3, 3, 3, 3], "no",
                             evidence=LATE_EVIDENCE)
    text = " ".join(_pdf_text(page, tmp_path, 3).split())
    assert LATE_EVIDENCE in text
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_schedule_creates_one_interview(page, site):
    before = _count(site["url"], Interview)
    _open(page, site["base"], "rita@example.com", "Interviews")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Schedule"))
    for box, option in (("Candidate", "Eve Candidate · Backend Engineer"),
                        ("Panelist 1", "Pia Panel"), ("Panelist 2", "Paul Panel")):
        combo = form.get_by_role("combobox", name=box, exact=True)
        combo.click()
        page.keyboard.type(option.split()[0])  # the list filters as one types
        page.get_by_role("option", name=option).first.click()
        expect(combo).to_have_value(option)
    form.get_by_role("button", name="Schedule").dblclick()
    expect(page.get_by_text("Interview scheduled: Eve Candidate · Backend Engineer")
           ).to_be_visible()
    settled(page)
    assert _count(site["url"], Interview) == before + 1


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_save_new_position_creates_one(page, site):
    _open(page, site["base"], "rita@example.com", "Positions")
    page.get_by_role("textbox", name="Title").fill("Data Analyst")
    page.get_by_role("textbox", name="Team").fill("Insights")
    page.get_by_role("button", name="Save position").dblclick()
    expect(page.get_by_text("Position 'Data Analyst' created.")).to_be_visible()
    settled(page)
    assert _count(site["url"], Position, Position.title == "Data Analyst") == 1
    # The saved position is selected for editing, not "New position" again.
    expect(page.get_by_role("combobox", name="Edit")).to_have_value("Data Analyst")


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_save_new_candidate_creates_one(page, site):
    _open(page, site["base"], "rita@example.com", "Candidates")
    page.get_by_role("textbox", name="Name").fill("Ingrid Solberg")
    page.get_by_role("button", name="Save candidate").dblclick()
    expect(page.get_by_text("Candidate Ingrid Solberg added.")).to_be_visible()
    settled(page)
    assert _count(site["url"], Candidate, Candidate.name == "Ingrid Solberg") == 1
    expect(page.get_by_role("combobox", name="Edit")).to_have_value(
        "Ingrid Solberg · Backend Engineer")


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_ranking_shows_discuss_and_decision_without_sideways_scrolling(page, site):
    page.goto(site["base"])
    log_in(page, "hana@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    settled(page)
    table = page.get_by_role("tabpanel", name="Ranking").get_by_test_id("stDataFrame").first
    scroller = table.locator(".dvn-scroller")
    expect(scroller).to_be_attached()
    box = table.bounding_box()
    assert box["x"] + box["width"] <= DESKTOP["width"]
    # The grid's own scroller does not scroll sideways: every column fits, Discuss and
    # Decision (the sixth and seventh of nine) included.
    overflow = scroller.evaluate("s => s.scrollWidth - s.clientWidth")
    assert overflow <= 1, f"the ranking scrolls sideways by {overflow} px"


PHONE = {"width": 390, "height": 844}


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_dashboard_charts_are_readable_at_390_px(page, site):
    """No plotly toolbar over a title, titles and heatmap labels inside the chart, the
    legend under the x axis, and each chart's data table right after it."""
    page.goto(site["base"])
    log_in(page, "hana@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    settled(page)
    page.get_by_role("tab", name="Candidate").click()
    panel = page.get_by_role("tabpanel", name="Candidate")
    charts = panel.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(3)  # radar, heatmap, salary
    expect(panel.locator(".main-svg").first).to_be_visible()
    assert page.locator(".modebar").count() == 0
    for i in range(3):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box
        title = chart.locator(".gtitle").bounding_box()
        assert title["x"] >= box["x"] and title["x"] + title["width"] <= box["x"] + box["width"]
        # The accessible name and the data table a screen reader reaches next.
        assert chart.get_attribute("aria-label") or chart.locator("[aria-label]").count()
    heat = charts.nth(1)
    box = heat.bounding_box()
    for tick in heat.locator(".ytick text").all():
        t = tick.bounding_box()
        assert t["x"] >= box["x"] - 1, "a heatmap label is cut off on the left"
    salary = charts.nth(2)
    legend, axis = salary.locator(".legend").bounding_box(), salary.locator(".xtitle")
    assert legend["y"] >= axis.bounding_box()["y"] + axis.bounding_box()["height"] - 1
    expect(panel.get_by_text("Data behind this chart")).to_have_count(3)
