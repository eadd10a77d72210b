"""The recruiter's day in the app: panel warnings, and the new pages for every role."""

import pytest

from models import Interview, User
from services.interviews import panel_warnings
from tests.apptest import all_text, app_as, page_alone
from tests.conftest import count

NEW_PAGES = {"pages/import_candidates.py": {"admin", "recruiter"},
             "pages/overdue.py": {"admin", "recruiter"},
             "pages/exports.py": {"admin", "hiring_manager"}}


@pytest.fixture
def world(session, make):
    users = {r: make.user(r, name=f"{r} user") for r in
             ("admin", "recruiter", "hiring_manager", "panelist")}
    colleague = make.user(name="Tea Teammate")
    colleague.team = "Platform"
    session.add(colleague)
    session.commit()
    position = make.position(manager=users["hiring_manager"], title="Backend Engineer",
                             team="Platform")
    cara = make.candidate(position, name="Cara Candidate")
    return {**users, "colleague": colleague, "position": position, "cara": cara}


@pytest.mark.parametrize("page", sorted(NEW_PAGES))
@pytest.mark.parametrize("role", ["admin", "recruiter", "hiring_manager", "panelist"])
def test_new_pages_open_for_their_roles_only(world, page, role):
    if role in NEW_PAGES[page]:
        at = app_as(world[role].id, page)
        assert not at.exception
        assert not any("do not have access" in e.value for e in at.error)
    else:
        at = page_alone(world[role].id, page)
        assert [e.value for e in at.error] == ["You do not have access to this page."]
        assert "Cara Candidate" not in all_text(at)


def test_panel_warnings_name_a_small_panel_and_a_missing_team(session, world):
    others = [world["panelist"].id, world["admin"].id]
    assert panel_warnings(session, world["cara"].id, others) == [
        "No one on the panel is from the position's team (Platform); the future colleagues' "
        "view is missing."]
    assert "needs at least 2" in panel_warnings(session, world["cara"].id, others[:1])[0]
    assert panel_warnings(session, world["cara"].id,
                          [world["panelist"].id, world["colleague"].id]) == []


def _schedule(at, world, people):
    at.selectbox(key="iv_candidate").select(world["cara"].id)
    for i, user in enumerate(people):
        at.selectbox(key=f"iv_user_{i}").select(user.id)
    return at.button(key="iv_submit").click().run()


def test_scheduling_without_the_team_warns_but_schedules(session, world):
    at = app_as(world["recruiter"].id, "pages/interviews.py")
    _schedule(at, world, [world["panelist"], world["admin"]])
    assert not at.exception
    assert any(t.value.startswith("Interview scheduled: ") for t in at.toast)
    assert any("position's team (Platform)" in w.value for w in at.warning)
    assert count(session, Interview) == 1


def test_a_one_person_panel_is_refused_with_a_warning(session, world):
    at = app_as(world["recruiter"].id, "pages/interviews.py")
    _schedule(at, world, [world["colleague"]])
    assert any("needs at least 2" in w.value for w in at.warning)
    assert "Interview not scheduled" in all_text(at)
    assert count(session, Interview) == 0
    assert session.get(User, world["colleague"].id).team == "Platform"
