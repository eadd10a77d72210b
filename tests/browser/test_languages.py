"""French and English in a real browser (issue 13, "Done when"): a browser asking for French
(context locale fr-CA) goes from the login page through a demo panelist's scorecard (scores,
evidence, submit) to the hiring manager's dashboard and sees French on every screen, with dates,
numbers and salaries written the French way; the same flow with en-CA sees English.

Most demo users have no language of their own, so the browser's language decides; the French
demo users chose French, the same language the browser asks for. Expected
words come from the glossary (docs in COMMON.md) and the vocabulary labels; expected formats
from services.i18n, the one owner of formatting, under the language being tested. Widgets are
found by key, so the same steps drive both languages.
"""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from models import Candidate, Interview, PanelMember, Position, Role, Scorecard, User, UserRole
from models import label as vocabulary_label
from services import i18n
from services.db import get_engine
from tests.browser.conftest import click_and_wait, log_in_as, open_context, settled, visit

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
LOCALES = {"en": "en-CA", "fr": "fr-CA"}
APOSTROPHE = "[’']"
# A month's name, abbreviated or in full ("Nov" / "November", "nov." / "novembre"): the page
# writes dates in long or medium form depending on the screen (services.i18n, ui.widgets.when).
MONTHS = {
    "en": r"\b(Jan(uary)?|Feb(ruary)?|Mar(ch)?|Apr(il)?|May|June?|July?|Aug(ust)?"
          r"|Sept?(ember)?|Oct(ober)?|Nov(ember)?|Dec(ember)?)\b",
    "fr": r"\b(janv(\.|ier)|févr(\.|ier)|mars|avr(\.|il)|mai|juin|juil(\.|let)|août"
          r"|sept(\.|embre)|oct(\.|obre)|nov(\.|embre)|déc(\.|embre))",
}
# A decimal number as each language writes it (and the other does not): 3.50 / 3,50. A comma
# followed by three digits is English thousands grouping, not a French decimal.
DECIMAL = {"en": r"\b\d+\.\d{1,2}\b", "fr": r"\b\d+,\d{1,2}(?!\d)"}
# What each screen must say, from the glossary: (role, accessible name) of a control.
WORDS = {
    "en": {"log_in": "Log in", "password": "Password", "scorecard_link": "^Scorecard$",
           "dashboard": "^Dashboard$", "submit": "^Submit scorecard$",
           "log_out": "^Log out", "submitted": r"^Submitted .*read-only",
           "band": "salary band", "account_link": "^My account$"},
    "fr": {"log_in": "Se connecter", "password": "Mot de passe",
           "scorecard_link": f"^Fiche d{APOSTROPHE}évaluation$", "dashboard": "^Tableau de bord$",
           "submit": "^Soumettre", "log_out": "^Se déconnecter",
           "submitted": r"^Soumise .*lecture seule",
           "band": "fourchette salariale", "account_link": "^Mon compte$"},
}
EVIDENCE = {"en": "Explained the retry policy of the job queue with a clear example.",
            "fr": "A expliqué la politique de relance de la file de tâches avec un exemple clair."}


@dataclass(frozen=True)
class Seat:
    interview_id: int
    panelist: str
    candidate: str
    manager: str
    position_id: int
    salary_min: int | None
    currency: str


def open_seat(db_url: str, lang: str, preferred: str | None) -> Seat | None:
    """A demo panelist (panelist role only; no language of their own, or `lang` itself, as the
    French demo users have) with a scorecard not yet submitted for a candidate of a `lang`
    position whose hiring manager reads the same; the demo's own invitation first."""
    with Session(get_engine(db_url)) as s:
        rows = s.exec(
            select(PanelMember.interview_id, User.id, User.email, Candidate.name, Position)
            .join(User, User.id == PanelMember.user_id)
            .join(Interview, Interview.id == PanelMember.interview_id)
            .join(Candidate, Candidate.id == Interview.candidate_id)
            .join(Position, Position.id == Candidate.position_id)
            .where(Position.language == lang,
                   User.language.is_(None) | (User.language == lang),
                   Position.hiring_manager_id.is_not(None))
            .order_by(PanelMember.interview_id)).all()
        rows.sort(key=lambda r: r[2] != preferred)
        for interview_id, user_id, email, candidate, position in rows:
            roles = set(s.exec(select(UserRole.role).where(UserRole.user_id == user_id)))
            card = s.exec(select(Scorecard).where(Scorecard.interview_id == interview_id,
                                                  Scorecard.panelist_id == user_id)).first()
            manager = s.get(User, position.hiring_manager_id)
            still_open = card is None or card.status == "draft"
            if roles == {Role.panelist} and still_open \
                    and manager.language in (None, lang):
                return Seat(interview_id, email, candidate, manager.email, position.id,
                            position.salary_min, position.currency)
    return None


def english_leaks(page: Page, lang: str) -> list[str]:
    """Visible headings, buttons, tabs, links and widget labels whose text is an English
    message that the catalogue translates: English shown where French exists."""
    if lang == "en":
        return []
    texts = page.evaluate("""() => [...document.querySelectorAll(
        'h1, h2, h3, button, [role=tab], a, label, [data-testid=stWidgetLabel]')]
        .filter(el => el.getClientRects().length)
        .map(el => {  // without the icons' ligature names ("send", "logout")
          const copy = el.cloneNode(true);
          copy.querySelectorAll('[data-testid=stIconMaterial]').forEach(i => i.remove());
          return copy.textContent.trim();
        }).filter(Boolean)""")
    french = i18n.translations("fr")
    return sorted({t for t in texts if french.gettext(t) != t})


def screen_speaks(page: Page, lang: str, where: str) -> None:
    """The screen's language: `<html lang>`, and no English where a translation exists."""
    expect(page.locator("html")).to_have_attribute("lang", re.compile(f"^{lang}"))
    assert english_leaks(page, lang) == [], f"English on the {where} screen"


def main_text(page: Page) -> str:
    return page.get_by_test_id("stMain").inner_text()


def sidebar_link(page: Page, name: str):
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(name))


def score_everything(page: Page, iid: int, lang: str) -> None:
    """A 4 on every criterion with evidence, the second recommendation ("yes")."""
    groups = page.locator(f'[class*="st-key-sc_score_{iid}_"]')
    for i in range(groups.count()):
        groups.nth(i).get_by_role("radiogroup").get_by_text("4", exact=True).click()
        settled(page)
    evidence = page.locator(f'[class*="st-key-sc_evidence_{iid}_"] textarea')
    for i in range(evidence.count()):
        evidence.nth(i).fill(EVIDENCE[lang])
        evidence.nth(i).press("Tab")  # a text area commits when it is left
        settled(page)
    with i18n.language(lang):
        yes = vocabulary_label("yes")
    page.locator(f'[class*="st-key-sc_recommendation_{iid}_"]').get_by_text(
        yes, exact=True).click()
    settled(page)


@pytest.fixture
def fresh_page(browser: Browser, request):
    contexts = []

    def new(lang: str) -> Page:
        ctx = open_context(browser, locale=LOCALES[lang], viewport=DESKTOP)
        contexts.append(ctx)
        return ctx.new_page()

    yield new
    for ctx in contexts:
        ctx.close()


def flow(fresh_page, demo_url: str, demo_world: dict, lang: str) -> None:
    words = WORDS[lang]
    tried = (demo_world["data"].get("try") or {}).get("panelist")
    seat = open_seat(demo_world["url"], lang, tried)
    assert seat is not None, f"the demo has no open {lang} scorecard for a panelist"
    page = fresh_page(lang)

    # Login page.
    page.goto(demo_url)
    expect(page.get_by_role("button", name=words["log_in"])).to_be_visible()
    expect(page.get_by_role("textbox", name=words["password"])).to_be_visible()
    screen_speaks(page, lang, "login")
    log_in_as(page, seat.panelist, demo_world["password"])

    # The panelist's start page and menu.
    expect(sidebar_link(page, words["scorecard_link"])).to_be_visible()
    expect(sidebar_link(page, words["account_link"])).to_be_visible()
    screen_speaks(page, lang, "panelist's start")

    # The scorecard: the interview's date in the language, the vocabulary labels, then scoring.
    visit(page, f"/scorecard?interview={seat.interview_id}")
    heading = page.get_by_test_id("stMain").locator("h2").filter(has_text=seat.candidate)
    expect(heading).to_be_visible()
    caption = page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first
    expect(caption).to_contain_text(re.compile(MONTHS[lang]))
    with i18n.language(lang):
        technical, not_assessed = vocabulary_label("technical"), i18n._("Not assessed")
    expect(page.get_by_role("heading", name=technical)).to_be_visible()
    expect(page.get_by_role("radiogroup").first.get_by_text(not_assessed, exact=True)
           ).to_be_visible()
    screen_speaks(page, lang, "scorecard")
    score_everything(page, seat.interview_id, lang)
    submit = page.locator(".st-key-submit_card").get_by_role("button")
    expect(submit).to_have_accessible_name(re.compile(words["submit"]))
    expect(submit).to_be_enabled()
    submit.click()
    expect(page.locator(".st-key-sc_submitted")).to_contain_text(
        re.compile(words["submitted"]))
    expect(page.locator(".st-key-sc_submitted")).to_contain_text(re.compile(MONTHS[lang]))
    settled(page)
    screen_speaks(page, lang, "submitted scorecard")

    # Log out; the hiring manager logs in (back on this page's address) and opens the dashboard.
    logout = page.locator(".st-key-logout").get_by_role("button")
    expect(logout).to_have_accessible_name(re.compile(words["log_out"]))
    logout.click()
    log_in_as(page, seat.manager, demo_world["password"])
    # Waited for by the run it starts: what the login showed at this address may be the
    # dashboard already (the manager's start page), heading and all.
    click_and_wait(page, sidebar_link(page, words["dashboard"]))
    expect(page.get_by_role("heading", name=re.compile(words["dashboard"]))).to_be_visible()
    # The salary band as services.i18n writes it: "62 000 €" / "€62,000".
    assert seat.salary_min is not None, "the seat's position has a salary band"
    with i18n.language(lang):
        money = i18n.money(seat.salary_min, seat.currency)
    if lang == "fr":
        assert re.search("[\u202f\u00a0]", money), "French groups thousands with a NBSP"
    band = page.get_by_test_id("stCaptionContainer").filter(has_text=words["band"])
    expect(band).to_contain_text(money)
    text = main_text(page)
    assert re.search(DECIMAL[lang], text), "a decimal number in the language's form"
    other = "fr" if lang == "en" else "en"
    assert not re.search(DECIMAL[other], band.inner_text()), "no decimal in the other form"
    screen_speaks(page, lang, "dashboard")
    page.close()


def test_french_browser_scores_submits_and_reads_the_dashboard_in_french(
        fresh_page, demo_url, demo_world):
    flow(fresh_page, demo_url, demo_world, "fr")


def test_english_browser_scores_submits_and_reads_the_dashboard_in_english(
        fresh_page, demo_url, demo_world):
    flow(fresh_page, demo_url, demo_world, "en")
