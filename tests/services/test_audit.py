"""The audit trail: a row for every audited action, never a secret in it, and append-only."""

import inspect
import json

import pytest
from sqlmodel import delete, select, update

from models import AuditEvent, Scorecard, ScorecardStatus
from services import (
    admin_settings,
    audit,
    audit_view,
    auth,
    consensus,
    decisions,
    positions,
    scorecards,
)
from services.errors import InvalidInput
from services.i18n import language
from tests.apptest import all_text, answer, app_as, open_expander, open_tab
from tests.blind_panel import DECISION_RATIONALE, DRAFT_REC, SUBMITTED_REC, blind_panel, leaked
from tests.conftest import PASSWORD, count, world_fixture

NEW_PASSWORD = "a brand new secret phrase"


def actions(session) -> list[str]:
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


def last(session, action: str) -> AuditEvent:
    return session.exec(select(AuditEvent).where(AuditEvent.action == action)
                        .order_by(AuditEvent.id.desc())).first()


@world_fixture
def scored(session, make):
    manager = make.user("hiring_manager", name="Hana Manager")
    pia, paul = make.user(name="Pia Panel"), make.user(name="Paul Panel")
    position = make.position(manager=manager, title="Backend Engineer")
    cara = make.candidate(position, name="Cara Candidate")
    iv = make.interview(cara, [pia, paul])
    card = make.scorecard(iv, pia, [3, 3, 3, 3], "yes")
    make.scorecard(iv, paul, [4, 4, 4, 4], "yes")
    return {"manager": manager, "pia": pia, "paul": paul, "position": position, "cara": cara,
            "iv": iv, "card": card}


def test_logins_failures_and_lockout_are_audited(session, make):
    user = make.user(email="me@example.com")
    auth.authenticate(session, "me@example.com", PASSWORD)
    assert last(session, "login").actor_id == user.id
    for _ in range(auth.MAX_FAILED):
        auth.authenticate(session, "me@example.com", "wrong password!")
    assert actions(session).count("login_failed") == auth.MAX_FAILED
    assert last(session, "login_locked").actor_id == user.id
    auth.authenticate(session, "nobody@example.com", "typed-into-the-wrong-field")
    unknown = last(session, "login_failed")
    assert unknown.actor_id is None
    assert "typed-into-the-wrong-field" not in json.dumps(unknown.detail)
    assert "nobody@example.com" not in json.dumps(unknown.detail)


def test_user_and_role_changes_are_audited_with_old_and_new(session, make):
    admin = make.admin
    user = auth.create_user(session, {"name": "Nia", "email": "nia@example.com",
                                      "roles": ["panelist"], "password": PASSWORD}, viewer=admin)
    created = last(session, "user_created")
    assert (created.actor_id, created.entity_id, created.detail["roles"]) == (
        admin.id, user.id, ["panelist"])
    auth.update_user(session, admin, user.id, {"roles": ["panelist", "recruiter"]})
    changed = last(session, "user_changed")
    assert changed.detail == {"roles": {"old": ["panelist"], "new": ["panelist", "recruiter"]}}


def test_password_changes_are_audited_without_the_password(session, make):
    user = make.user(email="me@example.com")
    auth.change_password(session, make.viewer(user), PASSWORD, NEW_PASSWORD)
    auth.reset_password(session, make.admin, user.id, NEW_PASSWORD + "!")
    assert {"password_changed", "password_reset"} <= set(actions(session))
    dump = json.dumps([e.detail for e in session.exec(select(AuditEvent)).all()])
    assert NEW_PASSWORD not in dump and PASSWORD not in dump


def test_secret_keys_never_reach_an_audit_row(session):
    row = audit.record(session, "settings_changed", detail={
        "password": "x", "cookie_secret": "y", "nested": {"client_secret": "z", "ok": 1}})
    assert row.detail == {"nested": {"ok": 1}}


def test_scorecard_lifecycle_is_audited(session, scored):
    card = scored["card"]
    rows = session.exec(select(AuditEvent).where(AuditEvent.entity == "scorecard",
                                                 AuditEvent.entity_id == card.id)).all()
    kinds = [r.action for r in rows]
    assert kinds[0] == "scorecard_created" and kinds[-1] == "scorecard_submitted"
    assert kinds.count("scorecard_saved") == 5  # four scores and the recommendation
    assert all(r.candidate_id == scored["cara"].id and r.actor == "Pia Panel" for r in rows)


def test_change_after_submission_keeps_old_and_new_values(session, scored):
    card, pia = scored["card"], auth.viewer_for(session, scored["pia"])
    kit = scorecards.open_scorecard(session, pia, scored["iv"].id)
    first = kit.criteria[0]
    with pytest.raises(InvalidInput, match="already submitted"):
        scorecards.save_score(session, pia, card.id, {"criterion_id": first.id, "value": 2})
    scorecards.save_score(session, pia, card.id,
                          {"criterion_id": first.id, "value": 2, "evidence": "Rethought."},
                          amend=True)
    scorecards.save_fields(session, pia, card.id, {"recommendation": "no"}, amend=True)
    session.expire_all()
    assert session.get(Scorecard, card.id).status == ScorecardStatus.submitted
    amended = session.exec(select(AuditEvent).where(AuditEvent.action == "scorecard_amended")
                           .order_by(AuditEvent.id)).all()
    assert amended[0].detail["old"]["value"] == 3 and amended[0].detail["new"]["value"] == 2
    assert amended[0].detail["criterion"] == first.name
    assert amended[1].detail["old"] == {"recommendation": "yes"}
    assert amended[1].detail["new"] == {"recommendation": "no"}


def test_a_change_that_would_leave_the_card_incomplete_changes_nothing(session, scored):
    card, pia = scored["card"], auth.viewer_for(session, scored["pia"])
    first = scorecards.open_scorecard(session, pia, scored["iv"].id).criteria[0]
    before = count(session, AuditEvent)
    with pytest.raises(InvalidInput, match="needs an evidence note"):
        scorecards.save_score(session, pia, card.id,
                              {"criterion_id": first.id, "value": 5, "evidence": ""}, amend=True)
    session.expire_all()
    kit = scorecards.open_scorecard(session, pia, scored["iv"].id)
    assert kit.scores[first.id].value == 3
    assert count(session, AuditEvent) == before


def test_decisions_consensus_settings_and_grants_are_audited(session, make, scored):
    manager = make.viewer(scored["manager"])
    decisions.record_decision(session, manager, {"candidate_id": scored["cara"].id,
                                                 "outcome": "offer", "rationale": "Strong."})
    assert last(session, "decision_recorded").detail["stage"] == {"old": "second_interview",
                                                                  "new": "offer"}
    template = positions.current_template(session, scored["position"].id)
    crit = positions.criteria_of(session, template.id)[0]
    consensus.record_consensus(session, manager, {"candidate_id": scored["cara"].id,
                                                  "criterion_id": crit.id, "value": 3})
    consensus.record_consensus(session, manager, {"candidate_id": scored["cara"].id,
                                                  "criterion_id": crit.id, "value": 4})
    row = last(session, "consensus_recorded")
    assert (row.detail["old"]["value"], row.detail["new"]["value"]) == (3, 4)
    admin_settings.update_settings(session, make.admin, {"panel_visibility": "always"})
    assert last(session, "settings_changed").detail == {
        "key": "panel_visibility", "old": "after_submit", "new": "always"}
    other = make.user("hiring_manager")
    positions.set_position_access(session, make.admin, scored["position"].id, [other.id])
    positions.set_position_access(session, make.admin, scored["position"].id, [])
    assert {"access_granted", "access_revoked"} <= set(actions(session))


def test_audit_rows_cannot_be_changed_or_deleted(session, scored):
    row = session.exec(select(AuditEvent)).first()
    row.detail = {"forged": True}
    session.add(row)
    with pytest.raises(audit.AuditIsAppendOnly):
        session.commit()
    session.rollback()
    session.delete(session.exec(select(AuditEvent)).first())
    with pytest.raises(audit.AuditIsAppendOnly):
        session.commit()
    session.rollback()
    with pytest.raises(audit.AuditIsAppendOnly):
        session.exec(update(AuditEvent).values(actor="someone else"))
    with pytest.raises(audit.AuditIsAppendOnly):
        session.exec(delete(AuditEvent))


def test_the_database_itself_refuses_changes_to_audit_rows_but_redaction(db_url, session,
                                                                         scored):
    # Past the ORM (a console, a script): the triggers of migration 0004 refuse.
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from services.db import get_engine

    engine = get_engine(db_url)
    about = session.exec(select(AuditEvent).where(AuditEvent.candidate_id.is_not(None))).first()
    other = session.exec(select(AuditEvent).where(AuditEvent.candidate_id.is_(None))).first()
    before = count(session, AuditEvent)
    for sql in ("UPDATE auditevent SET actor = 'someone else'",
                "UPDATE auditevent SET detail = '{}' WHERE id = :id",
                "DELETE FROM auditevent WHERE id = :id",
                "DELETE FROM auditevent"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql), {"id": about.id})
    # Redaction is allowed on rows about a candidate only, and changes nothing else.
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE auditevent SET detail = :d WHERE id = :id"),
                     {"d": json.dumps(audit.REDACTED), "id": other.id})
    assert audit.redact_candidate(session, about.candidate_id) >= 1
    session.commit()
    session.expire_all()
    assert session.get(AuditEvent, about.id).detail == audit.REDACTED
    assert session.get(AuditEvent, about.id).action == about.action
    assert count(session, AuditEvent) == before


def test_the_audit_service_offers_no_way_to_change_rows_but_redaction():
    public = [name for name, f in inspect.getmembers(audit, inspect.isfunction)
              if f.__module__ == audit.__name__ and not name.startswith("_")]
    assert sorted(public) == ["action_label", "events_for_candidate", "record", "redact_candidate"]
    reading = [name for name, f in inspect.getmembers(audit_view, inspect.isfunction)
               if f.__module__ == audit_view.__name__ and not name.startswith("_")]
    assert sorted(reading) == ["list_candidate_events", "list_events"]


def test_admin_browses_and_filters_the_audit_page(session, make, scored):
    admin = make.user("admin", name="Ada Admin")
    at = app_as(admin.id, "pages/audit.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert "Scorecard submitted" in set(table["What"])
    at.selectbox(key="audit_action").select("scorecard_submitted").run()
    assert set(at.dataframe[0].value["What"]) == {"Scorecard submitted"}
    at.selectbox(key="audit_action").select("candidate_erased").run()
    assert "No audit rows match." in all_text(at)


def _my_card(at) -> dict[str, list[str]]:
    """The submitted card's read-only tables (ui.scorecard_form.submitted_card): row -> cells."""
    from tests.apptest import html_tables

    return {row[0]: row[1:] for table in html_tables(at, "sl-my-card") for row in table}


def test_panelist_changes_a_submitted_card_in_the_app_and_the_panel_sees_it(session, scored):
    pia = auth.viewer_for(session, scored["pia"])
    first = scorecards.open_scorecard(session, pia, scored["iv"].id).criteria[1]
    at = app_as(pia.id, "pages/scorecard.py", query={"interview": str(scored["iv"].id)})
    score_key = f"sc_score_{scored['iv'].id}_{first.id}"
    assert score_key not in [r.key for r in at.radio]  # submitted: read, not widgets
    assert _my_card(at)[first.name][0] == "3"
    at.button(key="amend_start").click().run()
    score = at.radio(key=score_key)
    assert not score.disabled and score.value == "3"  # seeded from the saved card
    answer(score.set_value("2"), status=False)  # a change is saved as a draft's answer is
    assert not at.exception
    row = last(session, "scorecard_amended")
    assert (row.detail["old"]["value"], row.detail["new"]["value"]) == (3, 2)
    at.button(key="amend_done").click().run()
    assert score_key not in [r.key for r in at.radio]
    assert _my_card(at)[first.name][0] == "2"
    manager = app_as(scored["manager"].id, "pages/dashboard.py")
    open_tab(manager, "Candidate").selectbox(key="dash_candidate").select(scored["cara"].id).run()
    assert "Pia Panel's scorecard was changed after submission by Pia Panel on" in all_text(
        manager)  # in view, and in her card's box when it is opened:
    assert "Changed after submission by Pia Panel on" in all_text(open_expander(manager,
                                                                               "panel_cards"))


# ------------------------------------------------------------ blind scoring in the trail

def test_an_admin_seated_unsubmitted_sees_the_fact_of_actions_not_their_details(session, make):
    admin = make.user("admin", "panelist", name="Ada Seated")
    panel = blind_panel(make, session, admin)
    events = audit_view.list_events(session, viewer=make.viewer(admin),
                                    candidate_id=panel.cara.id)
    about_others = events[events["actor"] != "Ada Seated"]
    assert {"scorecard_submitted", "decision_recorded", "consensus_recorded"} <= set(
        about_others["action"])
    text = json.dumps(events["detail"].tolist(), ensure_ascii=False)
    assert leaked(text) == [] and SUBMITTED_REC not in text and DRAFT_REC not in text
    assert all(d == audit_view.WITHHELD for d in about_others["detail"])


def test_an_admin_off_the_panel_reads_every_detail(session, make):
    panel = blind_panel(make, session, make.user("panelist"))
    events = audit_view.list_events(session, viewer=make.admin, candidate_id=panel.cara.id)
    text = json.dumps(events["detail"].tolist(), ensure_ascii=False)
    assert SUBMITTED_REC in text and DECISION_RATIONALE in text


def test_the_details_show_once_the_seated_admin_submitted(session, make):
    admin = make.user("admin", "panelist", name="Ada Seated")
    panel = blind_panel(make, session, admin)
    own = session.exec(select(Scorecard).where(Scorecard.panelist_id == admin.id)).one()
    scorecards.submit(session, make.viewer(admin), own.id)
    events = audit_view.list_events(session, viewer=make.viewer(admin),
                                    candidate_id=panel.cara.id)
    assert SUBMITTED_REC in json.dumps(events["detail"].tolist(), ensure_ascii=False)


def test_the_audit_page_withholds_details_from_a_seated_admin(session, make):
    admin = make.user("admin", "panelist", name="Ada Seated")
    blind_panel(make, session, admin)
    at = app_as(admin.id, "pages/audit.py")
    assert not at.exception
    text = all_text(at)
    assert "Scorecard submitted" in text and "Decision recorded" in text
    assert leaked(text) == [] and SUBMITTED_REC not in text


def test_audit_labels_and_the_withheld_detail_follow_the_readers_language(session, make):
    admin = make.user("admin", "panelist", name="Ada Seated")
    panel = blind_panel(make, session, admin)
    with language("fr"):
        rows = audit_view.list_events(session, viewer=make.viewer(admin),
                                      candidate_id=panel.cara.id)
        assert audit.action_label("login") == "Connexion"
    assert audit.action_label("login") == "Logged in"
    about_others = rows[rows["actor"] != "Ada Seated"]
    assert len(about_others) > 0
    assert all(d == {"withheld": "évaluation à l’aveugle : vous siégez au comité de ce candidat "
                                 "et n’avez pas encore soumis votre propre fiche d’évaluation"}
               for d in about_others["detail"])
    assert "Fiche d’évaluation soumise" in set(rows["what"])
