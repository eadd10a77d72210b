"""A person's own language and time zone (services.preferences, My account) and the
organisation defaults on Settings (issue 13, point 2)."""

import pytest
from sqlmodel import select

from models import AuditEvent, User
from services import preferences
from services.errors import InvalidInput
from services.settings import get_setting
from tests.apptest import all_text, app_as, toasts


def test_set_preferences_stores_and_audits_the_change(session, make):
    user = make.user("panelist")
    changed = preferences.set_preferences(session, make.viewer(user), "fr", "America/Toronto")
    assert changed == {"language": {"old": None, "new": "fr"},
                       "time_zone": {"old": None, "new": "America/Toronto"}}
    session.expire_all()
    stored = session.get(User, user.id)
    assert (stored.language, stored.time_zone) == ("fr", "America/Toronto")
    row = session.exec(select(AuditEvent).where(AuditEvent.entity_id == user.id,
                                                AuditEvent.action == "user_changed")).one()
    assert row.detail["preferences"]["language"] == {"old": None, "new": "fr"}


def test_none_goes_back_to_the_defaults_and_nothing_new_is_not_audited(session, make):
    user = make.user("panelist")
    viewer = make.viewer(user)
    preferences.set_preferences(session, viewer, "fr", "Europe/Paris")
    assert preferences.set_preferences(session, viewer, "fr", "Europe/Paris") == {}
    preferences.set_preferences(session, viewer, None, "")
    session.expire_all()
    assert (session.get(User, user.id).language, session.get(User, user.id).time_zone) == (
        None, None)


@pytest.mark.parametrize(("language", "zone", "why"), [
    ("de", None, "Language: must be one of en, fr"),
    ("fr-CA", None, "Language: must be one of en, fr"),
    (None, "Mars/Olympus", "Time zone: 'Mars/Olympus' is not a known time zone"),
])
def test_bad_preferences_are_refused_with_the_reason_and_change_nothing(session, make,
                                                                        language, zone, why):
    user = make.user("panelist")
    with pytest.raises(InvalidInput) as refused:
        preferences.set_preferences(session, make.viewer(user), language, zone)
    assert refused.value.problems[0].startswith(why)
    session.expire_all()
    assert session.get(User, user.id).language is None


def test_time_zone_choices_start_with_the_common_ones():
    zones = preferences.time_zone_choices()
    assert zones[0] == "America/Toronto" and "Europe/Paris" in zones[:15]
    assert len(zones) > 300 and len(set(zones)) == len(zones)


def test_choosing_french_on_my_account_applies_on_the_next_run_without_logging_out(session,
                                                                                  make):
    user = make.user("panelist")
    at = app_as(user.id, "pages/account.py")
    assert at.title[0].value == "My account"
    at.selectbox(key="pref_language").select("fr")
    at.selectbox(key="pref_time_zone").select("America/Toronto")
    at.button(key="pref_submit").click().run()
    assert not at.exception
    assert at.title[0].value == "Mon compte"
    assert at.session_state["user_id"] == user.id  # still logged in
    assert at.session_state["time_zone"] == "America/Toronto"
    assert any("Langue et fuseau horaire enregistrés" in t for t in toasts(at))
    assert "Se déconnecter partout" in [b.label for b in at.button]


def test_follow_my_browser_falls_back_to_the_organisation_language(session, make):
    user = make.user("admin")
    at = app_as(user.id, "pages/settings.py")
    at.selectbox(key="set_language").select("fr")
    at.selectbox(key="set_time_zone").select("Europe/Paris")
    at.button(key="set_submit").click().run()
    assert not at.exception
    assert get_setting(session, "language") == "fr"
    assert get_setting(session, "time_zone") == "Europe/Paris"
    # The admin chose no language and AppTest's browser asks for none: the next run is French.
    at.run()
    assert at.title[0].value == "Paramètres"
    assert "Enregistrer les paramètres" in all_text(at) or at.button(key="set_submit").label == (
        "Enregistrer les paramètres")
