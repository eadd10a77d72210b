"""The access matrix, cell by cell, in the data layer; the new pages for every role; accounts.

The matrix (README, "Who does what"): admin everything; recruiter positions, candidates,
interviews and every scorecard's status; hiring manager the dashboards and decisions of the
positions they manage or are given; panelist their interviews and own scorecards, the panel's
scores only after submitting their own (setting panel_visibility).
"""

import json
import os
import subprocess
import sys

import pytest

from services import (
    access,
    admin_settings,
    audit_view,
    auth,
    board,
    candidates,
    consensus,
    decisions,
    interviews,
    privacy,
    scorecards,
    settings,
)
from services import positions as positions_service
from services.errors import NotAllowed
from services.i18n import language
from tests import login_answers
from tests.apptest import all_text, app_as, open_expander, open_tab, page_alone
from tests.conftest import PASSWORD, ROOT, world_fixture

SECRET = "Zanzibar-evidence-note"
ROLES = ["admin", "recruiter", "manager", "granted_manager", "other_manager",
         "panelist_submitted", "panelist_pending"]


@world_fixture
def world(session, make):
    """A position managed by Hana, given to Gus, not to Otto; Cara's panel: Pia (pending), Paul
    (submitted, with SECRET evidence)."""
    manager = make.user("hiring_manager", name="Hana Manager")
    granted = make.user("hiring_manager", name="Gus Granted")
    other = make.user("hiring_manager", name="Otto Other")
    recruiter = make.user("recruiter", name="Rita Recruiter")
    pia = make.user("panelist", name="Pia Panel")
    paul = make.user("panelist", name="Paul Panel")
    position = make.position(manager=manager, title="Backend Engineer")
    positions_service.set_position_access(session, make.admin, position.id, [granted.id])
    cara = make.candidate(position, name="Cara Candidate")
    iv = make.interview(cara, [pia, paul])
    make.scorecard(iv, paul, [2, 3, 3, 4], "no", evidence=SECRET)
    users = {"admin": make.user("admin", name="Ada Admin"), "recruiter": recruiter,
             "manager": manager, "granted_manager": granted, "other_manager": other,
             "panelist_submitted": paul, "panelist_pending": pia}
    return {"users": users, "position": position, "cara": cara, "iv": iv, "make": make}


def _viewer(session, world, role):
    return auth.viewer_for(session, world["users"][role])


# What each capability does for a viewer; each returns something non-empty when allowed.
def _candidates(s, w, v):
    return candidates.list_candidates(s, v, w["position"].id)


def _dashboard(s, w, v):
    return board.load_board(s, w["position"].id, v).scores


def _dashboard_listed(s, w, v):
    listed = positions_service.dashboard_positions(s, v)
    if not listed:
        raise NotAllowed("not listed")
    return listed


def _panel_scores(s, w, v):
    return board.load_candidate_panel(s, w["cara"].id, v).scores


def _decide(s, w, v):
    return decisions.record_decision(s, v, {"candidate_id": w["cara"].id, "outcome": "advance",
                                            "rationale": "Strong panel."})


def _consensus(s, w, v):
    template = positions_service.current_template(s, w["position"].id)
    criterion = positions_service.criteria_of(s, template.id)[0]
    return consensus.record_consensus(s, v, {"candidate_id": w["cara"].id,
                                             "criterion_id": criterion.id, "value": 3})


def _all_interviews(s, w, v):
    return interviews.list_interviews(s, v)


def _users(s, w, v):
    return auth.list_users(s, v)


def _change_user(s, w, v):
    return auth.update_user(s, v, w["users"]["panelist_pending"].id, {"name": "Pia P."})


def _add_user(s, w, v):
    return auth.create_user(s, {"name": "New", "email": "new@example.com",
                                "roles": ["panelist"], "password": PASSWORD}, viewer=v)


def _settings(s, w, v):
    return admin_settings.update_settings(s, v, {"retention_days": "30"})


def _audit(s, w, v):
    return audit_view.list_events(s, viewer=v)


def _grant(s, w, v):
    others = w["users"]["other_manager"].id
    positions_service.set_position_access(s, v, w["position"].id, [others])
    return [others]


def _export(s, w, v):
    return privacy.export_candidate(s, w["cara"].id, viewer=v)


def _retention(s, w, v):
    settings.set_setting(s, "retention_days", "1")
    return [privacy.past_retention(s, viewer=v)]


def _erase(s, w, v):
    return privacy.erase_candidate(s, w["cara"].id, viewer=v)


def _scorecard(s, w, v):
    return scorecards.open_scorecard(s, v, w["iv"].id).criteria


ALL = set(ROLES)
MANAGERS = {"admin", "manager", "granted_manager"}
MATRIX = {
    "candidates": (_candidates, {"admin", "recruiter"}),
    "all interviews and scorecard status": (_all_interviews, {"admin", "recruiter"}),
    "dashboard": (_dashboard, MANAGERS),
    "dashboard listed": (_dashboard_listed, MANAGERS),
    "decision": (_decide, MANAGERS),
    "consensus": (_consensus, MANAGERS),
    "panel scores for the candidate": (_panel_scores, MANAGERS | {"panelist_submitted"}),
    "open a scorecard": (_scorecard, {"panelist_submitted", "panelist_pending"}),
    "list users": (_users, {"admin", "recruiter"}),
    "change a user": (_change_user, {"admin"}),
    "add a user": (_add_user, {"admin"}),
    "change settings": (_settings, {"admin"}),
    "audit trail": (_audit, {"admin"}),
    "give dashboard access": (_grant, {"admin", "recruiter"}),
    "export a candidate": (_export, {"admin", "recruiter"}),
    "retention review": (_retention, {"admin"}),
    "erase a candidate": (_erase, {"admin"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("capability", sorted(MATRIX))
def test_matrix_cell(session, world, capability, role):
    action, allowed = MATRIX[capability]
    viewer = _viewer(session, world, role)
    if role in allowed:
        result = action(session, world, viewer)
        assert result is not None
        assert not hasattr(result, "__len__") or len(result) > 0
    else:
        with pytest.raises(NotAllowed):
            action(session, world, viewer)


@pytest.mark.parametrize(("visibility", "pending_sees", "submitted_sees"), [
    ("after_submit", False, True), ("always", True, True), ("never", False, False)])
def test_panel_visibility_setting(session, world, visibility, pending_sees, submitted_sees):
    admin_settings.update_settings(session, world["make"].admin, {"panel_visibility": visibility})
    for role, sees in (("panelist_pending", pending_sees), ("panelist_submitted", submitted_sees)):
        viewer = _viewer(session, world, role)
        if sees:
            assert SECRET in board.load_candidate_panel(session, world["cara"].id,
                                                        viewer).scores["evidence"].tolist()
        else:
            with pytest.raises(NotAllowed):
                board.load_candidate_panel(session, world["cara"].id, viewer)


def test_my_interviews_are_only_my_own(session, world, make):
    other = make.candidate(world["position"], name="Dora Elsewhere")
    make.interview(other, [world["users"]["panelist_submitted"], make.user("panelist")])
    mine = interviews.my_interviews(session, _viewer(session, world, "panelist_pending"))
    assert mine["candidate"].tolist() == ["Cara Candidate"]


def test_a_user_may_hold_several_roles_and_gets_each_roles_rights(session, world, make):
    both = make.user("recruiter", "hiring_manager")
    positions_service.set_position_access(session, make.admin, world["position"].id, [both.id])
    viewer = make.viewer(both)
    assert _candidates(session, world, viewer)
    assert len(_dashboard(session, world, viewer))


def test_a_recruiter_sees_statuses_but_no_scores(session, world):
    table = _all_interviews(session, world, _viewer(session, world, "recruiter"))
    assert set(table["status"]) == {"submitted", "not_started"}
    assert SECRET not in table.to_string()


def test_setting_refuses_bad_values_and_changes_nothing(session, world):
    from services.errors import InvalidInput

    admin = world["make"].admin
    with pytest.raises(InvalidInput, match="Retention"):
        admin_settings.update_settings(session, admin, {"panel_visibility": "always",
                                                  "retention_days": "soon"})
    assert settings.get_setting(session, "panel_visibility") == "after_submit"


# ------------------------------------------------------------ pages: the new ones, every role

# Pages that tests/app/test_pages.py does not cover get the same matrix here, with their roles
# taken from the navigation's declaration (ui/guard.PAGES); a pages/ file missing there fails.
def _page_roles() -> dict[str, set[str]]:
    from tests.app.test_pages import PAGES as COVERED
    from ui.guard import PAGES

    declared = {p.path: set(p.roles) for p in PAGES}
    files = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")
                   if p.stem != "__init__")
    return {f: declared.get(f, {"undeclared"}) for f in files if f not in COVERED}


OTHER_PAGES = _page_roles()
PAGE_ROLES = {"admin": "admin", "recruiter": "recruiter", "manager": "hiring_manager",
              "panelist_pending": "panelist"}


@pytest.mark.parametrize("role", sorted(PAGE_ROLES))
@pytest.mark.parametrize("page", sorted(OTHER_PAGES))
def test_page_opens_for_its_roles_and_refuses_others(world, page, role):
    roles = OTHER_PAGES[page]
    assert "undeclared" not in roles, f"{page} is not in ui/guard.PAGES"
    user_id = world["users"][role].id
    if role == "admin" or not roles or PAGE_ROLES[role] in roles:
        at = app_as(user_id, page)
        assert not at.exception
        assert not any("do not have access" in e.value for e in at.error)
    else:
        at = page_alone(user_id, page)
        assert not at.exception
        assert [e.value for e in at.error] == ["You do not have access to this page."]
        text = all_text(at)
        assert "Cara Candidate" not in text and SECRET not in text


@pytest.mark.parametrize("page", sorted(OTHER_PAGES))
def test_page_shows_nothing_to_a_logged_out_visitor(world, page):
    at = page_alone(None, page)
    assert not at.exception
    assert any("log in" in w.value for w in at.warning)
    assert "Cara Candidate" not in all_text(at)


def test_admin_changes_panel_visibility_on_the_settings_page(world, session):
    at = app_as(world["users"]["admin"].id, "pages/settings.py")
    at.radio(key="set_visibility").set_value("never")
    at.text_input(key="set_retention").input("90")
    at.button(key="set_submit").click().run()
    assert not at.exception
    assert settings.get_setting(session, "panel_visibility") == "never"
    assert settings.get_setting(session, "retention_days") == "90"
    at.text_input(key="set_fraction").input("2")
    at.button(key="set_submit").click().run()
    assert "Disagreement threshold" in all_text(at)
    assert settings.get_setting(session, "disagreement_fraction") == "0.5"


# ------------------------------------------------------------ untrusted text

IMAGE_NAME = "![x](http://127.0.0.1:9/x.png)"
HTML_NOTE = "<img src=x onerror=alert(1)>"


def test_markdown_and_html_in_user_text_appear_literally(session, world, make):
    paul, pia = world["users"]["panelist_submitted"], world["users"]["panelist_pending"]
    odd = make.candidate(world["position"], name=IMAGE_NAME, first_interview_notes=HTML_NOTE)
    iv = make.interview(odd, [paul, pia])
    make.scorecard(iv, paul, [3, 3, 3, 3], "yes", evidence=HTML_NOTE)
    at = app_as(paul.id, "pages/scorecard.py", query={"interview": str(iv.id)})
    assert not at.exception
    text = all_text(at)
    assert IMAGE_NAME in text and HTML_NOTE in text
    for md in at.markdown:  # shown escaped: no markdown image, no raw tag reaches the browser
        assert "![x](" not in md.value and "<img" not in md.value
    dash = open_tab(app_as(world["users"]["manager"].id, "pages/dashboard.py"), "Candidate")
    dash.selectbox(key="dash_candidate").select(odd.id).run()
    open_expander(dash, "who_said_what", "panel_cards")  # the notes, as the manager reads them
    assert not dash.exception
    assert IMAGE_NAME in all_text(dash) and HTML_NOTE in all_text(dash)
    assert all("![x](" not in md.value for md in dash.markdown)


# ------------------------------------------------------------ local accounts

def test_demo_accounts_log_in_only_in_demo_mode(session):
    auth.create_user(session, {"name": "Demo", "email": "demo@example.com",
                               "roles": ["panelist"], "password": PASSWORD}, demo=True)
    assert auth.authenticate(session, "demo@example.com", PASSWORD) is None
    settings.set_setting(session, "demo_mode", "true")
    assert auth.authenticate(session, "demo@example.com", PASSWORD) is not None


def test_only_an_admin_adds_a_user_in_the_app(session, make):
    recruiter = make.viewer(make.user("recruiter"))
    with pytest.raises(NotAllowed):
        auth.create_user(session, {"name": "X", "email": "x@example.com", "roles": ["admin"],
                                   "password": PASSWORD}, viewer=recruiter)


# A restarted app is a new Python process with a new engine (tests/login_answers.py run as a
# script); the first app is this test process.
def _app_process(db_url: str, *logins: list[str]) -> list[str]:
    """What each login of a freshly started app answered (see tests/login_answers.py)."""
    env = {**os.environ, "DATABASE_URL": db_url}
    done = subprocess.run([sys.executable, "-m", "tests.login_answers", str(ROOT / "app.py"),
                           json.dumps(logins)], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith('"')]


def test_lockout_holds_across_an_app_restart(session, db_url, make):
    make.user("panelist", email="locked@example.com")
    [first] = login_answers.answers(str(ROOT / "app.py"), [
        ["locked@example.com", *["wrong password!"] * auth.MAX_FAILED]])
    assert "REFUSED" in first and "locked" in first
    # The app restarted: still locked, and the same answer as for an unknown email (the form
    # does not tell who has an account).
    second, unknown = _app_process(db_url, ["locked@example.com", PASSWORD],
                                   ["nobody@example.com", PASSWORD])
    assert "REFUSED" in second
    assert second.split("REFUSED")[1] == unknown.split("REFUSED")[1]


# ------------------------------------------------------------ one gate

def test_the_managed_positions_sql_says_what_manages_position_says(session, world, make):
    from sqlmodel import select

    from models import Position
    from services import access

    other = make.position(manager=world["users"]["other_manager"], title="Elsewhere")
    make.position(title="Nobody's")
    positions = session.exec(select(Position)).all()
    for role in ROLES:
        viewer = _viewer(session, world, role)
        by_sql = set(session.exec(select(Position.id)
                                  .where(access.managed_positions_clause(viewer))).all())
        by_python = {p.id for p in positions if access.manages_position(viewer, p)}
        assert by_sql == by_python, role
        listed = {p.id for p in positions_service.visible_positions(session, viewer)}
        assert listed == ({p.id for p in positions} if viewer.has("recruiter") else by_python)
    assert other.id in {p.id for p in positions_service.dashboard_positions(
        session, _viewer(session, world, "other_manager"))}


@pytest.mark.parametrize("role", ROLES)
def test_require_admin_admits_only_admins(session, world, role):
    from services import access

    viewer = _viewer(session, world, role)
    if role == "admin":
        assert access.require_admin(viewer, "import scores") is viewer
    else:
        with pytest.raises(NotAllowed, match="Only admins import scores"):
            access.require_admin(viewer, "import scores")


def test_no_service_tests_a_role_inline_where_access_owns_the_check():
    """The modules of this brief ask services.access; none spells `Role.admin in ...`."""
    for name in ("privacy", "audit", "audit_view", "exports", "overview", "positions",
                 "coverage"):
        text = (ROOT / "services" / f"{name}.py").read_text(encoding="utf-8")
        assert "Role.admin in" not in text and "Role.admin not in" not in text, name


def test_a_refusal_reads_in_the_viewers_language():
    nobody = auth.Viewer(id=99, name="Nobody", email="", roles=frozenset({"panelist"}))
    with pytest.raises(NotAllowed, match=r"^Only admins import scores\.$"):
        access.require_admin(nobody, "import scores")
    with language("fr"), pytest.raises(
            NotAllowed, match=r"^Seuls les administrateurs peuvent importer des notes\.$"):
        access.require_admin(nobody, "import scores")
    with language("fr"), pytest.raises(
            NotAllowed, match=r"^Seuls les recruteurs et les administrateurs peuvent exporter "
                              r"les données d’un candidat\.$"):
        access.require_recruiter(nobody, "export a candidate's data")
