"""Agreement with the reference packages: every ICC against pingouin and Krippendorff's alpha
(interval and ordinal) against the krippendorff package, on random designs with fixed seeds.

ICCs on fully crossed candidates x panelists matrices (2-12 candidates, 2-5 panelists, whole
numbers 1-5 or continuous scores); alphas on matrices with gaps (panels of 2-4 drawn per
candidate, arbitrary gaps, candidates seen by one panelist), scales 1-5 and 1-10. The row's
value is the largest difference |ours - theirs| / max(1, |theirs|) over every figure both
define; target 1e-9 (tests/services/stats/test_stats.py checks the same, plus published tables).
"""

import warnings

import krippendorff
import numpy as np
import pandas as pd
import pingouin as pg

from services import stats

PINGOUIN_TYPES = {"ICC1": "ICC(1,1)", "ICC2": "ICC(A,1)", "ICC3": "ICC(C,1)",
                  "ICC1k": "ICC(1,k)", "ICC2k": "ICC(A,k)", "ICC3k": "ICC(C,k)"}
TOLERANCE = 1e-9


def _difference(ours: float, theirs: float) -> float:
    return abs(ours - theirs) / max(1.0, abs(theirs))


def crossed_design(rng: np.random.Generator) -> np.ndarray | None:
    """A random fully crossed candidates x panelists matrix (2-12 x 2-5), whole numbers 1-5 or
    continuous; None when it has fewer than the five values pingouin's ANOVA wants."""
    n, k = int(rng.integers(2, 13)), int(rng.integers(2, 6))
    if n * k < 5:
        return None
    if rng.random() < 0.5:
        return rng.integers(1, 6, size=(n, k)).astype(float)
    return rng.normal(3, 1, (n, 1)) + rng.normal(0, 0.5, (1, k)) + rng.normal(0, 0.7, (n, k))


def icc_difference(seed: int, designs: int = 60) -> tuple[float, int]:
    """(largest difference from pingouin, figures compared)."""
    rng = np.random.default_rng([seed, 300])
    worst, compared = 0.0, 0
    while compared < designs * 6:
        x = crossed_design(rng)
        if x is None:
            continue
        long = pd.DataFrame(x).stack().rename_axis(["target", "rater"]).reset_index(name="score")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = pg.intraclass_corr(long, targets="target", raters="rater",
                                     ratings="score").set_index("Type")["ICC"]
        ours = stats.icc(x)
        for key, typ in PINGOUIN_TYPES.items():
            if ours[key] is not None and np.isfinite(ref[typ]):
                worst = max(worst, _difference(ours[key], float(ref[typ])))
                compared += 1
    return worst, compared


def alpha_difference(seed: int, level: str, designs: int = 150) -> tuple[float, int]:
    """(largest difference from the krippendorff package, alphas compared)."""
    rng = np.random.default_rng([seed, 301])
    worst, compared = 0.0, 0
    for i in range(designs):
        n, k = int(rng.integers(2, 40)), int(rng.integers(2, 9))
        x = rng.integers(1, (5 if i % 2 else 10) + 1, size=(n, k)).astype(float)
        if i % 3 == 1:  # panels of 2-4 drawn per candidate
            for row in range(n):
                keep = rng.choice(k, size=min(k, int(rng.integers(2, 5))), replace=False)
                gone = np.ones(k, dtype=bool)
                gone[keep] = False
                x[row, gone] = np.nan
        elif i % 3 == 2:  # arbitrary gaps
            x[rng.random((n, k)) < rng.uniform(0.1, 0.7)] = np.nan
        ours = stats.krippendorff_alpha(x, level=level)
        if ours is None:  # undefined (fewer than two pairable units, or no variation)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = float(krippendorff.alpha(reliability_data=x.T, level_of_measurement=level))
        worst = max(worst, _difference(ours, theirs))
        compared += 1
    return worst, compared


def rows(seed: int = 0) -> list[dict]:
    """Every row of this module's part of `make validate`."""
    out = []
    checks = [("ICC(1), ICC(2), ICC(3), single and average, vs pingouin", icc_difference(seed))]
    checks += [(f"{level} alpha vs krippendorff", alpha_difference(seed, level))
               for level in ("interval", "ordinal")]
    for scenario, (worst, compared) in checks:
        out.append({"area": "reliability", "scenario": f"{scenario} ({compared} figures)",
                    "measure": "largest relative difference", "value": worst,
                    "target": "<= 1e-9", "passed": worst <= TOLERANCE})
    return out
