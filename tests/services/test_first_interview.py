"""First-interview scores on the position's criteria and the change at the second interview."""

import pandas as pd
import pytest

from models import FirstInterviewScore
from services.errors import InvalidInput, NotAllowed
from services.first_interview import change_per_criterion, first_scores, save_first_scores
from services.positions import criteria_of, current_template
from tests.apptest import all_text, app_as, choice_box, html_tables, open_tab
from tests.conftest import count, world_fixture


@world_fixture
def world(session, make):
    manager = make.user("hiring_manager")
    recruiter = make.user("recruiter")
    panel = [make.user(), make.user()]
    position = make.position(manager=manager, title="Analyst")
    cara = make.candidate(position, name="Cara")
    iv = make.interview(cara, panel)
    make.scorecard(iv, panel[0], [4, 3, 3, 3])
    make.scorecard(iv, panel[1], [5, 3, 2, 3])
    criteria = criteria_of(session, current_template(session, position.id).id)
    return {"manager": manager, "recruiter": recruiter, "cara": cara, "criteria": criteria}


def test_scores_are_saved_replaced_and_cleared(session, make, world):
    c = world["criteria"]
    save_first_scores(session, make.admin, world["cara"].id, {c[0].id: 3, c[1].id: 4})
    save_first_scores(session, make.admin, world["cara"].id, {c[0].id: 2, c[1].id: None})
    frame = first_scores(session, make.admin, world["cara"].id)
    assert frame[["criterion", "value"]].values.tolist() == [[c[0].name, 2]]


def test_out_of_scale_or_foreign_criterion_changes_nothing(session, make, world):
    c = world["criteria"]
    with pytest.raises(InvalidInput) as err:
        save_first_scores(session, make.admin, world["cara"].id, {c[0].id: 3, c[1].id: 6})
    assert err.value.problems == [f"{c[1].name}: 6 is outside the scale 1 to 5"]
    other = make.position()
    foreign = criteria_of(session, current_template(session, other.id).id)[0]
    with pytest.raises(InvalidInput):
        save_first_scores(session, make.admin, world["cara"].id, {foreign.id: 3})
    with pytest.raises(NotAllowed):
        save_first_scores(session, make.viewer(world["manager"]), world["cara"].id,
                          {c[0].id: 3})
    assert count(session, FirstInterviewScore) == 0


def test_change_is_the_panel_mean_minus_the_first_score():
    first = pd.DataFrame({"criterion_id": [1, 2], "criterion": ["SQL", "Talk"],
                          "value": [3, 4], "note": ["", ""]})
    scores = pd.DataFrame({"criterion_id": [1, 1, 2, 3], "value": [4.0, 5.0, float("nan"), 2]})
    out = change_per_criterion(first, scores, {1: "SQL", 2: "Talk", 3: "Other"})
    assert out.values.tolist() == [["SQL", 3, 4.5, 1.5]]


def test_recruiter_enters_first_scores_and_the_dashboard_shows_the_change(session, world):
    c = world["criteria"]
    at = app_as(world["recruiter"].id, "pages/candidates.py")
    choice_box(at, "candidate_edit").select(world["cara"].id).run()
    at.selectbox(key=f"first_{world['cara'].id}_{c[0].id}").select(3)
    at.button(key=f"first_submit_{world['cara'].id}").click().run()
    assert not at.exception
    assert "Saved 1 first-interview score." in [s.value for s in at.success]

    dash = app_as(world["manager"].id, "pages/dashboard.py")
    open_tab(dash, "Candidate").selectbox(key="dash_candidate").select(world["cara"].id).run()
    assert not dash.exception
    assert "First versus second interview" in all_text(dash)
    (head, *rows), = html_tables(dash, "sl-first-change")
    assert head[-1] == "Change"
    assert rows == [[c[0].name, "3.00", "4.50", "+1.50"]]  # the name as text, not Markdown


def test_a_panelist_who_has_not_submitted_cannot_read_first_interview_scores(session, make,
                                                                            world):
    from services.coverage import task_coverage

    outsider = make.viewer(make.user("panelist"))
    with pytest.raises(NotAllowed):
        first_scores(session, outsider, world["cara"].id)
    with pytest.raises(NotAllowed):
        task_coverage(session, outsider, world["cara"].id)
