"""AppTest: the users page (teams, refused passwords, no double creation) and sessions that end."""

import pytest
from sqlmodel import select

from models import User
from services import auth
from tests.apptest import all_text, app_as, toasts
from tests.conftest import PASSWORD, count


def _fill_add_form(at, *, name="Nia New", email="nia@example.com", team="Data",
                   roles=("panelist",), password=PASSWORD):
    at.text_input(key="new_name").input(name)
    at.text_input(key="new_email").input(email)
    at.text_input(key="new_team").input(team)
    at.multiselect(key="new_roles").set_value(list(roles))
    at.text_input(key="new_password").input(password)
    return at.button(key="add_user_submit").click().run()


def test_add_user_with_team_toasts_and_empties_the_form(session, make):
    admin = make.user("admin")
    at = app_as(admin.id, "pages/users.py")
    at = _fill_add_form(at)
    assert not at.exception
    user = session.exec(select(User).where(User.email == "nia@example.com")).one()
    assert user.team == "Data"
    assert any("Nia New was added" in t for t in toasts(at))
    assert at.text_input(key="new_name").value == ""


def test_a_refused_password_keeps_name_email_and_roles(session, make):
    admin = make.user("admin")
    before = count(session, User)
    at = _fill_add_form(app_as(admin.id, "pages/users.py"), password="a" * 12)
    assert not at.exception
    assert "one character repeated" in all_text(at)
    assert count(session, User) == before
    assert at.text_input(key="new_name").value == "Nia New"
    assert at.text_input(key="new_email").value == "nia@example.com"
    assert at.multiselect(key="new_roles").value == ["panelist"]


def test_a_second_click_on_add_does_not_create_twice_or_fail(session, make):
    admin = make.user("admin")
    at = _fill_add_form(app_as(admin.id, "pages/users.py"))
    # The same form sent again (a double click that arrived after the first was saved).
    at = _fill_add_form(at)
    assert not at.exception
    assert not at.error
    assert len(session.exec(select(User).where(User.email == "nia@example.com")).all()) == 1


def test_team_is_editable(session, make):
    admin = make.user("admin")
    user = make.user("panelist", name="Pia")
    at = app_as(admin.id, "pages/users.py")
    at.selectbox(key="edit_user").select(user.id).run()
    at.text_input(key=f"edit_team_{user.id}").input("Platform")
    at.button(key="edit_user_submit").click().run()
    assert not at.exception
    session.expire_all()
    assert session.get(User, user.id).team == "Platform"


def test_weak_reset_password_in_the_edit_form_saves_nothing(session, make):
    admin = make.user("admin")
    user = make.user("panelist", name="Pia")
    at = app_as(admin.id, "pages/users.py")
    at.selectbox(key="edit_user").select(user.id).run()
    at.text_input(key=f"edit_name_{user.id}").input("Renamed")
    at.text_input(key=f"edit_pw_{user.id}").input(" " * 12)
    at.button(key="edit_user_submit").click().run()
    assert "only spaces" in all_text(at)
    session.expire_all()
    assert session.get(User, user.id).name == "Pia"


# ------------------------------------------------------------ sessions

def _logout_script():
    import streamlit as st

    from ui.guard import current_viewer
    from ui.session import log_out

    st.write(f"viewer: {current_viewer()}")
    if st.button("Log out everywhere", key="logout"):
        log_out()


def test_log_out_ends_the_users_other_sessions(session, make):
    from streamlit.testing.v1 import AppTest

    user = make.user("panelist")
    # app.py's sidebar button calls ui.session.log_out; AppTest reruns only the page after the first
    # run, so the button is clicked in a one-button script here (and in the browser test).
    tab1 = AppTest.from_function(_logout_script, default_timeout=30)
    tab1.session_state["user_id"] = user.id
    tab1.session_state["session_generation"] = 0
    tab1.run()
    tab2 = app_as(user.id, "pages/account.py")
    assert "My account" in all_text(tab2)
    tab1.button(key="logout").click().run()
    assert "user_id" not in tab1.session_state
    tab2.run()
    assert not tab2.exception
    assert "user_id" not in tab2.session_state
    assert "My account" not in all_text(tab2)


@pytest.mark.parametrize("change", ["reset", "deactivate", "role_removed", "elsewhere"])
def test_an_open_session_ends_on_its_next_run(session, make, change):
    user = make.user("panelist", "recruiter")
    tab = app_as(user.id, "pages/account.py")
    assert "My account" in all_text(tab)
    if change == "reset":
        auth.reset_password(session, make.admin, user.id, "a brand new secret")
    elif change == "deactivate":
        auth.update_user(session, make.admin, user.id, {"active": False})
    elif change == "role_removed":
        auth.update_user(session, make.admin, user.id, {"roles": ["panelist"]})
    else:
        auth.end_sessions(session, user.id)
    tab.run()
    assert "user_id" not in tab.session_state


def test_password_change_keeps_this_session_and_ends_the_others(session, make):
    user = make.user("panelist")
    here = app_as(user.id, "pages/account.py")
    other = app_as(user.id, "pages/account.py")
    here.text_input(key="pw_current").input(PASSWORD)
    here.text_input(key="pw_new").input("a new long password")
    here.text_input(key="pw_again").input("a new long password")
    here.button(key="pw_submit").click().run()
    assert not here.exception
    assert "Password changed" in all_text(here)
    here.run()
    assert here.session_state["user_id"] == user.id
    other.run()
    assert "user_id" not in other.session_state


def test_a_session_without_a_generation_is_not_logged_in(session, make):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    user = make.user("admin")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["user_id"] = user.id
    at.run()
    assert "user_id" not in at.session_state


@pytest.mark.parametrize(("password", "why"), [(" " * 12, "only spaces"),
                                               ("secondlook-demo", "demo password")])
def test_my_account_refuses_a_weak_new_password_with_the_reason(session, make, password, why):
    user = make.user("panelist", email="me@example.com")
    at = app_as(user.id, "pages/account.py")
    at.text_input(key="pw_current").input(PASSWORD)
    at.text_input(key="pw_new").input(password)
    at.text_input(key="pw_again").input(password)
    at.button(key="pw_submit").click().run()
    assert not at.exception
    assert why in all_text(at)
    assert auth.authenticate(session, "me@example.com", PASSWORD) is not None
