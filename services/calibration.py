"""Panelist calibration over all history: who scores above or below their colleagues.

Positions may use different rating scales, so every score is first put on a common 1-5 footing
(value - min) / (max - min) * 4 + 1; leniency is reported in points of a 1-5 scale and converted
back to a position's own scale when its scores are adjusted. Adjusted scores are shown beside the
raw ones and never replace them.
"""

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, case, cast
from sqlmodel import Session, func, select

from models import (
    Candidate,
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
    packed = submitted_scores(session)
    if packed is not None:
        return to_common_scale(packed[0])
    return _history_rows(session)


def to_common_scale(scores: pd.DataFrame) -> pd.DataFrame:
    """submitted_scores' frame as history() gives it: values on the common 1-5 footing."""
    lo = scores["scale_min"].to_numpy(dtype=float)
    hi = scores["scale_max"].to_numpy(dtype=float)
    value = (scores["value"].to_numpy(dtype=float) - lo) / (hi - lo) * COMMON_SPAN + 1
    return pd.DataFrame({
        "candidate_id": scores["candidate_id"], "panelist_id": scores["panelist_id"],
        "criterion_id": scores["criterion_id"], "dimension": scores["dimension"],
        "weight": scores["weight"], "value": value})


# A criterion's score travels as 5 bits of a 64-bit integer per scorecard: 0 no score row,
# 1 not assessed, value + 2 otherwise; 12 criteria to a word.
_BITS = 5
_PER_WORD = 12


def submitted_scores(session: Session) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Every submitted score (raw value, with its card's scale and position) and the submitted
    cards, read as one aggregate row per scorecard; None when the data cannot be packed.

    Pulling a million joined rows through the driver costs seconds (Python builds a tuple per
    row); grouping by scorecard in SQL and packing each card's scores into integers moves ten
    times fewer rows and loses nothing, so every statistic is computed exactly as from the
    rows. Counts and sums of the values come along to prove the unpacking; any mismatch (a
    value outside 0-29, a criterion of another template, an order beyond the words) returns None
    and the caller reads the rows instead.
    """
    crit = pd.DataFrame(session.exec(
        select(Criterion.id, Criterion.template_id, Criterion.position_order,
               Criterion.dimension, Criterion.weight)).all(),
        columns=["criterion_id", "template_id", "order", "dimension", "weight"])
    if crit.empty:
        return None
    orders = crit["order"].to_numpy()
    if orders.min() < 0 or crit.duplicated(["template_id", "order"]).any():
        return None
    n_words = int(orders.max()) // _PER_WORD + 1
    code = cast(case((Score.value.is_(None), 1), else_=Score.value + 2), BigInteger)
    words = []
    for word in range(n_words):
        shifted = code.op("<<")(_BITS * (Criterion.position_order - _PER_WORD * word))
        if n_words > 1:
            low = _PER_WORD * word
            shifted = case((Criterion.position_order.between(low, low + _PER_WORD - 1),
                            shifted), else_=0)
        words.append(cast(func.sum(shifted), BigInteger))
    per_card = _fetch(session,
        select(Score.scorecard_id, func.count(), func.count(Score.value),
               func.coalesce(func.sum(Score.value), 0), func.min(Criterion.template_id),
               func.max(Criterion.template_id), *words)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .group_by(Score.scorecard_id))
    cards = pd.DataFrame(_fetch(session,
        select(Scorecard.id, Interview.candidate_id, Candidate.position_id, Scorecard.panelist_id,
               Scorecard.template_id, Scorecard.recommendation, ScorecardTemplate.scale_min,
               ScorecardTemplate.scale_max)
        .join(Interview, Interview.id == Scorecard.interview_id)
        .join(Candidate, Candidate.id == Interview.candidate_id)
        .join(ScorecardTemplate, ScorecardTemplate.id == Scorecard.template_id)
        .where(Scorecard.status == ScorecardStatus.submitted)),
        columns=["scorecard_id", "candidate_id", "position_id", "panelist_id", "template_id",
                 "recommendation", "scale_min", "scale_max"])
    packed = pd.DataFrame(np.array(per_card, dtype=np.int64).reshape(-1, 6 + n_words),
                          columns=["scorecard_id", "rows", "assessed", "total", "tmin", "tmax",
                                   *range(n_words)])
    packed = cards.merge(packed, on="scorecard_id", how="inner")
    if (packed["tmin"] != packed["template_id"]).any() or (
            packed["tmax"] != packed["template_id"]).any():
        return None
    bits = packed[list(range(n_words))].to_numpy(dtype=np.int64)
    shifts = np.arange(_PER_WORD, dtype=np.int64) * _BITS
    codes = ((bits[:, :, None] >> shifts) & (2**_BITS - 1)).reshape(len(packed), -1)
    card_idx, slot = np.nonzero(codes)
    values = codes[card_idx, slot].astype(float) - 2
    values[values < 0] = np.nan
    per_card_rows = np.bincount(card_idx, minlength=len(packed))
    per_card_n = np.bincount(card_idx, weights=~np.isnan(values), minlength=len(packed))
    per_card_sum = np.bincount(card_idx, weights=np.nan_to_num(values), minlength=len(packed))
    if not (np.array_equal(per_card_rows, packed["rows"].to_numpy())
            and np.array_equal(per_card_n, packed["assessed"].to_numpy())
            and np.array_equal(per_card_sum, packed["total"].to_numpy(dtype=float))):
        return None
    # (template, order) -> criterion row, as a dense table: a million look-ups by indexing.
    table = np.full((int(crit["template_id"].max()) + 1, codes.shape[1]), -1, dtype=np.int64)
    table[crit["template_id"].to_numpy(), orders] = np.arange(len(crit))
    template = packed["template_id"].to_numpy(dtype=np.int64)[card_idx]
    row = table[template, slot]
    if (row < 0).any():
        return None

    def per_row(column: str) -> np.ndarray:
        return packed[column].to_numpy(dtype=np.int64)[card_idx]

    scores = pd.DataFrame({
        "candidate_id": per_row("candidate_id"),
        "panelist_id": per_row("panelist_id"),
        "criterion_id": crit["criterion_id"].to_numpy(dtype=np.int64)[row],
        "dimension": pd.Categorical(crit["dimension"].astype(str).to_numpy())[row],
        "weight": crit["weight"].to_numpy(dtype=float)[row],
        "value": values,
        "position_id": per_row("position_id"),
        "scale_min": per_row("scale_min"),
        "scale_max": per_row("scale_max"),
    })
    return scores, cards


def _fetch(session: Session, statement) -> list[tuple]:
    """Rows of a statement straight from the driver's cursor (no per-row ORM work)."""
    conn = session.connection()
    compiled = statement.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _history_rows(session: Session) -> pd.DataFrame:
    """history() the plain way, one joined row per score (when packing does not apply)."""
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


def leniency(session: Session, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each panelist's leniency (1-5 points) with uncertainty and shared-candidate count.

    `scores`: submitted_scores' frame when the caller has read it already.
    """
    frame = history(session) if scores is None else to_common_scale(scores)
    table = stats.panelist_leniency(frame, min_shared=min_shared(session))
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
