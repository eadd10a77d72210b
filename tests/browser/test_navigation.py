"""Deep links, the frame app.py draws around every page, each role's start page and menu, and
no request to any host but the app's own (issue 12, points 1, 11, 12 and 13)."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from models import User
from tests.browser.conftest import (
    FIRST_RUN_MS,
    click_and_wait,
    idle,
    make_in,
    open_context,
)
from tests.conftest import ROOT
from tools.app_server import app_server

pytestmark = pytest.mark.browser

# One account per role, each with that role alone. The shared world already has
# rita@example.com (recruiter and panelist, on Rex's panel): the recruiter here is another.
STAFF = {"recruiter": "rory@example.com", "admin": "ada@example.com"}


@pytest.fixture(scope="module")
def staff(world) -> dict:
    """A recruiter and an admin beside the panel of the shared browser world."""
    with make_in(world["url"]) as make:
        for role, email in STAFF.items():
            make.user(role, name=f"{role.capitalize()} Staff", email=email)
    return STAFF


def log_in_strict(page: Page, email: str, password: str) -> None:
    """Log in on the form where it is, failing if anything (a dialog) sits over it."""
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    idle(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    idle(page)


def sidebar_links(page: Page) -> list[str]:
    nav = page.get_by_test_id("stSidebarNav")
    # A link's text starts with its icon's ligature name on a line of its own.
    return [t.strip().splitlines()[-1].strip() for t in nav.get_by_role("link").all_inner_texts()]


def test_deep_link_logged_out_logs_in_in_place_and_opens_that_page(page, app_url, world):
    interview = world["iv_mia"].id  # Paul sits on three panels; Mia's is not his first
    page.goto(f"{app_url}/scorecard?interview={interview}")
    log_in_strict(page, "paul@example.com", world["password"])
    expect(page.get_by_role("heading", name=f"Scorecard: {world['mia'].name}")).to_be_visible()
    assert urlsplit(page.url).path == "/scorecard"
    assert f"interview={interview}" in urlsplit(page.url).query


def test_reload_of_a_deep_link_shows_the_login_form_without_a_dialog(page, app_url, world):
    page.goto(f"{app_url}/dashboard?position={world['position'].id}")
    log_in_strict(page, "hana@example.com", world["password"])
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.reload()
    log_in_strict(page, "hana@example.com", world["password"])
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert urlsplit(page.url).path == "/dashboard"


def test_fresh_server_runs_app_frame_for_a_first_deep_link(browser, world, tmp_path):
    """The very first request a new server gets is a page's URL: app.py still draws its
    frame (no raw page files listed, the login in place, then Log out and the role's menu)."""
    with app_server(world["url"], tmp_path / "fresh.log") as base:
        context = open_context(browser)
        page = context.new_page()
        page.goto(f"{base}/scorecard?interview={world['iv_cara'].id}")
        # This first run imports the whole app: it may take long on a loaded machine.
        expect(page.get_by_role("textbox", name="Password")).to_be_visible(timeout=FIRST_RUN_MS)
        idle(page)
        # Streamlit's old pages/ handling would list every file of pages/ here.
        assert not [t for t in sidebar_links(page) if t.lower() in {"dashboard", "users"}]
        log_in_strict(page, "pia@example.com", world["password"])
        expect(page.get_by_role("heading", name=f"Scorecard: {world['cara'].name}")
               ).to_be_visible()
        links = sidebar_links(page)
        assert "My interviews" in links and "Scorecard" in links, links
        assert not {"Dashboard", "Users", "app", "dashboard"} & set(links), links
        context.close()


def _start_title() -> str:
    return "Overview" if (ROOT / "pages" / "overview.py").exists() else "Interviews"


@pytest.mark.parametrize(("who", "heading"), [
    ("pia@example.com", "My interviews"),
    ("hana@example.com", "Dashboard"),
    (STAFF["recruiter"], None),
    (STAFF["admin"], "Users"),
])
def test_each_role_starts_on_its_own_page_with_a_menu_by_task_and_no_request_leaves_the_app(
        page, app_url, world, staff, who, heading):
    """One login per role: its start page and menu, then every page of the menu, then a deep
    link loaded afresh; no request to another host on any of them."""
    origin = urlsplit(app_url).netloc
    foreign: list[str] = []
    page.context.on("request", lambda r: urlsplit(r.url).netloc not in (origin, "")
                    and urlsplit(r.url).scheme not in ("data", "blob")
                    and foreign.append(r.url))
    heading = heading or _start_title()
    page.goto(app_url)
    log_in_strict(page, who, world["password"])
    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
    expect(page.get_by_text("You are not on any interview panel yet")).to_have_count(0)
    nav = page.get_by_test_id("stSidebarNav")
    # Grouped by task, every page listed: nothing hides under "View N more".
    expect(nav.get_by_text("Your account")).to_be_visible()
    expect(nav.get_by_text(re.compile(r"View \d+ more"))).to_have_count(0)
    if who == STAFF["admin"]:
        for section in ("Scoring", "Deciding", "Recruiting", "Administration"):
            expect(nav.get_by_text(section, exact=True)).to_be_visible()

    titles = sidebar_links(page)
    assert titles
    for title in titles:
        click_and_wait(page, nav.get_by_role(
            "link", name=re.compile(rf"(^|\s){re.escape(title)}$")))
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
    # A fresh load (a new, logged-out session) of a deep link.
    page.goto(f"{app_url}/scorecard?interview={world['iv_cara'].id}")
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    idle(page)
    assert not foreign, sorted(set(foreign))


# ------------------------------------------------------------ language (issue 13)
FRENCH_USER = "francine@example.com"


@pytest.fixture(scope="module")
def french_user(world) -> str:
    """A panelist who chose French on My account."""
    with make_in(world["url"]) as make:
        user = make.user("panelist", name="Francine Tremblay", email=FRENCH_USER)
        row = make.s.get(User, user.id)
        row.language = "fr"
        make.s.add(row)
        make.s.commit()
    return FRENCH_USER


def test_a_french_browser_gets_the_login_in_french_with_html_lang_fr(browser, app_url):
    context = open_context(browser, locale="fr-CA")
    try:
        page = context.new_page()
        page.goto(app_url)
        expect(page.get_by_role("textbox", name="Mot de passe")).to_be_visible()
        idle(page)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
        expect(page).to_have_title(re.compile(r"^Se connecter · Second Look$"))
        # Password managers: the fields say what they hold (WCAG 3.3.8, no cognitive test).
        expect(page.locator("input[autocomplete='username']")).to_have_count(1)
        expect(page.locator("input[autocomplete='current-password']")).to_have_count(1)
        # The script that sets the language takes no room.
        expect(page.locator(".st-key-html_lang")).to_be_hidden()
    finally:
        context.close()


def test_a_user_who_chose_french_gets_french_pages_in_an_english_browser(browser, app_url,
                                                                          world, french_user):
    context = open_context(browser, locale="en-US")
    try:
        page = context.new_page()
        page.goto(app_url)
        expect(page.get_by_role("textbox", name="Password")).to_be_visible()
        idle(page)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_role("textbox", name="Email").fill(french_user)
        page.get_by_role("textbox", name="Password").fill(world["password"])
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name="Se déconnecter partout")).to_be_visible()
        idle(page)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page).to_have_title(re.compile(r"^Mes entrevues · Second Look$"))
        nav = page.get_by_test_id("stSidebarNav")
        nav.get_by_role("link", name=re.compile(r"Mon compte$")).click()
        expect(page.get_by_role("heading", name="Mon compte")).to_be_visible()
        expect(page).to_have_title(re.compile(r"^Mon compte · Second Look$"))
        expect(nav.get_by_text("Votre compte", exact=True)).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
    finally:
        context.close()
