"""A Streamlit server with company single sign-on against tests/oidc_provider.py.

Its secrets.toml lives in a temporary directory, handed over with `--secrets.files`, so no
secrets file is ever written into the repository. Its database is its own, so the flows here do
not depend on what tests/browser/test_browser.py does to the shared one.
"""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from services import auth
from services.db import get_engine, migrate
from tests.browser.conftest import MARKER, SECRET_EVIDENCE, STARTUP_SECONDS, _free_port, _healthy
from tests.conftest import ROOT, Factory
from tests.oidc_provider import OIDCProvider

IMAGE_NAME = f"![x](http://127.0.0.1:9/x.png) {MARKER}"
HTML_NOTE = f"<img src=x onerror=alert(1)> {MARKER}"


def build_world(path: Path) -> dict:
    """Hana manages the position; Pia sits on Cara's and Ivo's panels and has submitted neither;
    Paul submitted Cara's with SECRET_EVIDENCE; Dan's panel is Paul and Hugo (not Pia)."""
    url = f"sqlite:///{path}"
    migrate(url)
    from argon2 import PasswordHasher

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        with Session(get_engine(url), expire_on_commit=False) as s:
            make = Factory(s)
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


@contextmanager
def sso_streamlit(tmp: Path, db_url: str, provider: OIDCProvider):
    """Run `streamlit run app.py` with [auth] pointing at the provider; yield the base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    secrets = tmp / "secrets.toml"
    secrets.write_text(provider.secrets_toml(base))
    log_path = tmp / "server.log"
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
           "--secrets.files", str(secrets)]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit (SSO) did not start:\n"
                            + log_path.read_text(errors="replace"))
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def settled(page: Page) -> None:
    """Wait until the script run the last action started has finished."""
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning")


def sso_log_in(page: Page, app: str, provider: OIDCProvider, email: str) -> None:
    """Sign in through the provider as `email`, as a person clicking the button would."""
    provider.email = email
    page.goto(app)
    page.get_by_role("button", name="Log in with your company account").click()
    expect(page.get_by_role("button", name="Log out").or_(
        page.get_by_role("heading", name="No access"))).to_be_visible()
    settled(page)
