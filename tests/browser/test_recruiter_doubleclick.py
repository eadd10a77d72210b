"""A double-click on every create button of the recruiter pages creates once, on a freshly
started server: "Save position" (a new one), "Save candidate" (a new one), "Schedule" and
"Import candidates". Issue 12: forms that cannot double-submit.
"""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from models import Candidate, Interview, Position
from services import auth
from services.db import get_engine, migrate
from tests.browser.conftest import streamlit_server
from tests.browser.test_browser import TIMEOUT_MS, log_in, settled
from tests.conftest import PASSWORD, Factory

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
# No e-mail column: without the page's guard a second run would add the same people again.
IMPORT_CSV = "name,salary\nOlga Import,51000\nOscar Import,53000\n"


@pytest.fixture(autouse=True)
def _patient_expect():
    expect.set_options(timeout=2 * TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A recruiter, two panelists, a position with a candidate; a fresh server on them."""
    path = tmp_path_factory.mktemp("dbl-db") / "dbl.db"
    url = f"sqlite:///{path}"
    migrate(url)
    from argon2 import PasswordHasher

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        with Session(get_engine(url), expire_on_commit=False) as s:
            make = Factory(s)
            make.user("recruiter", name="Rita Recruiter", email="rita@example.com")
            make.user(name="Pia Panel", email="pia@example.com")
            make.user(name="Paul Panel", email="paul@example.com")
            position = make.position(title="Backend Engineer")
            make.candidate(position, name="Eve Candidate")
    with streamlit_server(url, path.parent / "server.log") as base:
        yield {"base": base, "url": url}
    get_engine(url).dispose()


def _count(url: str, model, *where) -> int:
    with Session(get_engine(url)) as s:
        return len(s.exec(select(model).where(*where)).all())


def _open(page: Page, base: str, link: str) -> None:
    page.goto(base)
    log_in(page, "rita@example.com", PASSWORD)
    expect(page.get_by_role("button", name="Log out everywhere")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"^https?://[^/]+/(home)?([?#].*)?$"))
    settled(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=link)).to_be_visible()
    settled(page)


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_save_new_position_creates_one(page, site):
    _open(page, site["base"], "Positions")
    page.get_by_role("textbox", name="Title").fill("Data Analyst")
    page.get_by_role("button", name="Save position").dblclick()
    # The saved position is then selected for editing (a toast may come and go too fast to see
    # on a loaded machine, so the test waits on what stays).
    expect(page.get_by_role("combobox", name="Edit")).to_have_value("Data Analyst")
    settled(page)
    assert _count(site["url"], Position, Position.title == "Data Analyst") == 1
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_save_new_candidate_creates_one(page, site):
    _open(page, site["base"], "Candidates")
    page.get_by_role("combobox", name="Position").click()
    page.get_by_role("option", name="Backend Engineer").click()
    settled(page)
    page.get_by_role("textbox", name="Name").fill("Ingrid Solberg")
    page.get_by_role("button", name="Save candidate").dblclick()
    expect(page.get_by_role("combobox", name="Edit")).to_have_value(
        "Ingrid Solberg · Backend Engineer")
    settled(page)
    assert _count(site["url"], Candidate, Candidate.name == "Ingrid Solberg") == 1
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_schedule_creates_one_interview(page, site):
    _open(page, site["base"], "Interviews")
    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Schedule", exact=True))
    for box, option in (("Candidate", "Eve Candidate · Backend Engineer"),
                        ("Panelist 1", "Pia Panel"), ("Panelist 2", "Paul Panel")):
        combo = form.get_by_role("combobox", name=box, exact=True)
        combo.click()
        page.keyboard.type(option.split()[0])
        page.get_by_role("option", name=option).first.click()
        expect(combo).to_have_value(option)
    form.get_by_role("button", name="Schedule", exact=True).dblclick()
    # The table of interviews appears with the first one scheduled.
    expect(page.get_by_test_id("stDataFrame").first).to_contain_text("Eve Candidate")
    settled(page)
    assert _count(site["url"], Interview) == 1
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_double_click_on_import_candidates_imports_once(page, site, tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text(IMPORT_CSV, encoding="utf-8")
    _open(page, site["base"], "Import")
    page.get_by_role("combobox", name="Position").click()
    page.get_by_role("option", name="Backend Engineer").click()
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
