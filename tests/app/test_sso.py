"""Company single sign-on in the app (AppTest fakes the provider's verified identity).

The real round trip through an OIDC provider is in tests/browser/test_sso.py.
"""

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from models import AuditEvent
from tests.apptest import all_text, score_grid
from tests.conftest import ROOT, world_fixture

AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "second-look", "client_secret": "not-a-real-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def sso_app(page: str = "app.py", email: str | None = None, **claims) -> AppTest:
    """The app (or a page file alone) with [auth] configured and, if given, a signed-in email."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    at.secrets["auth"] = AUTH
    if email is not None:
        at.user = {"is_logged_in": True, "email": email, "name": "Someone", **claims}
    return at.run()


@world_fixture
def people(session, make):
    manager = make.user("hiring_manager", name="Hana Manager", email="hana@example.com")
    position = make.position(manager=manager, title="Backend Engineer")
    cara = make.candidate(position, name="Cara Candidate")
    make.interview(cara, [make.user(), make.user()])
    return {"manager": manager}


def test_with_sso_the_login_page_offers_the_company_login_and_no_password(people):
    at = sso_app()
    assert not at.exception
    assert at.button(key="sso_login").label == "Log in with your company account"
    assert not [t for t in at.text_input if t.key == "login_password"]


def test_a_known_email_gets_its_roles_pages_and_is_audited_once(session, people):
    at = sso_app(email="HANA@example.com", email_verified=True)
    assert not at.exception
    assert at.title[0].value == "Dashboard"
    assert "Cara Candidate" in all_text(at)
    at.run()
    rows = session.exec(select(AuditEvent).where(AuditEvent.action == "sso_login")).all()
    assert [r.actor_id for r in rows] == [people["manager"].id]


@pytest.mark.parametrize("page", ["app.py", "pages/dashboard.py", "pages/my_interviews.py",
                                  "pages/audit.py"])
def test_an_email_without_an_account_gets_no_access_and_nothing_else(session, people, page):
    at = sso_app(page, email="stranger@example.com")
    assert not at.exception
    text = all_text(at)
    assert "no access" in text.lower()
    assert "Cara Candidate" not in text and "Backend Engineer" not in text
    assert not at.dataframe and not at.get("plotly_chart") and score_grid(at) is None
    refused = session.exec(select(AuditEvent).where(AuditEvent.action == "sso_refused")).all()
    assert refused and refused[0].detail["email"] == "stranger@example.com"


def test_an_unverified_email_is_refused(people):
    at = sso_app(email="hana@example.com", email_verified=False)
    assert not at.exception
    assert "no access" in all_text(at).lower()
    assert "Cara Candidate" not in all_text(at)


def test_a_deactivated_account_is_refused(session, people, make):
    from services import auth

    auth.update_user(session, make.admin, people["manager"].id, {"active": False})
    at = sso_app(email="hana@example.com")
    assert "no access" in all_text(at).lower()
