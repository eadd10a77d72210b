"""Weight sensitivity: would the top of the ranking change if one criterion weighed more or less?

Weight sensitivity
------------------
Each criterion's weight is moved up and down by a fraction (one criterion at a time, all others
fixed) and the ranking recomputed; the result lists the perturbations that change who is on top.
"""

import numpy as np
import pandas as pd

from services.stats._frames import (
    _clean_scores,
    _rank_order,
    _ratio_or_nan,
    _span,
    _weighted_sums,
)


def _top(s: pd.DataFrame, top_n: int) -> list[int]:
    """The top_n scored candidates, best first, as ranked by candidate_summary."""
    tot = _weighted_sums(s, ["candidate_id", "panelist_id"])
    overall = _ratio_or_nan(tot["_wv"], tot["_w"]).groupby(level="candidate_id").mean()
    overall = overall.dropna()
    order = _rank_order(overall.index.to_numpy(), overall.to_numpy())
    return [int(c) for c in overall.index[order][:top_n]]


def weight_sensitivity(scores: pd.DataFrame, recs: pd.DataFrame | None = None, *,
                       scale_min: int = 1, scale_max: int = 5, delta: float = 0.2,
                       top_n: int = 1) -> dict:
    """Which single-criterion weight changes of +-delta would change the top_n candidates."""
    # recs is accepted for symmetry with candidate_summary: recommendations carry no weight,
    # and candidates without any score are never "on top".
    del recs
    _span(scale_min, scale_max)
    if not 0 < delta < 1:
        raise ValueError("delta must be between 0 and 1")
    s = _clean_scores(scores)
    baseline = _top(s, top_n)
    changes = []
    pct = f"{round(delta * 100, 6):g}%"
    for crit in sorted(set(s["criterion_id"].tolist())):
        hit = (s["criterion_id"] == crit).to_numpy()
        for sign, direction in ((1, f"+{pct}"), (-1, f"-{pct}")):
            moved = s.assign(weight=np.where(hit, s["weight"] * (1 + sign * delta), s["weight"]))
            top = _top(moved, top_n)
            if top != baseline:
                changes.append({"criterion_id": int(crit), "direction": direction, "top": top})
    return {"stable": not changes, "baseline_top": baseline, "changes": changes}
