"""Drafts save field by field, submission checks completeness, blind scoring holds."""

import pytest

from models import Scorecard, ScorecardStatus, seat_status
from services import scorecards
from services.access import may_see_panel
from services.board import load_board, load_candidate_panel
from services.errors import Conflict, InvalidInput, NotAllowed
from services.settings import set_setting
from tests.conftest import world_fixture


@world_fixture
def setup(session, make):
    manager = make.user("hiring_manager", name="Hana Manager")
    position = make.position(manager=manager)
    candidate = make.candidate(position, name="Cara Candidate")
    # The panelists as they act (Viewers), as the scorecard services are given them.
    panel = [make.viewer(make.user(name=n)) for n in ("Pia", "Paul", "Petra")]
    iv = make.interview(candidate, panel)
    return {"manager": manager, "position": position, "candidate": candidate, "panel": panel,
            "interview": iv}


def test_draft_is_kept_field_by_field(session, make, setup):
    pia = setup["panel"][0]
    kit = scorecards.open_scorecard(session, pia, setup["interview"].id)
    scorecards.save_score(session, pia, kit.scorecard.id,
                          {"criterion_id": kit.criteria[0].id, "value": 4, "evidence": "Good"})
    scorecards.save_fields(session, pia, kit.scorecard.id, {"concerns": "Notice period"})
    again = scorecards.open_scorecard(session, pia, setup["interview"].id)
    assert again.scorecard.id == kit.scorecard.id
    assert again.scores[kit.criteria[0].id].value == 4
    assert again.scores[kit.criteria[0].id].evidence == "Good"
    assert again.scorecard.concerns == "Notice period"
    assert again.scorecard.status == ScorecardStatus.draft


def test_submit_lists_what_is_missing_and_stays_draft(session, make, setup):
    pia = setup["panel"][0]
    kit = scorecards.open_scorecard(session, pia, setup["interview"].id)
    scorecards.save_score(session, pia, kit.scorecard.id,
                          {"criterion_id": kit.criteria[0].id, "value": 5})
    with pytest.raises(InvalidInput) as info:
        scorecards.submit(session, pia, kit.scorecard.id)
    problems = info.value.problems
    assert any("needs an evidence note" in p and kit.criteria[0].name in p for p in problems)
    assert any(kit.criteria[1].name in p and "give a score" in p for p in problems)
    assert "Overall recommendation: choose one" in problems
    assert session.get(Scorecard, kit.scorecard.id).status == ScorecardStatus.draft


def test_not_assessed_counts_as_answered(session, make, setup):
    pia = setup["panel"][0]
    card = make.scorecard(setup["interview"], pia, [3, None, 4, 2])
    assert card.status == ScorecardStatus.submitted
    assert card.submitted_at is not None


def test_submitted_scorecard_cannot_be_edited(session, make, setup):
    pia = setup["panel"][0]
    card = make.scorecard(setup["interview"], pia, 3)
    with pytest.raises(InvalidInput, match="already submitted"):
        scorecards.save_fields(session, pia, card.id, {"concerns": "late change"})


def test_only_a_panel_member_opens_a_scorecard(session, make, setup):
    outsider = make.viewer(make.user())
    with pytest.raises(NotAllowed):
        scorecards.open_scorecard(session, outsider, setup["interview"].id)


def test_a_panelist_cannot_write_into_a_colleagues_card(session, make, setup):
    pia, paul = setup["panel"][:2]
    kit = scorecards.open_scorecard(session, pia, setup["interview"].id)
    with pytest.raises(NotAllowed):
        scorecards.save_fields(session, paul, kit.scorecard.id, {"concerns": "x"})


def test_a_stale_save_from_another_session_is_a_conflict(session, make, setup):
    pia = setup["panel"][0]
    kit = scorecards.open_scorecard(session, pia, setup["interview"].id)
    loaded = kit.scorecard.version
    scorecards.save_fields(session, pia, kit.scorecard.id, {"interest": "tab one"}, loaded)
    with pytest.raises(Conflict, match="another window"):
        scorecards.save_fields(session, pia, kit.scorecard.id, {"interest": "tab two"},
                               loaded)
    assert session.get(Scorecard, kit.scorecard.id).interest == "tab one"


def test_panelist_sees_no_panel_scores_before_submitting(session, make, setup):
    pia, paul, _ = setup["panel"]
    make.scorecard(setup["interview"], paul, 4)
    assert not may_see_panel(session, pia, setup["candidate"].id)
    with pytest.raises(NotAllowed):
        load_candidate_panel(session, setup["candidate"].id, pia)


def test_panelist_sees_panel_scores_after_submitting(session, make, setup):
    pia, paul, _ = setup["panel"]
    make.scorecard(setup["interview"], paul, 4)
    make.scorecard(setup["interview"], pia, 2, "no")
    board = load_candidate_panel(session, setup["candidate"].id, pia)
    assert set(board.scores["panelist_id"]) == {pia.id, paul.id}


def test_visibility_setting_never_keeps_scores_hidden_after_submitting(session, make, setup):
    pia, paul, _ = setup["panel"]
    set_setting(session, "panel_visibility", "never")
    make.scorecard(setup["interview"], paul, 4)
    make.scorecard(setup["interview"], pia, 2)
    assert not may_see_panel(session, pia, setup["candidate"].id)


def test_manager_on_the_panel_waits_like_everyone(session, make, setup):
    manager = setup["manager"]
    other = make.candidate(setup["position"], name="Other")
    panel = [manager, setup["panel"][0]]
    iv = make.interview(other, panel)
    make.scorecard(iv, setup["panel"][0], 4)
    make.scorecard(setup["interview"], setup["panel"][1], 3)
    board = load_board(session, setup["position"].id, make.viewer(manager))
    hidden = board.candidates.set_index("candidate_id")
    assert not hidden.at[other.id, "visible"]
    assert hidden.at[setup["candidate"].id, "visible"]
    assert other.id not in set(board.scores["candidate_id"])
    assert other.id not in set(board.cards["candidate_id"])


def test_dashboard_counts_only_submitted_cards(session, make, setup):
    pia, paul, petra = setup["panel"]
    make.scorecard(setup["interview"], pia, 4)
    make.scorecard(setup["interview"], paul, 2, submit=False)
    board = load_board(session, setup["position"].id, make.viewer(setup["manager"]))
    row = board.candidates.set_index("candidate_id").loc[setup["candidate"].id]
    assert (row["submitted"], row["expected"]) == (1, 3)
    assert set(board.scores["panelist_id"]) == {pia.id}


def test_another_positions_manager_cannot_open_the_dashboard(session, make, setup):
    stranger = make.user("hiring_manager")
    with pytest.raises(NotAllowed):
        load_board(session, setup["position"].id, make.viewer(stranger))


def test_opening_the_scorecard_screen_creates_no_card(session, make, setup):
    from models import AuditEvent

    pia = setup["panel"][0]
    kit = scorecards.scorecard_kit(session, pia, setup["interview"].id)
    assert kit.scorecard.id is None and not kit.scores and not kit.submitted
    assert kit.criteria and scorecards.missing_items(kit)
    assert scorecards.find_scorecard(session, pia, setup["interview"].id) is None
    assert not session.exec(
        AuditEvent.__table__.select().where(AuditEvent.action == "scorecard_created")).all()


def test_saved_answers_brings_a_kit_up_to_the_viewers_saved_card(session, make, setup):
    """What the status bar redraws from: the answers saved since the kit was read, the
    viewer's own only; a kit whose card was never started is returned as it is."""
    pia, paul = setup["panel"][:2]
    iid = setup["interview"].id
    before = scorecards.scorecard_kit(session, pia, iid)
    assert scorecards.saved_answers(session, pia, before) is before
    card = scorecards.ensure_scorecard(session, pia, iid)
    first = before.criteria[0].id
    scorecards.save_score(session, pia, card.id, {"criterion_id": first, "value": 3})
    paul_card = scorecards.ensure_scorecard(session, paul, iid)
    scorecards.save_score(session, paul, paul_card.id, {"criterion_id": first, "value": 5,
                                                        "evidence": "Paul's"})
    now = scorecards.saved_answers(session, pia, before)
    assert now.scorecard.id == card.id and now.scores[first].value == 3
    assert len(scorecards.missing_items(now)) == len(scorecards.missing_items(before)) - 1
    assert now.criteria == before.criteria and before.scorecard.id is None


def test_scorecard_kit_refuses_who_is_not_on_the_panel(session, make, setup):
    with pytest.raises(NotAllowed):
        scorecards.scorecard_kit(session, make.viewer(setup["manager"]), setup["interview"].id)


def test_two_sessions_creating_the_same_card_get_one(session, make, setup, monkeypatch):
    """The second writer read "no card" before the first committed: the unique constraint
    stops its insert and it carries on with the first one's card."""
    from sqlmodel import Session, func, select

    pia, iv = setup["panel"][0], setup["interview"]
    with Session(session.get_bind(), expire_on_commit=False) as other:
        first = scorecards.ensure_scorecard(other, pia, iv.id)
    real = scorecards.find_scorecard
    calls = []

    def stale_once(s, viewer, interview_id):
        calls.append(1)
        return None if len(calls) == 1 else real(s, viewer, interview_id)

    monkeypatch.setattr(scorecards, "find_scorecard", stale_once)
    second = scorecards.ensure_scorecard(session, pia, iv.id)
    assert second.id == first.id and len(calls) == 2
    assert session.exec(select(func.count()).select_from(Scorecard)
                        .where(Scorecard.interview_id == iv.id,
                               Scorecard.panelist_id == pia.id)).one() == 1


def test_seat_status_is_not_started_until_the_first_saved_answer(session, make, setup):
    pia, iv = setup["panel"][0], setup["interview"]
    card = scorecards.ensure_scorecard(session, pia, iv.id)
    assert seat_status(card.status, card.version) == "not_started"
    kit = scorecards.scorecard_kit(session, pia, iv.id)
    version = scorecards.save_score(session, pia, card.id,
                                    {"criterion_id": kit.criteria[0].id, "value": 3})
    assert seat_status("draft", version) == "draft"
    assert seat_status(None, None) == "not_started"
    assert seat_status("submitted", 1) == "submitted"


def test_my_interviews_says_not_started_for_a_card_only_opened_or_reminded(session, make,
                                                                          setup):
    from services.interviews import list_interviews, my_interviews

    pia, paul, iv = setup["panel"][0], setup["panel"][1], setup["interview"]
    scorecards.ensure_scorecard(session, pia, iv.id)  # opened, or made to record a reminder
    kit = scorecards.open_scorecard(session, paul, iv.id)
    scorecards.save_score(session, paul, kit.scorecard.id,
                          {"criterion_id": kit.criteria[0].id, "value": 3})
    assert my_interviews(session, pia)["status"].tolist() == ["not_started"]
    assert my_interviews(session, paul)["status"].tolist() == ["draft"]
    board = list_interviews(session, make.admin).set_index("panelist")["status"]
    assert board["Pia"] == "not_started" and board["Paul"] == "draft"
