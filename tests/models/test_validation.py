"""Refused input gets a clear message naming the problem and stores nothing."""

import pytest

import models
from models import (
    Candidate,
    CriterionCreate,
    Interview,
    PanelMember,
    Position,
    Score,
    User,
    UserCreate,
)
from services import auth, candidates, interviews, positions, scorecards
from services.errors import InvalidInput, validated
from services.i18n import language
from tests.conftest import count


def test_score_outside_the_scale_is_refused_and_not_stored(session, make):
    panel = [make.user(), make.user()]
    iv = make.interview(make.candidate(make.position()), panel)
    pia = make.viewer(panel[0])
    kit = scorecards.open_scorecard(session, pia, iv.id)
    with pytest.raises(InvalidInput, match="outside the scale 1 to 5"):
        scorecards.save_score(session, pia, kit.scorecard.id,
                              {"criterion_id": kit.criteria[0].id, "value": 6})
    assert count(session, Score) == 0


def test_score_on_a_seven_point_scale_accepts_seven(session, make):
    panel = [make.user(), make.user()]
    iv = make.interview(make.candidate(make.position(scale=(1, 7))), panel)
    pia = make.viewer(panel[0])
    kit = scorecards.open_scorecard(session, pia, iv.id)
    scorecards.save_score(session, pia, kit.scorecard.id,
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


def _french_viewer(session, make):
    user = make.user("admin", "recruiter", name="Françoise Admin")
    user.language = "fr"
    session.add(user)
    session.commit()
    return make.viewer(user)


def test_a_french_viewer_reads_a_too_long_name_refused_in_french(session, make):
    viewer = _french_viewer(session, make)
    before = count(session, User)
    with language(viewer.language), pytest.raises(InvalidInput) as refused:
        auth.create_user(session, {"name": "N" * 201, "email": "long@example.com",
                                   "roles": ["panelist"], "password": "x" * 12}, viewer=viewer)
    assert refused.value.problems == ["Nom : doit comporter au plus 200 caractères"]
    assert count(session, User) == before


def test_a_french_viewer_reads_an_out_of_range_weight_refused_in_french(session, make):
    viewer = _french_viewer(session, make)
    before = count(session, Position)
    with language(viewer.language), pytest.raises(InvalidInput) as refused:
        positions.create_position(session, viewer, {
            "title": "Analyste", "currency": "EUR", "scale_min": 1, "scale_max": 5,
            "criteria": [{"name": "SQL", "dimension": "technical", "weight": 1000}]})
    assert refused.value.problems == [
        "Critères 1 : Pondération : doit être d’au plus 100"]
    assert count(session, Position) == before


def test_the_same_refusals_read_in_english_by_default(session, make):
    with pytest.raises(InvalidInput) as refused:
        positions.create_position(session, make.admin, {
            "title": "T" * 201, "currency": "EUR", "scale_min": 1, "scale_max": 5,
            "criteria": [{"name": "SQL", "dimension": "technical", "weight": 1000}]})
    assert refused.value.problems == ["Title: must be at most 200 characters",
                                      "Criteria 1: Weight: must be at most 100"]


@pytest.mark.parametrize(("data", "english", "french"), [
    ({"weight": "abc"}, "Weight: must be a number", "Pondération : doit être un nombre"),
    ({"weight": float("inf")}, "Weight: must be at most 100",
     "Pondération : doit être d’au plus 100"),
    ({"weight": 0}, "Weight: must be greater than 0", "Pondération : doit être supérieur à 0"),
    ({"dimension": "luck"}, "Dimension: must be one of technical, social, company",
     "Dimension : doit être l’une des valeurs technical, social, company"),
    ({"name": ""}, "Name: must not be empty", "Nom : ne doit pas être vide"),
    ({"name": None}, "Name: must be text", "Nom : doit être du texte"),
])
def test_pydantic_messages_are_translated_by_type(data, english, french):
    item = {"name": "SQL", "dimension": "technical", "weight": 1.0, **data}
    for lang, expected in (("en", english), ("fr", french)):
        with language(lang), pytest.raises(InvalidInput) as refused:
            validated(CriterionCreate, item)
        assert refused.value.problems == [expected]


def test_a_missing_field_and_a_bad_email_are_translated():
    with language("fr"), pytest.raises(InvalidInput) as refused:
        validated(UserCreate, {"email": "nope", "roles": [], "password": "x" * 12})
    assert refused.value.problems == [
        "Nom : est obligatoire", "Courriel : n’est pas une adresse courriel valide",
        "Rôles : doit contenir au moins 1 élément"]


@pytest.mark.parametrize("name, problem", [
    ("\u200b\u200b", "must not be empty"),                      # zero-width spaces only
    ("Ann\u2028Smith", "must be one line of text"),              # a line separator
    ("Ann\u0085Smith", "must be one line of text"),              # a C1 next-line control
    ("gpj.exe\u202eAnn", "must be one line of text"),            # a right-to-left override
    ("Ann \u2066Smith\u2069", "must be one line of text"),       # a bidi isolate
])
def test_a_name_with_invisible_or_text_turning_characters_is_refused(session, make, name,
                                                                     problem):
    position = make.position()
    before = count(session, Candidate)
    with pytest.raises(InvalidInput, match=problem):
        candidates.create_candidate(session, make.admin, {"name": name,
                                                          "position_id": position.id})
    assert count(session, Candidate) == before


@pytest.mark.parametrize("name", ["Zoë Ångström", "王小明", "محمد", "क्षत्रिय",
                                  "👩\u200d💻 Dev"])
def test_names_in_any_script_are_kept_as_written(session, make, name):
    cand = candidates.create_candidate(session, make.admin, {"name": name,
                                                             "position_id": make.position().id})
    assert cand.name == name


MONEY = [(models.CandidateCreate, {"name": "Ann", "position_id": 1}, "salary_expectation",
          "Salary expectation"),
         (models.ScorecardUpdate, {}, "salary_heard", "Salary heard")]


@pytest.mark.parametrize(("schema", "base", "field", "named"), MONEY)
def test_every_money_field_reads_typed_text_by_one_rule(schema, base, field, named):
    # What a form's text box sends and an import's cell holds, read the same way
    # (models.common.typed_amount): separators in groups of three, blank is none.
    for typed, amount in (("65000", 65000), ("65 000", 65000), ("65,000", 65000),
                          ("65000.00", 65000), ("", None), ("  ", None), (70000, 70000)):
        assert getattr(validated(schema, {**base, field: typed}), field) == amount
    for typed in ("1e308", "-5", "12.5", "1'0'0", "sixty"):
        with pytest.raises(InvalidInput) as err:
            validated(schema, {**base, field: typed})
        assert err.value.problems == [f"{named}: {typed!r} is not a whole amount of money"]
    with pytest.raises(InvalidInput) as err:
        validated(schema, {**base, field: "9" * 400})
    assert err.value.problems == [f"{named}: must be at most 2,000,000,000"]


def test_a_salary_band_typed_wrong_names_each_bound():
    with pytest.raises(InvalidInput) as err:
        validated(models.PositionCreate, {
            "title": "Data", "salary_min": "9" * 400, "salary_max": "1e308",
            "criteria": [{"name": "SQL", "dimension": "technical"}]})
    assert err.value.problems == [
        "Salary band minimum: must be at most 2,000,000,000",
        "Salary band maximum: '1e308' is not a whole amount of money"]
