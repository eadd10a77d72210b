"""First-interview scores on the position's criteria, and the change at the second interview.

The change per criterion is the second-interview panel's mean minus the first-interview score.
Criteria are matched by name, so a template edited between the interviews still compares where
a criterion kept its name.
"""

import pandas as pd
from sqlmodel import Session, select

from models import Candidate, Criterion, FirstInterviewScore
from services.access import is_recruiter, may_see_panel
from services.auth import Viewer
from services.errors import InvalidInput, NotAllowed, NotFound
from services.i18n import _
from services.positions import criteria_of, current_template

FIRST_COLUMNS = ["criterion_id", "criterion", "value", "note"]


def may_see_candidate_notes(session: Session, viewer: Viewer, candidate_id: int) -> bool:
    """Recruiters (who run the first interview) and whoever may see the panel's scores."""
    return is_recruiter(viewer) or may_see_panel(session, viewer, candidate_id)


def first_scores(session: Session, viewer: Viewer, candidate_id: int) -> pd.DataFrame:
    """The candidate's first-interview scores with criterion names (checked for the viewer)."""
    if not may_see_candidate_notes(session, viewer, candidate_id):
        raise NotAllowed(_("You may not see this candidate's scores."))
    rows = session.exec(
        select(FirstInterviewScore.criterion_id, Criterion.name, FirstInterviewScore.value,
               FirstInterviewScore.note)
        .join(Criterion, Criterion.id == FirstInterviewScore.criterion_id)
        .where(FirstInterviewScore.candidate_id == candidate_id)
        .order_by(Criterion.position_order, Criterion.id)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=FIRST_COLUMNS)


def save_first_scores(session: Session, viewer: Viewer, candidate_id: int,
                      values: dict[int, int | None]) -> int:
    """Set the first-interview score per criterion (None clears it), all or nothing."""
    if not is_recruiter(viewer):
        raise NotAllowed(_("Only recruiters and admins record first-interview scores."))
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    template = current_template(session, candidate.position_id)
    criteria = {c.id: c for c in criteria_of(session, template.id)}
    problems = []
    for cid, value in values.items():
        if cid not in criteria:
            problems.append(_("Criterion {id}: not on this position's scorecard").format(id=cid))
        elif value is not None and not template.scale_min <= int(value) <= template.scale_max:
            problems.append(_("{criterion}: {value} is outside the scale {low} to {high}")
                            .format(criterion=criteria[cid].name, value=value,
                                    low=template.scale_min, high=template.scale_max))
    if problems:
        raise InvalidInput(problems)
    existing = {s.criterion_id: s for s in session.exec(
        select(FirstInterviewScore).where(FirstInterviewScore.candidate_id == candidate_id))}
    for cid, value in values.items():
        row = existing.get(cid)
        if value is None:
            if row is not None:
                session.delete(row)
            continue
        row = row or FirstInterviewScore(candidate_id=candidate_id, criterion_id=cid, value=0)
        row.value = int(value)
        session.add(row)
    session.commit()
    return sum(v is not None for v in values.values())


def change_per_criterion(first: pd.DataFrame, scores: pd.DataFrame,
                         names: dict[int, str]) -> pd.DataFrame:
    """Per criterion: first-interview score, second-interview panel mean, and the change.

    `scores` holds the second interview's scores of one candidate (criterion_id, value);
    `names` maps criterion ids to names. Criteria missing on either side are left out.
    """
    columns = ["criterion", "first", "second", "change"]
    if first.empty or scores.empty:
        return pd.DataFrame(columns=columns)
    second = (scores.assign(criterion=scores["criterion_id"].map(names))
              .dropna(subset=["criterion", "value"])
              .groupby("criterion", sort=False)["value"].mean())
    out = first[["criterion", "value"]].rename(columns={"value": "first"})
    out = out[out["criterion"].isin(second.index)].copy()
    out["second"] = out["criterion"].map(second).astype(float)
    out["change"] = out["second"] - out["first"].astype(float)
    return out[columns].reset_index(drop=True)


def first_score_form(session: Session, viewer: Viewer,
                     candidate_id: int) -> tuple[tuple[int, int], list, dict]:
    """What the entry form needs: the scale, the current criteria, the scores given so far."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    template = current_template(session, candidate.position_id)
    given = first_scores(session, viewer, candidate_id)
    return ((template.scale_min, template.scale_max), criteria_of(session, template.id),
            dict(zip(given["criterion_id"], given["value"].astype(int), strict=True)))
