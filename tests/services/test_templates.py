"""Scorecard templates: the default, copying, and history that editing never rewrites."""

import pytest
from sqlmodel import select

from models import Criterion, Score, ScorecardTemplate
from services.board import load_board
from services.errors import InvalidInput, NotAllowed
from services.positions import DEFAULT_CRITERIA, criteria_of, current_template, update_position
from services.positions import position_form_data as form
from services.templates import copy_template, default_criteria, template_history
from tests.apptest import app_as, choice_box
from tests.conftest import world_fixture


def test_default_template_covers_the_three_dimensions_with_anchors():
    assert {c["dimension"] for c in DEFAULT_CRITERIA} == {"technical", "social", "company"}
    assert all(c["anchor_low"] and c["anchor_mid"] and c["anchor_high"] for c in DEFAULT_CRITERIA)


@world_fixture
def scored(make):
    manager = make.user("hiring_manager")
    panel = [make.user(), make.user()]
    position = make.position(manager=manager, title="Analyst")
    cand = make.candidate(position, name="Ann")
    iv = make.interview(cand, panel)
    make.scorecard(iv, panel[0], [4, 4, 3, 3])
    make.scorecard(iv, panel[1], [2, 3, 3, 3])
    return {"manager": manager, "position": position, "cand": cand}


def test_editing_criteria_after_scoring_starts_a_version_and_keeps_history(session, make, scored):
    position = scored["position"]
    v1 = current_template(session, position.id)
    old_names = [c.name for c in criteria_of(session, v1.id)]
    data = form(session, position.id)
    data["criteria"] = [{**c, "name": c["name"] + " (revised)"} for c in data["criteria"]]
    update_position(session, make.admin, position.id, data)

    v2 = current_template(session, position.id)
    assert (v1.version, v2.version) == (1, 2) and v2.id != v1.id
    assert [c.name for c in criteria_of(session, v1.id)] == old_names
    scored_criteria = set(session.exec(select(Score.criterion_id)).all())
    assert {session.get(Criterion, i).template_id for i in scored_criteria} == {v1.id}
    history = template_history(session, position.id)
    assert [(h["version"], h["scorecards"]) for h in history] == [(1, 2), (2, 0)]

    board = load_board(session, position.id, make.viewer(scored["manager"]))
    assert len(board.scores) == 8
    assert not board.summary["overall"].isna().any()


def test_dashboard_still_shows_scores_given_against_the_old_version(session, make, scored):
    position = scored["position"]
    before = load_board(session, position.id, make.viewer(scored["manager"]))
    data = form(session, position.id)
    data["criteria"] = data["criteria"][:2]
    update_position(session, make.admin, position.id, data)
    after = load_board(session, position.id, make.viewer(scored["manager"]))
    assert after.summary["overall"].tolist() == before.summary["overall"].tolist()
    at = app_as(scored["manager"].id, "pages/dashboard.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert table.loc[table["Candidate"] == "Ann", "Scorecards"].iloc[0] == "2 of 2"
    assert table.loc[table["Candidate"] == "Ann", "Overall"].notna().all()


def test_editing_before_any_scoring_changes_the_version_in_place(session, make):
    position = make.position()
    data = form(session, position.id)
    data["criteria"] = data["criteria"][:1]
    data["scale_min"], data["scale_max"] = 1, 7
    update_position(session, make.admin, position.id, data)
    assert len(session.exec(select(ScorecardTemplate)).all()) == 1
    t = current_template(session, position.id)
    assert (t.version, t.scale_max, len(criteria_of(session, t.id))) == (1, 7, 1)


def test_copy_template_copies_criteria_and_scale(session, make):
    source = make.position(title="Source", criteria=DEFAULT_CRITERIA, scale=(1, 10))
    target = make.position(title="Target")
    copy_template(session, make.admin, source.id, target.id)
    t = current_template(session, target.id)
    assert (t.scale_min, t.scale_max) == (1, 10)
    assert [c.name for c in criteria_of(session, t.id)] == [c["name"] for c in DEFAULT_CRITERIA]
    assert session.get(type(target), target.id).title == "Target"


def test_copy_template_refuses_itself_and_non_recruiters(session, make):
    a, b = make.position(), make.position()
    with pytest.raises(InvalidInput):
        copy_template(session, make.admin, a.id, a.id)
    with pytest.raises(NotAllowed):
        copy_template(session, make.viewer(make.user("hiring_manager")), a.id, b.id)


def test_recruiter_copies_a_template_in_the_app(session, make):
    recruiter = make.user("recruiter")
    source = make.position(title="Source", criteria=DEFAULT_CRITERIA[4:7], scale=(1, 7))
    target = make.position(title="Target")
    at = app_as(recruiter.id, "pages/positions.py")
    choice_box(at, "position_edit").select(target.id).run()
    at.selectbox(key=f"pos_copy_from_{target.id}").select(source.id).run()
    at.button(key=f"pos_copy_{target.id}").click().run()
    assert not at.exception
    t = current_template(session, target.id)
    assert (t.scale_max, [c.name for c in criteria_of(session, t.id)]) == (
        7, [c["name"] for c in DEFAULT_CRITERIA[4:7]])


def test_default_template_in_french_has_the_same_shape_with_french_text():
    english, french = default_criteria("en"), default_criteria("fr")
    assert english == DEFAULT_CRITERIA
    shape = [(c["dimension"], c["weight"]) for c in english]
    assert [(c["dimension"], c["weight"]) for c in french] == shape
    assert all(c["anchor_low"] and c["anchor_mid"] and c["anchor_high"] and c["description"]
               for c in french)
    english_text = {v for c in english for k, v in c.items() if isinstance(v, str)}
    # Every French text differs from the English one ("Communication" is the same word).
    shared = {v for c in french for k, v in c.items()
              if k not in ("dimension",) and v in english_text}
    assert shared == {"Communication"}
    assert "Maîtrise des tâches du poste" in [c["name"] for c in french]


def test_default_template_follows_the_language_tag_and_returns_copies():
    assert default_criteria("fr-CA") == default_criteria("fr")
    assert default_criteria("de") == default_criteria(None) == DEFAULT_CRITERIA
    copy = default_criteria("fr")
    copy[0]["name"] = "Changed"
    assert default_criteria("fr")[0]["name"] == "Maîtrise des tâches du poste"


def test_a_french_position_is_created_with_the_french_template(session, make):
    position = make.position(title="Analyste financier", criteria=default_criteria("fr"))
    t = current_template(session, position.id)
    assert [c.name for c in criteria_of(session, t.id)] == [
        c["name"] for c in default_criteria("fr")]
