"""The demo data set, as the hiring manager sees it: populated dashboard, flagged disagreement,
intervals and ties, agreement, calibration — read from the plotted figures and tables."""

import pytest

from services.auth import user_by_email
from tests.apptest import all_text, app_as, figures, open_tab, ranking_chart, score_grid
from ui.text import chart_text


@pytest.fixture
def demo(demo_session):
    session = demo_session
    return {"daniel": user_by_email(session, "daniel.okafor@example.com"),
            "aiko": user_by_email(session, "aiko.tanaka@example.com"),
            "morgan": user_by_email(session, "morgan.keller@example.com")}


def test_demo_dashboard_is_populated_with_a_flagged_disagreement(demo):
    at = app_as(demo["daniel"].id, "pages/dashboard.py")
    assert not at.exception
    table = at.dataframe[0].value
    scored = table.dropna(subset=["Overall"])
    assert len(scored) >= 5
    assert scored["Discuss"].str.startswith("Discuss").any()
    chart = ranking_chart(at)
    assert len(chart) == len(scored)  # every scored candidate (fewer than the top 20)
    letters = dict(zip(scored["Candidate"], scored["Letters"], strict=True))
    assert sorted(chart.index) == sorted(f"{n} ({x})" for n, x in letters.items())
    assert chart["95% interval"].str.fullmatch(r"\d\.\d\d–\d\.\d\d").all()
    text = all_text(at)
    assert "Panel agreement is" in text and "Weight sensitivity" in text


def test_demo_candidate_view_draws_the_score_grid(demo):
    at = open_tab(app_as(demo["daniel"].id, "pages/dashboard.py"), "Candidate")
    grid = score_grid(at)
    assert len(grid.columns) >= 2  # one column per panelist who submitted
    means = [r for r in grid.index if r.endswith(": mean")]
    assert means == ["Technical skills: mean", "Social qualities: mean",
                     "Company knowledge: mean"]
    assert not [f for f in figures(at) if f["layout"]["title"]["text"] in (
        "Dimension profile by panelist", "Scores by criterion")]


def test_demo_calibration_finds_the_lenient_and_the_severe_panelist(demo):
    # The admin sees every panel, hence the organisation-wide leniency.
    at = app_as(demo["morgan"].id, "pages/calibration.py")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Shared candidates" in d.value.columns)
    table = table.set_index("Panelist")
    assert float(table.at["Liam O'Connor", "Leniency"]) > 0.3
    assert float(table.at["Jonas Becker", "Leniency"].replace("\u2212", "-")) < -0.3  # true minus
    chart = next(f for f in figures(at) if "leniency" in f["layout"]["title"]["text"].lower())
    assert chart_text("Liam O'Connor") in chart["data"][0]["y"]  # escaped for plotly


def test_demo_hiring_manager_sees_leniency_from_his_positions_only(demo):
    # Liam only ever scored Customer Success candidates, which Daniel may not see.
    at = app_as(demo["daniel"].id, "pages/calibration.py")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Shared candidates" in d.value.columns)
    assert "Jonas Becker" in set(table["Panelist"])
    assert "Liam O'Connor" not in set(table["Panelist"])


def test_demo_panelist_sees_no_colleague_scores_before_submitting(demo, demo_session):
    session = demo_session
    from models import Candidate

    olusegun = session.exec(Candidate.__table__.select().where(
        Candidate.name == "Olusegun Adeyemi")).first()
    at = app_as(demo["aiko"].id, "pages/my_interviews.py")
    assert "Olusegun Adeyemi" in all_text(at)
    from services.auth import viewer_for
    from services.interviews import my_interviews

    todo = my_interviews(session, viewer_for(session, demo["aiko"]))
    iv = int(todo.loc[todo["candidate"] == "Olusegun Adeyemi", "interview_id"].iloc[0])
    card = app_as(demo["aiko"].id, "pages/scorecard.py", query={"interview": str(iv)})
    assert not card.exception
    assert not figures(card)
    assert "The panel's view" not in all_text(card)
    assert olusegun is not None


def test_a_link_to_another_panels_interview_says_so_and_opens_none_of_it(demo, demo_session):
    """A forwarded reminder opened by someone not on that panel: a notice above the picker,
    one of the user's own interviews below it, nothing of the linked one (issue 12)."""
    from sqlmodel import select

    from models import Interview, PanelMember
    from services.auth import viewer_for
    from services.interviews import my_interviews

    aiko = demo["aiko"]
    seats = set(demo_session.exec(select(PanelMember.interview_id)
                                  .where(PanelMember.user_id == aiko.id)).all())
    other = next(iv for iv in demo_session.exec(select(Interview)).all() if iv.id not in seats)
    at = app_as(aiko.id, "pages/scorecard.py", query={"interview": str(other.id)})
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "not on" in warning and "check the candidate's name" in warning
    own = set(my_interviews(demo_session, viewer_for(demo_session, aiko))["interview_id"])
    assert int(at.query_params["interview"][0]) in own
    # The notice stays on the next run of the page, and is not shown for an own interview.
    at.run()
    assert any("not on" in w.value for w in at.warning)
    mine = app_as(aiko.id, "pages/scorecard.py", query={"interview": str(min(own))})
    assert not any("not on" in w.value for w in mine.warning)


def test_a_dashboard_link_to_a_position_one_cannot_see_says_so(demo, demo_session):
    from sqlmodel import select

    from models import Position

    daniel = demo["daniel"]
    positions = demo_session.exec(select(Position)).all()
    other = next(p for p in positions if p.hiring_manager_id != daniel.id)
    own = next(p for p in positions if p.hiring_manager_id == daniel.id)
    at = app_as(daniel.id, "pages/dashboard.py", query={"position": str(other.id)})
    assert not at.exception
    assert any("cannot see here" in i.value for i in at.info)
    assert other.title not in all_text(at)
    assert int(at.query_params["position"][0]) != other.id
    mine = app_as(daniel.id, "pages/dashboard.py", query={"position": str(own.id)})
    assert not any("cannot see here" in i.value for i in mine.info)
    assert int(mine.query_params["position"][0]) == own.id
