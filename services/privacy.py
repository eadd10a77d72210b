"""Candidate data protection: what is held on a candidate, its export, retention and erasure.

Erasure removes everything held on the candidate (interviews, panels, scorecards, scores, notes,
decisions, consensus and first-interview scores) and leaves one audit row saying that an erasure
happened, with counts but no personal detail; the details of the candidate's earlier audit rows
are cleared (services.audit.redact_candidate).
"""

from datetime import timedelta

import pandas as pd
from sqlmodel import Session, delete, func, select

from models import (
    Candidate,
    ConsensusScore,
    Criterion,
    Decision,
    FirstInterviewScore,
    Interview,
    PanelMember,
    Position,
    Score,
    Scorecard,
    User,
)
from models.common import ScorecardStatus, aware, utcnow
from services import audit, audit_view
from services.access import may_read_held_cards, require_admin, require_recruiter
from services.auth import Viewer
from services.errors import NotFound
from services.i18n import _, ngettext
from services.settings import get_setting


def _candidate(session: Session, candidate_id: int) -> Candidate:
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    return candidate


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def _card(card: Scorecard, names: dict, criteria: dict, scores: list[Score]) -> dict:
    return {
        "panelist": names.get(card.panelist_id), "status": card.status,
        "submitted_at": _iso(card.submitted_at), "recommendation": card.recommendation,
        "candidate_questions": card.candidate_questions, "interest": card.interest,
        "concerns": card.concerns, "salary_heard": card.salary_heard,
        "tasks_covered": list(card.tasks_covered or []),
        "scores": [{"criterion": criteria.get(s.criterion_id), "value": s.value,
                    "not_assessed": s.not_assessed, "evidence": s.evidence} for s in scores]}


def export_candidate(session: Session, candidate_id: int, *, viewer: Viewer) -> dict:
    """What is held on one candidate that the viewer may see, as JSON-ready data; audited.

    Admins and recruiters export. The export holds the viewer's own scorecards, and colleagues'
    submitted scorecards only when the blind rule lets the viewer read them
    (services.access.may_read_held_cards); nobody's draft but the viewer's own. While the viewer
    sits unsubmitted on the panel, consensus scores and decision rationales are withheld too
    and audit rows keep the fact of each action, not its details.
    """
    require_recruiter(viewer, "export a candidate's data")
    c = _candidate(session, candidate_id)
    position = session.get(Position, c.position_id)
    cards_readable = may_read_held_cards(session, viewer, c.id)
    names = dict(session.exec(select(User.id, User.name)).all())
    criteria = dict(session.exec(select(Criterion.id, Criterion.name)).all())
    interviews = []
    withheld = 0
    for iv in session.exec(select(Interview).where(Interview.candidate_id == c.id)
                           .order_by(Interview.scheduled_at)).all():
        panel = session.exec(select(PanelMember).where(PanelMember.interview_id == iv.id)).all()
        cards = []
        for card in session.exec(select(Scorecard).where(Scorecard.interview_id == iv.id)
                                 .order_by(Scorecard.id)).all():
            own = card.panelist_id == viewer.id
            if not own and not (cards_readable and card.status == ScorecardStatus.submitted):
                withheld += 1
                continue
            scores = session.exec(select(Score).where(Score.scorecard_id == card.id)
                                  .order_by(Score.id)).all()
            cards.append(_card(card, names, criteria, scores))
        interviews.append({
            "scheduled_at": _iso(iv.scheduled_at), "setting": iv.setting,
            "location": iv.location,
            "panel": [{"name": names.get(m.user_id), "panel_role": m.panel_role} for m in panel],
            "scorecards": cards})
    decisions = session.exec(select(Decision).where(Decision.candidate_id == c.id)
                             .order_by(Decision.decided_at)).all()
    consensus = session.exec(select(ConsensusScore)
                             .where(ConsensusScore.candidate_id == c.id)).all()
    first = session.exec(select(FirstInterviewScore)
                         .where(FirstInterviewScore.candidate_id == c.id)).all()
    events = audit_view.list_candidate_events(session, c.id, viewer=viewer)
    data = {
        "exported_at": _iso(utcnow()),
        "exported_by": viewer.name,
        "candidate": {"name": c.name, "email": c.email, "stage": c.stage,
                      "position": position.title if position else None,
                      "salary_expectation": c.salary_expectation,
                      "first_interview_notes": c.first_interview_notes,
                      "revisit_questions": c.revisit_questions,
                      "created_at": _iso(c.created_at)},
        "interviews": interviews,
        "decisions": [{"outcome": d.outcome,
                       "rationale": d.rationale if cards_readable else None,
                       "decided_by": names.get(d.decided_by), "decided_at": _iso(d.decided_at)}
                      for d in decisions],
        "consensus": [{"criterion": criteria.get(r.criterion_id), "value": r.value,
                       "note": r.note, "recorded_by": names.get(r.recorded_by),
                       "recorded_at": _iso(r.recorded_at)}
                      for r in (consensus if cards_readable else [])],
        "first_interview_scores": [{"criterion": criteria.get(r.criterion_id), "value": r.value,
                                    "note": r.note} for r in first],
        "audit": [{"at": _iso(e["at"]), "actor": e["actor"], "action": e["action"],
                   "detail": e["detail"]} for e in events],
    }
    if not cards_readable:
        data["withheld"] = ngettext(
            "{n} scorecard of other panelists, consensus scores, decision rationales and audit "
            "details are withheld: you sit on this candidate's panel and have not submitted "
            "your own scorecard (blind scoring). Export again after submitting, or ask a "
            "recruiter who is not on the panel.",
            "{n} scorecards of other panelists, consensus scores, decision rationales and audit "
            "details are withheld: you sit on this candidate's panel and have not submitted "
            "your own scorecard (blind scoring). Export again after submitting, or ask a "
            "recruiter who is not on the panel.", withheld).format(n=withheld)
    elif withheld:
        data["withheld"] = ngettext("{n} unsubmitted draft scorecard of other panelists.",
                                    "{n} unsubmitted draft scorecards of other panelists.",
                                    withheld).format(n=withheld)
    audit.record(session, "candidate_exported", actor=viewer, entity="candidate",
                 entity_id=c.id, candidate_id=c.id)
    session.commit()
    return data


def erase_candidate(session: Session, candidate_id: int, *, viewer: Viewer) -> dict[str, int]:
    """Erase a candidate and everything held on them (admins only); returns what was removed."""
    require_admin(viewer, "erase a candidate")
    c = _candidate(session, candidate_id)
    interview_ids = list(session.exec(select(Interview.id)
                                      .where(Interview.candidate_id == c.id)).all())
    card_ids = list(session.exec(select(Scorecard.id)
                                 .where(Scorecard.interview_id.in_(interview_ids))).all())
    steps = [
        ("scores", delete(Score).where(Score.scorecard_id.in_(card_ids))),
        ("scorecards", delete(Scorecard).where(Scorecard.id.in_(card_ids))),
        ("panel seats", delete(PanelMember).where(PanelMember.interview_id.in_(interview_ids))),
        ("interviews", delete(Interview).where(Interview.id.in_(interview_ids))),
        ("decisions", delete(Decision).where(Decision.candidate_id == c.id)),
        ("consensus scores", delete(ConsensusScore).where(ConsensusScore.candidate_id == c.id)),
        ("first-interview scores",
         delete(FirstInterviewScore).where(FirstInterviewScore.candidate_id == c.id)),
    ]
    counts = {name: session.execute(stmt).rowcount for name, stmt in steps}
    session.delete(c)
    counts["candidates"] = 1
    counts["audit rows redacted"] = audit.redact_candidate(session, candidate_id)
    audit.record(session, "candidate_erased", actor=viewer, entity="candidate",
                 entity_id=candidate_id, candidate_id=candidate_id, detail={"removed": counts})
    session.commit()
    return counts


def retention_days(session: Session) -> int:
    """Days after their last activity that a candidate's data is kept (0: no limit)."""
    return int(get_setting(session, "retention_days") or 0)


def past_retention(session: Session, *, viewer: Viewer) -> pd.DataFrame:
    """Candidates whose last activity is older than the retention period (admins only)."""
    require_admin(viewer, "review retention")
    columns = ["candidate_id", "name", "position", "stage", "last_activity"]
    days = retention_days(session)
    if days <= 0:
        return pd.DataFrame(columns=columns)
    last_interview = (select(Interview.candidate_id, func.max(Interview.scheduled_at).label("t"))
                      .group_by(Interview.candidate_id).subquery())
    last_decision = (select(Decision.candidate_id, func.max(Decision.decided_at).label("t"))
                     .group_by(Decision.candidate_id).subquery())
    rows = session.exec(
        select(Candidate.id, Candidate.name, Position.title, Candidate.stage,
               Candidate.created_at, last_interview.c.t, last_decision.c.t)
        .join(Position, Position.id == Candidate.position_id)
        .outerjoin(last_interview, last_interview.c.candidate_id == Candidate.id)
        .outerjoin(last_decision, last_decision.c.candidate_id == Candidate.id)
    ).all()
    cutoff = utcnow() - timedelta(days=days)
    out = []
    for cid, name, title, stage, *times in rows:
        last = max(aware(t) for t in times if t is not None)
        if last < cutoff:
            out.append((cid, name, title, stage, last))
    return pd.DataFrame(out, columns=columns).sort_values("last_activity", ignore_index=True)
