"""The Overview: submission figures per position and panelist; score figures behind the gate."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select, update

from models import Score, Scorecard
from services import board, overview
from services.errors import NotAllowed
from tests.blind_panel import blind_panel
from tests.conftest import world_fixture


def _submitted_after(session, card, hours: float) -> None:
    """Set a submitted card's submission time to `hours` after its interview began."""
    from models import Interview

    start = session.get(Interview, card.interview_id).scheduled_at
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    session.execute(update(Scorecard).where(Scorecard.id == card.id)
                    .values(submitted_at=start + timedelta(hours=hours)))
    session.commit()


@world_fixture
def timed(session, make):
    """Backend: Cara (3 seats, 2 days ago: Pia after 2 h, Paul after 30 h, Quinn never),
    Dan (2 seats, just now: nothing yet), Eve (no interview); Sales: Sam (Quinn after 1 h,
    Pia after 3 h)."""
    manager = make.user("hiring_manager", name="Hana Manager")
    pia, paul, quinn = (make.user(name=n) for n in ("Pia Panel", "Paul Panel", "Quinn Quiet"))
    backend = make.position(manager=manager, title="Backend")
    sales = make.position(title="Sales")
    cara, dan = make.candidate(backend, name="Cara"), make.candidate(backend, name="Dan")
    make.candidate(backend, name="Eve")  # no interview yet
    iv = make.interview(cara, [pia, paul, quinn], days_ago=2)
    _submitted_after(session, make.scorecard(iv, pia, 3), 2)
    _submitted_after(session, make.scorecard(iv, paul, 4), 30)
    make.interview(dan, [pia, paul], days_ago=0)  # just now: nothing due yet
    other = make.interview(make.candidate(sales, name="Sam"), [quinn, pia], days_ago=2)
    _submitted_after(session, make.scorecard(other, quinn, 4), 1)
    _submitted_after(session, make.scorecard(other, pia, 4), 3)
    return {"manager": manager, "backend": backend, "sales": sales, "pia": pia, "paul": paul,
            "quinn": quinn}


def _row(frame, column: str, value):
    rows = frame[frame[column] == value]
    assert len(rows) == 1
    return rows.iloc[0]


def _now(session) -> datetime:
    # The fixture's interviews are placed by the clock ("2 days ago", "now"): measure just after.
    return datetime.now(UTC) + timedelta(minutes=1)


def test_position_figures_count_seats_lateness_and_the_24_hour_share(session, make, timed):
    table = overview.position_overview(session, viewer=make.viewer(make.user("recruiter")),
                                       now=_now(session))
    backend = _row(table, "position", "Backend")
    assert backend["candidates"] == 3
    assert (backend["expected"], backend["submitted"], backend["overdue"]) == (5, 2, 1)
    assert backend["median_hours"] == pytest.approx(16.0)  # 2 h and 30 h
    # Counted: Pia (on time), Paul (late), Quinn (24 h passed, missed); Dan's seats not yet.
    assert backend["within_24h"] == pytest.approx(1 / 3)
    assert not backend["meets_target"]
    sales = _row(table, "position", "Sales")
    assert sales["within_24h"] == 1.0 and sales["meets_target"]


def test_panelist_figures_are_the_same_submission_figures_per_person(session, make, timed):
    table = overview.panelist_overview(session, viewer=make.admin, now=_now(session))
    quinn = _row(table, "panelist", "Quinn Quiet")
    assert (quinn["expected"], quinn["submitted"], quinn["overdue"]) == (2, 1, 1)
    assert quinn["within_24h"] == pytest.approx(0.5)
    paul = _row(table, "panelist", "Paul Panel")
    assert paul["median_hours"] == pytest.approx(30.0) and paul["within_24h"] == 0.0
    assert table.iloc[0]["overdue"] >= table.iloc[-1]["overdue"]  # most overdue first


def test_decisions_taken_are_counted_per_position(session, make, timed):
    from models import Candidate
    from services import decisions

    cid = session.exec(select(Candidate.id).where(Candidate.name == "Cara")).one()
    decisions.record_decision(session, make.viewer(timed["manager"]),
                              {"candidate_id": cid, "outcome": "advance", "rationale": "Good."})
    table = overview.position_overview(session, viewer=make.admin)
    assert _row(table, "position", "Backend")["decisions"] == 1
    assert _row(table, "position", "Sales")["decisions"] == 0


def test_a_recruiter_gets_status_figures_but_no_score_figures(session, make, timed):
    table = overview.position_overview(session, viewer=make.viewer(make.user("recruiter")))
    assert set(table["position"]) == {"Backend", "Sales"}
    for column in ("agreement", "ranked", "leading_group"):
        assert table[column].isna().all()
    assert not table["managed"].any()


def test_a_hiring_manager_sees_only_their_positions_with_score_figures(session, make, timed):
    table = overview.position_overview(session, viewer=make.viewer(timed["manager"]))
    assert table["position"].tolist() == ["Backend"]
    row = table.iloc[0]
    assert row["managed"] and row["agreement"].startswith("panel agreement")
    assert row["ranked"] == 1 and row["leading_group"] == 1  # Cara is the only one ranked
    people = overview.panelist_overview(session, viewer=make.viewer(timed["manager"]))
    assert "Quinn Quiet" in set(people["panelist"])
    assert _row(people, "panelist", "Quinn Quiet")["expected"] == 1  # the Sales seat not shown


def test_a_panelist_only_user_is_refused(session, make, timed):
    with pytest.raises(NotAllowed):
        overview.position_overview(session, viewer=make.viewer(timed["pia"]))
    with pytest.raises(NotAllowed):
        overview.panelist_overview(session, viewer=make.viewer(timed["pia"]))


def test_the_leading_group_is_read_from_the_boards_ranking_table(session, make):
    manager = make.user("hiring_manager")
    a, b = make.user(), make.user()
    position = make.position(manager=manager, title="Ranked")
    for name, values in (("Top One", [5, 5, 5, 5]), ("Top Two", [5, 5, 5, 4]),
                         ("Far Below", [1, 1, 1, 1])):
        iv = make.interview(make.candidate(position, name=name), [a, b])
        make.scorecard(iv, a, values)
        make.scorecard(iv, b, values)
    viewer = make.viewer(manager)
    table = board.ranking_table(board.load_board(session, position.id, viewer))
    expected = overview._leading_group(table)
    assert expected in (1, 2)
    row = overview.position_overview(session, viewer=viewer).iloc[0]
    assert row["leading_group"] == expected


def test_score_figures_ignore_candidates_hidden_by_blind_scoring(session, make):
    manager = make.user("hiring_manager", "panelist", name="Seated Manager")
    panel = blind_panel(make, session, manager, title="Blind Position")
    # The blind panel's own hiring manager is someone else: give the seated one the dashboard.
    from services import positions

    positions.set_position_access(session, make.admin, panel.position.id, [manager.id])
    viewer = make.viewer(manager)
    bea = make.candidate(panel.position, name="Bea")
    iv = make.interview(bea, [panel.submitted, panel.draft])
    make.scorecard(iv, panel.submitted, [4, 4, 4, 4])
    make.scorecard(iv, panel.draft, [4, 4, 4, 3])

    def figures(who=viewer):
        row = overview.position_overview(session, viewer=who).iloc[0]
        return row["agreement"], row["ranked"], row["leading_group"]

    before = figures()
    assert before[1:] == (1, 1)  # only Bea is ranked for the seated manager
    assert figures(make.admin)[1] == 2  # off the panel, Cara is ranked too
    # Change the hidden colleague's scores for Cara: the seated manager's figures do not move.
    card = session.exec(select(Scorecard).where(Scorecard.panelist_id == panel.submitted.id,
                                                Scorecard.interview_id == panel.interview.id)
                        ).one()
    session.execute(update(Score).where(Score.scorecard_id == card.id).values(value=2))
    session.commit()
    assert figures() == before
