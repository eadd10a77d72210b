"""Panelist calibration over all history: who scores above or below their colleagues.

Positions may use different rating scales, so every score is first put on a common 1-5 footing
(value - min) / (max - min) * 4 + 1; leniency is reported in points of a 1-5 scale and converted
back to a position's own scale when its scores are adjusted. Adjusted scores are shown beside the
raw ones and never replace them. The model is services.stats.leniency.

Who sees what: leniency shown to a viewer is computed only from the scores that viewer may see
(services.access.visible_candidates, position by position). A panelist's offset is a summary of
every score they and their colleagues gave; computed from positions hidden from a hiring
manager, it would let them read something of those scores (changing one hidden candidate's
scores moves it). So two hiring managers may see different leniency for the same panelist, each
from their own positions; admins, who see every panel, get the organisation-wide figure
(organisation_overview computes that one, for the operator and the benchmark).
"""

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
from sqlmodel import Session, select

from models import (
    Candidate,
    Interview,
    PanelMember,
    Position,
    User,
)
from services import board, stats
from services.access import manages_position, visible_candidates
from services.auth import Viewer
from services.board import Board
from services.db import bulk_arrays, gc_paused
from services.history import submitted_scores
from services.settings import get_setting
from services.stats import leniency as lenient_model

COMMON_SPAN = 4.0  # a 1-5 scale


def history(session: Session) -> pd.DataFrame:
    """Every submitted score, on the common 1-5 footing, in the stats module's long format."""
    return to_common_scale(submitted_scores(session)[0])


def to_common_scale(scores: pd.DataFrame, *, slim: bool = False) -> pd.DataFrame:
    """submitted_scores' frame as history() gives it: values on the common 1-5 footing.

    slim: only what the leniency model reads (ids and value), without copying the ids.
    """
    lo = scores["scale_min"].to_numpy(dtype=float)
    hi = scores["scale_max"].to_numpy(dtype=float)
    value = (scores["value"].to_numpy(dtype=float) - lo) / (hi - lo) * COMMON_SPAN + 1
    columns = {c: scores[c].to_numpy() for c in ("candidate_id", "panelist_id", "criterion_id")}
    if not slim:
        columns |= {"dimension": scores["dimension"], "weight": scores["weight"]}
    return pd.DataFrame({**columns, "value": value}, copy=False)


def min_shared(session: Session) -> int:
    """Shared candidates a panelist needs before their leniency is trusted (a setting)."""
    return int(get_setting(session, "calibration_min_shared"))


def visible_scores(session: Session, scores: pd.DataFrame, *, viewer: Viewer) -> pd.DataFrame:
    """The rows of submitted_scores' frame whose candidate's panel the viewer may see.

    Asked of services.access.visible_candidates for every position where the viewer sits on a
    panel. Where they sit on none, the blind rule hides nothing and the matrix alone decides
    (manages_position: all the position's candidates or none), which saves a query per
    position on the admin's organisation-wide view (tests/services/stats/test_leniency.py checks
    it against asking visible_candidates for every position).
    """
    if len(scores) == 0:
        return scores
    seated = set(session.exec(
        select(Candidate.position_id)
        .join(Interview, Interview.candidate_id == Candidate.id)
        .join(PanelMember, PanelMember.interview_id == Interview.id)
        .where(PanelMember.user_id == viewer.id)).all())
    by_position = scores[["position_id", "candidate_id"]].drop_duplicates()
    allowed: set[int] = set()
    ids_of = by_position.groupby("position_id")["candidate_id"].agg(list).to_dict()
    for position in session.exec(select(Position)).all():
        ids = [int(c) for c in ids_of.get(position.id, [])]
        if not ids:
            continue
        if position.id in seated:
            allowed |= visible_candidates(session, viewer, position, ids)
        elif manages_position(viewer, position):
            allowed.update(ids)
    return scores.loc[scores["candidate_id"].isin(allowed)]


@bulk_arrays
@gc_paused
def leniency(session: Session, scores: pd.DataFrame | None = None, *,
             viewer: Viewer) -> pd.DataFrame:
    """Each panelist's leniency (1-5 points) with uncertainty and shared-candidate count,
    computed only from the scores the viewer may see.

    `scores`: submitted_scores' frame when the caller has read it already.
    """
    raw = submitted_scores(session)[0] if scores is None else scores
    frame = to_common_scale(visible_scores(session, raw, viewer=viewer), slim=True)
    return _named(session, lenient_model.panelist_leniency(frame, min_shared=min_shared(session)))


def organisation_leniency(session: Session, scores: pd.DataFrame) -> pd.DataFrame:
    """Leniency from every submitted score: the operator's view (organisation_overview)."""
    frame = to_common_scale(scores, slim=True)
    return _named(session, lenient_model.panelist_leniency(frame, min_shared=min_shared(session)))


def _named(session: Session, table: pd.DataFrame) -> pd.DataFrame:
    names = dict(session.exec(select(User.id, User.name)).all())
    return table.assign(panelist=table["panelist_id"].map(names)).sort_values(
        "leniency", ascending=False, na_position="last", ignore_index=True)


@bulk_arrays
@gc_paused
def organisation_overview(session: Session) -> dict[str, pd.DataFrame]:
    """Everything the dashboards and the calibration page show, for the whole organisation:
    services.board.organisation_boards (every position) plus "leniency" (every panelist, from
    every submitted score: the operator's view, see organisation_leniency).

    The submitted scores are read once. Three things run at once: the names, panel sizes and
    decisions are read by a worker with its own database session (on PostgreSQL while this
    thread reads the scores); the leniency model runs in a worker while this thread computes
    the position summaries. numpy, pandas and the database drivers release the interpreter
    lock for their heavy parts, so on two cores these mostly overlap (on a million scores
    about 0.7 s in all, against 0.9 s one after the other).
    """
    fraction, scales = board.organisation_scales(session)
    minimum = min_shared(session)
    engine = session.get_bind()

    def labels() -> dict:
        with Session(engine) as own:  # a session is not shared between threads
            return board.organisation_labels(own)

    # The labels need no scores, so on PostgreSQL they are read while the scores are. SQLite
    # readers of one file slowed each other down when overlapped (0.8 s became 0.9 s on a
    # million scores), so there they are read once the scores are in.
    early = engine.dialect.name != "sqlite"
    with ThreadPoolExecutor(max_workers=2) as pool:
        named = pool.submit(labels) if early else None
        scores, cards = submitted_scores(session)
        named = named or pool.submit(labels)
        lenient = pool.submit(lenient_model.panelist_leniency, to_common_scale(scores, slim=True),
                              min_shared=minimum)
        figures = board.organisation_figures(scores, cards, scales, fraction)
        boards = board.label_figures(figures, named.result(), cards)
        table = lenient.result()
    return {**boards, "leniency": _named(session, table)}


def adjusted_summary(board: Board, table: pd.DataFrame) -> pd.DataFrame:
    """Raw and leniency-adjusted overall score and rank per candidate of a board."""
    factor = (board.scale_max - board.scale_min) / COMMON_SPAN
    on_scale = table.assign(leniency=table["leniency"] * factor)
    adjusted = lenient_model.adjust_scores(board.scores, on_scale)
    recs = board.cards[["candidate_id", "panelist_id", "recommendation"]]
    kw = {"scale_min": board.scale_min, "scale_max": board.scale_max,
          "disagreement_fraction": board.fraction, "prior": board.prior}
    raw = stats.candidate_summary(board.scores, recs, **kw)
    adj = stats.candidate_summary(adjusted.assign(value=adjusted["adjusted"]), recs, **kw)
    out = raw[["candidate_id", "overall", "rank", "tie_group"]].merge(
        adj[["candidate_id", "overall", "rank", "tie_group"]], on="candidate_id",
        suffixes=("_raw", "_adjusted"))
    names = dict(zip(board.candidates["candidate_id"], board.candidates["name"], strict=True))
    out.insert(1, "candidate", out["candidate_id"].map(names))
    return out.dropna(subset=["overall_raw"]).sort_values("rank_adjusted", ignore_index=True)
