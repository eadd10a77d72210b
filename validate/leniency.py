"""Leniency validation: does services.stats.leniency recover planted panelist offsets, and do its
95% intervals cover them?

Each scenario simulates an organisation's history many times with fixed seeds: candidates of
random quality, six criteria with their own per-candidate effects, panels of 2 to 4, every
panelist with a planted offset, a per-(candidate, panelist) impression shared by all criteria
(so scores of one candidate are correlated, as in real interviews) and per-score noise, scores
rounded to whole points and clipped to the 1-5 scale. Planted offsets are centred within each
connected group of panelists, as the estimates are.

Scenarios
* random: 24 panelists, panels drawn at random.
* confounded: lenient panelists are sent to the stronger candidates (a naive "score minus the
  candidate's mean" would credit them with the candidates' quality).
* weakly mixed 2%, 8%, 30%, 100%: two teams of 12 whose average leniency differs by 0.4; a
  candidate is interviewed by their own team, except this share of panels that mix both teams.
* ceiling: as random, but candidates are strong (quality centred at 4 of 5), so many scores sit
  on the top of the scale; measured, not corrected (the slope shows the shrinkage).

Measures
* coverage: share of panelists whose 95% interval (computed for every panelist, enough data or
  not) holds the planted offset; target >= 0.93.
* correlation: mean over runs of the correlation of estimated and planted offsets; >= 0.95.
* slope: least-squares slope of estimated on planted offsets (1 = no shrinkage).
* enough data: share of panelists marked as having enough data (reported, no target).
* effective/shared: effective shared candidates over shared candidates (1 = the colleagues are
  as well tied to the organisation as in a fully mixed pool; reported, no target).
"""

import numpy as np
import pandas as pd

from services.stats.leniency import panelist_leniency

N_CRIT = 6
RUNS = 100
COVERAGE_TARGET = 0.93
CORRELATION_TARGET = 0.95


def simulate(rng: np.random.Generator, *, n_pan: int = 24, n_cand: int = 500,
             crossing: float | None = None, confounded: bool = False,
             centre: float = 3.0) -> tuple[pd.DataFrame, np.ndarray]:
    """One history: (scores frame, planted offsets indexed by panelist id)."""
    offsets = rng.normal(0, 0.35, n_pan)
    team = np.arange(n_pan) % 2
    if crossing is not None:
        offsets += np.where(team == 1, 0.2, -0.2)
    quality = rng.normal(0, 0.6, n_cand)
    sizes = rng.integers(2, 5, n_cand)
    panels = []
    for c in range(n_cand):
        if crossing is not None:
            own = np.flatnonzero(team == c % 2)
            if rng.random() < crossing:  # a mixed panel: at least one of each team
                other = np.flatnonzero(team != c % 2)
                rest = rng.choice(np.r_[own, other], size=sizes[c], replace=False)
                if len(set(team[rest])) < 2:
                    rest[0] = rng.choice(other if team[rest[0]] == c % 2 else own)
                    rest = np.unique(rest)
                panels.append(rest)
            else:
                panels.append(rng.choice(own, size=sizes[c], replace=False))
        elif confounded:
            # Strong candidates meet lenient panelists: weights rise with offset x quality.
            weight = np.exp(2.5 * offsets * quality[c])
            panels.append(rng.choice(n_pan, size=sizes[c], replace=False, p=weight / weight.sum()))
        else:
            panels.append(rng.choice(n_pan, size=sizes[c], replace=False))
    cand = np.concatenate([np.full(len(p), c) for c, p in enumerate(panels)])
    pan = np.concatenate(panels)
    k = len(cand)
    crit_effect = rng.normal(0, 0.3, (n_cand, N_CRIT))
    impression = rng.normal(0, 0.3, k)
    raw = (centre + quality[cand, None] + crit_effect[cand] + offsets[pan, None]
           + impression[:, None] + rng.normal(0, 0.5, (k, N_CRIT)))
    value = np.clip(np.rint(raw), 1, 5)
    scores = pd.DataFrame({
        "candidate_id": np.repeat(cand, N_CRIT),
        "panelist_id": np.repeat(pan, N_CRIT),
        "criterion_id": np.tile(np.arange(N_CRIT), k),
        "value": value.ravel(),
    })
    return scores, offsets


def _centred(planted: np.ndarray, table: pd.DataFrame) -> np.ndarray:
    """Planted offsets of the table's panelists, centred on their mean (every scenario's
    panelists form one connected group, which is checked)."""
    if not (table["group_size"] == len(table)).all():
        raise AssertionError("a scenario's panelists must form one connected group")
    p = planted[table["panelist_id"].to_numpy()]
    return p - p.mean()


def _run(scenario: dict, seed: int, runs: int) -> dict:
    hits = total = enough = 0
    effective = shared = 0.0
    corrs, xs, ys = [], [], []
    for r in range(runs):
        rng = np.random.default_rng([seed, scenario["code"], r])
        scores, planted = simulate(rng, **scenario["kw"])
        table = panelist_leniency(scores, intervals="all")
        table = table.dropna(subset=["leniency"]).reset_index(drop=True)
        truth = _centred(planted, table)
        est = table["leniency"].to_numpy()
        hits += int(((table["ci_low"] <= truth) & (truth <= table["ci_high"])).sum())
        total += len(table)
        enough += int(table["enough_data"].sum())
        effective += float(table["n_effective"].sum())
        shared += float(table["n_shared"].sum())
        corrs.append(np.corrcoef(est, truth)[0, 1])
        xs.append(truth)
        ys.append(est)
    x, y = np.concatenate(xs), np.concatenate(ys)
    return {"coverage": hits / total, "correlation": float(np.mean(corrs)),
            "slope": float(np.dot(x, y) / np.dot(x, x)), "enough data": enough / total,
            "effective/shared": effective / shared}


SCENARIOS = [
    {"name": "random", "code": 1, "kw": {}, "targets": True},
    {"name": "confounded", "code": 2, "kw": {"confounded": True}, "targets": True},
    *({"name": f"weakly mixed {int(share * 100)}%", "code": 10 + i,
       "kw": {"crossing": share}, "targets": True}
      for i, share in enumerate((0.02, 0.08, 0.30, 1.0))),
    {"name": "ceiling", "code": 3, "kw": {"centre": 4.0}, "targets": False},
]


def rows(seed: int = 0, runs: int = RUNS) -> list[dict]:
    """One row per scenario and measure: area, scenario, measure, value, target, passed."""
    out = []
    for scenario in SCENARIOS:
        result = _run(scenario, seed, runs)
        checks = {"coverage": (">= 0.93", result["coverage"] >= COVERAGE_TARGET),
                  "correlation": (">= 0.95", result["correlation"] >= CORRELATION_TARGET)}
        for measure, value in result.items():
            target, passed = (checks[measure] if scenario["targets"] and measure in checks
                              else ("", None))
            out.append({"area": "leniency", "scenario": scenario["name"], "measure": measure,
                        "value": round(value, 3), "target": target, "passed": passed})
    return out


if __name__ == "__main__":
    import time

    start = time.perf_counter()
    for row in rows():
        print(f"{row['scenario']:<20}{row['measure']:<17}{row['value']:>7.3f}  "
              f"{row['target']:<8}{'' if row['passed'] is None else row['passed']}")
    print(f"{time.perf_counter() - start:.1f} s")
