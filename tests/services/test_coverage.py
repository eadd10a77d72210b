"""Coverage of the position's tasks: ticked on the scorecard, uncovered ones flagged."""

import pytest

from models import Scorecard
from services.auth import viewer_for
from services.coverage import coverage, save_tasks_covered, task_coverage, uncovered_tasks
from services.errors import InvalidInput
from services.pdf_pack import debrief_pack
from services.scorecards import open_scorecard
from tests.apptest import all_text, app_as, open_tab
from tests.conftest import world_fixture

TASKS = ["Design APIs", "Review code", "Mentor juniors"]


@world_fixture
def world(session, make):
    manager = make.user("hiring_manager")
    pia, paul = make.user(name="Pia"), make.user(name="Paul")
    position = make.position(manager=manager, tasks=TASKS)
    cara = make.candidate(position, name="Cara")
    iv = make.interview(cara, [pia, paul])
    return {"manager": manager, "pia": pia, "paul": paul, "cara": cara, "iv": iv}


def _tick(session, world, who, tasks):
    panelist = viewer_for(session, world[who])
    kit = open_scorecard(session, panelist, world["iv"].id)
    return save_tasks_covered(session, panelist, kit.scorecard.id, tasks), kit


def test_ticked_tasks_are_saved_in_the_positions_order(session, world):
    _, kit = _tick(session, world, "pia", ["Review code", "Design APIs"])
    session.expire_all()
    assert session.get(Scorecard, kit.scorecard.id).tasks_covered == ["Design APIs",
                                                                      "Review code"]


def test_a_task_not_on_the_positions_list_is_refused(session, world):
    pia = viewer_for(session, world["pia"])
    kit = open_scorecard(session, pia, world["iv"].id)
    with pytest.raises(InvalidInput) as err:
        save_tasks_covered(session, pia, kit.scorecard.id, ["Design APIs", "Golf"])
    assert err.value.problems == ["Tasks covered: 'Golf' is not one of the position's tasks"]
    session.expire_all()
    assert session.get(Scorecard, kit.scorecard.id).tasks_covered == []


def test_tasks_nobody_covered_are_flagged_from_submitted_cards(session, make, world):
    _tick(session, world, "pia", ["Design APIs"])
    _tick(session, world, "paul", ["Review code"])
    make.scorecard(world["iv"], world["pia"], [3, 3, 3, 3])
    missing = uncovered_tasks(session, make.admin, world["cara"].id)
    assert missing == ["Review code", "Mentor juniors"]
    # One submitted card so far, and it recorded coverage.
    assert coverage(session, make.admin, world["cara"].id) == (missing, 1, 1)
    table = task_coverage(session, make.admin, world["cara"].id)
    assert table.set_index("task")["covered_by"].to_dict()["Design APIs"] == "Pia"


def test_panelist_ticks_tasks_on_the_scorecard_and_the_dashboard_flags_the_rest(
        session, make, world):
    kit = open_scorecard(session, make.viewer(world["pia"]), world["iv"].id)
    at = app_as(world["pia"].id, "pages/scorecard.py", query={"interview": str(world["iv"].id)})
    # One tick per task (the first option is a task, not "Select all").
    first = kit.position.tasks.index("Design APIs")
    at.checkbox(key=f"sc_task_{world['iv'].id}_{first}").check().run()
    assert not at.exception
    session.expire_all()
    assert session.get(Scorecard, kit.scorecard.id).tasks_covered == ["Design APIs"]
    make.scorecard(world["iv"], world["pia"], [3, 3, 3, 3])
    make.scorecard(world["iv"], world["paul"], [4, 4, 4, 4])
    dash = app_as(world["manager"].id, "pages/dashboard.py")
    open_tab(dash, "Candidate").selectbox(key="dash_candidate").select(world["cara"].id).run()
    warnings = [w.value for w in dash.warning if "Tasks no panelist probed" in w.value]
    assert warnings and "Review code" in all_text(dash) and "Mentor juniors" in warnings[0]
    assert "Design APIs" not in warnings[0]


def test_no_task_is_flagged_when_no_panelist_recorded_coverage(session, make, world):
    make.scorecard(world["iv"], world["pia"], [3, 3, 3, 3])
    make.scorecard(world["iv"], world["paul"], [4, 4, 4, 4])
    assert uncovered_tasks(session, make.admin, world["cara"].id) == []
    assert coverage(session, make.admin, world["cara"].id) == ([], 0, 2)  # ticking skipped
    dash = app_as(world["manager"].id, "pages/dashboard.py")
    open_tab(dash, "Candidate").selectbox(key="dash_candidate").select(world["cara"].id).run()
    assert not dash.exception
    assert not [w for w in dash.warning if "Tasks no panelist probed" in w.value]
    assert "No panelist recorded which tasks they probed" in all_text(dash)


def test_the_pdf_pack_lists_uncovered_tasks(session, make, world, tmp_path):
    import subprocess

    _tick(session, world, "pia", ["Design APIs"])
    make.scorecard(world["iv"], world["pia"], [3, 3, 3, 3])
    data = debrief_pack(session, make.viewer(world["manager"]), world["cara"].position_id)
    from tests.conftest import require_tool

    require_tool("pdftotext", "poppler-utils")
    (tmp_path / "p.pdf").write_bytes(data)
    text = subprocess.run(["pdftotext", str(tmp_path / "p.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Tasks no panelist probed" in text and "Mentor juniors" in text
