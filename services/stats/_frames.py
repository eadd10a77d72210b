"""Shared plumbing of the statistics package: input cleaning, id codes, empty frames and
the few words the agenda uses (in the reader's language, through services.i18n). Nothing here
is a statistical rule.

Inputs
------
`scores` is long: one row per (candidate, panelist, criterion) with the criterion's `dimension`
("technical", "social" or "company"), its `weight` (> 0) and the `value` given. A missing value
means "not assessed": it is left out of every average and never counts as zero. `recs` holds each
panelist's overall recommendation for a candidate (strong_no < no < yes < strong_yes, or empty).
"""

import numpy as np
import pandas as pd

from services.i18n import decimal, ngettext

DIMENSIONS = ("technical", "social", "company")
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")
_SCORE_INPUT = ["candidate_id", "panelist_id", "criterion_id", "dimension", "weight", "value"]
_REC_STEP = {name: step for step, name in enumerate(RECOMMENDATIONS)}
# Float sums of equal scores can differ in the last bits; this keeps them equal when ranking
# and when testing a range against the disagreement threshold.
_DECIMALS = 9
_EPS = 1e-9


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
    """A number in plain words, in the reader's language: 2, 2.5, 3.33 (French 2,5)."""
    x = round(float(x), 2)
    digits = 0 if abs(x - round(x)) < _EPS else 1 if abs(x * 10 - round(x * 10)) < _EPS else 2
    return decimal(x, digits)


def _points(n: float) -> str:
    """'1 point' / '2.5 points', in the reader's language."""
    return ngettext("{n} point", "{n} points", 1 if abs(n - 1) < _EPS else 2).format(n=_fmt(n))


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


def _int_ids(column: pd.Series) -> np.ndarray:
    """An id column as a numpy integer array, without copying int32 or int64 ones."""
    values = column.to_numpy()
    return values if values.dtype in (np.int32, np.int64) else values.astype(np.int64)


def _pair_codes(a: np.ndarray, b: np.ndarray, *, sort: bool = False
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """pd.factorize of the (a, b) pairs of two integer id arrays, and each code's a and b.

    The pairs are hashed as one int64 key, a * span + (b - low), which is far cheaper on a
    million rows than factorizing two columns; `sort` orders the codes by (a, b). Rows that
    come in runs of one pair (the score rows of one scorecard: its candidate and panelist) are
    hashed once a run: the codes are the same, as a pair first appears at the head of a run.
    """
    low = min(int(b.min()), 0) if b.size else 0
    span = int(b.max()) - low + 1 if b.size else 1
    key = a.astype(np.int64)
    key *= span
    key += b if low == 0 else b - low
    head = np.empty(key.size, dtype=bool)
    head[:1] = True
    np.not_equal(key[1:], key[:-1], out=head[1:])
    if 2 * np.count_nonzero(head) <= key.size:
        starts = np.flatnonzero(head)
        del head
        run_codes, keys = pd.factorize(key[starts], sort=sort)
        codes = np.repeat(run_codes, np.diff(starts, append=key.size))
        del starts
    else:
        del head
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
