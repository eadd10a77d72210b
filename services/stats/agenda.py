"""The debrief agenda: criteria the panel disagrees on and split recommendations.

Disagreements
-------------
* A criterion is flagged for a candidate when its scores range over at least `fraction` of the
  scale's span (with the default 0.5 on a 1-5 scale: 2 points or more).
* A recommendation is split when at least one panelist said yes/strong yes and at least one said
  no/strong no. Its spread is the distance between the lowest and highest recommendation on the
  four steps, as a share of the three steps, times the scale's span, so it sorts alongside the
  score ranges.
"""

import numpy as np
import pandas as pd

from services.i18n import N_, _
from services.stats._frames import (
    _DECIMALS,
    _EPS,
    RECOMMENDATIONS,
    _clean_recs,
    _clean_scores,
    _empty,
    _fmt,
    _many_rec_counts,
    _pair_codes,
    _points,
    _span,
)

CRITERION_COLUMNS = ["candidate_id", "criterion_id", "dimension", "weight", "n", "mean",
                     "median", "min", "max", "range", "std"]
AGENDA_COLUMNS = ["candidate_id", "kind", "criterion_id", "spread", "detail"]


# Recommendations as counted in a tally ("1 strong yes, 2 no"): short words without commas.
_REC_WORDS = {"strong_yes": N_("strong yes"), "yes": N_("yes"), "no": N_("no"),
              "strong_no": N_("strong no")}


def tally_words(counts: list[int], texts: tuple | None = None) -> str:
    """'1 strong yes, 2 no': counts per recommendation from strong yes to strong no (zeros
    left out), in the reader's language. `texts`: tally_texts(), when many tallies are
    written at once (each translation is a catalogue look-up)."""
    sep, each, words = texts or tally_texts()
    return sep.join(each.format(n=k, recommendation=words[name])
                    for k, name in zip(counts, reversed(RECOMMENDATIONS), strict=True) if k > 0)


def tally_texts() -> tuple[str, str, dict[str, str]]:
    """The tally's separator, its "{n} {recommendation}" pattern and the recommendations'
    words, in the reader's language."""
    return _(", "), _("{n} {recommendation}"), {k: _(v) for k, v in _REC_WORDS.items()}


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


def disagreements(scores: pd.DataFrame, recs: pd.DataFrame | None, *, scale_min: int = 1,
                  scale_max: int = 5, fraction: float = 0.5) -> pd.DataFrame:
    """The debrief agenda: flagged criteria and split recommendations, largest spread first.
    One position of _many_disagreements (the same code computes both)."""
    _span(scale_min, scale_max)
    s = _clean_scores(scores)
    r = _clean_recs(recs).assign(position_id=0)
    values = s["value"].to_numpy()
    scales = pd.DataFrame({"scale_min": [scale_min], "scale_max": [scale_max]},
                          index=pd.Index([0], name="position_id"))
    out = _many_disagreements(np.zeros(len(s), dtype=np.int64), s["candidate_id"].to_numpy(),
                              s["criterion_id"].to_numpy(), values, ~np.isnan(values), r,
                              scales, fraction)
    return out[AGENDA_COLUMNS].reset_index(drop=True)


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
    # One text per distinct (lowest, highest) pair: a million scores hold tens of thousands of
    # disagreements but only the few pairs a rating scale allows.
    # Each pair hashed as one complex number (lowest + i highest): np.unique(axis=0) sorts
    # rows as records, ten times slower.
    pair = np.empty(len(hit), dtype=np.complex128)
    pair.real = hit["min"].to_numpy(dtype=float)
    pair.imag = hit["max"].to_numpy(dtype=float)
    pair_of, pairs = pd.factorize(pair)
    del pair
    template = _("scores range {low} to {high} ({spread})")
    pair_texts = np.array([template.format(low=_fmt(lo), high=_fmt(hi), spread=_points(hi - lo))
                           for lo, hi in zip(pairs.real.tolist(), pairs.imag.tolist(),
                                             strict=True)], dtype=object)
    crit_rows = pd.DataFrame({
        "position_id": hit["position_id"].to_numpy(dtype=np.int64),
        "candidate_id": hit["candidate_id"].to_numpy(dtype=np.int64),
        "kind": "criterion",
        "criterion_id": hit["criterion_id"].to_numpy(dtype=float),
        "spread": hit["range"].to_numpy(dtype=float),
        "detail": pair_texts[pair_of.reshape(-1)],
    })
    given = r.loc[r["step"] >= 0]
    counts = _many_rec_counts(given)
    split = counts.loc[counts["split_recommendation"]]
    steps = given.groupby("candidate_id")["step"].agg(["min", "max"]).reindex(split.index)
    pos = given.drop_duplicates("candidate_id").set_index("candidate_id")["position_id"]
    pos = pos.reindex(split.index).to_numpy(dtype=np.int64)
    tallies = list(zip(*(split[f"rec_{name}"].tolist() for name in reversed(RECOMMENDATIONS)),
                       strict=True))
    texts = tally_texts()
    said = {row: tally_words(list(row), texts) for row in set(tallies)}  # each distinct once
    words = [said[row] for row in tallies]
    split_text = _("split: {tally}")
    rec_rows = pd.DataFrame({
        "position_id": pos,
        "candidate_id": split.index.to_numpy(dtype=np.int64),
        "kind": "recommendation",
        "criterion_id": np.nan,
        "spread": (steps["max"] - steps["min"]).to_numpy(dtype=float)
        / (len(RECOMMENDATIONS) - 1) * span.reindex(pos).to_numpy(),
        "detail": [split_text.format(tally=x) for x in words],
    })
    parts = [p for p in (crit_rows, rec_rows) if len(p)]
    if not parts:
        return _empty(columns, ints=("position_id", "candidate_id"), strings=("kind", "detail"))
    out = pd.concat(parts, ignore_index=True)[columns]
    out = out.assign(_key=-out["spread"].round(_DECIMALS))
    out = out.sort_values(["position_id", "_key", "candidate_id", "kind", "criterion_id"],
                          kind="stable")
    return out.drop(columns="_key").reset_index(drop=True)
