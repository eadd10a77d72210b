"""Panelist calibration over all history: who scores above or below their colleagues.

Positions may use different rating scales, so every score is first put on a common 1-5 footing
(value - min) / (max - min) * 4 + 1; leniency is reported in points of a 1-5 scale and converted
back to a position's own scale when its scores are adjusted. Adjusted scores are shown beside the
raw ones and never replace them.
"""

import pandas as pd
from sqlmodel import Session, select

from models import (
    Criterion,
    Interview,
    Score,
    Scorecard,
    ScorecardStatus,
    ScorecardTemplate,
    User,
)
from services import stats
from services.board import Board
from services.settings import get_setting

COMMON_SPAN = 4.0  # a 1-5 scale


def history(session: Session) -> pd.DataFrame:
    """Every submitted score, on the common 1-5 footing, in the stats module's long format."""
    rows = session.exec(
        select(Interview.candidate_id, Scorecard.panelist_id, Score.criterion_id,
               Criterion.dimension, Criterion.weight, Score.value, ScorecardTemplate.scale_min,
               ScorecardTemplate.scale_max)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .join(ScorecardTemplate, ScorecardTemplate.id == Scorecard.template_id)
        .join(Score, Score.scorecard_id == Scorecard.id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Scorecard.status == ScorecardStatus.submitted)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[
        "candidate_id", "panelist_id", "criterion_id", "dimension", "weight", "value", "lo",
        "hi"])
    value = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    frame["value"] = (value - frame["lo"]) / (frame["hi"] - frame["lo"]) * COMMON_SPAN + 1
    frame["weight"] = frame["weight"].astype(float)
    return frame.drop(columns=["lo", "hi"])


def min_shared(session: Session) -> int:
    """Shared candidates a panelist needs before their leniency is trusted (a setting)."""
    return int(get_setting(session, "calibration_min_shared"))


def leniency(session: Session) -> pd.DataFrame:
    """Each panelist's leniency (1-5 points) with uncertainty and shared-candidate count."""
    table = stats.panelist_leniency(history(session), min_shared=min_shared(session))
    names = dict(session.exec(select(User.id, User.name)).all())
    return table.assign(panelist=table["panelist_id"].map(names)).sort_values(
        "leniency", ascending=False, na_position="last", ignore_index=True)


def adjusted_summary(board: Board, table: pd.DataFrame) -> pd.DataFrame:
    """Raw and leniency-adjusted overall score and rank per candidate of a board."""
    factor = (board.scale_max - board.scale_min) / COMMON_SPAN
    on_scale = table.assign(leniency=table["leniency"] * factor)
    adjusted = stats.adjust_scores(board.scores, on_scale)
    recs = board.cards[["candidate_id", "panelist_id", "recommendation"]]
    kw = {"scale_min": board.scale_min, "scale_max": board.scale_max,
          "disagreement_fraction": board.fraction}
    raw = stats.candidate_summary(board.scores, recs, **kw)
    adj = stats.candidate_summary(adjusted.assign(value=adjusted["adjusted"]), recs, **kw)
    out = raw[["candidate_id", "overall", "rank", "tie_group"]].merge(
        adj[["candidate_id", "overall", "rank", "tie_group"]], on="candidate_id",
        suffixes=("_raw", "_adjusted"))
    names = dict(zip(board.candidates["candidate_id"], board.candidates["name"], strict=True))
    out.insert(1, "candidate", out["candidate_id"].map(names))
    return out.dropna(subset=["overall_raw"]).sort_values("rank_adjusted", ignore_index=True)
