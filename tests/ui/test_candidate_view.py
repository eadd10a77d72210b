"""The candidate view's criterion-by-panelist matrix."""

import random

import numpy as np
import pandas as pd

from ui.candidate_view import score_matrix


def _pivoted(named: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """The matrix as pandas' pivot_table and a reindex give it (what score_matrix replaces)."""
    matrix = named.pivot_table(index="criterion", columns="panelist", values="value",
                               aggfunc="first", dropna=False, sort=False)
    known = [n for n in order if n in matrix.index]
    return matrix.reindex(known + [i for i in matrix.index if i not in known])


def test_the_matrix_is_the_first_score_per_cell_in_the_templates_order():
    rng = random.Random(7)
    for _ in range(200):
        # "(older criterion)" stands for every criterion of an older template: one name,
        # several scores per panelist, the first given one kept (not assessed skipped).
        criteria = [f"c{i}" for i in range(rng.randint(1, 6))] + ["(older criterion)"]
        rows = [(c, p, rng.choice([np.nan, 1.0, 2.0, 3.0, 4.0, 5.0]))
                for p in (f"p{i}" for i in range(rng.randint(1, 4)))
                for c in criteria
                for _ in range(2 if c == "(older criterion)" and rng.random() < 0.5 else 1)
                if rng.random() < 0.85]
        if not rows:
            continue
        named = pd.DataFrame(rows, columns=["criterion", "panelist", "value"])
        order = rng.sample(criteria[:-1], len(criteria) - 1) + ["not scored"]
        got = score_matrix(named, order)
        pd.testing.assert_frame_equal(got, _pivoted(named, order), check_names=False,
                                      check_index_type=False, check_column_type=False)


def test_the_first_given_score_wins_and_not_assessed_stays_empty():
    named = pd.DataFrame({"criterion": ["Old", "Old", "Old", "APIs"],
                          "panelist": ["Ann", "Ann", "Bo", "Bo"],
                          "value": [np.nan, 4.0, np.nan, 2.0]})
    got = score_matrix(named, ["APIs"])
    assert list(got.index) == ["APIs", "Old"] and list(got.columns) == ["Ann", "Bo"]
    assert got.loc["Old", "Ann"] == 4.0 and got.loc["APIs", "Bo"] == 2.0
    assert np.isnan(got.loc["Old", "Bo"]) and np.isnan(got.loc["APIs", "Ann"])
