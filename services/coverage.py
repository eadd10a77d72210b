"""Which of the position's tasks the panel probed: ticked per scorecard, flagged when no one did."""

from typing import NamedTuple

import pandas as pd
from sqlmodel import Session, select

from models import Candidate, Interview, Position, Scorecard, ScorecardStatus, User
from services.access import may_read_held_cards, may_see_panel, require_own_card
from services.auth import Viewer
from services.errors import InvalidInput, NotAllowed, NotFound
from services.i18n import _
from services.scorecards import save_fields


def save_tasks_covered(session: Session, viewer: Viewer, scorecard_id: int,
                       tasks: list[str], expected_version: int | None = None) -> int:
    """Save the tasks the viewer probed, refusing any that is not on the position's list."""
    card = require_own_card(session, viewer, scorecard_id)
    position = _position_of_interview(session, card.interview_id)
    unknown = [t for t in tasks if t not in position.tasks]
    if unknown:
        raise InvalidInput([_("Tasks covered: {task!r} is not one of the position's tasks")
                            .format(task=t) for t in unknown])
    ordered = [t for t in position.tasks if t in set(tasks)]
    return save_fields(session, viewer, scorecard_id, {"tasks_covered": ordered},
                       expected_version)


def _position_of_interview(session: Session, interview_id: int) -> Position:
    interview = session.get(Interview, interview_id)
    candidate = session.get(Candidate, interview.candidate_id)
    return session.get(Position, candidate.position_id)


def task_coverage(session: Session, viewer: Viewer, candidate_id: int) -> pd.DataFrame:
    """Each of the position's tasks with the panelists who probed it (submitted cards only)."""
    # Ticked tasks are part of colleagues' cards: blind scoring holds (services.access).
    if not (may_see_panel(session, viewer, candidate_id)
            or may_read_held_cards(session, viewer, candidate_id)):
        raise NotAllowed(_("You may not see this candidate's panel."))
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    position = session.get(Position, candidate.position_id)
    rows = session.exec(
        select(User.name, Scorecard.tasks_covered)
        .join(Interview, Interview.id == Scorecard.interview_id)
        .join(User, User.id == Scorecard.panelist_id)
        .where(Interview.candidate_id == candidate_id,
               Scorecard.status == ScorecardStatus.submitted)
        .order_by(Scorecard.id)
    ).all()
    by_task = {t: [name for name, covered in rows if t in (covered or [])]
               for t in position.tasks}
    table = pd.DataFrame({"task": list(by_task),
                          "covered_by": [", ".join(v) for v in by_task.values()],
                          "n": [len(v) for v in by_task.values()]},
                         columns=["task", "covered_by", "n"])
    # How many submitted cards recorded coverage at all (ticked one task or more).
    table.attrs["recorded"] = sum(1 for _, covered in rows if covered)
    table.attrs["submitted"] = len(rows)
    return table


class Coverage(NamedTuple):
    """What the panel's submitted cards say about the position's tasks."""
    uncovered: list[str]  # tasks no card probed, counted over the cards that recorded coverage
    recorded: int  # submitted cards that ticked any task
    submitted: int  # submitted cards


def coverage(session: Session, viewer: Viewer, candidate_id: int) -> Coverage:
    """The tasks no submitted scorecard says were probed, counted only over the cards that
    recorded coverage (when no panelist ticked any task, coverage is unknown: ticking was
    skipped, not "nothing probed", and nothing is flagged), with the cards counted. One read
    and one access check for all three (the candidate view wants them together)."""
    table = task_coverage(session, viewer, candidate_id)
    recorded = table.attrs["recorded"]
    missing = table.loc[table["n"] == 0, "task"].tolist() if recorded else []
    return Coverage(missing, recorded, table.attrs["submitted"])


def uncovered_tasks(session: Session, viewer: Viewer, candidate_id: int) -> list[str]:
    """The position's tasks that no submitted scorecard says were probed (see `coverage`)."""
    return coverage(session, viewer, candidate_id).uncovered
