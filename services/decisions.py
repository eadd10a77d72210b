"""Hiring decisions: advance, offer, hold or reject, with a rationale, by the position's manager."""

from sqlmodel import Session

from models import Candidate, Decision, DecisionCreate, Outcome, Position, Stage
from services import audit
from services.access import manages_position
from services.auth import Viewer
from services.errors import NotAllowed, NotFound, validated
from services.i18n import _

# A decision moves the candidate's stage; "advance" keeps the stage and is the note to proceed.
STAGE_AFTER = {Outcome.offer: Stage.offer, Outcome.hold: Stage.on_hold,
               Outcome.reject: Stage.rejected}


def record_decision(session: Session, viewer: Viewer, data: DecisionCreate | dict) -> Decision:
    """Record a decision on a candidate; older decisions stay as history."""
    data = validated(DecisionCreate, data)
    candidate = session.get(Candidate, data.candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    if not manages_position(viewer, session.get(Position, candidate.position_id)):
        raise NotAllowed(_("Only this position's hiring manager and admins record decisions."))
    decision = Decision.model_validate(data, update={"decided_by": viewer.id})
    session.add(decision)
    old_stage = candidate.stage
    if data.outcome in STAGE_AFTER:
        candidate.stage = STAGE_AFTER[data.outcome]
        session.add(candidate)
    session.flush()
    audit.record(session, "decision_recorded", actor=viewer, entity="decision",
                 entity_id=decision.id, candidate_id=candidate.id,
                 detail={"outcome": str(data.outcome), "rationale": data.rationale,
                         "stage": {"old": old_stage, "new": candidate.stage}})
    session.commit()
    session.refresh(decision)
    return decision
