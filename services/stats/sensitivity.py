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
    _pair_codes,
    _rank_order,
    _span,
)


def weight_sensitivity(scores: pd.DataFrame, recs: pd.DataFrame | None = None, *,
                       scale_min: int = 1, scale_max: int = 5, delta: float = 0.2,
                       top_n: int = 1) -> dict:
    """Which single-criterion weight changes of +-delta would change the top_n candidates.

    Each ranking (the baseline and each perturbed one) is candidate_summary's order of the
    scored candidates on the scores with that one weight moved. It is computed from
    per-(candidate, panelist) sums made once (moving criterion c's weight by a factor adds that
    factor times c's part to each pair's sums), not by regrouping the scores for every
    criterion and direction (tests/services/stats/test_stats.py checks it against
    candidate_summary on the moved scores)."""
    # recs is accepted for symmetry with candidate_summary: recommendations carry no weight,
    # and candidates without any score are never "on top".
    del recs
    _span(scale_min, scale_max)
    if not 0 < delta < 1:
        raise ValueError("delta must be between 0 and 1")
    s = _clean_scores(scores)
    changes = []
    pct = f"{round(delta * 100, 6):g}%"
    if s.empty:
        return {"stable": True, "baseline_top": [], "changes": changes}
    pair, pair_cand, _pair_pan = _pair_codes(s["candidate_id"].to_numpy(),
                                             s["panelist_id"].to_numpy())
    cand_code, cand_ids = pd.factorize(pair_cand, sort=True)
    value = s["value"].to_numpy()
    assessed = ~np.isnan(value)
    w = np.where(assessed, s["weight"].to_numpy(), 0.0)
    wv = np.where(assessed, value * w, 0.0)
    n_pairs = len(pair_cand)
    base_w = np.bincount(pair, weights=w, minlength=n_pairs)
    base_wv = np.bincount(pair, weights=wv, minlength=n_pairs)
    baseline = _top_of_pairs(base_wv, base_w, cand_code, cand_ids, top_n)
    criterion = s["criterion_id"].to_numpy()
    for crit in np.unique(criterion).tolist():
        hit = criterion == crit
        crit_w = np.bincount(pair[hit], weights=w[hit], minlength=n_pairs)
        crit_wv = np.bincount(pair[hit], weights=wv[hit], minlength=n_pairs)
        for sign, direction in ((1, f"+{pct}"), (-1, f"-{pct}")):
            factor = sign * delta
            top = _top_of_pairs(base_wv + factor * crit_wv, base_w + factor * crit_w,
                                cand_code, cand_ids, top_n)
            if top != baseline:
                changes.append({"criterion_id": int(crit), "direction": direction, "top": top})
    return {"stable": not changes, "baseline_top": baseline, "changes": changes}


def _top_of_pairs(pair_wv: np.ndarray, pair_w: np.ndarray, cand_code: np.ndarray,
                  cand_ids: np.ndarray, top_n: int) -> list[int]:
    """The top_n scored candidates, best first, from each (candidate, panelist) pair's weighted
    sums: a pair's overall is their ratio (none where nothing was assessed), a candidate's the
    mean of its pairs' overalls, ordered as candidate_summary orders them (_rank_order)."""
    scored = pair_w > 0
    overall = np.divide(pair_wv, pair_w, out=np.zeros_like(pair_wv), where=scored)
    n = np.bincount(cand_code[scored], minlength=len(cand_ids))
    total = np.bincount(cand_code[scored], weights=overall[scored], minlength=len(cand_ids))
    keep = n > 0
    ids, mean = np.asarray(cand_ids)[keep], total[keep] / n[keep]
    order = _rank_order(ids, mean)
    return [int(c) for c in ids[order][:top_n]]
