"""Refused input gets a clear message naming the problem and stores nothing."""

import pytest

from models import Candidate, Interview, PanelMember, Position, Score, User
from services import auth, candidates, interviews, positions, scorecards
from services.errors import InvalidInput
from tests.conftest import count


def test_score_outside_the_scale_is_refused_and_not_stored(session, make):
    panel = [make.user(), make.user()]
    iv = make.interview(make.candidate(make.position()), panel)
    kit = scorecards.open_scorecard(session, iv.id, panel[0].id)
    with pytest.raises(InvalidInput, match="outside the scale 1 to 5"):
        scorecards.save_score(session, kit.scorecard.id, panel[0].id,
                              {"criterion_id": kit.criteria[0].id, "value": 6})
    assert count(session, Score) == 0


def test_score_on_a_seven_point_scale_accepts_seven(session, make):
    panel = [make.user(), make.user()]
    iv = make.interview(make.candidate(make.position(scale=(1, 7))), panel)
    kit = scorecards.open_scorecard(session, iv.id, panel[0].id)
    scorecards.save_score(session, kit.scorecard.id, panel[0].id,
                          {"criterion_id": kit.criteria[0].id, "value": 7})
    assert count(session, Score) == 1


def test_empty_name_is_refused(session, make):
    with pytest.raises(InvalidInput, match="Name: must not be empty"):
        auth.create_user(session, {"name": "   ", "email": "a@example.com",
                                   "roles": ["panelist"], "password": "x" * 12})
    assert count(session, User) == 0


def test_malformed_email_is_refused(session, make):
    position = make.position()
    before = count(session, Candidate)
    with pytest.raises(InvalidInput, match="Email: is not a valid email address"):
        candidates.create_candidate(session, make.admin, {
            "name": "Jo", "email": "jo-at-example", "position_id": position.id})
    assert count(session, Candidate) == before


def test_panel_of_one_is_refused_and_nothing_is_stored(session, make):
    candidate = make.candidate(make.position())
    with pytest.raises(InvalidInput, match="Panel: needs 2 to 4 members; this one has 1"):
        interviews.schedule_interview(session, make.admin, {
            "candidate_id": candidate.id, "scheduled_at": "2026-11-20T10:00:00Z",
            "panel": [{"user_id": make.user().id}]})
    assert count(session, Interview) == 0
    assert count(session, PanelMember) == 0


def test_panel_of_five_is_refused(session, make):
    candidate = make.candidate(make.position())
    with pytest.raises(InvalidInput, match="this one has 5"):
        interviews.schedule_interview(session, make.admin, {
            "candidate_id": candidate.id, "scheduled_at": "2026-11-20T10:00:00Z",
            "panel": [{"user_id": make.user().id} for _ in range(5)]})
    assert count(session, Interview) == 0


def test_position_with_bad_salary_band_and_criterion_names_both_problems(session, make):
    with pytest.raises(InvalidInput) as info:
        positions.create_position(session, make.admin, {
            "title": "", "salary_min": 9, "salary_max": 1, "currency": "EUR",
            "criteria": [{"name": "", "dimension": "technical", "weight": 0}]})
    text = str(info.value)
    assert "Title: must not be empty" in text
    assert "Criteria 1: Name: must not be empty" in text
    assert "Criteria 1: Weight" in text
    assert count(session, Position) == 0


def test_duplicate_candidate_email_for_a_position_is_refused(session, make):
    position = make.position()
    make.candidate(position, email="same@example.com")
    with pytest.raises(InvalidInput, match="already a candidate for this position"):
        make.candidate(position, email="SAME@example.com")


def test_password_shorter_than_twelve_is_refused(session):
    with pytest.raises(InvalidInput, match="Password"):
        auth.create_user(session, {"name": "Al", "email": "al@example.com",
                                   "roles": ["admin"], "password": "short"})
