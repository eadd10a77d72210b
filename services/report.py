"""A position's aggregate as plain data: what `manage.py report` writes (JSON or CSV).

JSON schema (documented in README):
{
  "position": str, "scale": [min, max], "disagreement_fraction": float,
  "ranking_statement": str (the one sentence on what the scores settle),
  "spread_prior": {"variance", "df", "n_candidates", "source"} (the organisation's typical
                  panel spread the bands borrow, on a 1-5 footing; source history/default),
  "candidates": [{"candidate", "overall", "ci": [low, high], "band" (own panel / leans on
                  history / one panelist: width from history), "dimensions": {technical,
                  social, company}, "n_panelists", "recommendations": {strong_no, no, yes,
                  strong_yes}, "disagreements": [{"criterion", "kind", "spread", "detail"}],
                  "rank", "could_rank": [best, worst], "letters" (sharing a letter = not
                  separated), "p_best" (chance of being truly best, top three only, else
                  null), "consensus": {criterion: value}}],
  "reliability": {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k", "alpha_interval",
                  "alpha_ordinal", "n_candidates", "n_panelists", "reading"},
  "weight_sensitivity": {"stable", "baseline_top": [candidate], "changes": [...]},
  "panelists": [{"name", "leniency", "se", "n_shared", "enough_data"}]
}
Numbers are rounded to 6 decimals; a value that cannot be computed is null.
"""

import math

import pandas as pd
from sqlmodel import Session, select

from models import ConsensusScore, Criterion, Position
from services import calibration, stats
from services.access import OPERATOR
from services.auth import Viewer
from services.board import band_text, load_board, ranking_statement
from services.board import reliability as board_reliability
from services.board import sensitivity as board_sensitivity
from services.errors import NotFound
from services.exports_safety import csv_text
from services.i18n import _


def _num(value) -> float | int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    if isinstance(value, bool):
        return value
    return round(float(value), 6)


def position_by_title(session: Session, title: str) -> Position:
    """The position with this exact title."""
    position = session.exec(select(Position).where(Position.title == title.strip())).first()
    if position is None:
        raise NotFound(_("no position titled {title!r}").format(title=title))
    return position


def consensus_map(session: Session, candidate_ids: list[int]) -> pd.DataFrame:
    """Recorded consensus scores of these candidates with criterion names."""
    rows = session.exec(
        select(ConsensusScore.candidate_id, ConsensusScore.criterion_id, Criterion.name,
               ConsensusScore.value, ConsensusScore.note)
        .join(Criterion, Criterion.id == ConsensusScore.criterion_id)
        .where(ConsensusScore.candidate_id.in_(candidate_ids))
    ).all()
    return pd.DataFrame([tuple(r) for r in rows],
                        columns=["candidate_id", "criterion_id", "criterion", "value", "note"])


def position_report(session: Session, position_id: int, viewer: Viewer = OPERATOR) -> dict:
    """The position's aggregate: candidates, reliability, weight sensitivity, panelists."""
    board = load_board(session, position_id, viewer)
    summary = board.summary
    names = dict(zip(board.candidates["candidate_id"], board.candidates["name"], strict=True))
    consensus = consensus_map(session, list(names))
    candidates = []
    for row in summary.sort_values("rank").itertuples(index=False):
        agenda = board.agenda[board.agenda["candidate_id"] == row.candidate_id]
        agreed = consensus[consensus["candidate_id"] == row.candidate_id]
        candidates.append({
            "candidate": row.name,
            "overall": _num(row.overall),
            "ci": [_num(row.ci_low), _num(row.ci_high)],
            "dimensions": {d: _num(getattr(row, d)) for d in stats.DIMENSIONS},
            "n_panelists": int(row.n_panelists),
            "recommendations": {r: int(getattr(row, f"rec_{r}"))
                                for r in stats.RECOMMENDATIONS},
            "disagreements": [
                {"criterion": None if pd.isna(a.criterion) else a.criterion, "kind": a.kind,
                 "spread": _num(a.spread), "detail": a.detail}
                for a in agenda.itertuples(index=False)],
            "rank": int(row.rank),
            "could_rank": ([None, None] if pd.isna(row.rank_best)
                           else [int(row.rank_best), int(row.rank_worst)]),
            "letters": row.letters or None,
            "p_best": _num(row.p_best),
            "band": band_text(row.history_share, int(row.n_panelists)) or None,
            "consensus": dict(zip(agreed["criterion"], agreed["value"].astype(int),
                                  strict=True)),
        })
    reliability = {k: (_num(v) if k not in ("reading", "crossed") else v)
                   for k, v in board_reliability(board).items()}
    for k in ("n_candidates", "n_panelists"):
        reliability[k] = int(reliability[k])
    moved = board_sensitivity(board)
    crit_names = dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))
    sensitivity = {
        "stable": moved["stable"],
        "baseline_top": moved["baseline_names"],
        "changes": [{"criterion": crit_names.get(ch["criterion_id"]),
                     "direction": ch["direction"], "top": [names.get(c) for c in ch["top"]]}
                    for ch in moved["changes"]],
    }
    table = calibration.leniency(session, viewer=viewer)
    here = set(board.scores["panelist_id"])
    panelists = [
        {"name": r.panelist, "leniency": _num(r.leniency), "se": _num(r.se),
         "n_shared": int(r.n_shared), "enough_data": bool(r.enough_data)}
        for r in table.itertuples(index=False) if r.panelist_id in here
    ]
    return {
        "position": board.position.title,
        "scale": [board.scale_min, board.scale_max],
        "disagreement_fraction": board.fraction,
        "ranking_statement": ranking_statement(board),
        "spread_prior": {"variance": _num(board.prior.variance), "df": _num(board.prior.df),
                         "n_candidates": board.prior.n_candidates,
                         "source": board.prior.source},
        "candidates": candidates,
        "reliability": reliability,
        "weight_sensitivity": sensitivity,
        "panelists": sorted(panelists, key=lambda p: p["name"]),
    }


def report_csv(report: dict) -> pd.DataFrame:
    """The report's candidates as one flat row each."""
    rows = []
    for c in report["candidates"]:
        rows.append({
            "position": report["position"], "rank": c["rank"],
            "could_rank": _rank_range(c["could_rank"]), "letters": c["letters"],
            "p_best": c["p_best"], "candidate": c["candidate"], "overall": c["overall"],
            "ci_low": c["ci"][0], "ci_high": c["ci"][1], "band": c["band"],
            **c["dimensions"], "n_panelists": c["n_panelists"],
            **{f"rec_{k}": v for k, v in c["recommendations"].items()},
            "n_disagreements": len(c["disagreements"]),
            "ranking_statement": report["ranking_statement"],
        })
    return pd.DataFrame(rows)


def _rank_range(pair: list) -> str | None:
    """[1, 3] -> '1-3'; [2, 2] -> '2' (plain hyphen: a CSV cell, not a typeset range)."""
    best, worst = pair
    if best is None:
        return None
    return str(best) if best == worst else f"{best}-{worst}"


def report_csv_text(report: dict) -> str:
    """The report's candidates as CSV text, safe to open in a spreadsheet."""
    return csv_text(report_csv(report))
