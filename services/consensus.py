"""Consensus scores agreed at the debrief, kept apart from the independent scores."""

import pandas as pd
from sqlmodel import Session, select

from models import Candidate, ConsensusInput, ConsensusScore, Criterion, Position, utcnow
from services import audit
from services.access import manages_position
from services.auth import Viewer
from services.errors import InvalidInput, NotAllowed, NotFound, validated
from services.i18n import _
from services.positions import current_template


def record_consensus(session: Session, viewer: Viewer,
                     data: ConsensusInput | dict) -> ConsensusScore:
    """Record (or revise) the agreed score of one criterion for a candidate."""
    data = validated(ConsensusInput, data)
    candidate = session.get(Candidate, data.candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    position = session.get(Position, candidate.position_id)
    if not manages_position(viewer, position):
        raise NotAllowed(_("Only this position's hiring manager and admins record consensus."))
    criterion = session.get(Criterion, data.criterion_id)
    template = current_template(session, position.id)
    if criterion is None or criterion.template_id != template.id:
        raise InvalidInput(_("Criterion: not part of this position's scorecard"))
    if not template.scale_min <= data.value <= template.scale_max:
        raise InvalidInput(_("{criterion}: consensus {value} is outside the scale {low} to "
                             "{high}").format(criterion=criterion.name, value=data.value,
                                              low=template.scale_min, high=template.scale_max))
    row = session.exec(select(ConsensusScore).where(
        ConsensusScore.candidate_id == data.candidate_id,
        ConsensusScore.criterion_id == data.criterion_id)).first()
    old = None if row is None else {"value": row.value, "note": row.note}
    row = row or ConsensusScore(candidate_id=data.candidate_id, criterion_id=data.criterion_id,
                                value=data.value, recorded_by=viewer.id)
    row.value, row.note, row.recorded_by, row.recorded_at = (data.value, data.note, viewer.id,
                                                              utcnow())
    session.add(row)
    session.flush()
    audit.record(session, "consensus_recorded", actor=viewer, entity="consensus",
                 entity_id=row.id, candidate_id=data.candidate_id,
                 detail={"criterion_id": criterion.id, "criterion": criterion.name, "old": old,
                         "new": {"value": data.value, "note": data.note}})
    session.commit()
    session.refresh(row)
    return row


def consensus_beside_independent(scores: pd.DataFrame, consensus: pd.DataFrame,
                                 criteria: pd.DataFrame) -> pd.DataFrame:
    """Per criterion of one candidate: independent mean and range, consensus, and the change."""
    stats_ = (scores.groupby("criterion_id")["value"]
              .agg(independent_mean="mean", low="min", high="max").reset_index())
    out = criteria[["criterion_id", "name"]].merge(stats_, on="criterion_id", how="left")
    agreed = consensus[["criterion_id", "value", "note"]].rename(columns={"value": "consensus"})
    out = out.merge(agreed, on="criterion_id", how="left")
    out["change"] = out["consensus"] - out["independent_mean"]
    return out
