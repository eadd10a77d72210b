"""Real-browser set-up: Streamlit servers on filled temporary databases, Debian's Chromium.

Each pytest worker starts one server per database, for the whole session, shared by every file
(tools/app_server.py starts them): `app_url` on the `world` database built here with the test
factories, `demo_url` on the demo set, `sso_site` with company single sign-on. Tests that add
data make their own people, positions and candidates (`make_in`), so they do not depend on
each other's order. Playwright drives Chromium (browser downloads do not work on this machine,
so `playwright install` is never needed).
"""

import itertools
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session, select

from models import Role, User, UserRole
from services import auth
from services.db import get_engine
from services.demo import read_demo
from services.scorecards import open_scorecard
from tests.conftest import PASSWORD, Factory
from tests.oidc_provider import OIDCProvider
from tools.app_server import CHROMIUM, WATCH_RUNS, app_server, chromium_launch_args, free_port

# Every name and note from the database carries this marker, so a page that leaks any of it to a
# logged-out visitor is caught by looking for one string.
MARKER = "Zq7x"
SECRET_EVIDENCE = f"Zanzibar-evidence-note {MARKER}"
# Rex's panel (another position): Rita, a recruiter who has not submitted, beside colleagues.
REX_SUBMITTED_NOTE = f"Rex-submitted-colleague-note {MARKER}"
REX_DRAFT_NOTE = f"Rex-draft-colleague-note {MARKER}"
REX_OWN_NOTE = f"Rex-own-draft-note {MARKER}"
# How long expect() waits unless a module says otherwise (EXPECT_TIMEOUT_MS or TIMEOUT_MS): a
# Streamlit rerun on a loaded two-core machine outlasts Playwright's 5 s default by far. Only
# the failing case waits this long; a passing condition returns as soon as it holds.
EXPECT_TIMEOUT_MS = 45_000
# A freshly started server's first page: every module of the app is imported in that run.
FIRST_RUN_MS = 120_000


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    """Skip without Chromium on a developer machine; in CI a missing browser is a failure."""
    if not CHROMIUM.exists():
        message = "Chromium not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def _patient_expect_everywhere():
    """The patient timeout from the start of the session, so module-scoped fixtures (which are
    set up before any function-scoped one) wait as long as the tests do."""
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, **chromium_launch_args()}


@pytest.fixture
def new_context(new_context):
    """pytest-playwright's context factory (and so its `context` and `page`), each context
    counting finished script runs (see `visit`)."""
    return lambda **kwargs: watch_runs(new_context(**kwargs))


def open_context(browser: Browser, **kwargs) -> BrowserContext:
    """A context of a module's or the session's own (close it yourself), counting runs."""
    return watch_runs(browser.new_context(**kwargs))


_FACTORIES = itertools.count(1)


@contextmanager
def make_in(db_url: str) -> Iterator[Factory]:
    """The test factories on a server's database, with minimum-cost argon2id hashes as the unit
    tests use (the hash carries its parameters, so the server verifies these passwords).

    Each call numbers its default names and emails from its own range and acts as the admin
    already there, so factories of different tests on one database never collide."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        with Session(get_engine(db_url), expire_on_commit=False) as s:
            make = Factory(s)
            make._n = next(_FACTORIES) * 10_000
            admin = s.exec(select(User).join(UserRole).where(UserRole.role == Role.admin)
                           .order_by(User.id)).first()
            if admin is not None:
                make._admin = auth.viewer_for(s, admin)
            yield make


@pytest.fixture(scope="session")
def world(tmp_path_factory, migrated_template) -> dict:
    """A migrated SQLite file (a copy of the session's template) with a position, its hiring
    manager and three panels.

    - Cara: panel Pia (to score in the desktop test) and Paul (submitted, with SECRET_EVIDENCE).
    - Mia: panel Mo (to score in the phone test) and Paul (submitted).
    - Dan: panel Paul and Hugo (both submitted), so the ranking has another scored row.
    - Rex (position Data Analyst, no manager): panel Rita (recruiter, own draft), Paul
      (submitted, REX_SUBMITTED_NOTE), Hugo (draft, REX_DRAFT_NOTE).
    Tests that change data add their own rows (`make_in(world["url"])`) beside these.
    """
    path = tmp_path_factory.mktemp("browser-db") / "browser.db"
    shutil.copy(migrated_template, path)
    url = f"sqlite:///{path}"
    with make_in(url) as make:
        s = make.s
        manager = make.user("hiring_manager", name=f"Hana {MARKER} Manager",
                            email="hana@example.com")
        pia = make.user("panelist", name=f"Pia {MARKER} Panel", email="pia@example.com")
        paul = make.user("panelist", name=f"Paul {MARKER} Panel", email="paul@example.com")
        mo = make.user("panelist", name=f"Mo {MARKER} Panel", email="mo@example.com")
        hugo = make.user("panelist", name=f"Hugo {MARKER} Panel", email="hugo@example.com")
        position = make.position(manager=manager, title=f"Backend Engineer {MARKER}")
        cara = make.candidate(position, name=f"Cara {MARKER} Candidate")
        mia = make.candidate(position, name=f"Mia {MARKER} Candidate")
        dan = make.candidate(position, name=f"Dan {MARKER} Candidate")
        iv_cara = make.interview(cara, [pia, paul])
        iv_mia = make.interview(mia, [mo, paul])
        iv_dan = make.interview(dan, [paul, hugo])
        make.scorecard(iv_cara, paul, [3, 4, 3, 4], "yes", evidence=SECRET_EVIDENCE)
        make.scorecard(iv_mia, paul, [4, 4, 3, 4], "yes", evidence=SECRET_EVIDENCE)
        make.scorecard(iv_dan, paul, [3, 3, 2, 3], "no", evidence=SECRET_EVIDENCE)
        make.scorecard(iv_dan, hugo, [2, 3, 3, 3], "no", evidence=SECRET_EVIDENCE)
        criteria = [c.name for c in position_criteria(s, iv_cara.id, paul.id)]
        rita = make.user("recruiter", "panelist", name=f"Rita {MARKER} Recruiter",
                         email="rita@example.com")
        analyst = make.position(title=f"Data Analyst {MARKER}")
        rex = make.candidate(analyst, name=f"Rex {MARKER} Candidate")
        iv_rex = make.interview(rex, [rita, paul, hugo])
        make.scorecard(iv_rex, paul, [4, 4, 4, 4], "strong_no", evidence=REX_SUBMITTED_NOTE)
        make.scorecard(iv_rex, hugo, [2, 2, 2, 2], "strong_yes", evidence=REX_DRAFT_NOTE,
                       submit=False)
        make.scorecard(iv_rex, rita, [3, 3, 3, 3], "yes", evidence=REX_OWN_NOTE,
                       submit=False)
    get_engine(url).dispose()
    return {"url": url, "password": PASSWORD, "manager": manager, "pia": pia, "paul": paul,
            "mo": mo, "hugo": hugo, "position": position, "cara": cara, "mia": mia, "dan": dan,
            "iv_cara": iv_cara, "iv_mia": iv_mia, "iv_dan": iv_dan, "criteria": criteria,
            "rita": rita, "analyst": analyst, "rex": rex, "iv_rex": iv_rex}


def seat_panelists(world: dict, *names: str, surname: str) -> dict:
    """Panelists of these first names, each on a fresh interview of the world's position
    beside Hugo: {name: {"user", "candidate", "iv", "criteria" (ids, in form order)}}."""
    out = {}
    with make_in(world["url"]) as make:
        for who in names:
            user = make.user("panelist", name=f"{who.capitalize()} {surname}",
                             email=f"{who}@example.com")
            candidate = make.candidate(world["position"], name=f"Cand {who.capitalize()}",
                                       email=f"cand.{who}@example.com")
            iv = make.interview(candidate, [user, world["hugo"]])
            hugo = make.viewer(world["hugo"])
            criteria = [c.id for c in open_scorecard(make.s, hugo, iv.id).criteria]
            out[who] = {"user": user, "candidate": candidate, "iv": iv, "criteria": criteria}
    return out


def position_criteria(session: Session, interview_id: int, panelist_id: int):
    """The criteria of an interview's scorecard, in the order the form shows them."""
    return open_scorecard(session, auth.get_viewer(session, panelist_id), interview_id).criteria


@pytest.fixture(autouse=True)
def _patient_expect(request):
    """expect() waits as long as the test module says (EXPECT_TIMEOUT_MS, else TIMEOUT_MS)."""
    module = request.module
    expect.set_options(timeout=getattr(module, "EXPECT_TIMEOUT_MS",
                                       getattr(module, "TIMEOUT_MS", EXPECT_TIMEOUT_MS)))
    yield
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def server_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("streamlit") / "server.log"


def warm_up(browser: Browser, base: str) -> None:
    """Open the server's first page and wait for its login: the first run imports the whole
    app (tens of seconds on a loaded machine), which no test should have to wait for."""
    context = open_context(browser)
    try:
        page = context.new_page()
        page.goto(base)
        expect(page.locator("input[autocomplete=current-password]").or_(
            page.get_by_role("button", name="Log in with your company account"))
        ).to_be_visible(timeout=FIRST_RUN_MS)
    finally:
        context.close()


@pytest.fixture(scope="session")
def app_url(world, server_log, browser) -> str:
    """One `streamlit run app.py` on the world database for the whole session (per worker)."""
    with app_server(world["url"], server_log) as base:
        warm_up(browser, base)
        yield base


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _server_log_on_failure(request, server_log):
    """Print the server's output under a failed test's report."""
    yield
    failed = any(getattr(request.node, f"_report_{when}", None) is not None
                 and getattr(request.node, f"_report_{when}").failed
                 for when in ("setup", "call"))
    if failed and server_log.exists():
        print(f"----- streamlit server log ({server_log}) -----")
        print(server_log.read_text(errors="replace")[-20000:])


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory, demo_sqlite_template) -> dict:
    """A migrated SQLite file with the demo set (data/demo.json) loaded, as `make demo` does:
    every role, every page with something on it, the French position beside the English ones
    (a copy of the session's demo template: loading the demo takes seconds).

    `data` is the demo file's content, so a test picks its people from it instead of copying
    emails (the demo set may grow)."""
    path = tmp_path_factory.mktemp("demo-db") / "demo.db"
    shutil.copy(demo_sqlite_template, path)
    url = f"sqlite:///{path}"
    data = read_demo()
    return {"url": url, "data": data, "password": data["password"]}


@pytest.fixture(scope="session")
def demo_url(demo_world, tmp_path_factory, browser) -> str:
    """A second server, on the demo database; its log is printed under the first failing test
    that used it."""
    log = tmp_path_factory.mktemp("streamlit-demo") / "server.log"
    with app_server(demo_world["url"], log) as base:
        demo_world["log"] = log
        warm_up(browser, base)
        yield base


@pytest.fixture(autouse=True)
def _demo_log_on_failure(request):
    """Print the demo server's output under a failed test that used it."""
    yield
    if "demo_url" not in request.fixturenames:
        return
    failed = any(getattr(request.node, f"_report_{when}", None) is not None
                 and getattr(request.node, f"_report_{when}").failed
                 for when in ("setup", "call"))
    log = request.getfixturevalue("demo_world").get("log")
    if failed and log is not None and log.exists():
        print(f"----- demo streamlit server log ({log}) -----")
        print(log.read_text(errors="replace")[-20000:])


@pytest.fixture(scope="session")
def oidc_provider():
    """The small OIDC provider on 127.0.0.1 (tests/oidc_provider.py); `email` says who signs
    in next."""
    with OIDCProvider() as provider:
        yield provider


@pytest.fixture(scope="session")
def sso_site(tmp_path_factory, oidc_provider, browser, migrated_template) -> dict:
    """A server with company single sign-on against the provider, on a database of its own
    (`build_sso_world`); its secrets.toml lives in a temporary directory, handed over with
    --secrets.files, so no secrets file is ever written into the repository."""
    tmp = tmp_path_factory.mktemp("sso")
    world = build_sso_world(tmp / "sso.db", migrated_template)
    port = free_port()
    secrets = tmp / "secrets.toml"
    secrets.write_text(oidc_provider.secrets_toml(f"http://127.0.0.1:{port}"))
    with app_server(world["url"], tmp / "server.log", secrets=secrets, port=port) as base:
        warm_up(browser, base)
        yield {**world, "base": base}


# ---------------------------------------------------------------- moving inside one session
# A page load is a new Streamlit session (logged out); these move the way the menu does.


def watch_runs(context: BrowserContext) -> BrowserContext:
    context.add_init_script(WATCH_RUNS)
    return context


def idle(page: Page) -> None:
    """No script run is going on: the app's state says so and the status widget is gone."""
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning")
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)


def settled(page: Page) -> None:
    """The run is over (`idle`) and the page shows its heading (or, stopped early, its
    message)."""
    idle(page)
    expect(page.get_by_test_id("stMain").locator("h1, h2, [data-testid=stAlert]").first
           ).to_be_visible()


def runs_done(page: Page) -> int:
    return page.evaluate("() => window.__runsDone")


def visit(page: Page, path: str) -> None:
    """Open an app URL in the same session (as a sidebar link does) and wait for its run."""
    before = runs_done(page)
    assert before is not None, "the context does not count runs (open_context / new_context)"
    page.evaluate("""path => { history.pushState(null, '', path);
                               dispatchEvent(new PopStateEvent('popstate')); }""", path)
    page.wait_for_function("n => window.__runsDone > n", arg=before)
    settled(page)


def click_and_wait(page: Page, target) -> None:
    """Click `target` (a locator) and wait until the script run it starts has finished."""
    before = runs_done(page)
    assert before is not None, "the context does not count runs (open_context / new_context)"
    target.click()
    page.wait_for_function("n => window.__runsDone > n", arg=before)
    settled(page)


def choose(page: Page, combo, typed: str, option) -> None:
    """Pick `option` (a locator of the list `combo` opens, narrowed by typing `typed`) and,
    when that changes the value outside a form, wait until the run it starts has finished:
    until then the page still shows what the old value drew beside what the new one draws, and
    a locator may find both (a form keyed by the choice, say). Inside a form, no run starts."""
    old = combo.input_value()
    in_form = combo.locator("xpath=ancestor::*[@data-testid='stForm']").count() > 0
    combo.click()
    page.keyboard.type(typed)
    new = option.inner_text()
    if new != old and not in_form:
        click_and_wait(page, option)
    else:
        option.click()
    expect(combo).to_have_value(new)


def log_in_as(page: Page, email: str, password: str = PASSWORD, *,
              keyboard: bool = False) -> None:
    """Log in on the login form shown now, in any language (fields found by autocomplete),
    and wait for the first page after it. `keyboard`: Tab to the email field and type, as a
    person without a mouse does."""
    password_box = page.locator("input[autocomplete=current-password]")
    expect(password_box).to_be_visible()
    settled(page)
    if keyboard:
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement?.autocomplete === 'username'"):
                break
        else:
            raise AssertionError("40 Tabs never reached the email field")
        page.keyboard.type(email)
        page.keyboard.press("Tab")
        page.keyboard.type(password)
        page.keyboard.press("Enter")
    else:
        page.locator("input[autocomplete=username]").fill(email)
        password_box.fill(password)
        password_box.press("Enter")
    # The login form is gone (My account has a current-password field of its own).
    expect(page.locator(".st-key-login_submit")).to_have_count(0)
    # The root URL forwards to the role's start page (app.py's home, a switch_page) after the
    # login's rerun; a click before that forward lands would be overtaken by it.
    expect(page).not_to_have_url(re.compile(r"^https?://[^/]+/(home)?([?#].*)?$"))
    settled(page)


# ---------------------------------------------------------------- single sign-on
IMAGE_NAME = f"![x](http://127.0.0.1:9/x.png) {MARKER}"
HTML_NOTE = f"<img src=x onerror=alert(1)> {MARKER}"


def build_sso_world(path: Path, template: Path) -> dict:
    """On a copy of the migrated `template`: Hana manages the position; Pia sits on Cara's and
    Ivo's panels and has submitted neither;
    Paul submitted Cara's with SECRET_EVIDENCE; Dan's panel is Paul and Hugo (not Pia)."""
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    with make_in(url) as make:
        hana = make.user("hiring_manager", name=f"Hana {MARKER}", email="hana@example.com")
        pia = make.user("panelist", name=f"Pia {MARKER}", email="pia@example.com")
        paul = make.user("panelist", name=f"Paul {MARKER}", email="paul@example.com")
        hugo = make.user("panelist", name=f"Hugo {MARKER}", email="hugo@example.com")
        position = make.position(manager=hana, title=f"Backend Engineer {MARKER}")
        cara = make.candidate(position, name=f"Cara {MARKER}")
        dan = make.candidate(position, name=f"Dan {MARKER}")
        odd = make.candidate(position, name=IMAGE_NAME, first_interview_notes=HTML_NOTE)
        iv_cara = make.interview(cara, [pia, paul])
        iv_dan = make.interview(dan, [paul, hugo])
        iv_odd = make.interview(odd, [pia, hugo])
        make.scorecard(iv_cara, paul, [3, 4, 3, 4], "yes", evidence=SECRET_EVIDENCE)
        make.scorecard(iv_dan, paul, [3, 3, 2, 3], "no", evidence=SECRET_EVIDENCE)
        make.scorecard(iv_dan, hugo, [2, 3, 3, 3], "no", evidence=SECRET_EVIDENCE)
        make.scorecard(iv_odd, hugo, [4, 4, 4, 4], "yes", evidence=HTML_NOTE)
    get_engine(url).dispose()
    return {"url": url, "cara": cara, "dan": dan, "odd": odd, "iv_cara": iv_cara,
            "iv_odd": iv_odd, "position": position}


def sso_log_in(page: Page, app: str, provider: OIDCProvider, email: str) -> None:
    """Sign in through the provider as `email`, as a person clicking the button would."""
    provider.email = email
    page.goto(app)
    page.get_by_role("button", name="Log in with your company account").click()
    expect(page.get_by_role("button", name="Log out").or_(
        page.get_by_role("heading", name="No access"))).to_be_visible()
    idle(page)
