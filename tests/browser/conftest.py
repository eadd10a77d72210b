"""Real-browser set-up: one Streamlit server on a filled temporary database, Debian's Chromium.

The server runs `streamlit run app.py` as a subprocess with DATABASE_URL pointing at a SQLite
database built here with the test factories; Playwright drives /usr/bin/chromium (browser
downloads do not work on this machine, so `playwright install` is never needed).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from services import auth
from services.db import get_engine, migrate
from tests.conftest import PASSWORD, ROOT, Factory

CHROMIUM = Path("/usr/bin/chromium")
# Every name and note from the database carries this marker, so a page that leaks any of it to a
# logged-out visitor is caught by looking for one string.
MARKER = "Zq7x"
SECRET_EVIDENCE = f"Zanzibar-evidence-note {MARKER}"
# Rex's panel (another position): Rita, a recruiter who has not submitted, beside colleagues.
REX_SUBMITTED_NOTE = f"Rex-submitted-colleague-note {MARKER}"
REX_DRAFT_NOTE = f"Rex-draft-colleague-note {MARKER}"
REX_OWN_NOTE = f"Rex-own-draft-note {MARKER}"
STARTUP_SECONDS = 45


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    """Skip without Chromium on a developer machine; in CI a missing browser is a failure."""
    if not CHROMIUM.exists():
        message = "Chromium not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> dict:
    """A migrated SQLite file with a position, its hiring manager and three panels.

    - Cara: panel Pia (to score in the desktop test) and Paul (submitted, with SECRET_EVIDENCE).
    - Mia: panel Mo (to score in the phone test) and Paul (submitted).
    - Dan: panel Paul and Hugo (both submitted), so the ranking has another scored row.
    - Rex (position Data Analyst, no manager): panel Rita (recruiter, own draft), Paul
      (submitted, REX_SUBMITTED_NOTE), Hugo (draft, REX_DRAFT_NOTE).
    """
    path = tmp_path_factory.mktemp("browser-db") / "browser.db"
    url = f"sqlite:///{path}"
    migrate(url)
    from argon2 import PasswordHasher

    # Minimum-cost argon2id, as the unit tests use; the hash carries its parameters, so the
    # server verifies these passwords without the patch.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        with Session(get_engine(url), expire_on_commit=False) as s:
            make = Factory(s)
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


def position_criteria(session: Session, interview_id: int, panelist_id: int):
    """The criteria of an interview's scorecard, in the order the form shows them."""
    from services.scorecards import open_scorecard

    return open_scorecard(session, interview_id, panelist_id).criteria


@pytest.fixture(autouse=True)
def _patient_expect(request):
    """expect() waits as long as the test module says (EXPECT_TIMEOUT_MS, else TIMEOUT_MS): a
    Streamlit rerun on a loaded two-core machine outlasts Playwright's 5 s default."""
    module = request.module
    expect.set_options(timeout=getattr(module, "EXPECT_TIMEOUT_MS",
                                       getattr(module, "TIMEOUT_MS", 15_000)))
    yield
    expect.set_options(timeout=5_000)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def server_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("streamlit") / "server.log"


@contextmanager
def streamlit_server(db_url: str, log_path: Path, extra_env: dict | None = None):
    """`streamlit run app.py` on a free port for this database; yields its base URL."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py",
           "--server.headless", "true", "--server.address", "127.0.0.1",
           "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode} before answering:\n"
                            f"{log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer /_stcore/health in {STARTUP_SECONDS} s:\n"
                            f"{log_path.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(world, server_log) -> str:
    """Start `streamlit run app.py` on a free port; yield its base URL; stop it afterwards."""
    with streamlit_server(world["url"], server_log) as base:
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
def demo_world(tmp_path_factory) -> dict:
    """A migrated SQLite file with the demo set (data/demo.json) loaded, as `make demo` does:
    every role, every page with something on it, the French position beside the English ones.

    `data` is the demo file's content, so a test picks its people from it instead of copying
    emails (the demo set may grow)."""
    from services.demo import load_demo, read_demo

    path = tmp_path_factory.mktemp("demo-db") / "demo.db"
    url = f"sqlite:///{path}"
    migrate(url)
    with Session(get_engine(url), expire_on_commit=False) as s:
        load_demo(s)
    get_engine(url).dispose()
    data = read_demo()
    return {"url": url, "data": data, "password": data["password"]}


@pytest.fixture(scope="session")
def demo_url(demo_world, tmp_path_factory) -> str:
    """A second server, on the demo database; its log is printed under the first failing test
    that used it."""
    log = tmp_path_factory.mktemp("streamlit-demo") / "server.log"
    with streamlit_server(demo_world["url"], log) as base:
        demo_world["log"] = log
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


# ---------------------------------------------------------------- moving inside one session
# A page load is a new Streamlit session (logged out); these move the way the menu does.


def settled(page: Page) -> None:
    """The run is over: the script is not running, the status widget ("Running...") is gone
    and the page shows its heading (or, stopped early, its message)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning")
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    expect(page.get_by_test_id("stMain").locator("h1, h2, [data-testid=stAlert]").first
           ).to_be_visible()


_WATCH_AND_GO = """path => {
  const app = document.querySelector('[data-testid=stApp]');
  window.__ranSince = false;
  new MutationObserver((_, obs) => {
    if (app.dataset.testScriptState === 'running') { window.__ranSince = true; obs.disconnect(); }
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}"""


def visit(page: Page, path: str) -> None:
    """Open an app URL in the same session (as a sidebar link does) and wait for its run."""
    page.evaluate(_WATCH_AND_GO, path)
    page.wait_for_function("() => window.__ranSince === true")
    settled(page)


def log_in_as(page: Page, email: str, password: str) -> None:
    """Log in on the login form shown now, in any language (fields found by autocomplete)."""
    expect(page.locator("input[autocomplete=current-password]")).to_be_visible()
    settled(page)
    page.locator("input[autocomplete=username]").fill(email)
    page.locator("input[autocomplete=current-password]").fill(password)
    page.locator("input[autocomplete=current-password]").press("Enter")
    expect(page.locator("input[autocomplete=current-password]")).to_have_count(0)
    settled(page)
