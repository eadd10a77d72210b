"""Aggregation: panelists' and candidates' scores, their intervals, ranks and letters, for one
position or many at once (position_summaries, the one pipeline every view calls).

Scores
------
* A panelist's score for a candidate (overall, and per dimension) is the weighted mean of the
  criteria they assessed. The weights are renormalised over what was assessed, so skipping a
  criterion neither drags the score down nor up.
* A candidate's score is the plain mean of their panelists' scores: each panelist counts once,
  however many criteria they assessed.
* Intervals. The uncertainty band around a candidate's overall score answers "how far might this
  score move with a different panel of the same size?", treating panelists as a sample of
  possible panelists. Panels are small (2 to 4), so each candidate's spread borrows strength
  from the organisation's history (empirical Bayes, Smyth 2004 as in limma's moderated t): the
  variances s_i^2 of panelists' overall scores around each candidate's mean, over every
  candidate of the history with two or more panelists (1-5 footing: times (4 / span)^2), are
  modelled as s_i^2 ~ sigma_i^2 chi2(d_i) / d_i with 1 / sigma_i^2 ~ chi2(d0) / (d0 s0^2), d_i =
  n_i - 1, so s_i^2 / s0^2 ~ F(d_i, d0); d0 and s0^2 are the maximum-likelihood fit of that F
  model (ranking.fit_spread_prior; limma's moments of log s_i^2 overstate s0^2 when panels have
  one or two degrees of freedom). d0 is kept within [1, min(100, sum d_i)]; variances below 1e-5
  of the median (exact agreement) are left out of the fit; with fewer than 10 usable candidates
  the default prior is used (s0 = 1 point on 1-5, d0 = 2). A candidate's spread is then s~_i^2 =
  (d0 s0^2 + d_i s_i^2) / (d0 + d_i) (s0^2 on the position's scale) and the band is ybar_i +-
  t(d0 + d_i) * s~_i / sqrt(n_i), clipped to the scale: also the Bayesian posterior interval of
  the candidate's level under a flat prior on it. A single panelist gets s0^2 on d0 degrees of
  freedom; agreement by chance never yields a zero-width band. `history_share` = d0 / (d0 +
  d_i): a band "leans on history" when it is 0.5 or more. The prior is fitted on whatever
  `scores` the batch is given (the organisation, for position_summaries from services.board /
  calibration), or passed in (`prior=`: organisation_prior, the same fit from each card's
  weighted sums kept by the database, which every view is given).
* Ranking is by overall score, best first; exact ties go to the lower candidate id and
  candidates without any score come last.
* Letters, tie groups, possible ranks and the chance of being best: services.stats.ranking
  (its docstring is their specification), on each candidate's moderated spread above;
  the pairwise tests use the position's pooled spread with the same prior.
"""

import numpy as np
import pandas as pd

from services.stats import ranking
from services.stats._frames import (
    _DECIMALS,
    _SCORE_INPUT,
    DIMENSIONS,
    RECOMMENDATIONS,
    _as_categories,
    _check_confidence,
    _clean_recs,
    _clean_scores,
    _empty,
    _int_ids,
    _many_rec_counts,
    _pair_codes,
    _ratio_or_nan,
    _span,
    _steps,
    _weighted_sums,
)
from services.stats.agenda import _many_disagreements
from services.stats.reliability import _many_reliability

PANELIST_COLUMNS = ["candidate_id", "panelist_id", "overall", *DIMENSIONS, "n_assessed"]
SUMMARY_COLUMNS = ["candidate_id", "overall", *DIMENSIONS, "n_panelists", "ci_low", "ci_high",
                   "spread_df", "history_share", "rank", "rank_best", "rank_worst", "letters",
                   "tie_group", "p_best", "n_yes", "n_no",
                   *(f"rec_{r}" for r in RECOMMENDATIONS),
                   "split_recommendation", "n_disagreements", "disagreement"]


def panelist_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Each panelist's weighted score per candidate, overall and per dimension."""
    s = _clean_scores(scores)
    keys = ["candidate_id", "panelist_id"]
    if s.empty:
        return _empty(PANELIST_COLUMNS, ints=("candidate_id", "panelist_id", "n_assessed"))
    tot = _weighted_sums(s, keys)
    out = pd.DataFrame(index=tot.index)
    out["overall"] = _ratio_or_nan(tot["_wv"], tot["_w"])
    dims = _weighted_sums(s, [*keys, "dimension"])
    by_dim = _ratio_or_nan(dims["_wv"], dims["_w"]).unstack("dimension")
    for dim in DIMENSIONS:
        out[dim] = by_dim[dim].reindex(out.index) if dim in by_dim else np.nan
    out["n_assessed"] = tot["_n"].astype(np.int64)
    return out.reset_index()[PANELIST_COLUMNS]


def candidate_summary(scores: pd.DataFrame, recs: pd.DataFrame | None, *, scale_min: int = 1,
                      scale_max: int = 5, disagreement_fraction: float = 0.5,
                      confidence: float = 0.95,
                      prior: ranking.SpreadPrior | None = None) -> pd.DataFrame:
    """One row per candidate: scores, uncertainty band, rank, letters, chance of being best,
    votes, disagreement. One position of position_summaries (the same code computes both);
    `prior` is the organisation's spread (default: fitted on these scores alone)."""
    _span(scale_min, scale_max)
    _check_confidence(confidence)
    s = _clean_scores(scores)
    r = _clean_recs(recs)
    if s.empty and r.empty:
        return _empty(SUMMARY_COLUMNS,
                      ints=("candidate_id", "n_panelists", "rank", "tie_group", "n_yes", "n_no",
                            *(f"rec_{x}" for x in RECOMMENDATIONS), "n_disagreements"),
                      bools=("split_recommendation", "disagreement"), strings=("letters",))
    one = np.zeros(len(r), dtype=np.int64)
    rec_frame = pd.DataFrame({"candidate_id": r["candidate_id"], "panelist_id": r["panelist_id"],
                              "recommendation": [RECOMMENDATIONS[x] if x >= 0 else None
                                                 for x in r["step"].tolist()],
                              "position_id": one})
    scales = pd.DataFrame({"position_id": [0], "scale_min": [scale_min],
                           "scale_max": [scale_max]})
    summary, _, _ = position_summaries(s.assign(position_id=np.zeros(len(s), dtype=np.int64)),
                                       rec_frame, scales,
                                       disagreement_fraction=disagreement_fraction,
                                       confidence=confidence, prior=prior)
    return summary[SUMMARY_COLUMNS].reset_index(drop=True)


def position_summaries(scores: pd.DataFrame, recs: pd.DataFrame | None, scales: pd.DataFrame,
                       *, disagreement_fraction: float = 0.5, confidence: float = 0.95,
                       prior: ranking.SpreadPrior | None = None
                       ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """candidate_summary, disagreements and reliability of many positions in one pass.

    `scores` and `recs` are the usual frames plus `position_id`; `scales` has position_id,
    scale_min and scale_max. Each position is treated exactly as its own board: the same
    numbers as candidate_summary / disagreements / reliability(panelist_scores(...)) called
    per position, computed with group-wise vector operations so thousands of positions cost
    about as much as one big one. Returns (summary, agenda, reliability), each with position_id.
    """
    _check_confidence(confidence)
    missing = [c for c in (*_SCORE_INPUT, "position_id") if c not in scores.columns]
    if missing:
        raise ValueError(f"scores lacks column(s): {', '.join(missing)}")
    # Plain arrays: a million rows through DataFrame selections cost more than the statistics.
    dim = _as_categories(scores["dimension"])
    pos_all, cand, pan, crit = (_int_ids(scores[c])
                                for c in ("position_id", "candidate_id", "panelist_id",
                                          "criterion_id"))
    v = pd.to_numeric(scores["value"]).to_numpy(dtype=float)
    r = _steps(recs)
    sc = scales.set_index("position_id")[["scale_min", "scale_max"]]
    if ((sc["scale_max"] <= sc["scale_min"]).any()):
        raise ValueError("scale_max must be greater than scale_min")

    ps = _panelist_level(pos_all, cand, pan, v, scores["weight"], dim)

    # Candidate level: mean of panelists; the spread shrunk towards the organisation's
    # (services.ranking, see "Intervals" above).
    g = ps.groupby(["position_id", "candidate_id"], sort=True)
    cands = g[["overall", *DIMENSIONS]].mean()
    rec_ids = r[["position_id", "candidate_id"]].drop_duplicates().set_index(
        ["position_id", "candidate_id"]).index
    index = cands.index.union(rec_ids).sort_values()
    out = cands.reindex(index)
    n = g["overall"].count().reindex(index, fill_value=0).astype(np.int64)
    var = g["overall"].var().reindex(index)
    out["n_panelists"] = n
    pos_of = index.get_level_values("position_id").to_numpy()
    lo_scale = sc["scale_min"].reindex(pos_of).to_numpy(dtype=float)
    hi_scale = sc["scale_max"].reindex(pos_of).to_numpy(dtype=float)
    span = hi_scale - lo_scale
    n_arr = n.to_numpy()
    own_var = var.to_numpy(dtype=float)
    if prior is None:
        prior = _fit_prior(own_var, n_arr, span)
    mod_var, spread_df, history_share = ranking.moderated_variance(own_var, n_arr, prior, span)
    with np.errstate(invalid="ignore", divide="ignore"):
        var_mean = np.where(n_arr >= 1, mod_var / np.where(n_arr >= 1, n_arr, 1), np.nan)
    half = ranking.t_quantile((1 + confidence) / 2, spread_df) * np.sqrt(var_mean)
    mid = out["overall"].to_numpy()
    out["ci_low"] = np.clip(mid - half, lo_scale, hi_scale)
    out["ci_high"] = np.clip(mid + half, lo_scale, hi_scale)
    scored = ~np.isnan(mid)
    out["spread_df"] = np.where(scored, spread_df, np.nan)
    out["history_share"] = np.where(scored, history_share, np.nan)
    out["_var_mean"] = var_mean
    # The ranking's tests use the position's pooled spread (prior included).
    pos_code = pd.factorize(pos_of)[0]
    pool_var, pool_df = ranking.pooled_variance(pos_code, own_var, n_arr, prior, span)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["_pool_var_mean"] = pool_var / np.where(n_arr >= 1, n_arr, np.nan)
    out["_pool_df"] = pool_df

    counts = _many_rec_counts(r).reindex(index.get_level_values("candidate_id"))
    for col in ("n_yes", "n_no", *(f"rec_{x}" for x in RECOMMENDATIONS)):
        out[col] = counts[col].fillna(0).astype(np.int64).to_numpy()
    out["split_recommendation"] = counts["split_recommendation"].fillna(False).astype(
        bool).to_numpy()

    agenda = _many_disagreements(pos_all, cand, crit, v, ~np.isnan(v), r, sc,
                                 disagreement_fraction)
    flagged = agenda.loc[agenda["kind"] == "criterion"].groupby("candidate_id").size()
    out["n_disagreements"] = flagged.reindex(index.get_level_values("candidate_id"),
                                             fill_value=0).astype(np.int64).to_numpy()
    out["disagreement"] = (out["n_disagreements"] > 0) | out["split_recommendation"]

    out = out.reset_index()
    key = np.round(out["overall"].to_numpy(dtype=float), _DECIMALS)
    missing = np.isnan(key)
    order = np.lexsort((out["candidate_id"].to_numpy(), np.where(missing, 0.0, -key), missing,
                        out["position_id"].to_numpy()))
    out = out.iloc[order].reset_index(drop=True)
    out["rank"] = (out.groupby("position_id").cumcount() + 1).astype(np.int64)
    _rank_statements(out, 1 - confidence)
    summary = out[["position_id", *SUMMARY_COLUMNS]]
    return summary, agenda, _many_reliability(ps)


def _panelist_level(pos_all: np.ndarray, cand: np.ndarray, pan: np.ndarray, v: np.ndarray,
                    weight: pd.Series, dim: pd.Categorical) -> pd.DataFrame:
    """Panelist level: weighted sums per (candidate, panelist), overall and per dimension,
    with bincount over one integer key (a groupby over a million rows costs ten times more).
    One row per (candidate, panelist) with position_id, overall and each dimension."""
    assessed = ~np.isnan(v)
    w = np.where(assessed, pd.to_numeric(weight).to_numpy(dtype=float), 0.0)
    wv = np.where(assessed, v * w, 0.0)
    code, key_cand, key_pan = _pair_codes(cand, pan, sort=True)
    n_keys = len(key_cand)

    def total(weights: np.ndarray) -> pd.Series:
        return pd.Series(np.bincount(code, weights=weights, minlength=n_keys))

    ps = pd.DataFrame({"candidate_id": key_cand, "panelist_id": key_pan})
    ps["overall"] = _ratio_or_nan(total(wv), total(w)).to_numpy()
    labels = [str(c) for c in dim.categories]
    dim_code = dim.codes
    for d in DIMENSIONS:
        if d in labels:
            hit = dim_code != labels.index(d)
            ps[d] = _ratio_or_nan(total(np.where(hit, 0.0, wv)),
                                  total(np.where(hit, 0.0, w))).to_numpy()
            del hit
        else:
            ps[d] = np.nan
    first = np.zeros(n_keys, dtype=np.int64)
    first[code] = pos_all
    ps.insert(0, "position_id", first)
    return ps


def _fit_prior(own_var: np.ndarray, n: np.ndarray, span: np.ndarray) -> ranking.SpreadPrior:
    """The spread prior from each candidate's variance of panelists' overall scores (on its
    position's scale, `span` wide) on the common footing; see "Intervals" above."""
    return ranking.fit_spread_prior(own_var * (ranking.COMMON_SPAN / span) ** 2, n - 1)


def organisation_prior(cards: pd.DataFrame, scales: pd.DataFrame) -> ranking.SpreadPrior:
    """The spread prior of the organisation, from its submitted cards: what every board, the
    report, exports and the organisation-wide run are given (`prior=`), one fit for all.

    `cards` has scorecard_id, position_id, candidate_id, panelist_id and each card's
    weighted_sum and assessed_weight (services.history.submitted_cards: kept by the database
    with the scores); `scales` has position_id, scale_min and scale_max. A panelist's overall is
    the sum of their cards' weighted sums over the sum of their assessed weights (the weighted
    mean position_summaries makes from the score rows: equal but for the order of the
    additions), and the fit is position_summaries' own (`prior=None`), see "Intervals" above.
    Cards are taken in scorecard order, so the same cards give the same prior to the last bit.
    """
    order = np.argsort(cards["scorecard_id"].to_numpy(dtype=np.int64), kind="stable")

    def column(name: str, kind=np.int64) -> np.ndarray:
        return cards[name].to_numpy(dtype=kind)[order]

    code, key_cand, _key_pan = _pair_codes(column("candidate_id"), column("panelist_id"),
                                           sort=True)
    n_keys = len(key_cand)
    overall = _ratio_or_nan(
        pd.Series(np.bincount(code, weights=column("weighted_sum", float), minlength=n_keys)),
        pd.Series(np.bincount(code, weights=column("assessed_weight", float),
                              minlength=n_keys)))
    position = np.zeros(n_keys, dtype=np.int64)
    position[code] = column("position_id")
    ps = pd.DataFrame({"position_id": position, "candidate_id": key_cand,
                       "overall": overall.to_numpy()})
    g = ps.groupby(["position_id", "candidate_id"], sort=True)["overall"]
    var, n = g.var(), g.count()
    sc = scales.set_index("position_id")[["scale_min", "scale_max"]]
    pos_of = var.index.get_level_values("position_id").to_numpy()
    span = (sc["scale_max"].reindex(pos_of).to_numpy(dtype=float)
            - sc["scale_min"].reindex(pos_of).to_numpy(dtype=float))
    return _fit_prior(var.to_numpy(dtype=float), n.to_numpy(), span)


def _rank_statements(out: pd.DataFrame, alpha: float) -> None:
    """Letters, tie group, possible ranks and chance of being best, for rows sorted by
    (position, rank) with the scored candidates first in each position (see "Ranking
    statements" above). Adds the columns in place."""
    scored = out["overall"].notna().to_numpy()
    rows = np.flatnonzero(scored)
    seg = pd.factorize(out["position_id"].to_numpy()[rows], sort=True)[0]
    k = np.bincount(seg)[seg] if seg.size else seg
    mean = out["overall"].to_numpy(dtype=float)[rows]
    var_mean = out["_var_mean"].to_numpy(dtype=float)[rows]
    df = out["spread_df"].to_numpy(dtype=float)[rows]
    i, j, separated = ranking.pairwise_separated(
        seg, mean, out["_pool_var_mean"].to_numpy(dtype=float)[rows],
        out["_pool_df"].to_numpy(dtype=float)[rows], k, alpha)
    first, last = ranking.letter_groups(seg, i, j, separated)
    letters = np.full(len(out), "", dtype=object)
    letters[rows] = ranking.letter_names(first, last)
    out["letters"] = letters
    # Rank of each scored row within its position (0-based), and its stretch ends.
    starts = np.r_[0, np.flatnonzero(np.diff(seg)) + 1] if seg.size else seg
    base = np.repeat(starts, np.diff(np.r_[starts, len(seg)])) if seg.size else seg
    local = np.arange(len(seg)) - base
    # The rows sharing any letter run from the start of the first letter's stretch to the
    # end of the last one's: the ranks a candidate could hold.
    reach_end, reach_start = _stretch_bounds(seg, first, last, local)
    groups = np.zeros(len(out), dtype=np.int64)
    groups[rows] = first + 1
    # Candidates without any score share one group after the last letter of their position.
    pos = out["position_id"].to_numpy()
    most = pd.Series(groups).groupby(pos).transform("max").to_numpy()
    groups[~scored] = most[~scored] + 1
    out["tie_group"] = groups
    rank_best = np.full(len(out), np.nan)
    rank_worst = np.full(len(out), np.nan)
    rank_best[rows] = reach_start + 1
    rank_worst[rows] = reach_end + 1
    out["rank_best"] = rank_best
    out["rank_worst"] = rank_worst
    top = local < ranking.TOP_N
    p_best = np.full(len(out), np.nan)
    with np.errstate(invalid="ignore"):
        scale_sd = np.sqrt(var_mean)
    p_best[rows] = ranking.chance_best(seg, mean, scale_sd, df, top & (k >= 1))
    out["p_best"] = p_best
    for col in ("_var_mean", "_pool_var_mean", "_pool_df"):
        del out[col]


def _stretch_bounds(seg: np.ndarray, first: np.ndarray, last: np.ndarray,
                    local: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each scored row, the lowest and highest local rank of the rows sharing a letter
    with it: (end of its last letter's stretch, start of its first letter's stretch)."""
    if seg.size == 0:
        return seg, seg
    # Per (position, letter): the first and last local rank holding it.
    n_let = int(last.max()) + 1
    width = last - first + 1
    key_rows = np.repeat(np.arange(len(seg)), width)
    letter = first[key_rows] + np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
    key = seg[key_rows].astype(np.int64) * n_let + letter
    lo = pd.Series(local[key_rows]).groupby(key).min()
    hi = pd.Series(local[key_rows]).groupby(key).max()
    own_first = seg.astype(np.int64) * n_let + first
    own_last = seg.astype(np.int64) * n_let + last
    return hi.reindex(own_last).to_numpy(), lo.reindex(own_first).to_numpy()
