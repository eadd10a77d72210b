"""Candidate intervals that borrow strength from history, ranking groups with error control,
the chance of being best, and the one sentence that says what the scores settle.

Pure numpy over flat arrays (one entry per candidate, many positions at once); nothing here
imports the rest of the project but services.i18n (the sentence is in the reader's
language); services.stats.aggregation calls it for one position or many at once. The
candidate's band itself is specified in services.stats.aggregation ("Intervals").

Ranking statements
------------------
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
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import special

from services.i18n import _, elide, ngettext

COMMON_SPAN = 4.0  # spreads are kept on the footing of a 1-5 scale and converted per position
# Below this many candidates scored by two or more panelists, the history is too thin to
# estimate a prior and DEFAULT_PRIOR is used instead.
MIN_HISTORY = 10
# The prior's weight in panelists' worth of degrees of freedom is kept in [DF_MIN, DF_MAX]:
# never more certain than a hundred panelists' spread, never less than one.
DF_MIN, DF_MAX = 1.0, 100.0
# As limma's fitFDist: variances below 1e-5 of the median (exact agreement, which integer
# scores make common) are left out of the fit; their log would be minus infinity. Their own
# bands still borrow the prior, so they never come out with zero width.
ZERO_SHARE = 1e-5
TOP_N = 3  # candidates given a chance of being best
_GAUSS_NODES = 24


@dataclass(frozen=True)
class SpreadPrior:
    """The organisation's typical panel spread: variance of panelists' overall scores around
    their candidate's mean (1-5 footing), worth `df` degrees of freedom, fitted on
    `n_candidates` candidates of history (`source` "history") or the documented default."""

    variance: float
    df: float
    n_candidates: int
    source: str


# Without history: panelists typically differ by a point on a 1-5 scale (sd 1), held loosely
# (2 degrees of freedom). Wider than real panels (sd 0.4-0.7), so a new organisation's bands
# err on the wide side.
DEFAULT_PRIOR = SpreadPrior(variance=1.0, df=2.0, n_candidates=0, source="default")


def _log_likelihood(log_s0: float, d0: float, s2: np.ndarray, d: np.ndarray, count: np.ndarray,
                    const: float) -> tuple[float, float, float]:
    """Log-likelihood of s0^2 = exp(log_s0) and d0 under s2 / s0^2 ~ F(d, d0) (each distinct
    (s2, d) counted `count` times), and its first and second derivatives in log_s0. `const`
    is the part that does not depend on s0^2."""
    u = d * s2 * np.exp(-log_s0) / d0
    half = count * (d + d0) / 2
    value = const - float((count * d / 2).sum()) * log_s0 - float((half * np.log1p(u)).sum())
    w = u / (1 + u)
    grad = float((half * w - count * d / 2).sum())
    curv = -float((half * w * (1 - w)).sum())
    return value, grad, curv


def _profile(d0: float, s2: np.ndarray, d: np.ndarray, count: np.ndarray, d_values: np.ndarray,
             d_counts: np.ndarray, log_s2_term: float, x: float) -> tuple[float, float]:
    """(maximum log-likelihood over s0^2 at this d0, the maximising log s0^2).

    The log-likelihood is concave in log s0^2, so Newton's method from x converges (each step
    halved until it does not go down)."""
    g = special.gammaln
    const = float((d_counts * (g((d_values + d0) / 2) - g(d_values / 2) - g(d0 / 2)
                               + d_values / 2 * np.log(d_values / d0))).sum()) + log_s2_term
    value, grad, curv = _log_likelihood(x, d0, s2, d, count, const)
    for _iteration in range(50):
        step = -grad / curv if curv < 0 else float(np.sign(grad))
        for _halving in range(30):
            new = _log_likelihood(x + step, d0, s2, d, count, const)
            if new[0] >= value - 1e-12 * abs(value):
                break
            step /= 2
        x += step
        value, grad, curv = new
        if abs(step) < 1e-9:
            break
    return value, x


def fit_spread_prior(variance: np.ndarray, df: np.ndarray) -> SpreadPrior:
    """Empirical-Bayes prior for per-candidate variances, fitted by maximum likelihood.

    `variance` is each candidate's sample variance of panelists' overall scores (1-5 footing)
    on `df` = panelists - 1 degrees of freedom. Each is modelled as s2 ~ sigma2 * chi2(d) / d
    with 1 / sigma2 ~ chi2(d0) / (d0 * s0^2) (the hierarchical model of Smyth 2004's moderated
    t), so that s2 / s0^2 follows an F(d, d0) distribution; d0 and s0^2 maximise that
    likelihood (profile over log d0 by golden section, Newton in log s0^2). Maximum
    likelihood rather than limma's moments of log s2: with one or two degrees of freedom per
    candidate, the moments of log s2 are dominated by its own noise and overstated s0^2 by
    about 7% when the same two panelists scored a whole position.
    """
    variance = np.asarray(variance, dtype=float)
    df = np.asarray(df, dtype=float)
    ok = (df >= 1) & np.isfinite(variance)
    if ok.any():
        ok &= variance > ZERO_SHARE * np.median(variance[ok])
    if ok.sum() < MIN_HISTORY:
        return DEFAULT_PRIOR
    s2, d = variance[ok], df[ok]
    d_values, d_counts = np.unique(d, return_counts=True)
    log_s2_term = float(((d / 2 - 1) * np.log(s2)).sum())
    # The likelihood is summed over distinct (d, s2), s2 rounded to 1e-3 in log (0.1%): the
    # fit then costs the same for a hundred thousand candidates as for a thousand.
    # Never worth more than the history it was fitted on.
    lo, hi = np.log(DF_MIN), np.log(min(DF_MAX, float(d.sum())))
    step = np.rint(np.log(s2) * 1000).astype(np.int64)
    low = int(step.min())
    key = np.rint(d).astype(np.int64) * (int(step.max()) - low + 1) + (step - low)
    _, first, count = np.unique(key, return_index=True, return_counts=True)
    d, s2, count = d[first], np.exp(step[first] / 1000), count.astype(float)

    memo: dict[float, tuple[float, float]] = {}
    start = [float(np.log(np.average(s2, weights=count)))]

    def profile(log_d0: float) -> float:
        if log_d0 not in memo:
            memo[log_d0] = _profile(float(np.exp(log_d0)), s2, d, count, d_values, d_counts,
                                    log_s2_term, start[0])
            start[0] = memo[log_d0][1]  # the next d0 is near: start Newton where this ended
        return memo[log_d0][0]

    # A coarse grid finds the hump (or the edge), golden section refines it to 1e-4 in log d0.
    grid = np.linspace(lo, hi, 9) if hi > lo else np.array([lo])
    best = int(np.argmax([profile(x) for x in grid]))
    a, b = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    ratio = (np.sqrt(5) - 1) / 2
    c, e = b - ratio * (b - a), a + ratio * (b - a)
    while b - a > 1e-4:
        if profile(c) >= profile(e):
            b, e = e, c
            c = b - ratio * (b - a)
        else:
            a, c = c, e
            e = a + ratio * (b - a)
    log_d0 = max([grid[best], (a + b) / 2], key=profile)
    d0 = float(np.exp(log_d0))
    s0_sq = float(np.exp(memo[log_d0][1]))
    return SpreadPrior(variance=s0_sq, df=d0, n_candidates=int(ok.sum()), source="history")


def moderated_variance(variance: np.ndarray, n: np.ndarray, prior: SpreadPrior,
                       span: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each candidate's spread shrunk towards the prior: (variance on the position's scale,
    degrees of freedom, the prior's share of the weight).

    s~^2 = (d0 * s0^2 + d * s^2) / (d0 + d) with d = n - 1 and s0^2 converted to the position's
    scale; d0 + d degrees of freedom. A single panelist (d = 0) gets the prior alone.
    """
    n = np.asarray(n, dtype=float)
    d = np.maximum(n - 1, 0.0)
    own = np.where(d > 0, np.nan_to_num(np.asarray(variance, dtype=float)), 0.0)
    s0_sq = prior.variance * (np.asarray(span, dtype=float) / COMMON_SPAN) ** 2
    total = prior.df + d
    return (prior.df * s0_sq + d * own) / total, total, prior.df / total


def _pair_keys(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of the distinct (a, b) pairs of two float arrays, and each code's a and b."""
    code_a, uniq_a = pd.factorize(a)
    code_b, uniq_b = pd.factorize(b)
    codes, keys = pd.factorize(code_a.astype(np.int64) * max(len(uniq_b), 1) + code_b)
    keys = np.asarray(keys, dtype=np.int64)
    return codes, np.asarray(uniq_a)[keys // max(len(uniq_b), 1)], \
        np.asarray(uniq_b)[keys % max(len(uniq_b), 1)]


def pooled_variance(seg: np.ndarray, variance: np.ndarray, n: np.ndarray, prior: SpreadPrior,
                    span: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's position-wide pooled spread, with the prior as one more (weighted) term:
    (d0 * s0^2 + sum d_i * s_i^2) / (d0 + sum d_i) on d0 + sum d_i degrees of freedom."""
    d = np.maximum(np.asarray(n, dtype=float) - 1, 0.0)
    own = np.where(d > 0, np.nan_to_num(np.asarray(variance, dtype=float)), 0.0)
    s0_sq = prior.variance * (np.asarray(span, dtype=float) / COMMON_SPAN) ** 2
    sum_d = np.bincount(seg, weights=d)[seg]
    sum_ss = np.bincount(seg, weights=d * own)[seg]
    df = prior.df + sum_d
    return (prior.df * s0_sq + sum_ss) / df, df


def t_quantile(p: float | np.ndarray, df: np.ndarray) -> np.ndarray:
    """Student t quantile, each distinct (p, degrees of freedom) computed once."""
    df = np.asarray(df, dtype=float)
    p = np.broadcast_to(np.asarray(p, dtype=float), df.shape)
    if df.size == 0:
        return np.zeros(df.shape)
    codes, u_df, u_p = _pair_keys(df.ravel(), p.ravel())
    return special.stdtrit(u_df, u_p)[codes].reshape(df.shape)


# The t distribution function is tabulated per degrees of freedom on z = sinh(x), x in
# [-12, 12] (|z| up to 81,000; beyond, the end values), and read by linear interpolation in x:
# within 2e-6 of scipy's stdtr (tests/services/stats/test_stats.py), at a tenth of its cost
# on millions of points. The grid is uniform, so a point's cell is found by arithmetic
# (np.interp searches for it: ten times slower on the chance-of-best integrals' points).
_X_GRID = np.linspace(-12.0, 12.0, 4801)
_X_STEP = (_X_GRID[-1] - _X_GRID[0]) / (_X_GRID.size - 1)


def _on_grid(x: np.ndarray, table: np.ndarray) -> np.ndarray:
    """np.interp(x, _X_GRID, table) for the uniform grid (NaN stays NaN)."""
    pos = (x - _X_GRID[0]) / _X_STEP
    np.clip(pos, 0, _X_GRID.size - 1, out=pos)
    nan = np.isnan(pos)
    cell = np.minimum(np.where(nan, 0, pos).astype(np.intp), _X_GRID.size - 2)
    pos -= cell
    out = table[cell] + (table[cell + 1] - table[cell]) * pos
    out[nan] = np.nan
    return out


@lru_cache(maxsize=1024)
def _t_table(df: float) -> np.ndarray:
    """The t distribution function on the grid for `df` degrees of freedom (read-only): made
    once per df, not once per block of chance_best."""
    table = special.stdtr(df, np.sinh(_X_GRID))
    table.setflags(write=False)
    return table


def t_cdf(z: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Student t distribution function at z (rows x nodes), one df per row."""
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    codes, uniques = pd.factorize(np.asarray(df, dtype=float))
    for k, d in enumerate(np.asarray(uniques)):
        sel = codes == k
        out[sel] = _on_grid(np.arcsinh(z[sel]), _t_table(float(d)))
    return out


def pairwise_separated(seg: np.ndarray, mean: np.ndarray, var_mean: np.ndarray,
                       df: np.ndarray, k: np.ndarray, alpha: float
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All within-position pairs (i < j) of scored candidates and whether each is separated.

    Candidates are rows in rank order, grouped by `seg` (position code, non-decreasing); k is
    each position's number of scored candidates. A pair is separated when
    |mean_i - mean_j| / sqrt(v_i + v_j) exceeds the Student t quantile at the Sidak level
    1 - (1 - alpha)^(1 / m) (two-sided, m = k(k-1)/2 pairs of the position) on
    min(df_i, df_j) degrees of freedom.
    """
    n = len(seg)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=bool)
    starts = np.r_[0, np.flatnonzero(np.diff(seg)) + 1]
    size = np.diff(np.r_[starts, n])
    start_of = np.repeat(starts, size)
    end_of = start_of + np.repeat(size, size)
    # Row i pairs with every later row of its position: end_of - i - 1 partners.
    partners = end_of - np.arange(n) - 1
    n_pairs = int(partners.sum())
    # Millions of pairs on a large organisation: 32-bit indices where they fit, and each
    # per-pair temporary computed in place and freed (the pairs were the pipeline's peak).
    ids = np.int32 if max(n, n_pairs) < 2**31 else np.int64
    i = np.repeat(np.arange(n, dtype=ids), partners)
    j = np.arange(n_pairs, dtype=ids)
    j -= np.repeat((np.cumsum(partners) - partners).astype(ids), partners)
    j += i
    j += 1
    # One critical value per (position, degrees of freedom) that occurs among the position's
    # rows (a pair's df is the smaller of its two): a small table, then a look-up for each of
    # the (possibly millions of) pairs.
    df_code, df_values = pd.factorize(df, sort=True)
    n_df = len(df_values)
    pos_k = k[starts].astype(float)
    m = pos_k * (pos_k - 1) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        level = -np.expm1(np.log1p(-alpha) / m)  # Sidak: 1 - (1 - alpha)^(1/m), no cancelling
    seg_base = seg.astype(np.int64) * n_df
    present = np.unique(seg_base + df_code)
    table = np.full(len(m) * n_df, np.nan)
    table[present] = t_quantile((1 - level / 2)[present // n_df],
                                np.asarray(df_values, dtype=float)[present % n_df])
    codes = df_code.astype(ids)
    separated = np.empty(n_pairs, dtype=bool)
    for a in range(0, n_pairs, PAIR_BLOCK):
        ii, jj = i[a:a + PAIR_BLOCK], j[a:a + PAIR_BLOCK]
        diff = np.abs(mean[ii] - mean[jj])
        se = np.sqrt(var_mean[ii] + var_mean[jj])
        crit = table[np.minimum(codes[ii], codes[jj]) + seg_base[ii]]
        with np.errstate(invalid="ignore", divide="ignore"):
            crit *= se
            np.greater(diff, crit, out=separated[a:a + PAIR_BLOCK])
    return i, j, separated


def letter_groups(seg: np.ndarray, i: np.ndarray, j: np.ndarray,
                  separated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Compact letter display for rows in rank order: each row's first and last letter
    (0 = a). Rows sharing a letter are not separated.

    Not being separated is widened to a contiguous stretch of the ranking: if the i-th and the
    j-th are not separated, nobody ranked between them is treated as separated from either.
    The display therefore never shows an order the tests did not find (it may show less).
    Row a is then tied with rows a..M(a), M(a) = the running maximum of each row's furthest
    unseparated partner; each stretch that is not inside the previous one is a letter.
    """
    n = len(seg)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    rows = np.arange(n)
    reach = rows.copy()
    # ufunc.at is twenty times slower when the values' type differs from the array's (j comes
    # as int32 from pairwise_separated): cast first.
    np.maximum.at(reach, i[~separated], j[~separated].astype(reach.dtype, copy=False))
    starts = np.r_[0, np.flatnonzero(np.diff(seg)) + 1]
    size = np.diff(np.r_[starts, n])
    # Running maximum within each position: rows are non-decreasing across positions (a row's
    # reach never leaves its position), so a global running maximum is the per-position one.
    upto = np.maximum.accumulate(reach)
    first_row = np.zeros(n, dtype=bool)
    first_row[starts] = True
    new = first_row | np.r_[True, upto[1:] > upto[:-1]]
    letter_no = np.cumsum(new) - 1  # global stretch number
    stretch_start = np.flatnonzero(new)
    stretch_end = upto[stretch_start]
    base = np.repeat(letter_no[starts], size)  # a position's first stretch
    # A row's letters: the stretches that start at or before it and end at or after it.
    last = letter_no  # the stretch starting at or before this row, latest
    first = np.searchsorted(stretch_end, rows, side="left")  # earliest stretch reaching it
    return first - base, last - base


def letter_names(first: np.ndarray, last: np.ndarray) -> list[str]:
    """Letters as text: 'a', 'ab', 'bc'; after z, a, b, ... with a number ('a2')."""
    def name(x: int) -> str:
        return chr(97 + x % 26) + (str(x // 26 + 1) if x >= 26 else "")

    def text(lo: int, hi: int) -> str:
        return ("" if hi < 26 else " ").join(name(x) for x in range(lo, hi + 1))

    if len(first) == 0:
        return []
    # Few distinct (first, last) pairs: each is spelt once.
    codes, u_first, u_last = _pair_keys(np.asarray(first, dtype=float),
                                        np.asarray(last, dtype=float))
    words = np.array([text(int(a), int(b)) for a, b in zip(u_first, u_last, strict=True)],
                     dtype=object)
    return words[codes].tolist()


def _gauss_legendre_01(m: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(m)
    return (x + 1) / 2, w / 2


# Rows (a top candidate against one rival) per block of chance_best, and candidate pairs per
# block of pairwise_separated: small enough that a block's float temporaries (4,096 x 24 nodes,
# 65,536 pairs: about 0.5-0.8 MB) stay in cache and below the allocator's mapping threshold
# (1 MB, see services.db.give_back_large_blocks), so they are reused from the heap instead of
# each being fresh pages the kernel faults in and zeroes (measured at a million scores: the
# ranking statements took twice as long with 20,000-row blocks and whole-array temporaries).
CHANCE_ROWS = 4_096
PAIR_BLOCK = 1 << 16


def chance_best(seg: np.ndarray, mean: np.ndarray, scale_sd: np.ndarray, df: np.ndarray,
                top: np.ndarray) -> np.ndarray:
    """P(candidate is truly best) for the rows where `top` is set; NaN elsewhere.

    Each candidate's true score is taken as ~ mean + scale_sd * t(df), independently (the
    posterior of the model behind the intervals). P(i best) = integral over u in (0, 1) of
    prod_{j != i} F_j(Q_i(u)), Q_i the quantile function of i: a Gauss-Legendre rule in u, no
    random numbers, so the figure is the same on every run.
    """
    out = np.full(len(seg), np.nan)
    who = np.flatnonzero(top)
    if who.size == 0:
        return out
    u, w = _gauss_legendre_01(_GAUSS_NODES)
    order = np.argsort(seg, kind="stable")
    sorted_seg = seg[order]
    lo = np.searchsorted(sorted_seg, seg[who], side="left")
    hi = np.searchsorted(sorted_seg, seg[who], side="right")
    count = hi - lo
    i = np.repeat(who, count)
    j = order[np.repeat(lo, count) + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count,
                                                                         count)]
    # Q_i(u) for every top row and node, then each rival's CDF there.
    q = mean[who][:, None] + scale_sd[who][:, None] * t_quantile(
        np.broadcast_to(u, (who.size, u.size)), np.broadcast_to(df[who][:, None],
                                                                (who.size, u.size)))
    slot = np.searchsorted(who, i)
    # A rival whose 1 - 1e-9 quantile lies below i's lowest node has F = 1 at every node (to
    # 1e-9): it changes nothing and is left out.
    far = mean[j] + scale_sd[j] * t_quantile(1 - 1e-9, df[j]) < q[slot, 0]
    keep = (i != j) & ~far
    i, j, slot = i[keep], j[keep], slot[keep]
    # Rows of one top candidate are contiguous (i repeats each of `who` in turn). They are
    # taken a block of whole candidates at a time (about CHANCE_ROWS rows x nodes): on a large
    # organisation the rows x nodes matrices were the pipeline's peak memory. Each candidate's
    # sum is made within one block, in the same order, so the figure does not depend on it.
    total = np.zeros((who.size, u.size))
    if len(slot):
        bounds = np.r_[0, np.flatnonzero(np.diff(slot)) + 1]
        ends = np.r_[bounds[1:], len(slot)]
        first = 0
        while first < len(bounds):
            last = max(first + 1, int(np.searchsorted(ends, bounds[first] + CHANCE_ROWS,
                                                      side="right")))
            a, b = int(bounds[first]), int(ends[last - 1])
            rows_j = j[a:b]
            with np.errstate(divide="ignore", invalid="ignore"):
                z = (q[slot[a:b]] - mean[rows_j][:, None]) / scale_sd[rows_j][:, None]
                log_cdf = np.log(t_cdf(z, df[rows_j]))
            total[slot[bounds[first:last]]] = np.add.reduceat(log_cdf, bounds[first:last] - a,
                                                              axis=0)
            first = last
    out[who] = np.exp(total) @ w
    return out


def letter_span(letters: str) -> tuple[int, int]:
    """The first and last letter (0 = a) of a letters text from letter_names."""
    parts = re.findall(r"[a-z]\d*", letters)

    def number(part: str) -> int:
        return ord(part[0]) - 97 + 26 * (int(part[1:]) - 1 if len(part) > 1 else 0)

    return number(parts[0]), number(parts[-1])


def ranking_sentence(names: list[str], letters: list[str]) -> str:
    """What the scores settle about the top, in one sentence in the reader's language, for the
    scored candidates in rank order with their letters (see letter_groups). Every view shows
    this sentence."""
    k = len(names)
    if k == 0:
        return _("No candidate has scores yet, so there is no ranking.")
    if k == 1:
        return _("Only {name} has scores so far; there is nobody to compare with.").format(
            name=names[0])
    spans = [letter_span(x) for x in letters]
    first = [a for a, _x in spans]
    last = [b for _x, b in spans]
    top = [x for x in range(k) if first[x] == 0]  # those sharing the leader's letter
    if len(top) == k:
        return _("The scores do not separate any of the {n} candidates: their order is not "
                 "settled.").format(n=k)
    top_last = max(last[x] for x in top)
    overlap = [x for x in range(k) if x not in top and first[x] <= top_last]
    if not overlap:
        listed = _names([names[x] for x in top])
        if len(top) == 1:
            return _("The scores separate {names} from the rest.").format(names=listed)
        return _("The scores separate {names} from the rest; between them the order is not "
                 "settled.").format(names=listed)
    return elide(ngettext(  # "de Émilie" -> "d’Émilie" in French
        "No group stands apart at the top: the scores do not separate {others} from {leader}, "
        "and {overlap} is not separated from some of them; the order is not settled.",
        "No group stands apart at the top: the scores do not separate {others} from {leader}, "
        "and {overlap} are not separated from some of them; the order is not settled.",
        len(overlap)).format(others=_names([names[x] for x in top[1:]]), leader=names[0],
                             overlap=_names([names[x] for x in overlap])))


def _names(items: list[str], limit: int = 5) -> str:
    """'A', 'A and B', 'A, B and C', 'A, B, C, D, E and 3 others' (in the reader's language)."""
    if len(items) > limit:
        rest = len(items) - limit
        items = [*items[:limit], ngettext("{n} other", "{n} others", rest).format(n=rest)]
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=_(", ").join(items[:-1]), last=items[-1])
