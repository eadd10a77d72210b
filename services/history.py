"""Every submitted score of the organisation, read fast: the reader behind the organisation-wide
figures (services.calibration, services.board.organisation_prior, `make bench`).
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlmodel import Session, func, select

from models import Candidate, Criterion, Interview, Scorecard, ScorecardStatus, ScorecardTemplate
from services import score_pairs
from services.db import fetch_rows, gc_paused

# What services.history reads of a submitted card, by name (see _card_columns).
_CARD_SQL = {
    "scorecard_id": Scorecard.id, "candidate_id": Interview.candidate_id,
    "position_id": Candidate.position_id, "panelist_id": Scorecard.panelist_id,
    "template_id": Scorecard.template_id, "recommendation": Scorecard.recommendation,
    "scale_min": ScorecardTemplate.scale_min, "scale_max": ScorecardTemplate.scale_max,
    "weighted_sum": Scorecard.weighted_sum, "assessed_weight": Scorecard.assessed_weight,
    "score_pairs": Scorecard.score_pairs,
}
_KINDS = {"recommendation": object, "weighted_sum": float, "assessed_weight": float}
CARD_COLUMNS = ["scorecard_id", "candidate_id", "position_id", "panelist_id", "template_id",
                "recommendation", "scale_min", "scale_max", "weighted_sum", "assessed_weight"]
PRIOR_COLUMNS = ["scorecard_id", "candidate_id", "position_id", "panelist_id", "weighted_sum",
                 "assessed_weight"]


def _card_columns(session: Session, names: list[str]) -> list[Sequence]:
    """The submitted cards' `names` (keys of _CARD_SQL), one sequence per column, straight from
    the driver (the template is joined only when its scale is asked for).

    On PostgreSQL each column comes as one array (array_agg): a single row instead of a hundred
    thousand tuples to build and then turn into columns (0.36 s instead of 0.6 s for a million
    scores). The aggregates of one query read the same rows in the same order, so the arrays
    line up row by row.
    """
    columns = [_CARD_SQL[n] for n in names]
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = (select(*(func.array_agg(c) for c in columns) if postgres else columns)
                 .select_from(Scorecard)
                 .join(Interview, Interview.id == Scorecard.interview_id)
                 .join(Candidate, Candidate.id == Interview.candidate_id))
    if {"scale_min", "scale_max"} & set(names):
        statement = statement.join(ScorecardTemplate,
                                   ScorecardTemplate.id == Scorecard.template_id)
    rows = fetch_rows(session, statement.where(Scorecard.status == ScorecardStatus.submitted))
    if postgres:
        return [list(c) if c is not None else [] for c in rows[0]]  # NULLs when there is none
    return list(zip(*rows, strict=True)) or [()] * len(names)


def _card_frame(names: list[str], by_column: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame({name: np.array(values, dtype=_KINDS.get(name, np.int64))
                         for name, values in zip(names, by_column, strict=True)})


@gc_paused
def submitted_cards(session: Session) -> pd.DataFrame:
    """The submitted cards' PRIOR_COLUMNS, without their scores: with each card's weighted sum
    and assessed weight (kept by the triggers of migration 0010) this is what the spread prior
    is fitted from (services.board.organisation_prior), a fraction of the scores' read."""
    return _card_frame(PRIOR_COLUMNS, _card_columns(session, PRIOR_COLUMNS))


@gc_paused
def submitted_scores(session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every submitted score (raw value, with its card's scale and position) and the submitted
    cards (CARD_COLUMNS), read as one row per scorecard.

    Pulling a million joined score rows through the driver costs seconds (Python builds a tuple
    per row). Each scorecard carries its scores in `score_pairs`, "criterion_id value" pairs
    written by database triggers on the score table in the same transaction as the scores
    (migration 0003), so reading ten times fewer rows gives exactly the score rows: every
    statistic is computed as from the rows themselves (tests/bench/test_bench.py proves it).
    """
    crit = pd.DataFrame(fetch_rows(session, select(Criterion.id, Criterion.dimension,
                                                   Criterion.weight)),
                        columns=["criterion_id", "dimension", "weight"])
    by_column = _card_columns(session, [*CARD_COLUMNS, "score_pairs"])
    # Each temporary below is freed once used: this runs on a million scores.
    cards = _card_frame(CARD_COLUMNS, by_column[:-1])
    texts = by_column[-1]
    del by_column
    per_card, criterion, values = score_pairs.decode(texts)
    del texts
    card_idx = np.repeat(np.arange(len(cards), dtype=np.int32), per_card)
    # criterion id -> row of `crit`, as a dense table: a million look-ups by indexing.
    known = crit["criterion_id"].to_numpy(dtype=np.int64)
    table = np.full(int(max(known.max(initial=0), criterion.max(initial=0))) + 1, -1,
                    dtype=np.int64)
    table[known] = np.arange(len(crit))
    row = table[criterion]
    del table
    if (row < 0).any():
        raise ValueError("scorecard.score_pairs names an unknown criterion")

    # Ids per row as int32 when they fit (database ids do): a million rows of int64 cost
    # 8 MB a column.
    ids = cards[["candidate_id", "panelist_id", "position_id", "scale_min", "scale_max"]]
    small = len(cards) == 0 or (int(ids.to_numpy().max()) < 2**31
                                and int(ids.to_numpy().min()) > -(2**31)
                                and int(criterion.max(initial=0)) < 2**31)
    id_type = np.int32 if small else np.int64

    def per_row(column: str) -> np.ndarray:
        return cards[column].to_numpy(dtype=id_type)[card_idx]

    scores = pd.DataFrame({
        "candidate_id": per_row("candidate_id"),
        "panelist_id": per_row("panelist_id"),
        "criterion_id": criterion.astype(id_type) if small else criterion,
        "dimension": pd.Categorical(crit["dimension"].astype(str).to_numpy())[row],
        "weight": crit["weight"].to_numpy(dtype=float)[row],
        "value": values,
        "position_id": per_row("position_id"),
        "scale_min": per_row("scale_min"),
        "scale_max": per_row("scale_max"),
    }, copy=False)
    return scores, cards
