"""Panelist leniency: who scores above or below their colleagues, and how sure that is.

Pure functions over the long score frame of services.stats._frames (one row per candidate,
panelist, criterion with its `value`; a missing value is "not assessed" and left out).

Model
-----
* value = (candidate, criterion) effect + panelist offset + noise, fitted by least squares over
  all the history given. Eliminating the (candidate, criterion) effects leaves a graph-Laplacian
  system L b = r in the panelist offsets (L links two panelists for every criterion of a
  candidate they both scored). Offsets are only comparable between panelists who are connected
  through shared candidates, so they are centred to sum to zero within each connected group:
  leniency +0.4 means "scores 0.4 points above the average colleague of the group". The model
  accounts for the co-panelists' own leniency: naively ("my score minus my co-panelists' mean"),
  anyone who often sits with a harsh colleague looks lenient.
* One panelist's several rows for one (candidate, criterion) -- the same person imported for two
  interview dates -- are one opinion: they are averaged first, so a panelist never "shares" a
  candidate with themselves.

Uncertainty
-----------
* The estimate is b = L+ r (L+ the pseudo-inverse of L, which also does the centring). With
  the same noise variance s^2 on every score its covariance is s^2 L+: the full least-squares
  covariance, which carries the uncertainty of every colleague's offset and of how well the
  colleagues are tied to the rest of the organisation. When two teams rarely sit together, the
  offsets of a whole team are uncertain as a block and the intervals widen accordingly.
* The standard error takes that diagonal with each panelist's own noise, measured
  cluster-robustly over candidates: se^2 = V * L_pp * (L+)_pp. V is the CR1 variance, over the
  candidates the panelist shared, of their offset as if every colleague's offset were known (it
  is exactly a weighted mean of per-cell differences, see _local_variance), so scores of one
  interview may be correlated in any way (a panelist who liked a candidate scores every
  criterion higher); L_pp * (L+)_pp is the factor by which the colleagues' uncertainty
  inflates it (about ((P - 1) / P)^2 in a well-mixed group of P, large for a weakly tied team).
  It is exact when noise is alike for everyone; against the full cluster-robust sandwich
  L+ (sum over candidates of g g') L+ * C / (C - 1) (g: per panelist, the sum of their residuals
  on the candidate) it agreed within 1% on 200 simulated candidates and within 10% on 50
  (tests/services/stats/test_leniency.py). The full sandwich needs L+ times a dense matrix,
  about three times this cost at the benchmark's 1,500 panelists.
* The interval is leniency +- t * se, with t on n_shared - 1 degrees of freedom.
* L+ is computed exactly: one panelist per group is pinned to zero, the rest of L (positive
  definite) is factorised, and the covariance is centred afterwards. Up to _DENSE_MAX panelists
  a dense Cholesky factor (1,500 panelists: about 0.1 s); beyond, a sparse LU solved in blocks.

Enough data
-----------
A panelist's leniency is trusted ("enough data") when all three hold:
* n_shared >= min_shared: candidates on which they scored a criterion that at least one *other*
  panelist also scored;
* their connected group holds at least three panelists (with two, "A is harsher than B" cannot
  say which of the two is off);
* n_effective >= n_shared / 2, where n_effective = n_shared * min(1, ideal / actual): actual is
  the model variance of their offset (L+ diagonal), ideal the variance it would have if every
  colleague's offset were known exactly (((P - 1) / P)^2 / L_pp in a group of P). It discounts
  shared candidates for weak crossings in the graph: a panelist who sits with many colleagues of
  a team that rarely meets the rest of the organisation has a large n_shared but a small
  n_effective. In a fully mixed pool n_effective = n_shared; below half of it, more of the
  uncertainty comes from how the panelist's colleagues are tied to the organisation than from
  the panelist's own scores, and the figure says more about their team than about them.
Where there is not enough data no standard error or interval is given (`intervals="trusted"`,
the default): an interval there would look like information it is not. Adjusted scores only
correct trusted panelists; they are raw arithmetic (value - leniency) and may leave the scale.

Known limits
------------
* Scores piled against the top (or bottom) of the scale cannot show a lenient panelist's full
  offset: in the validation harness (validate/leniency.py) the regression slope of estimated on
  planted offsets is about 0.86 when candidates are strong (quality centred at 4 on a rounded
  1-5 scale; intervals then cover 0.85) and 0.96-0.98 around mid-scale -- lenient panelists
  look somewhat less lenient than they are. The additive model is not corrected for this; the
  slope is measured and printed.
"""

import numpy as np
import pandas as pd
from scipy import linalg, sparse
from scipy.linalg import lapack
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu
from threadpoolctl import threadpool_limits

from services.stats._frames import (
    _check_confidence,
    _empty,
    _int_ids,
    _pair_codes,
    _small_codes,
)
from services.stats.ranking import t_quantile

LENIENCY_COLUMNS = ["panelist_id", "leniency", "se", "ci_low", "ci_high", "n_shared", "n_pairs",
                    "n_effective", "group_size", "enough_data"]
_INPUT = ["candidate_id", "panelist_id", "criterion_id", "value"]
# Up to this many panelists the pinned Laplacian is factorised dense (memory: 8 * n^2 bytes a
# copy; 2,000 panelists: 32 MB); beyond, a sparse LU is solved in blocks of columns.
_DENSE_MAX = 2500
_BLOCK = 256
_MIN_GROUP = 3
_MIN_EFFECTIVE_SHARE = 0.5


def _empty_table() -> pd.DataFrame:
    return _empty(LENIENCY_COLUMNS, ints=("panelist_id", "n_shared", "n_pairs", "group_size"),
                  bools=("enough_data",))


def _prepared(scores: pd.DataFrame):
    """Assessed rows as arrays, one row per (candidate, criterion, panelist), shared cells only.

    Returns (cell, pan, cand, v, n_cells, pan_ids).
    """
    missing = [c for c in _INPUT if c not in scores.columns]
    if missing:
        raise ValueError(f"scores lacks column(s): {', '.join(missing)}")
    value = pd.to_numeric(scores["value"]).to_numpy(dtype=float)
    pan_all, pan_ids = _small_codes(_int_ids(scores["panelist_id"]))
    assessed = ~np.isnan(value)
    cand = _int_ids(scores["candidate_id"])[assessed]
    crit = _int_ids(scores["criterion_id"])[assessed]
    pan = pan_all[assessed]  # int32 codes when they fit: a million rows
    v = value[assessed]
    del value, pan_all
    cell = _pair_codes(cand, crit)[0]
    del crit
    # Rows per (cell, panelist), counted by a sparse matrix (cheaper than hashing the pairs).
    counts = sparse.csr_matrix((np.ones(cell.size, dtype=np.int32), (cell, pan)),
                               shape=(int(cell.max(initial=-1)) + 1, len(pan_ids)))
    if counts.data.size and counts.data.max() > 1:
        # One panelist's repeated rows for a cell are one opinion: averaged, never a "pair".
        one, one_cell, one_pan = _pair_codes(cell, pan)
        v = np.bincount(one, weights=v) / np.bincount(one)
        first = np.zeros(one_cell.size, dtype=np.int64)
        first[one] = np.arange(one.size)
        cand = cand[first]
        cell, pan = one_cell, one_pan
        del one
    # Cells scored by one panelist carry no information about offsets.
    keep = np.diff(counts.indptr) >= 2
    del counts
    shared = keep[cell]
    cell = (np.cumsum(keep) - 1)[cell[shared]]
    return cell, pan[shared], cand[shared], v[shared], int(keep.sum()), pan_ids


def _one_blas_thread():
    """BLAS on one thread for the dense factorisation. The model runs in a worker beside the
    position summaries (services.calibration.organisation_overview); a multi-threaded BLAS then
    competes with that thread, and on a busy 2-core machine a 1,500-panelist Cholesky took
    0.5-1.1 s with two threads against 0.05-0.08 s with one."""
    return threadpool_limits(limits=1, user_api="blas")


class _Pinned:
    """The Laplacian with one panelist per connected group pinned to zero, factorised once.

    solve() gives the pinned solution of L x = rhs; lplus_diagonal() the diagonal of L+ (the
    centred inverse). Dense: a Cholesky factor, later inverted in place (one n x n array in
    all); sparse: an LU solved for blocks of unit columns.
    """

    def __init__(self, lap: sparse.csr_matrix):
        n = lap.shape[0]
        self.n_groups, self.label = connected_components(lap, directed=False)
        anchor = np.zeros(n, dtype=bool)
        anchor[np.unique(self.label, return_index=True)[1]] = True
        self.free = np.flatnonzero(~anchor)
        self.size = np.bincount(self.label, minlength=self.n_groups)
        sub = lap[self.free][:, self.free]
        self.dense = self.free.size <= _DENSE_MAX
        if self.dense:
            with _one_blas_thread():
                # The lower factor with zeros above the diagonal (lplus_diagonal relies on it).
                self.factor = linalg.cholesky(sub.toarray(), lower=True, overwrite_a=True,
                                              check_finite=False)
        else:
            self.lu = splu(sub.tocsc())

    def _solve(self, rhs: np.ndarray) -> np.ndarray:
        if not self.free.size:
            return np.zeros_like(rhs)
        if self.dense:
            return linalg.cho_solve((self.factor, True), rhs, check_finite=False)
        return self.lu.solve(rhs)

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """Pinned solution of L x = rhs (rhs over all panelists), zero at the anchors."""
        out = np.zeros(rhs.shape)
        out[self.free] = self._solve(rhs[self.free])
        return out

    def lplus_diagonal(self) -> np.ndarray:
        """diag(L+): L+ = C A C for the pinned inverse A (zero at the anchors) and the
        centring C of each group, whose diagonal is A_jj - 2 (A 1)_j / P + (1' A 1) / P^2 in
        a group of P. Ends the factor's use (dense: it is inverted in place)."""
        free = self.free
        row = self.solve(np.ones(self.label.size))  # A 1, within each group
        diag = np.zeros(self.label.size)
        if free.size and self.dense:
            # A = F^-T F^-1 for the factor F, so A_jj is the squared norm of column j of F^-1:
            # one triangular inverse (a third of the flops of inverting the whole matrix).
            with _one_blas_thread():
                inverse, info = lapack.dtrtri(self.factor, lower=1, overwrite_c=1)
            if info != 0:
                raise np.linalg.LinAlgError("leniency system is singular")
            np.square(inverse, out=inverse)
            diag[free] = inverse.sum(axis=0)
            del self.factor, inverse
        elif free.size:
            for start in range(0, free.size, _BLOCK):
                block = np.arange(start, min(start + _BLOCK, free.size))
                unit = np.zeros((free.size, block.size))
                unit[block, np.arange(block.size)] = 1.0
                diag[free[block]] = self.lu.solve(unit)[block, np.arange(block.size)]
        total = np.bincount(self.label, weights=row, minlength=self.n_groups)
        size = self.size[self.label]
        return diag - 2 * row / size + total[self.label] / size**2


def _laplacian(cell: np.ndarray, pan: np.ndarray, n_cells: int, n_pan: int):
    """L = diag(Z'1) - Z' W Z for the cell-by-panelist incidence Z, W = 1 / cell size."""
    m_cell = np.bincount(cell, minlength=n_cells).astype(float)
    z = sparse.csr_matrix((np.ones(cell.size), (cell, pan)), shape=(n_cells, n_pan))
    zw = sparse.diags(1.0 / m_cell) @ z
    return (sparse.diags(np.asarray(z.sum(axis=0)).ravel()) - z.T @ zw).tocsr(), m_cell


def _local_variance(cell, pan, cand, v, b, m_cell, n_pan) -> tuple[np.ndarray, np.ndarray]:
    """Shared candidates per panelist and the cluster-robust variance of their offset as if
    every colleague's offset were known.

    That offset is exactly a weighted mean of per-cell differences (my score minus my
    co-panelists' leniency-corrected mean, weight (m - 1) / m for a cell of m panelists); its
    CR1 variance over candidates (the sd of per-candidate mean differences over sqrt(n) with
    equal weights) catches whatever correlates a panelist's scores of one candidate.
    """
    # Computed in place where it can be: each of these arrays is a million rows.
    adj = v - b[pan]
    diff = np.bincount(cell, weights=adj, minlength=m_cell.size)[cell]
    diff -= adj
    del adj
    m_row = m_cell[cell]
    w = m_row - 1
    diff /= w
    np.subtract(v, diff, out=diff)  # my score minus the others' corrected mean
    w /= m_row
    del m_row
    cluster, c_pan, _ = _pair_codes(pan, cand)
    c_w = np.bincount(cluster, weights=w)
    diff *= w
    del w
    c_mean = np.bincount(cluster, weights=diff) / c_w
    del diff, cluster
    n_shared = np.bincount(c_pan, minlength=n_pan).astype(np.int64)
    sum_w = np.bincount(c_pan, weights=c_w, minlength=n_pan)
    resid = np.bincount(c_pan, weights=(c_w * (c_mean - b[c_pan])) ** 2, minlength=n_pan)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.where(n_shared >= 2, n_shared / (n_shared - 1) * resid / sum_w**2, np.nan)
    return n_shared, var


def panelist_leniency(scores: pd.DataFrame, *, min_shared: int = 5, confidence: float = 0.95,
                      intervals: str = "trusted") -> pd.DataFrame:
    """Each panelist's offset from their colleagues (additive model) with its uncertainty.

    intervals: "trusted" gives se and interval only where there is enough data; "all" gives
    them wherever they can be computed (for validation).
    """
    _check_confidence(confidence)
    if intervals not in ("trusted", "all"):
        raise ValueError("intervals must be 'trusted' or 'all'")
    if scores is None or len(scores) == 0:
        return _empty_table()
    cell, pan, cand, v, n_cells, pan_ids = _prepared(scores)
    n_pan = len(pan_ids)

    n_pairs = np.bincount(pan, minlength=n_pan)
    lenient = np.full(n_pan, np.nan)
    se = np.full(n_pan, np.nan)
    n_shared = np.zeros(n_pan, dtype=np.int64)
    n_eff = np.zeros(n_pan)
    group = np.ones(n_pan, dtype=np.int64)
    if n_cells:
        lap, m_cell = _laplacian(cell, pan, n_cells, n_pan)
        degree = lap.diagonal()
        pinned = _Pinned(lap)
        del lap
        cell_mean = np.bincount(cell, weights=v, minlength=n_cells) / m_cell
        b = pinned.solve(np.bincount(pan, weights=v - cell_mean[cell], minlength=n_pan))
        del cell_mean
        b -= (np.bincount(pinned.label, weights=b) / pinned.size)[pinned.label]
        lenient = np.where(n_pairs > 0, b, np.nan)
        group = pinned.size[pinned.label].astype(np.int64)
        n_shared, local = _local_variance(cell, pan, cand, v, b, m_cell, n_pan)
        del cell, pan, cand, v
        lplus = pinned.lplus_diagonal()
        with np.errstate(divide="ignore", invalid="ignore"):
            inflation = np.where(degree > 0, degree * lplus, np.nan)
            var = local * inflation
            ideal = ((group - 1) / group) ** 2
            ratio = np.where(inflation > 0, np.minimum(1.0, ideal / inflation), 0.0)
        se = np.where(n_shared >= 2, np.sqrt(np.maximum(var, 0.0)), np.nan)
        n_eff = n_shared * ratio

    enough = ((n_shared >= min_shared) & (group >= _MIN_GROUP)
              & (n_eff >= _MIN_EFFECTIVE_SHARE * n_shared))
    df = np.where(n_shared >= 2, n_shared - 1, 1)
    half = t_quantile((1 + confidence) / 2, df) * se
    if intervals == "trusted":
        se = np.where(enough, se, np.nan)
        half = np.where(enough, half, np.nan)
    return pd.DataFrame({
        "panelist_id": np.asarray(pan_ids, dtype=np.int64),
        "leniency": lenient,
        "se": se,
        "ci_low": lenient - half,
        "ci_high": lenient + half,
        "n_shared": n_shared,
        "n_pairs": n_pairs.astype(np.int64),
        "n_effective": n_eff,
        "group_size": group,
        "enough_data": enough,
    }, columns=LENIENCY_COLUMNS)


def adjust_scores(scores: pd.DataFrame, leniency: pd.DataFrame) -> pd.DataFrame:
    """scores plus `adjusted` = value - leniency of trusted panelists (not clipped)."""
    out = scores.copy()
    trusted = leniency.loc[leniency["enough_data"].astype(bool) & leniency["leniency"].notna()]
    offset = dict(zip(trusted["panelist_id"].astype(np.int64), trusted["leniency"].astype(float),
                      strict=True))
    shift = out["panelist_id"].map(offset).astype(float).fillna(0.0) if len(out) else 0.0
    out["adjusted"] = pd.to_numeric(out["value"]).astype(float) - shift
    return out
