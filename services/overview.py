"""The organisation at a glance: per position and per panelist, how the scorecards come in.

For recruiters and admins (every position) and hiring managers (the positions they manage or
were given). Two kinds of figure, with two access rules (services.access):

* Status figures (candidates, scorecards in of expected, overdue seats, hours from interview to
  submission, the share submitted within 24 hours, decisions taken) say *that* something was
  submitted or decided, never what it said. A recruiter sees them for every position, as on the
  Interviews and Overdue pages.
* Score-derived figures (the panel-agreement reading and the size of the leading group, the
  candidates sharing a letter with the first) come
  from the position's board as the viewer's own dashboard shows it (services.board.load_board:
  only candidates whose panel the viewer may see, blind scoring included), and only for positions
  the viewer manages (services.access.manages_position). Elsewhere they are None. `ranked`
  says how many candidates those figures rest on.

A seat counts towards "within 24 hours" once it is submitted or once its 24 hours have passed
unsubmitted (a miss); seats of interviews less than 24 hours ago and still open do not count yet.
Hours run from the interview's scheduled start to the card's submission (negative when a card was
imported with an earlier date). Teams aim for TARGET (90%) or more.
"""

from datetime import datetime, timedelta

import pandas as pd
from sqlmodel import Session, func, select

from models import Candidate, Decision, Interview, PanelMember, Position, Scorecard, User
from models.common import Role, ScorecardStatus, utcnow
from services import board as boards
from services.access import listed_positions_clause, manages_position
from services.auth import Viewer
from services.errors import NotAllowed
from services.i18n import _
from services.interviews import OVERDUE_AFTER

SUBMIT_WITHIN = timedelta(hours=24)
TARGET = 0.9
SUBMISSION_COLUMNS = ["expected", "submitted", "overdue", "median_hours", "within_24h",
                      "meets_target"]
POSITION_COLUMNS = ["position_id", "position", "candidates", *SUBMISSION_COLUMNS, "decisions",
                    "managed", "agreement", "ranked", "leading_group"]
PANELIST_COLUMNS = ["panelist_id", "panelist", *SUBMISSION_COLUMNS]


def _require_viewer(viewer: Viewer) -> None:
    if not viewer.has(Role.recruiter, Role.hiring_manager):
        raise NotAllowed(_("Only recruiters, hiring managers and admins see the overview."))


def _positions(session: Session, viewer: Viewer) -> list[Position]:
    query = select(Position).where(listed_positions_clause(viewer)).order_by(Position.title)
    return list(session.exec(query).all())


def _seats(session: Session, position_ids: list[int], now: datetime) -> pd.DataFrame:
    """One row per panel seat of these positions: who, when, whether and when submitted."""
    rows = session.exec(
        select(Candidate.position_id, PanelMember.user_id, User.name, Interview.scheduled_at,
               Scorecard.status, Scorecard.submitted_at)
        .join(Interview, Interview.candidate_id == Candidate.id)
        .join(PanelMember, PanelMember.interview_id == Interview.id)
        .join(User, User.id == PanelMember.user_id)
        .outerjoin(Scorecard, (Scorecard.interview_id == Interview.id)
                   & (Scorecard.panelist_id == PanelMember.user_id))
        .where(Candidate.position_id.in_(position_ids))
    ).all()
    seats = pd.DataFrame([tuple(r) for r in rows], columns=[
        "position_id", "panelist_id", "panelist", "scheduled_at", "status", "submitted_at"])
    # SQLite returns naive datetimes; they were stored in UTC.
    start = pd.to_datetime(seats["scheduled_at"], utc=True)
    done = pd.to_datetime(seats["submitted_at"], utc=True)
    now = pd.Timestamp(now)
    now = now.tz_convert("UTC") if now.tzinfo else now.tz_localize("UTC")
    submitted = (seats["status"] == ScorecardStatus.submitted).to_numpy()
    hours = (done - start).dt.total_seconds() / 3600
    seats["submitted"] = submitted
    seats["hours"] = hours.where(submitted)
    seats["overdue"] = ~submitted & (start <= now - OVERDUE_AFTER).to_numpy()
    missed = ~submitted & (start <= now - SUBMIT_WITHIN).to_numpy()
    seats["counted"] = submitted | missed
    seats["on_time"] = submitted & (hours <= SUBMIT_WITHIN.total_seconds() / 3600).to_numpy()
    return seats


def _submission_figures(seats: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    grouped = seats.groupby(by, sort=False)
    out = pd.DataFrame({
        "expected": grouped.size(),
        "submitted": grouped["submitted"].sum(),
        "overdue": grouped["overdue"].sum(),
        "median_hours": grouped["hours"].median(),
        "counted": grouped["counted"].sum(),
        "on_time": grouped["on_time"].sum(),
    })
    out["within_24h"] = (out["on_time"] / out["counted"]).where(out["counted"] > 0)
    out["meets_target"] = (out["within_24h"] >= TARGET).where(out["within_24h"].notna())
    return out.drop(columns=["counted", "on_time"]).reset_index()


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["Rank"].notna()] if "Rank" in table.columns else table.iloc[0:0]


def _leading_group(table: pd.DataFrame) -> int | None:
    """How many candidates the scores do not separate from the first-ranked one: those sharing
    a letter with it in the board's ranking table (services.board, letters from
    services.ranking), the leader included."""
    ranked = _ranked(table)
    if "Letters" not in table.columns or ranked.empty:
        return None
    top = set(str(ranked.sort_values("Rank").iloc[0]["Letters"]))
    return int(ranked["Letters"].map(lambda letters: bool(top & set(str(letters)))).sum())


def _score_figures(session: Session, viewer: Viewer, position: Position) -> dict:
    """Agreement and leading group from the viewer's own board of a position they manage."""
    board = boards.load_board(session, position.id, viewer)
    table = boards.ranking_table(board)
    return {"agreement": boards.reliability(board)["reading"], "ranked": len(_ranked(table)),
            "leading_group": _leading_group(table)}


def position_overview(session: Session, *, viewer: Viewer,
                      now: datetime | None = None) -> pd.DataFrame:
    """One row per position the viewer works with (see the module docstring for each figure)."""
    _require_viewer(viewer)
    positions = _positions(session, viewer)
    if not positions:
        return pd.DataFrame(columns=POSITION_COLUMNS)
    ids = [p.id for p in positions]
    seats = _seats(session, ids, now or utcnow())
    figures = _submission_figures(seats, ["position_id"]).set_index("position_id")
    candidates = dict(session.exec(
        select(Candidate.position_id, func.count(Candidate.id))
        .where(Candidate.position_id.in_(ids)).group_by(Candidate.position_id)).all())
    decided = dict(session.exec(
        select(Candidate.position_id, func.count(func.distinct(Decision.candidate_id)))
        .join(Decision, Decision.candidate_id == Candidate.id)
        .where(Candidate.position_id.in_(ids)).group_by(Candidate.position_id)).all())
    rows = []
    for p in positions:
        managed = manages_position(viewer, p)
        row = {"position_id": p.id, "position": p.title,
               "candidates": int(candidates.get(p.id, 0)),
               "decisions": int(decided.get(p.id, 0)), "managed": managed,
               "agreement": None, "ranked": None, "leading_group": None}
        if p.id in figures.index:
            row.update(figures.loc[p.id].to_dict())
        else:
            row.update({"expected": 0, "submitted": 0, "overdue": 0, "median_hours": None,
                        "within_24h": None, "meets_target": None})
        if managed:
            row.update(_score_figures(session, viewer, p))
        rows.append(row)
    out = pd.DataFrame(rows, columns=POSITION_COLUMNS)
    for c in ("expected", "submitted", "overdue"):
        out[c] = out[c].astype(int)
    return out


def panelist_overview(session: Session, *, viewer: Viewer,
                      now: datetime | None = None) -> pd.DataFrame:
    """Per panelist, over the positions the viewer works with: the same submission figures."""
    _require_viewer(viewer)
    ids = [p.id for p in _positions(session, viewer)]
    seats = _seats(session, ids, now or utcnow())
    if seats.empty:
        return pd.DataFrame(columns=PANELIST_COLUMNS)
    out = _submission_figures(seats, ["panelist_id", "panelist"])
    for c in ("expected", "submitted", "overdue"):
        out[c] = out[c].astype(int)
    return out.sort_values(["overdue", "panelist"], ascending=[False, True],
                           ignore_index=True)[PANELIST_COLUMNS]
