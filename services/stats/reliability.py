"""Panel reliability: intraclass correlations and Krippendorff's alpha, per position and per
criterion.

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
"""

import numpy as np
import pandas as pd

from services.stats._frames import _DECIMALS, _clean_scores, _empty

ICC_TYPES = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
CRITERION_RELIABILITY_COLUMNS = ["criterion_id", "alpha_interval", "alpha_ordinal",
                                 "n_candidates", "reading"]
RELIABILITY_COLUMNS = ["position_id", *ICC_TYPES, "alpha_interval", "alpha_ordinal",
                       "n_candidates", "n_panelists", "crossed", "reading"]


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
