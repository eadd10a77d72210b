"""A recruiter whose browser asks for French (Playwright locale fr-CA) and who chose no language
creates a position, a candidate and an interview: the recruiter pages speak French, dates and
salaries are written the French way.

The login and the menu are tested in French elsewhere (test_languages.py, test_navigation.py):
this test asserts French on the recruiter pages' own content. It works on a recruiter, panelists
and a position of its own beside the shared world.
"""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from models import Candidate, Interview, Position, User
from services.db import get_engine
from tests.browser.conftest import choose, click_and_wait, log_in_as, make_in, settled

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
EXPECT_TIMEOUT_MS = 60_000
RECRUITER = "rachel@example.com"
FRENCH_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                 "oct.", "nov.", "déc.")
# Button labels of the recruiter pages that must not show in English to a French browser.
ENGLISH_BUTTONS = ("Save position", "Save candidate", "Schedule", "Save changes",
                   "Cancel interview", "Import candidates", "Copy its criteria and rating scale")
NBSP = "[\u00a0\u202f ]"  # Babel separates thousands and the euro sign with no-break spaces


@pytest.fixture(scope="module")
def site(world, app_url) -> dict:
    """A recruiter with no language chosen and two panelists of this module's own."""
    with make_in(world["url"]) as make:
        make.user("recruiter", name="Rachel Recruteuse", email=RECRUITER)
        make.user(name="Paulin Panelfr", email="paulin.fr@example.com")
        make.user(name="Pierrette Panelfr", email="pierrette.fr@example.com")
        assert make.s.exec(select(User).where(User.email == RECRUITER)).one().language is None
    return {"base": app_url, "url": world["url"]}


def _one(url: str, model, *where):
    with Session(get_engine(url)) as s:
        return s.exec(select(model).where(*where)).one()


def _go(page: Page, menu: str, heading: str) -> None:
    """Open a page from the menu (its link in English or French) and wait for the run the click
    starts (the start page, Overview, has a "Postes" heading of its own), then its heading."""
    click_and_wait(page, page.get_by_test_id("stSidebarNav").get_by_role(
        "link", name=re.compile(menu)))
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def _no_english_buttons(page: Page) -> None:
    main = page.get_by_test_id("stMain")
    for label in ENGLISH_BUTTONS:
        expect(main.get_by_role("button", name=label, exact=True)).to_have_count(0)


def _pick(page: Page, scope, box: str, option: str) -> None:
    combo = scope.get_by_role("combobox", name=box, exact=True)
    choose(page, combo, option.split()[0], page.get_by_role("option", name=option).first)
    expect(combo).to_have_value(option)


@pytest.mark.browser_context_args(locale="fr-CA", viewport=DESKTOP)
def test_a_french_browser_creates_a_position_a_candidate_and_an_interview_in_french(page, site):
    page.goto(site["base"])
    log_in_as(page, RECRUITER)

    # Positions: a French form. A new position's scorecard language defaults to the
    # organisation's setting (English here), not to the browser's; the recruiter picks French.
    _go(page, "^(Positions|Postes)$", "Postes")
    _no_english_buttons(page)
    form = page.get_by_test_id("stForm")
    expect(form.get_by_role("combobox", name="Langue de la fiche d’évaluation")
           ).to_have_value("English")
    form.get_by_role("textbox", name="Titre", exact=True).fill("Analyste de données")
    form.get_by_role("textbox", name="Équipe", exact=True).fill("Données")
    # Typed as a French reader writes amounts (a space between thousands): text boxes.
    form.get_by_role("textbox", name="Minimum de la fourchette salariale").fill("62 000")
    form.get_by_role("textbox", name="Maximum de la fourchette salariale").fill("75 000")
    _pick(page, form, "Langue de la fiche d’évaluation", "Français")
    form.get_by_role("button", name="Enregistrer le poste").click()
    # The saved position is then selected (what stays; a toast can be gone before it is seen).
    expect(page.get_by_role("combobox", name="Modifier", exact=True)).to_have_value(
        "Analyste de données")
    settled(page)
    position = _one(site["url"], Position, Position.title == "Analyste de données")
    assert position.language == "fr" and position.salary_min == 62000
    # The list shows the band the French way ("62 000 € – 75 000 €") and the language's name.
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_contain_text(re.compile(f"62{NBSP}000{NBSP}€ – 75{NBSP}000{NBSP}€"))
    expect(grid).to_contain_text("Français")

    # Candidates: a French form; the salary expectation shown in euros the French way.
    _go(page, "^(Candidates|Candidats)$", "Candidats")
    _pick(page, page, "Poste", "Analyste de données")
    settled(page)
    _no_english_buttons(page)
    form = page.get_by_test_id("stForm")
    form.get_by_role("textbox", name="Nom", exact=True).fill("Inès Tremblay")
    form.get_by_role("textbox", name="Courriel", exact=True).fill("ines@example.com")
    form.get_by_role("textbox", name="Attentes salariales déclarées (EUR par année)"
                     ).fill("64 500")
    form.get_by_role("button", name="Enregistrer le candidat").click()
    expect(page.get_by_role("combobox", name="Modifier", exact=True)).to_have_value(
        "Inès Tremblay · Analyste de données")
    settled(page)
    assert _one(site["url"], Candidate, Candidate.name == "Inès Tremblay").salary_expectation \
        == 64500
    expect(page.get_by_test_id("stDataFrame").first).to_contain_text(
        re.compile(f"64{NBSP}500{NBSP}€"))
    expect(page.get_by_role("heading", name="Notes de la première entrevue")).to_be_visible()

    # Interviews: schedule one for tomorrow at 10:00 (the recruiter's zone: UTC by default).
    _go(page, "^(Interviews|Entrevues)$", "Entrevues")
    _no_english_buttons(page)
    expect(page.get_by_role("tab", name="Planifier une deuxième entrevue")).to_be_visible()
    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Planifier", exact=True))
    _pick(page, form, "Candidat", "Inès Tremblay · Analyste de données")
    _pick(page, form, "Membre du comité 1", "Paulin Panelfr")
    _pick(page, form, "Membre du comité 2", "Pierrette Panelfr")
    form.get_by_role("button", name="Planifier", exact=True).click()
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    month = FRENCH_MONTHS[tomorrow.month - 1]
    when = f"{tomorrow.day} {month} {tomorrow.year}, 10:00"
    # Saved, the form is emptied for the next interview (other interviews of the shared world
    # may be set for tomorrow at 10:00 too, so the table's date alone does not prove the save).
    expect(form.get_by_role("combobox", name="Candidat", exact=True)).to_have_value("")
    expect(page.get_by_test_id("stDataFrame").first).to_contain_text(when)
    settled(page)
    ines = _one(site["url"], Candidate, Candidate.name == "Inès Tremblay")
    interview = _one(site["url"], Interview, Interview.candidate_id == ines.id)
    at = interview.scheduled_at if interview.scheduled_at.tzinfo else \
        interview.scheduled_at.replace(tzinfo=UTC)
    assert at == datetime.combine(tomorrow, time(10, 0), tzinfo=UTC)
    # The table (above) and the change picker write the date the French way.
    page.get_by_role("tab", name="Modifier ou annuler").click()
    picker = page.get_by_role("combobox", name="Entrevue", exact=True)
    choose(page, picker, "Inès", page.get_by_role("option", name=re.compile("Inès Tremblay")).first)
    expect(picker).to_have_value(re.compile(re.escape(when)))
    expect(page.get_by_test_id("stException")).to_have_count(0)
