"""The statistics behind the hiring manager's dashboard: pure functions over pandas DataFrames.

Nothing here touches Streamlit or the database; every function takes plain frames (the score and
recommendation frames described below) and returns frames, dicts or numbers.

Inputs
------
`scores` is long: one row per (candidate, panelist, criterion) with the criterion's `dimension`
("technical", "social" or "company"), its `weight` (> 0) and the `value` given. A missing value
means "not assessed": it is left out of every average and never counts as zero. `recs` holds each
panelist's overall recommendation for a candidate (strong_no < no < yes < strong_yes, or empty).

Scores
------
* A panelist's score for a candidate (overall, and per dimension) is the weighted mean of the
  criteria they assessed. The weights are renormalised over what was assessed, so skipping a
  criterion neither drags the score down nor up.
* A candidate's score is the plain mean of their panelists' scores: each panelist counts once,
  however many criteria they assessed.
* Intervals. The uncertainty band around a candidate's overall score answers "how far might
  this score move with a different panel of the same size?", treating panelists as a sample of
  possible panelists. Panels are small (2 to 4), so each candidate's spread borrows strength
  from the organisation's history (empirical Bayes, Smyth 2004 as in limma's moderated t):
  the variances s_i^2 of panelists' overall scores around each candidate's mean, over every
  candidate of the history with two or more panelists (1-5 footing: times (4 / span)^2), are
  modelled as s_i^2 ~ sigma_i^2 chi2(d_i) / d_i with 1 / sigma_i^2 ~ chi2(d0) / (d0 s0^2),
  d_i = n_i - 1; d0 and s0^2 come from the mean and variance of log s_i^2 (method of moments,
  ranking.fit_spread_prior). d0 is kept within [1, min(100, sum d_i)]; variances below 1e-5
  of the median (exact agreement) are left out of the fit; with fewer than 10 usable
  candidates the default prior is used (s0 = 1 point on 1-5, d0 = 2). A candidate's spread is
  then s~_i^2 = (d0 s0^2 + d_i s_i^2) / (d0 + d_i) (s0^2 on the position's scale) and the band
  is ybar_i +- t(d0 + d_i) * s~_i / sqrt(n_i), clipped to the scale: also the Bayesian
  posterior interval of the candidate's level under a flat prior on it. A single panelist gets
  s0^2 on d0 degrees of freedom; agreement by chance never yields a zero-width band.
  `history_share` = d0 / (d0 + d_i): a band "leans on history" when it is 0.5 or more.
  The prior is fitted on whatever `scores` the batch is given (the organisation, for
  position_summaries from services.board / calibration), or passed in (`prior=`, the board's
  organisation_prior, the same fit read through SQL).
* Ranking is by overall score, best first; exact ties go to the lower candidate id and
  candidates without any score come last.
* Ranking statements. Separation between candidates i and j of a position: |ybar_i - ybar_j|
  / sqrt(s_p^2 (1/n_i + 1/n_j)) above the Student t quantile at level 1 - (1 - alpha)^(1/m)
  (Sidak over the m = k(k-1)/2 pairs of the k scored candidates, alpha = 1 - confidence), on
  d0 + sum d_i degrees of freedom, where s_p^2 = (d0 s0^2 + sum d_i s_i^2) / (d0 + sum d_i) is
  the position's pooled spread with the prior as one more term. With all candidates equal and
  the spread homogeneous, any separation is claimed in at most alpha of positions. Letters
  (compact letter display; sharing a letter = not separated): "not separated" is widened to
  stretches of the ranking (i and j not separated => nobody between them is separated from
  either), so the display never shows an order the tests did not find; row a is tied with
  rows a..M(a), M = running maximum of each row's furthest unseparated partner, and each
  stretch not inside the previous one is a letter (a, b, ..., z, a2, ...). `tie_group` is the
  number of a candidate's first letter (1 = a); candidates without a score share one group
  after the last letter. `rank_best` / `rank_worst` are the ranks of the first and last row
  sharing a letter with the candidate.
* Chance of being best (`p_best`, the top three scored candidates of each position): each
  candidate's level is taken as ybar_i + s~_i / sqrt(n_i) * t(d0 + d_i), independently (the
  posterior behind the bands); P(i best) = integral over u in (0, 1) of prod_{j != i}
  F_j(Q_i(u)), by a 24-point Gauss-Legendre rule (deterministic; rivals whose 1 - 1e-9
  quantile lies below i's lowest node are left out, changing nothing beyond 1e-9).
* The sentence on what the scores settle comes from ranking.ranking_sentence alone.

Disagreements (the debrief agenda)
----------------------------------
* A criterion is flagged for a candidate when its scores range over at least `fraction` of the
  scale's span (with the default 0.5 on a 1-5 scale: 2 points or more).
* A recommendation is split when at least one panelist said yes/strong yes and at least one said
  no/strong no. Its spread is the distance between the lowest and highest recommendation on the
  four steps, as a share of the three steps, times the scale's span, so it sorts alongside the
  score ranges.

Panel reliability
-----------------
* Intraclass correlations (ICC1, ICC2, ICC3 and their k-rater averages) follow Shrout & Fleiss
  (1979) and McGraw & Wong (1996), from the mean squares of a two-way ANOVA (candidates x
  panelists). ICC1 treats panelists as interchangeable, ICC2 measures absolute agreement, ICC3
  consistency (a panelist who is uniformly harsher does not count against it). They need every
  panelist to have scored every candidate (a fully crossed design), otherwise they are not given.
* Krippendorff's alpha copes with incomplete panels, which is what interviews produce. It is
  1 - observed disagreement / disagreement expected by chance, computed from the coincidence
  matrix (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"). For the interval
  metric this reduces to comparing the within-candidate spread with the overall spread; the
  ordinal metric is the same computation on each value's mid-rank among all paired values, which
  is exactly Krippendorff's ordinal distance. Candidates scored by a single panelist are not
  pairable and are left out.
* The ordinal metric ranks values rounded to 9 decimals (_DECIMALS): weighted means of the
  same scores summed in another order differ in the last bits and must tie.
* The plain-language reading uses Krippendorff's benchmarks for alpha: >= 0.8 high (reliable),
  >= 0.667 moderate (tentative conclusions only), below that low. When alpha is unavailable it
  falls back to ICC2 with Koo & Li's (2016) benchmarks: >= 0.75 high (good or excellent),
  >= 0.5 moderate, below that low (poor).

Panelist calibration
--------------------
Leniency (the additive model, its standard errors and what counts as enough data) lives in
services/leniency.py, whose docstring is its specification.

Weight sensitivity
------------------
Each criterion's weight is moved up and down by a fraction (one criterion at a time, all others
fixed) and the ranking recomputed; the result lists the perturbations that change who is on top.
"""

import numpy as np
import pandas as pd
from scipy import special

from services import ranking

DIMENSIONS = ("technical", "social", "company")
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")
ICC_TYPES = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")

PANELIST_COLUMNS = ["candidate_id", "panelist_id", "overall", *DIMENSIONS, "n_assessed"]
CRITERION_COLUMNS = ["candidate_id", "criterion_id", "dimension", "weight", "n", "mean",
                     "median", "min", "max", "range", "std"]
SUMMARY_COLUMNS = ["candidate_id", "overall", *DIMENSIONS, "n_panelists", "ci_low", "ci_high",
                   "spread_df", "history_share", "rank", "rank_best", "rank_worst", "letters",
                   "tie_group", "p_best", "n_yes", "n_no",
                   *(f"rec_{r}" for r in RECOMMENDATIONS),
                   "split_recommendation", "n_disagreements", "disagreement"]
AGENDA_COLUMNS = ["candidate_id", "kind", "criterion_id", "spread", "detail"]
CRITERION_RELIABILITY_COLUMNS = ["criterion_id", "alpha_interval", "alpha_ordinal",
                                 "n_candidates", "reading"]

_SCORE_INPUT = ["candidate_id", "panelist_id", "criterion_id", "dimension", "weight", "value"]
_REC_STEP = {name: step for step, name in enumerate(RECOMMENDATIONS)}
_REC_WORDS = {"strong_yes": "strong yes", "yes": "yes", "no": "no", "strong_no": "strong no"}
# Float sums of equal scores can differ in the last bits; this keeps them equal when ranking
# and when testing a range against the disagreement threshold.
_DECIMALS = 9
_EPS = 1e-9


# ---------------------------------------------------------------------------------------------
# Input cleaning
# ---------------------------------------------------------------------------------------------

def _clean_scores(scores: pd.DataFrame | None) -> pd.DataFrame:
    """The score columns this module uses, with fixed dtypes and a fresh index."""
    if scores is None or len(scores) == 0:
        return pd.DataFrame({
            "candidate_id": np.array([], dtype=np.int64),
            "panelist_id": np.array([], dtype=np.int64),
            "criterion_id": np.array([], dtype=np.int64),
            "dimension": pd.Categorical([], categories=pd.Index([], dtype=object)),
            "weight": np.array([], dtype=float),
            "value": np.array([], dtype=float),
        })
    missing = [c for c in _SCORE_INPUT if c not in scores.columns]
    if missing:
        raise ValueError(f"scores lacks column(s): {', '.join(missing)}")
    return pd.DataFrame({
        "candidate_id": scores["candidate_id"].to_numpy(dtype=np.int64),
        "panelist_id": scores["panelist_id"].to_numpy(dtype=np.int64),
        "criterion_id": scores["criterion_id"].to_numpy(dtype=np.int64),
        "dimension": _as_categories(scores["dimension"]),
        "weight": pd.to_numeric(scores["weight"]).to_numpy(dtype=float),
        "value": pd.to_numeric(scores["value"]).to_numpy(dtype=float),
    })


def _as_categories(column: pd.Series) -> pd.Categorical:
    """Labels as a categorical of plain strings (cheap on millions of rows)."""
    if isinstance(column.dtype, pd.CategoricalDtype):  # only the few categories need work
        codes, uniques = column.cat.codes.to_numpy(), column.cat.categories
    else:
        codes, uniques = pd.factorize(column.to_numpy(dtype=object))
    # str() turns enum members into their plain values; an enum member and its plain string
    # then name the same category.
    names = pd.Index([str(u) for u in uniques], dtype=object)
    labels = names.unique()
    if len(labels) < len(names):
        codes = np.where(codes >= 0, labels.get_indexer(names)[np.maximum(codes, 0)], -1)
    return pd.Categorical.from_codes(codes, categories=labels)


def _clean_recs(recs: pd.DataFrame | None) -> pd.DataFrame:
    """candidate_id, panelist_id and the recommendation's step (0-3, or -1 when absent)."""
    if recs is None or len(recs) == 0:
        return pd.DataFrame({"candidate_id": np.array([], dtype=np.int64),
                             "panelist_id": np.array([], dtype=np.int64),
                             "step": np.array([], dtype=np.int64)})
    missing = [c for c in ("candidate_id", "panelist_id", "recommendation")
               if c not in recs.columns]
    if missing:
        raise ValueError(f"recs lacks column(s): {', '.join(missing)}")
    steps = []
    for rec in recs["recommendation"]:
        if rec is None or (isinstance(rec, float) and np.isnan(rec)) or rec is pd.NA:
            steps.append(-1)
            continue
        name = str(rec)
        if name == "":
            steps.append(-1)
        elif name in _REC_STEP:
            steps.append(_REC_STEP[name])
        else:
            # A silently ignored typo would make a split panel look unanimous.
            raise ValueError(f"unknown recommendation {name!r}")
    return pd.DataFrame({
        "candidate_id": recs["candidate_id"].to_numpy(dtype=np.int64),
        "panelist_id": recs["panelist_id"].to_numpy(dtype=np.int64),
        "step": np.array(steps, dtype=np.int64),
    })


def _span(scale_min: int, scale_max: int) -> float:
    """The width of the scale; refuses an empty scale."""
    if scale_max <= scale_min:
        raise ValueError("scale_max must be greater than scale_min")
    return float(scale_max - scale_min)


def _check_confidence(confidence: float) -> None:
    """Refuses a confidence level outside (0, 1)."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")


def _fmt(x: float) -> str:
    """A number in plain words: 2, 2.5, 3.33."""
    return f"{round(float(x), 2):g}"


def _plural(n: float, word: str) -> str:
    """'1 point' / '2 points'."""
    return f"{_fmt(n)} {word}" if abs(n - 1) < _EPS else f"{_fmt(n)} {word}s"


# ---------------------------------------------------------------------------------------------
# Aggregation
# ---------------------------------------------------------------------------------------------

def _weighted_sums(s: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sums of weight and weight*value over assessed rows, plus the count assessed."""
    assessed = s["value"].notna().to_numpy()
    w = np.where(assessed, s["weight"].to_numpy(), 0.0)
    wv = np.where(assessed, s["value"].to_numpy() * w, 0.0)
    parts = s[keys].assign(_w=w, _wv=wv, _n=assessed.astype(np.int64))
    return parts.groupby(keys, sort=True, observed=True)[["_w", "_wv", "_n"]].sum()


def _ratio_or_nan(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den, NaN where nothing was assessed (den == 0)."""
    return (num / den.where(den > 0)).astype(float)


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


def criterion_stats(scores: pd.DataFrame) -> pd.DataFrame:
    """Spread of the assessed values per (candidate, criterion)."""
    s = _clean_scores(scores)
    if s.empty:
        return _empty(CRITERION_COLUMNS, ints=("candidate_id", "criterion_id", "n"),
                      strings=("dimension",))
    g = s.groupby(["candidate_id", "criterion_id"], sort=True)
    out = g.agg(dimension=("dimension", "first"), weight=("weight", "first"))
    out["dimension"] = out["dimension"].astype(object)
    val = g["value"].agg(["count", "mean", "median", "min", "max", "std"])
    out["n"] = val["count"].astype(np.int64)
    for col in ("mean", "median", "min", "max"):
        out[col] = val[col].astype(float)
    out["range"] = out["max"] - out["min"]
    out["std"] = val["std"].astype(float)  # pandas std is ddof=1 and NaN for n < 2
    return out.reset_index()[CRITERION_COLUMNS]


def _empty(columns: list[str], *, ints: tuple[str, ...] = (), bools: tuple[str, ...] = (),
           strings: tuple[str, ...] = ()) -> pd.DataFrame:
    """An empty frame with the given columns and sensible dtypes."""
    data = {}
    for col in columns:
        if col in ints:
            data[col] = np.array([], dtype=np.int64)
        elif col in bools:
            data[col] = np.array([], dtype=bool)
        elif col in strings:
            data[col] = np.array([], dtype=object)
        else:
            data[col] = np.array([], dtype=float)
    return pd.DataFrame(data, columns=columns)


def _t_quantile(p: float, df):
    """Student t quantile (scipy.stats.t.ppf) from scipy.special, which loads in a fraction of
    scipy.stats' time and memory (about 35 MB less resident). Degrees of freedom repeat a
    lot across candidates, so each distinct one is computed once."""
    df = np.asarray(df, dtype=float)
    if df.ndim == 0:
        return special.stdtrit(df, p)
    distinct, where = np.unique(df, return_inverse=True)
    return special.stdtrit(distinct, p)[where].reshape(df.shape)


def _t_interval(mean: np.ndarray, sd: np.ndarray, n: np.ndarray,
                confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Student t-interval mean +- t * sd / sqrt(n); NaN where n < 2."""
    n = np.asarray(n, dtype=float)
    ok = n >= 2
    df = np.where(ok, n - 1, 1.0)
    t = _t_quantile((1 + confidence) / 2, df)
    half = np.where(ok, t * np.asarray(sd, dtype=float) / np.sqrt(np.where(ok, n, 1.0)), np.nan)
    return mean - half, mean + half


def _rank_order(ids: np.ndarray, overall: np.ndarray) -> np.ndarray:
    """Positions sorting candidates best first; ties by id; no score last."""
    key = np.round(np.asarray(overall, dtype=float), _DECIMALS)
    missing = np.isnan(key)
    return np.lexsort((np.asarray(ids), np.where(missing, 0.0, -key), missing))


def _recommendation_counts(r: pd.DataFrame) -> pd.DataFrame:
    """Per candidate: counts of each recommendation, yes/no totals and whether it is split."""
    counts = pd.DataFrame(index=pd.Index(sorted(set(r["candidate_id"])), name="candidate_id"))
    for step, name in enumerate(RECOMMENDATIONS):
        hit = r.loc[r["step"] == step].groupby("candidate_id").size()
        counts[f"rec_{name}"] = hit.reindex(counts.index, fill_value=0).astype(np.int64)
    counts["n_yes"] = counts["rec_yes"] + counts["rec_strong_yes"]
    counts["n_no"] = counts["rec_no"] + counts["rec_strong_no"]
    counts["split_recommendation"] = (counts["n_yes"] > 0) & (counts["n_no"] > 0)
    return counts


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


# ---------------------------------------------------------------------------------------------
# Debrief agenda
# ---------------------------------------------------------------------------------------------

def disagreements(scores: pd.DataFrame, recs: pd.DataFrame | None, *, scale_min: int = 1,
                  scale_max: int = 5, fraction: float = 0.5) -> pd.DataFrame:
    """The debrief agenda: flagged criteria and split recommendations, largest spread first."""
    span = _span(scale_min, scale_max)
    rows: list[dict] = []
    cs = criterion_stats(scores)
    threshold = fraction * span
    flagged = cs.loc[(cs["n"] >= 2) & (cs["range"] >= threshold - _EPS)]
    for row in flagged.itertuples(index=False):
        rows.append({
            "candidate_id": int(row.candidate_id), "kind": "criterion",
            "criterion_id": float(row.criterion_id), "spread": float(row.range),
            "detail": f"scores range {_fmt(row.min)} to {_fmt(row.max)} "
                      f"({_plural(row.range, 'point')})",
        })

    r = _clean_recs(recs)
    given = r.loc[r["step"] >= 0]
    counts = _recommendation_counts(given)
    steps = given.groupby("candidate_id")["step"].agg(["min", "max"])
    for cid, row in counts.loc[counts["split_recommendation"]].iterrows():
        words = [f"{row[f'rec_{name}']} {_REC_WORDS[name]}"
                 for name in reversed(RECOMMENDATIONS) if row[f"rec_{name}"] > 0]
        step_gap = steps.at[cid, "max"] - steps.at[cid, "min"]
        rows.append({
            "candidate_id": int(cid), "kind": "recommendation", "criterion_id": np.nan,
            "spread": float(step_gap) / (len(RECOMMENDATIONS) - 1) * span,
            "detail": "split: " + ", ".join(words),
        })

    if not rows:
        return _empty(AGENDA_COLUMNS, ints=("candidate_id",), strings=("kind", "detail"))
    out = pd.DataFrame(rows, columns=AGENDA_COLUMNS)
    out["criterion_id"] = out["criterion_id"].astype(float)
    out = out.assign(_key=-out["spread"].round(_DECIMALS))
    out = out.sort_values(["_key", "candidate_id", "kind", "criterion_id"], kind="stable")
    return out.drop(columns="_key").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Reliability
# ---------------------------------------------------------------------------------------------

def _none_iccs() -> dict[str, float | None]:
    """All ICCs undefined."""
    return dict.fromkeys(ICC_TYPES)


def _ratio(num: float, den: float, scale: float) -> float | None:
    """num / den, or None when the denominator vanishes (relative to the terms in it)."""
    # Denominators such as MSB + (MSJ - MSE) / n can cancel to rounding noise.
    if not np.isfinite(den) or abs(den) <= 1e-12 * scale:
        return None
    return float(num / den)


def icc(ratings: pd.DataFrame | np.ndarray) -> dict[str, float | None]:
    """Shrout & Fleiss ICCs of a fully crossed targets x raters matrix (else all None)."""
    x = np.asarray(ratings, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2 or np.isnan(x).any():
        return _none_iccs()
    if np.ptp(x) == 0:
        return _none_iccs()
    n, k = x.shape
    grand = x.mean()
    row_m = x.mean(axis=1)
    col_m = x.mean(axis=0)
    ss_rows = k * ((row_m - grand) ** 2).sum()
    ss_cols = n * ((col_m - grand) ** 2).sum()
    # The residual directly, rather than total minus the rest, to avoid cancellation.
    ss_err = ((x - row_m[:, None] - col_m[None, :] + grand) ** 2).sum()
    # Equal means computed in floating point differ in the last bits; a sum of squares that is
    # rounding noise must count as zero, or a 0/0 would come out as a huge number.
    noise = 1e-12 * ((x - grand) ** 2).sum()
    ss_rows, ss_cols, ss_err = (0.0 if ss <= noise else ss for ss in (ss_rows, ss_cols, ss_err))
    msb = ss_rows / (n - 1)
    msj = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_err) / (n * (k - 1))
    scale = msb + msj + mse + msw + k * (msj + mse)
    return {
        "ICC1": _ratio(msb - msw, msb + (k - 1) * msw, scale),
        "ICC2": _ratio(msb - mse, msb + (k - 1) * mse + k * (msj - mse) / n, scale),
        "ICC3": _ratio(msb - mse, msb + (k - 1) * mse, scale),
        "ICC1k": _ratio(msb - msw, msb, scale),
        "ICC2k": _ratio(msb - mse, msb + (msj - mse) / n, scale),
        "ICC3k": _ratio(msb - mse, msb, scale),
    }


def crossed_matrix(panelist_frame: pd.DataFrame, value: str = "overall") -> pd.DataFrame:
    """Candidates x panelists matrix of one panelist-level column (all-empty rows/cols dropped)."""
    if len(panelist_frame) == 0:
        return pd.DataFrame(index=pd.Index([], name="candidate_id", dtype=np.int64),
                            columns=pd.Index([], name="panelist_id", dtype=np.int64),
                            dtype=float)
    frame = pd.DataFrame({
        "candidate_id": panelist_frame["candidate_id"].to_numpy(dtype=np.int64),
        "panelist_id": panelist_frame["panelist_id"].to_numpy(dtype=np.int64),
        "v": pd.to_numeric(panelist_frame[value]).to_numpy(dtype=float),
    })
    matrix = frame.pivot(index="candidate_id", columns="panelist_id", values="v")
    # A panelist who assessed nothing carries no information about agreement.
    matrix = matrix.dropna(axis=0, how="all").dropna(axis=1, how="all")
    return matrix.sort_index().sort_index(axis=1).astype(float)


def _alpha_long(units: np.ndarray, values: np.ndarray, level: str) -> tuple[float | None, int]:
    """Krippendorff's alpha from (unit, value) pairs; also returns the number of pairable units."""
    if level not in ("interval", "ordinal"):
        raise ValueError("level must be 'interval' or 'ordinal'")
    units = np.asarray(units)
    values = np.asarray(values, dtype=float)
    present = ~np.isnan(values)
    units, values = units[present], values[present]
    if values.size == 0:
        return None, 0
    codes = pd.factorize(units)[0]
    pairable = np.bincount(codes)[codes] >= 2
    codes = pd.factorize(codes[pairable])[0]
    values = values[pairable]
    n_units = int(codes.max()) + 1 if codes.size else 0
    if n_units < 2 or np.ptp(values) == 0:
        return None, n_units
    if level == "ordinal":
        # Krippendorff's ordinal distance between values c < k is
        # (sum of n_g for g from c to k - (n_c + n_k) / 2) ** 2, which equals the squared
        # difference of the mid-ranks C_g - n_g / 2 (C = cumulative count of paired values).
        # Ranked on values rounded to _DECIMALS: weighted means of the same scores summed in
        # another row order differ in the last bits (4.6000000000000005 against 4.6) and would
        # otherwise count as two values with different mid-ranks.
        _, inverse, counts = np.unique(np.round(values, _DECIMALS), return_inverse=True,
                                       return_counts=True)
        midrank = np.cumsum(counts) - counts / 2
        values = midrank[inverse]
    # Interval metric: sum over coincidences o_ck (c - k)^2 is sum_u 2 m_u SS_u / (m_u - 1), and
    # sum n_c n_k (c - k)^2 over all paired values is 2 n SS_total.
    m_u = np.bincount(codes).astype(float)
    means = np.bincount(codes, weights=values) / m_u
    ss_u = np.bincount(codes, weights=(values - means[codes]) ** 2)
    within = float((m_u * ss_u / (m_u - 1)).sum())
    n = values.size
    total = float(((values - values.mean()) ** 2).sum())
    if total == 0:
        return None, n_units
    return 1.0 - (n - 1) * within / (n * total), n_units


def krippendorff_alpha(matrix: pd.DataFrame | np.ndarray, *,
                       level: str = "interval") -> float | None:
    """Krippendorff's alpha of a units (candidates) x raters matrix with NaN for missing."""
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.size == 0:
        if level not in ("interval", "ordinal"):
            raise ValueError("level must be 'interval' or 'ordinal'")
        return None
    rows, _ = np.nonzero(~np.isnan(x))
    return _alpha_long(rows, x[~np.isnan(x)], level)[0]


def _reading(alpha: float | None, icc2: float | None = None) -> str:
    """Plain-language agreement from alpha (Krippendorff) or else ICC2 (Koo & Li 2016)."""
    if alpha is not None:
        level = "high" if alpha >= 0.8 else "moderate" if alpha >= 0.667 else "low"
    elif icc2 is not None:
        level = "high" if icc2 >= 0.75 else "moderate" if icc2 >= 0.5 else "low"
    else:
        level = "not enough data"
    return f"panel agreement: {level}"


def reliability(panelists: pd.DataFrame, *, value: str = "overall") -> dict:
    """Agreement of a panel over candidates: ICCs when fully crossed, alpha always."""
    matrix = crossed_matrix(panelists, value=value)
    crossed = bool(matrix.shape[0] >= 2 and matrix.shape[1] >= 2
                   and not matrix.isna().to_numpy().any())
    iccs = icc(matrix) if crossed else _none_iccs()
    alpha_interval = krippendorff_alpha(matrix, level="interval")
    alpha_ordinal = krippendorff_alpha(matrix, level="ordinal")
    # Only candidates seen by two or more panelists say anything about agreement.
    pairable = matrix.loc[matrix.notna().sum(axis=1) >= 2]
    return {
        **iccs,
        "alpha_interval": alpha_interval,
        "alpha_ordinal": alpha_ordinal,
        "n_candidates": int(len(pairable)),
        "n_panelists": int(pairable.notna().any(axis=0).sum()),
        "crossed": crossed,
        "reading": _reading(alpha_interval, iccs["ICC2"]),
    }


def reliability_by_criterion(scores: pd.DataFrame) -> pd.DataFrame:
    """Krippendorff's alpha per criterion, over candidates and panelists."""
    s = _clean_scores(scores)
    if s.empty:
        return _empty(CRITERION_RELIABILITY_COLUMNS, ints=("criterion_id", "n_candidates"),
                      strings=("reading",))
    rows = []
    for crit, grp in s.groupby("criterion_id", sort=True):
        units, values = grp["candidate_id"].to_numpy(), grp["value"].to_numpy()
        a_int, n_units = _alpha_long(units, values, "interval")
        a_ord, _ = _alpha_long(units, values, "ordinal")
        rows.append({"criterion_id": int(crit),
                     "alpha_interval": np.nan if a_int is None else a_int,
                     "alpha_ordinal": np.nan if a_ord is None else a_ord,
                     "n_candidates": n_units, "reading": _reading(a_int)})
    out = pd.DataFrame(rows, columns=CRITERION_RELIABILITY_COLUMNS)
    return out.astype({"alpha_interval": float, "alpha_ordinal": float, "n_candidates": np.int64})


# ---------------------------------------------------------------------------------------------
# Id codes (shared with services/leniency.py)
# ---------------------------------------------------------------------------------------------

def _int_ids(column: pd.Series) -> np.ndarray:
    """An id column as a numpy integer array, without copying int32 or int64 ones."""
    values = column.to_numpy()
    return values if values.dtype in (np.int32, np.int64) else values.astype(np.int64)


def _pair_codes(a: np.ndarray, b: np.ndarray, *, sort: bool = False
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """pd.factorize of the (a, b) pairs of two integer id arrays, and each code's a and b.

    The pairs are hashed as one int64 key, a * span + (b - low), which is far cheaper on a
    million rows than factorizing two columns; `sort` orders the codes by (a, b).
    """
    low = min(int(b.min()), 0) if b.size else 0
    span = int(b.max()) - low + 1 if b.size else 1
    key = a.astype(np.int64)
    key *= span
    key += b if low == 0 else b - low
    codes, keys = pd.factorize(key, sort=sort)
    del key
    keys = np.asarray(keys, dtype=np.int64)
    return codes, keys // span, keys % span + low


def _small_codes(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize(ids, sort=True) for ids that are small non-negative integers (row ids of
    a table): a lookup table instead of hashing a million values."""
    if ids.size and 0 <= ids.min() and ids.max() < 16 * ids.size + 1024:
        present = np.bincount(ids)
        uniques = np.flatnonzero(present)
        lookup = np.zeros(present.size, dtype=np.int32)
        lookup[uniques] = np.arange(uniques.size, dtype=np.int32)
        return lookup[ids], uniques.astype(np.int64)
    codes, uniques = pd.factorize(ids, sort=True)
    return codes, np.asarray(uniques, dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# Weight sensitivity
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Many positions at once
# ---------------------------------------------------------------------------------------------

RELIABILITY_COLUMNS = ["position_id", *ICC_TYPES, "alpha_interval", "alpha_ordinal",
                       "n_candidates", "n_panelists", "crossed", "reading"]


def _group_alpha(pos: np.ndarray, cand: np.ndarray, values: np.ndarray,
                 ordinal: bool) -> tuple[pd.Series, pd.Series]:
    """_alpha_long for every position at once: alpha (NaN for None) and pairable units.

    A candidate belongs to one position, so candidates are the units within it; sums per
    unit and per position are bincounts over integer codes.
    """
    unit = pd.factorize(cand)[0]
    keep = np.bincount(unit)[unit] >= 2
    pos, unit, v = pos[keep], unit[keep], np.asarray(values, dtype=float)[keep]
    p_code, p_ids = pd.factorize(pos, sort=True)
    n_pos = len(p_ids)
    if ordinal and v.size:
        # Mid-ranks of the paired values within each position (see _alpha_long): the count
        # of values at or below this one, less half the count of this very value.
        v = np.round(v, _DECIMALS)  # as in _alpha_long: equal values must tie exactly
        order = np.lexsort((v, p_code))
        ps, vs = p_code[order], v[order]
        step = np.r_[True, (ps[1:] != ps[:-1]) | (vs[1:] != vs[:-1])]
        group = np.cumsum(step) - 1
        size = np.bincount(group)
        last = np.r_[np.flatnonzero(step)[1:], len(vs)] - 1
        first_of_pos = np.r_[True, ps[1:] != ps[:-1]]
        start = np.maximum.accumulate(np.where(first_of_pos, np.arange(len(vs)), 0))
        mid = (last[group] - start + 1) - size[group] / 2
        v = np.empty_like(v)
        v[order] = mid
    n_units_all = int(unit.max()) + 1 if unit.size else 0
    m_u = np.bincount(unit, minlength=n_units_all).astype(float)
    present = m_u > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_u = np.bincount(unit, weights=v, minlength=n_units_all) / m_u
        ss_u = np.bincount(unit, weights=(v - mean_u[unit]) ** 2, minlength=n_units_all)
        within_u = np.where(present, m_u * ss_u / (m_u - 1), 0.0)
    unit_pos = np.zeros(n_units_all, dtype=np.int64)
    unit_pos[unit] = p_code
    within = np.bincount(unit_pos[present], weights=within_u[present], minlength=n_pos)
    n_units = np.bincount(unit_pos[present], minlength=n_pos)
    n = np.bincount(p_code, minlength=n_pos).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(p_code, weights=v, minlength=n_pos) / n
        total = np.bincount(p_code, weights=(v - mean_p[p_code]) ** 2, minlength=n_pos)
        high = np.full(n_pos, -np.inf)
        low = np.full(n_pos, np.inf)
        np.maximum.at(high, p_code, v)
        np.minimum.at(low, p_code, v)
        alpha = 1.0 - (n - 1) * within / (n * total)
    ok = (n_units >= 2) & (high - low > 0) & (total > 0)
    index = pd.Index(np.asarray(p_ids), name="pos")
    return (pd.Series(np.where(ok, alpha, np.nan), index=index),
            pd.Series(n_units, index=index))


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

    # Panelist level: weighted sums per (candidate, panelist), overall and per dimension,
    # with bincount over one integer key (a groupby over a million rows costs ten times more).
    assessed = ~np.isnan(v)
    w = np.where(assessed, pd.to_numeric(scores["weight"]).to_numpy(dtype=float), 0.0)
    wv = np.where(assessed, v * w, 0.0)
    code, key_cand, key_pan = _pair_codes(cand, pan, sort=True)
    n_keys = len(key_cand)

    def total(weights: np.ndarray, code: np.ndarray = code) -> pd.Series:
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
    # The million-row temporaries are done with: free them before the agenda needs its own.
    del w, wv, code, dim_code, total

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
        prior = ranking.fit_spread_prior(own_var * (ranking.COMMON_SPAN / span) ** 2, n_arr - 1)
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

    agenda = _many_disagreements(pos_all, cand, crit, v, assessed, r, sc,
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


def _many_disagreements(pos: np.ndarray, cand: np.ndarray, crit: np.ndarray,
                        values: np.ndarray, assessed: np.ndarray, r: pd.DataFrame,
                        sc: pd.DataFrame, fraction: float) -> pd.DataFrame:
    """disagreements() per position, for the assessed score rows of many positions (arrays;
    `assessed` selects the rows). Each million-row temporary is freed as soon as it is used."""
    columns = ["position_id", *AGENDA_COLUMNS]
    span = (sc["scale_max"] - sc["scale_min"]).astype(float)
    code, cell_cand, cell_crit = _pair_codes(cand[assessed], crit[assessed])
    n_cells = len(cell_cand)
    low = np.full(n_cells, np.inf)
    high = np.full(n_cells, -np.inf)
    values = values[assessed]
    np.minimum.at(low, code, values)
    np.maximum.at(high, code, values)
    del values
    cell_pos = np.zeros(n_cells, dtype=np.int64)
    cell_pos[code] = pos[assessed]
    size = np.bincount(code, minlength=n_cells)
    del code
    cells = pd.DataFrame({"size": size, "min": low, "max": high, "candidate_id": cell_cand,
                          "criterion_id": cell_crit, "position_id": cell_pos})
    cells["range"] = cells["max"] - cells["min"]
    threshold = fraction * span.reindex(cells["position_id"]).to_numpy()
    hit = cells.loc[(cells["size"] >= 2).to_numpy()
                    & (cells["range"].to_numpy() >= threshold - _EPS)]
    words = {x: _fmt(x) for x in np.unique(hit[["min", "max"]].to_numpy())}
    points = {x: _plural(x, "point") for x in np.unique(hit["range"].to_numpy())}
    crit_rows = pd.DataFrame({
        "position_id": hit["position_id"].to_numpy(dtype=np.int64),
        "candidate_id": hit["candidate_id"].to_numpy(dtype=np.int64),
        "kind": "criterion",
        "criterion_id": hit["criterion_id"].to_numpy(dtype=float),
        "spread": hit["range"].to_numpy(dtype=float),
        "detail": [f"scores range {words[lo]} to {words[hi]} ({points[rg]})"
                   for lo, hi, rg in zip(hit["min"].tolist(), hit["max"].tolist(),
                                         hit["range"].tolist(), strict=True)],
    })
    given = r.loc[r["step"] >= 0]
    counts = _many_rec_counts(given)
    split = counts.loc[counts["split_recommendation"]]
    steps = given.groupby("candidate_id")["step"].agg(["min", "max"]).reindex(split.index)
    pos = given.drop_duplicates("candidate_id").set_index("candidate_id")["position_id"]
    pos = pos.reindex(split.index).to_numpy(dtype=np.int64)
    tallies = zip(*(split[f"rec_{name}"].tolist() for name in reversed(RECOMMENDATIONS)),
                  strict=True)
    words = [", ".join(f"{k} {_REC_WORDS[name]}"
                       for k, name in zip(row, reversed(RECOMMENDATIONS), strict=True) if k > 0)
             for row in tallies]
    rec_rows = pd.DataFrame({
        "position_id": pos,
        "candidate_id": split.index.to_numpy(dtype=np.int64),
        "kind": "recommendation",
        "criterion_id": np.nan,
        "spread": (steps["max"] - steps["min"]).to_numpy(dtype=float)
        / (len(RECOMMENDATIONS) - 1) * span.reindex(pos).to_numpy(),
        "detail": [f"split: {x}" for x in words],
    })
    parts = [p for p in (crit_rows, rec_rows) if len(p)]
    if not parts:
        return _empty(columns, ints=("position_id", "candidate_id"), strings=("kind", "detail"))
    out = pd.concat(parts, ignore_index=True)[columns]
    out = out.assign(_key=-out["spread"].round(_DECIMALS))
    out = out.sort_values(["position_id", "_key", "candidate_id", "kind", "criterion_id"],
                          kind="stable")
    return out.drop(columns="_key").reset_index(drop=True)


def _many_reliability(ps: pd.DataFrame) -> pd.DataFrame:
    """reliability() of each position's panelist overall scores."""
    positions = np.unique(ps["position_id"].to_numpy())
    frame = ps.loc[ps["overall"].notna(), ["position_id", "candidate_id", "panelist_id",
                                           "overall"]]
    pos, cand = frame["position_id"].to_numpy(), frame["candidate_id"].to_numpy()
    vals = frame["overall"].to_numpy(dtype=float)
    a_int, n_units = _group_alpha(pos, cand, vals, ordinal=False)
    a_ord, _ = _group_alpha(pos, cand, vals, ordinal=True)
    by_pos = frame.groupby("position_id")
    n_c = by_pos["candidate_id"].nunique()
    n_p = by_pos["panelist_id"].nunique()
    crossed = (n_c >= 2) & (n_p >= 2) & (by_pos.size() == n_c * n_p)
    paired = frame.loc[frame.groupby("candidate_id")["overall"].transform("size") >= 2]
    n_pan = paired.groupby("position_id")["panelist_id"].nunique()
    rows = []
    for p in positions:
        iccs = _none_iccs()
        if bool(crossed.get(p, False)):
            iccs = icc(crossed_matrix(frame.loc[frame["position_id"] == p]))
        ai = a_int.get(p, np.nan)
        ao = a_ord.get(p, np.nan)
        ai = None if pd.isna(ai) else float(ai)
        ao = None if pd.isna(ao) else float(ao)
        rows.append({"position_id": int(p), **iccs, "alpha_interval": ai, "alpha_ordinal": ao,
                     "n_candidates": int(n_units.get(p, 0)), "n_panelists": int(n_pan.get(p, 0)),
                     "crossed": bool(crossed.get(p, False)),
                     "reading": _reading(ai, iccs["ICC2"])})
    return pd.DataFrame(rows, columns=RELIABILITY_COLUMNS)


def _steps(recs: pd.DataFrame | None) -> pd.DataFrame:
    """_clean_recs plus position_id, mapped with vector operations."""
    if recs is None or len(recs) == 0:
        return _clean_recs(None).assign(position_id=np.array([], dtype=np.int64))
    # Map the few distinct labels, not every row.
    codes, labels = pd.factorize(recs["recommendation"].to_numpy(dtype=object))
    label_steps = np.array([-1 if str(x) == "" else _REC_STEP.get(str(x), -2) for x in labels]
                           + [-1], dtype=np.int64)  # the extra -1: code -1 (missing)
    step = label_steps[codes]
    if (step == -2).any():
        raise ValueError(f"unknown recommendation {labels[codes[step == -2][0]]!r}")
    return pd.DataFrame({
        "candidate_id": recs["candidate_id"].to_numpy(dtype=np.int64),
        "panelist_id": recs["panelist_id"].to_numpy(dtype=np.int64),
        "step": step,
        "position_id": recs["position_id"].to_numpy(dtype=np.int64),
    })


def _many_rec_counts(r: pd.DataFrame) -> pd.DataFrame:
    """_recommendation_counts with one bincount per recommendation."""
    code, ids = pd.factorize(r["candidate_id"].to_numpy(), sort=True)
    counts = pd.DataFrame(index=pd.Index(np.asarray(ids, dtype=np.int64), name="candidate_id"))
    step = r["step"].to_numpy()
    for k, name in enumerate(RECOMMENDATIONS):
        counts[f"rec_{name}"] = np.bincount(code[step == k], minlength=len(ids)).astype(np.int64)
    counts["n_yes"] = counts["rec_yes"] + counts["rec_strong_yes"]
    counts["n_no"] = counts["rec_no"] + counts["rec_strong_no"]
    counts["split_recommendation"] = (counts["n_yes"] > 0) & (counts["n_no"] > 0)
    return counts
