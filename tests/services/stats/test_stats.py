"""Tests of services.stats: hand-checkable cases, oracles (pingouin, krippendorff, scipy) and a
simulation of lenient and harsh panelists."""

import warnings
from enum import StrEnum

import krippendorff
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy import stats as sps

from services import history, score_pairs, stats
from services.i18n import language
from services.stats import ranking
from services.stats._frames import _small_codes
from services.stats.reliability import _reading
from validate.agreement import crossed_design

NAN = float("nan")
PINGOUIN_TYPES = {"ICC1": "ICC(1,1)", "ICC2": "ICC(A,1)", "ICC3": "ICC(C,1)",
                  "ICC1k": "ICC(1,k)", "ICC2k": "ICC(A,k)", "ICC3k": "ICC(C,k)"}


def make_scores(rows: list[tuple], criteria: dict[int, tuple[str, float]] | None = None
                ) -> pd.DataFrame:
    """Rows of (candidate, panelist, criterion, value); criteria maps id -> (dimension, weight)."""
    criteria = criteria or {}
    out = []
    for cand, pan, crit, value in rows:
        dim, weight = criteria.get(crit, ("technical", 1.0))
        out.append((cand, pan, crit, dim, weight, value))
    return pd.DataFrame(out, columns=["candidate_id", "panelist_id", "criterion_id", "dimension",
                                      "weight", "value"])


def make_recs(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (candidate, panelist, recommendation)."""
    return pd.DataFrame(rows, columns=["candidate_id", "panelist_id", "recommendation"])


def from_matrix(matrix: np.ndarray, criterion: int = 1) -> pd.DataFrame:
    """One criterion's scores from a candidates x panelists matrix (NaN = no score row)."""
    rows = [(c, p, criterion, matrix[c, p]) for c in range(matrix.shape[0])
            for p in range(matrix.shape[1]) if not np.isnan(matrix[c, p])]
    return make_scores(rows)


def pingouin_iccs(matrix: np.ndarray) -> pd.Series:
    """pingouin's six ICCs of a fully crossed matrix, indexed by its Type column."""
    long = pd.DataFrame(matrix).stack().rename_axis(["target", "rater"]).reset_index(name="score")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = pg.intraclass_corr(long, targets="target", raters="rater", ratings="score")
    return table.set_index("Type")["ICC"]


def kripp(matrix: np.ndarray, level: str) -> float:
    """The krippendorff package's alpha (it wants raters x units)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(krippendorff.alpha(reliability_data=matrix.T, level_of_measurement=level))


def pairable_units(matrix: np.ndarray) -> int:
    """Units with two or more ratings."""
    return int(((~np.isnan(matrix)).sum(axis=1) >= 2).sum())


def paired_values_vary(matrix: np.ndarray) -> bool:
    """Whether the values of pairable units are not all equal."""
    rows = matrix[(~np.isnan(matrix)).sum(axis=1) >= 2]
    values = rows[~np.isnan(rows)]
    return values.size > 0 and np.ptp(values) > 0


# ---------------------------------------------------------------------------------------------
# Weighted aggregation
# ---------------------------------------------------------------------------------------------

def test_not_assessed_never_counts_as_zero_and_weights_renormalise():
    criteria = {1: ("technical", 2.0), 2: ("technical", 1.0), 3: ("social", 1.0)}
    scores = make_scores([(7, 1, 1, 4.0), (7, 1, 2, NAN), (7, 1, 3, 2.0)], criteria)
    row = stats.panelist_scores(scores).iloc[0]
    assert row["overall"] == pytest.approx((2 * 4 + 1 * 2) / 3)  # not (8 + 0 + 2) / 4
    assert row["technical"] == pytest.approx(4.0)  # the skipped criterion's weight is dropped
    assert row["social"] == pytest.approx(2.0)
    assert np.isnan(row["company"])
    assert row["n_assessed"] == 2


def test_dimension_scores_are_weighted_means_within_the_dimension():
    criteria = {1: ("technical", 3.0), 2: ("technical", 1.0), 3: ("company", 0.5)}
    scores = make_scores([(1, 1, 1, 5.0), (1, 1, 2, 1.0), (1, 1, 3, 3.0)], criteria)
    row = stats.panelist_scores(scores).iloc[0]
    assert row["technical"] == pytest.approx((15 + 1) / 4)
    assert row["company"] == pytest.approx(3.0)
    assert row["overall"] == pytest.approx((15 + 1 + 1.5) / 4.5)


def test_nothing_assessed_is_missing_not_zero():
    scores = make_scores([(1, 1, 1, NAN), (1, 1, 2, NAN), (1, 2, 1, 4.0), (1, 2, 2, 2.0)])
    ps = stats.panelist_scores(scores).set_index("panelist_id")
    assert np.isnan(ps.at[1, "overall"]) and ps.at[1, "n_assessed"] == 0
    summary = stats.candidate_summary(scores, None)
    assert summary.at[0, "overall"] == pytest.approx(3.0)
    assert summary.at[0, "n_panelists"] == 1


def test_panelists_are_weighted_equally():
    # Panelist 1 assessed one criterion, panelist 2 four: each still counts once.
    scores = make_scores([(1, 1, 1, 5.0), (1, 1, 2, NAN), (1, 1, 3, NAN), (1, 1, 4, NAN)]
                         + [(1, 2, c, 1.0) for c in (1, 2, 3, 4)])
    summary = stats.candidate_summary(scores, None)
    assert summary.at[0, "overall"] == pytest.approx(3.0)
    assert summary.at[0, "technical"] == pytest.approx(3.0)


def test_enum_and_string_dimensions_are_the_same():
    class Dim(StrEnum):
        technical = "technical"

    scores = make_scores([(1, 1, 1, 4.0), (1, 1, 2, 2.0)])
    scores["dimension"] = [Dim.technical, "technical"]
    assert stats.panelist_scores(scores).at[0, "technical"] == pytest.approx(3.0)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_aggregation_ignores_row_order(seed):
    rng = np.random.default_rng(seed)
    rows = [(c, p, k, float(rng.integers(1, 6)) if rng.random() > 0.2 else NAN)
            for c in range(3) for p in range(3) for k in range(4)]
    criteria = {k: (stats.DIMENSIONS[k % 3], float(k + 1)) for k in range(4)}
    scores = make_scores(rows, criteria)
    shuffled = scores.sample(frac=1.0, random_state=seed)
    pd.testing.assert_frame_equal(stats.panelist_scores(scores),
                                  stats.panelist_scores(shuffled))
    pd.testing.assert_frame_equal(stats.candidate_summary(scores, None),
                                  stats.candidate_summary(shuffled, None))


# ---------------------------------------------------------------------------------------------
# Criterion statistics and the debrief agenda
# ---------------------------------------------------------------------------------------------

def test_criterion_stats_over_assessed_values():
    criteria = {3: ("social", 1.5)}
    scores = make_scores([(1, 1, 3, 2.0), (1, 2, 3, 5.0), (1, 3, 3, NAN), (1, 4, 3, 4.0),
                          (2, 1, 3, 3.0)], criteria)
    cs = stats.criterion_stats(scores).set_index("candidate_id")
    assert list(stats.criterion_stats(scores).columns) == stats.CRITERION_COLUMNS
    one = cs.loc[1]
    assert (one["dimension"], one["weight"], one["n"]) == ("social", 1.5, 3)
    assert one["mean"] == pytest.approx(11 / 3)
    assert (one["median"], one["min"], one["max"], one["range"]) == (4.0, 2.0, 5.0, 3.0)
    assert one["std"] == pytest.approx(np.std([2.0, 5.0, 4.0], ddof=1))
    assert cs.loc[2, "n"] == 1 and np.isnan(cs.loc[2, "std"]) and cs.loc[2, "range"] == 0


def test_all_not_assessed_criterion():
    cs = stats.criterion_stats(make_scores([(1, 1, 1, NAN), (1, 2, 1, NAN)]))
    assert cs.at[0, "n"] == 0 and np.isnan(cs.at[0, "mean"]) and np.isnan(cs.at[0, "range"])
    assert stats.disagreements(make_scores([(1, 1, 1, NAN), (1, 2, 1, NAN)]), None).empty


@pytest.mark.parametrize(("low", "high", "scale", "flagged"), [
    (3.0, 5.0, (1, 5), True),     # range exactly half the span
    (3.0, 4.99, (1, 5), False),   # just below
    (1.7, 3.7, (1, 5), True),     # 2 points give or take floating point
    (1.0, 5.5, (1, 10), True),    # 4.5 = half of 9
    (1.0, 5.4, (1, 10), False),
])
def test_disagreement_threshold(low, high, scale, flagged):
    scores = make_scores([(1, 1, 1, low), (1, 2, 1, high)])
    agenda = stats.disagreements(scores, None, scale_min=scale[0], scale_max=scale[1])
    assert (len(agenda) == 1) is flagged
    summary = stats.candidate_summary(scores, None, scale_min=scale[0], scale_max=scale[1])
    assert bool(summary.at[0, "disagreement"]) is flagged
    assert summary.at[0, "n_disagreements"] == int(flagged)


def test_disagreement_fraction_is_configurable():
    scores = make_scores([(1, 1, 1, 3.0), (1, 2, 1, 4.0)])
    assert stats.disagreements(scores, None).empty
    assert len(stats.disagreements(scores, None, fraction=0.25)) == 1


def test_criterion_row_reads_in_plain_words():
    agenda = stats.disagreements(make_scores([(4, 1, 9, 2.0), (4, 2, 9, 5.0), (4, 3, 9, 4.0)]),
                                 None)
    row = agenda.iloc[0]
    assert (row["candidate_id"], row["kind"], row["criterion_id"]) == (4, "criterion", 9)
    assert row["spread"] == 3.0
    assert row["detail"] == "scores range 2 to 5 (3 points)"


def test_split_recommendations():
    recs = make_recs([(1, 1, "yes"), (1, 2, "no"), (1, 3, "no"),
                      (2, 1, "strong_yes"), (2, 2, "strong_no"),
                      (3, 1, "yes"), (3, 2, "strong_yes"), (3, 3, None),
                      (4, 1, "no"), (4, 2, NAN)])
    agenda = stats.disagreements(make_scores([]), recs).set_index("candidate_id")
    assert set(agenda.index) == {1, 2}
    assert (agenda["kind"] == "recommendation").all()
    assert agenda["criterion_id"].isna().all()
    assert agenda.at[1, "detail"] == "split: 1 yes, 2 no"
    assert agenda.at[1, "spread"] == pytest.approx(1 / 3 * 4)
    assert agenda.at[2, "spread"] == pytest.approx(4.0)  # the whole ordinal scale
    assert agenda.at[2, "detail"] == "split: 1 strong yes, 1 strong no"
    on_ten = stats.disagreements(make_scores([]), recs, scale_min=1, scale_max=10)
    assert on_ten["spread"].max() == pytest.approx(9.0)

    summary = stats.candidate_summary(make_scores([]), recs).set_index("candidate_id")
    assert summary.loc[1, ["n_yes", "n_no", "rec_yes", "rec_no"]].tolist() == [1, 2, 1, 2]
    assert summary.loc[3, ["n_yes", "rec_strong_yes", "n_no"]].tolist() == [2, 1, 0]
    assert summary["split_recommendation"].to_dict() == {1: True, 2: True, 3: False, 4: False}
    assert summary["disagreement"].to_dict() == {1: True, 2: True, 3: False, 4: False}


def test_recommendations_accept_enums_and_reject_unknown_words():
    class Rec(StrEnum):
        yes = "yes"
        no = "no"

    recs = make_recs([(1, 1, Rec.yes), (1, 2, Rec.no)])
    assert stats.candidate_summary(make_scores([]), recs).at[0, "split_recommendation"]
    with pytest.raises(ValueError, match="maybe"):
        stats.disagreements(make_scores([]), make_recs([(1, 1, "maybe")]))


def test_agenda_puts_largest_disagreements_first():
    scores = make_scores([(5, 1, 1, 1.0), (5, 2, 1, 3.0),     # 2 points
                          (2, 1, 1, 1.0), (2, 2, 1, 5.0),     # 4 points
                          (3, 1, 2, 2.0), (3, 2, 2, 5.0),     # 3 points
                          (1, 1, 2, 1.0), (1, 2, 2, 3.0)])    # 2 points
    recs = make_recs([(4, 1, "strong_yes"), (4, 2, "no")])    # 2/3 of 4 points
    agenda = stats.disagreements(scores, recs)
    assert list(agenda.columns) == stats.AGENDA_COLUMNS
    assert agenda["candidate_id"].tolist() == [2, 3, 4, 1, 5]
    assert agenda["spread"].is_monotonic_decreasing


# ---------------------------------------------------------------------------------------------
# Candidate summary: uncertainty band, rank, tie groups
# ---------------------------------------------------------------------------------------------

def panel(candidate: int, values: list[float]) -> list[tuple]:
    """One criterion scored by panelists 1..n with the given values."""
    return [(candidate, p, 1, v) for p, v in enumerate(values, start=1)]


HISTORY = ranking.SpreadPrior(variance=0.25, df=6.0, n_candidates=200, source="history")


def test_a_panel_that_happens_to_agree_still_gets_a_band():
    summary = stats.candidate_summary(make_scores(panel(1, [4.0, 4.0, 4.0])), None,
                                      prior=HISTORY)
    # s~^2 = 6 * 0.25 / (6 + 2), t on 8 degrees of freedom
    half = sps.t.ppf(0.975, 8) * np.sqrt(6 * 0.25 / 8 / 3)
    assert summary.at[0, "ci_low"] == pytest.approx(4.0 - half, abs=1e-12)
    assert summary.at[0, "ci_high"] == pytest.approx(min(5.0, 4.0 + half), abs=1e-12)
    assert summary.at[0, "history_share"] == pytest.approx(0.75)


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95])
def test_interval_is_the_moderated_t_interval(confidence):
    rng = np.random.default_rng(3)
    for n in (2, 3, 4, 7):
        values = rng.uniform(2.5, 3.5, n)
        summary = stats.candidate_summary(make_scores(panel(1, list(values))), None,
                                          scale_min=0, scale_max=100, confidence=confidence,
                                          prior=HISTORY)
        d0, d = HISTORY.df, n - 1
        s0_sq = HISTORY.variance * (100 / 4) ** 2  # the prior is kept on a 1-5 footing
        var = (d0 * s0_sq + d * values.var(ddof=1)) / (d0 + d)
        low, high = sps.t.interval(confidence, d0 + d, loc=values.mean(),
                                   scale=np.sqrt(var / n))
        assert summary.at[0, "ci_low"] == pytest.approx(max(0, low), abs=1e-12)
        assert summary.at[0, "ci_high"] == pytest.approx(min(100, high), abs=1e-12)
        assert summary.at[0, "spread_df"] == d0 + d


def test_a_single_panelist_gets_the_organisations_spread():
    summary = stats.candidate_summary(make_scores(panel(1, [4.9, 5.0]) + panel(2, [3.0])),
                                      None, prior=HISTORY).set_index("candidate_id")
    assert summary.at[2, "history_share"] == 1.0
    half = sps.t.ppf(0.975, 6) * np.sqrt(0.25)
    assert summary.at[2, "ci_low"] == pytest.approx(3.0 - half, abs=1e-12)
    assert summary.at[1, "ci_high"] == 5.0  # clipped to the scale


def test_a_lone_candidate_gets_no_t_of_twelve():
    summary = stats.candidate_summary(make_scores(panel(1, [3.0, 4.0])), None, prior=HISTORY)
    width = summary.at[0, "ci_high"] - summary.at[0, "ci_low"]
    assert 0 < width < 3  # t on 1 degree of freedom would give 12.7 * 0.5 / 0.71 each side


def test_without_history_the_default_prior_is_used():
    prior = ranking.fit_spread_prior(np.array([0.2, 0.3]), np.array([1, 2]))
    assert prior == ranking.DEFAULT_PRIOR


def test_prior_is_fitted_from_history():
    rng = np.random.default_rng(5)
    d = rng.integers(3, 6, 20000).astype(float)
    sigma2 = 0.3 / (rng.chisquare(8, d.size) / 8)  # inverse chi-square prior, d0 = 8
    s2 = sigma2 * rng.chisquare(d) / d
    prior = ranking.fit_spread_prior(s2, d)
    assert prior.source == "history"
    assert prior.df == pytest.approx(8, rel=0.35)
    assert prior.variance == pytest.approx(0.3, rel=0.1)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_organisation_prior_is_the_prior_position_summaries_fits(seed, second_cards):
    """Every view is given organisation_prior, fitted from each card's weighted sums (kept by
    the database); position_summaries fits its own from the score rows when given none. With
    one card per panelist and candidate the two are identical to the last bit; with a second
    card (a second interview) only the order of the additions differs."""
    rng = np.random.default_rng(seed)
    scales = pd.DataFrame({"position_id": [1, 2, 3], "scale_min": [1, 1, 0],
                           "scale_max": [5, 10, 4]})
    rows, cards = [], []
    for pos, lo, hi in scales.itertuples(index=False):
        for cand in range(int(rng.integers(3, 12))):
            for pan in range(int(rng.integers(1, 5))):
                for _card in range(2 if second_cards and rng.random() < 0.3 else 1):
                    scored = []
                    for crit in range(3):
                        value = int(rng.integers(lo, hi + 1)) if rng.random() > 0.15 else None
                        weight = [1.0, 1.5, 0.3][crit]
                        rows.append((pos, 100 * pos + cand, pan, 10 * pos + crit,
                                     ("technical", "social", "company")[crit], weight,
                                     NAN if value is None else float(value)))
                        scored.append((weight, value))
                    cards.append((len(cards) + 1, 100 * pos + cand, pos, pan,
                                  *score_pairs.sums(scored)))
    scores = pd.DataFrame(rows, columns=["position_id", "candidate_id", "panelist_id",
                                         "criterion_id", "dimension", "weight", "value"])
    cards = pd.DataFrame(cards, columns=history.PRIOR_COLUMNS)
    prior = stats.organisation_prior(cards.sample(frac=1, random_state=seed % 1000), scales)
    fitted, given_prior = (stats.position_summaries(scores, None, scales, prior=p)[0]
                           for p in (None, prior))
    if second_cards:
        pd.testing.assert_frame_equal(fitted, given_prior, rtol=1e-9)
    else:
        pd.testing.assert_frame_equal(fitted, given_prior, check_exact=True)


def test_rank_breaks_ties_by_id_and_puts_unscored_last():
    scores = make_scores(panel(9, [4.0, 4.0]) + panel(3, [4.0, 4.0]) + panel(5, [2.0, 2.5])
                         + panel(1, [NAN, NAN]))
    recs = make_recs([(8, 1, "yes")])
    summary = stats.candidate_summary(scores, recs)
    assert list(summary.columns) == stats.SUMMARY_COLUMNS
    assert summary["candidate_id"].tolist() == [3, 9, 5, 1, 8]
    assert summary["rank"].tolist() == [1, 2, 3, 4, 5]
    assert summary.set_index("candidate_id").at[8, "n_yes"] == 1
    assert summary["letters"].tolist()[3:] == ["", ""]


def test_audit_example_is_not_split_by_the_leader_rule():
    # The audit's panels: 2nd and 3rd differ with p = .64, 1st and 2nd with p = .022. No
    # multiplicity-controlled test separates any of them, so all share one letter.
    scores = make_scores(panel(1, [4.2, 4.0, 3.8]) + panel(2, [3.7, 3.5, 3.3])
                         + panel(3, [3.62, 3.42, 3.22]))
    summary = stats.candidate_summary(scores, None, prior=HISTORY).set_index("candidate_id")
    assert summary["letters"].to_dict() == {1: "a", 2: "a", 3: "a"}
    assert summary["rank_best"].tolist() == [1, 1, 1]
    assert summary["rank_worst"].tolist() == [3, 3, 3]


def test_clear_gaps_give_separate_letters():
    scores = make_scores(panel(1, [4.9, 5.0, 4.8, 5.0]) + panel(2, [4.8, 5.0, 4.9, 4.9])
                         + panel(3, [1.1, 1.0, 1.2, 1.0]) + panel(4, [NAN]))
    tight = ranking.SpreadPrior(variance=0.04, df=20.0, n_candidates=500, source="history")
    summary = stats.candidate_summary(scores, None, prior=tight).set_index("candidate_id")
    assert summary["letters"].to_dict() == {1: "a", 2: "a", 3: "b", 4: ""}
    assert summary["tie_group"].to_dict() == {1: 1, 2: 1, 3: 2, 4: 3}
    assert summary.at[3, "rank_best"] == 3
    assert summary.at[1, "p_best"] + summary.at[2, "p_best"] == pytest.approx(1.0, abs=1e-6)
    assert summary.at[3, "p_best"] == pytest.approx(0.0, abs=1e-6)


def test_letters_overlap_in_a_chain():
    seg = np.zeros(4, dtype=np.int64)
    # 0-1 and 1-2 and 2-3 not separated, the rest separated: a, ab, bc, c
    i = np.array([0, 0, 0, 1, 1, 2])
    j = np.array([1, 2, 3, 2, 3, 3])
    sep = np.array([False, True, True, False, True, False])
    first, last = ranking.letter_groups(seg, i, j, sep)
    assert ranking.letter_names(first, last) == ["a", "ab", "bc", "c"]


def test_letters_never_show_an_order_the_tests_did_not_find():
    rng = np.random.default_rng(8)
    for _ in range(200):
        n = int(rng.integers(2, 9))
        i, j = np.triu_indices(n, 1)
        sep = rng.random(i.size) < 0.5
        first, last = ranking.letter_groups(np.zeros(n, dtype=np.int64), i, j, sep)
        share = (first[i] <= last[j]) & (first[j] <= last[i])
        assert share[~sep].all()  # not separated by the test: always a common letter


def test_letters_of_many_positions_equal_one_at_a_time():
    rng = np.random.default_rng(9)
    parts = []
    for _ in range(20):
        n = int(rng.integers(1, 8))
        i, j = np.triu_indices(n, 1)
        parts.append((n, i, j, rng.random(i.size) < 0.5))
    seg = np.concatenate([np.full(n, p) for p, (n, *_ ) in enumerate(parts)])
    offsets = np.cumsum([0] + [n for n, *_ in parts])[:-1]
    i = np.concatenate([o + x[1] for o, x in zip(offsets, parts, strict=True)])
    j = np.concatenate([o + x[2] for o, x in zip(offsets, parts, strict=True)])
    sep = np.concatenate([x[3] for x in parts])
    together = ranking.letter_groups(seg, i, j, sep)
    alone = [ranking.letter_groups(np.zeros(n, dtype=np.int64), a, b, c)
             for n, a, b, c in parts]
    assert together[0].tolist() == np.concatenate([x[0] for x in alone]).tolist()
    assert together[1].tolist() == np.concatenate([x[1] for x in alone]).tolist()


def test_chance_best_matches_a_seeded_simulation():
    mean = np.array([4.0, 3.8, 3.0, 3.7])
    sd = np.array([0.2, 0.3, 0.25, 0.5])
    df = np.array([5.0, 7.0, 9.0, 3.0])
    got = ranking.chance_best(np.zeros(4, dtype=np.int64), mean, sd, df,
                              np.array([True, True, True, True]))
    rng = np.random.default_rng(0)
    draws = mean + sd * rng.standard_t(df, size=(400_000, 4))
    want = np.bincount(draws.argmax(axis=1), minlength=4) / len(draws)
    assert got == pytest.approx(want, abs=0.004)


def test_chance_best_is_the_same_whatever_the_block_size(monkeypatch):
    """chance_best works a block of whole candidates at a time (to bound memory): the figures
    must not depend on where the blocks fall."""
    rng = np.random.default_rng(7)
    sizes = rng.integers(2, 40, size=30)
    seg = np.repeat(np.arange(len(sizes)), sizes)
    n = len(seg)
    mean, sd = rng.uniform(1, 5, n), rng.uniform(0.05, 0.8, n)
    df = rng.integers(1, 9, n).astype(float)
    top = np.zeros(n, dtype=bool)
    top[np.r_[0, np.cumsum(sizes)[:-1]]] = True  # each position's first row
    top[np.r_[0, np.cumsum(sizes)[:-1]] + 1] = True
    whole = ranking.chance_best(seg, mean, sd, df, top)
    for rows in (1, 7, 50):
        monkeypatch.setattr(ranking, "CHANCE_ROWS", rows)
        assert np.array_equal(ranking.chance_best(seg, mean, sd, df, top), whole,
                              equal_nan=True), rows
    assert np.isfinite(whole[top]).all() and np.isnan(whole[~top]).all()


def test_pairwise_tests_list_every_pair_of_each_position_once():
    seg = np.repeat([0, 1, 2], [3, 1, 4])
    mean = np.array([5.0, 4.0, 1.0, 3.0, 5.0, 4.9, 2.0, 1.0])
    var = np.full(8, 0.01)
    df = np.full(8, 10.0)
    k = np.repeat([3, 1, 4], [3, 1, 4])
    i, j, separated = ranking.pairwise_separated(seg, mean, var, df, k, 0.05)
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [
        (0, 1), (0, 2), (1, 2), (4, 5), (4, 6), (4, 7), (5, 6), (5, 7), (6, 7)]
    pairs = dict(zip(zip(i.tolist(), j.tolist(), strict=True), separated.tolist(), strict=True))
    assert pairs[(0, 2)] and not pairs[(4, 5)]  # 4 points apart; 0.1 apart


def test_pairwise_tests_do_not_depend_on_the_block_size(monkeypatch):
    """Pairs are tested a block at a time (ranking.PAIR_BLOCK): any block size, each position's
    own degrees of freedom or not, gives the same pairs and the same verdicts as one block."""
    rng = np.random.default_rng(3)
    sizes = [5, 1, 12, 3, 30]
    seg = np.repeat(np.arange(len(sizes)), sizes)
    mean = np.sort(rng.uniform(1, 5, seg.size))[::-1]
    var = rng.uniform(0.001, 0.01, seg.size)
    k = np.repeat(sizes, sizes)
    for df in (np.repeat([4.0, 9.0, 2.0, 6.0, 30.0], sizes),  # one per position
               rng.choice([2.0, 3.0, 7.0], seg.size)):        # varying within positions
        whole = ranking.pairwise_separated(seg, mean, var, df, k, 0.05)
        assert 0 < whole[2].sum() < whole[2].size  # some pairs separated, some not
        for block in (1, 7, 64):
            monkeypatch.setattr(ranking, "PAIR_BLOCK", block)
            parts = ranking.pairwise_separated(seg, mean, var, df, k, 0.05)
            assert all(np.array_equal(a, b) for a, b in zip(parts, whole, strict=True)), block
        monkeypatch.undo()


@pytest.mark.parametrize(("letters", "words"), [
    (["a", "a", "b", "b"], "The scores separate A and B from the rest; between them the "
                           "order is not settled."),
    (["a", "b", "b"], "The scores separate A from the rest."),
    (["a", "a", "a"], "The scores do not separate any of the 3 candidates: their order is "
                      "not settled."),
    (["a", "ab", "b"], "No group stands apart at the top: the scores do not separate B from A, "
                       "and C is not separated from some of them; the order is not settled."),
])
def test_ranking_sentence(letters, words):
    names = ["A", "B", "C", "D"][:len(letters)]
    assert ranking.ranking_sentence(names, letters) == words


def test_letter_names_past_z_read_back():
    first, last = np.array([0, 25, 27]), np.array([1, 27, 27])
    texts = ranking.letter_names(first, last)
    assert texts == ["ab", "z a2 b2", "b2"]
    assert [ranking.letter_span(t) for t in texts] == [(0, 1), (25, 27), (27, 27)]


# ---------------------------------------------------------------------------------------------
# Reliability: ICC against pingouin, alpha against krippendorff
# ---------------------------------------------------------------------------------------------

def crossed_designs() -> list[np.ndarray]:
    """Random fully crossed matrices: 2+ targets, 2+ raters, integer and continuous."""
    rng = np.random.default_rng(20240601)
    designs = [x for x in (crossed_design(rng) for _ in range(150)) if x is not None]
    designs += [np.array([[1.0, 2.0, 4.0], [3.0, 5.0, 4.0]]),   # 2 targets
                np.array([[1.0, 2.0], [3.0, 5.0], [4.0, 4.0]])]  # 2 raters
    return designs


def test_icc_matches_pingouin():
    compared = 0
    for x in crossed_designs():
        ours = stats.icc(x)
        ref = pingouin_iccs(x)
        for key, typ in PINGOUIN_TYPES.items():
            if ours[key] is None:
                # Only where the statistic is undefined (a vanishing denominator).
                assert not np.isfinite(ref[typ]) or abs(ref[typ]) > 1e6
            else:
                assert ours[key] == pytest.approx(ref[typ], rel=1e-9, abs=1e-9)
                compared += 1
    assert compared > 700


def test_icc_undefined_cases():
    assert set(stats.icc(np.ones((4, 3)) * 3).values()) == {None}  # no variation at all
    assert set(stats.icc(np.array([[1.0, 2.0, 3.0]])).values()) == {None}  # one target
    assert set(stats.icc(np.array([[1.0], [2.0]])).values()) == {None}  # one rater
    with_gap = np.array([[1.0, 2.0], [3.0, NAN], [4.0, 5.0]])
    assert set(stats.icc(with_gap).values()) == {None}
    assert set(stats.icc(pd.DataFrame(with_gap)).keys()) == set(stats.ICC_TYPES)


def incomplete_designs() -> list[np.ndarray]:
    """Random units x raters matrices with gaps: panels differ per candidate."""
    rng = np.random.default_rng(777)
    designs = []
    for i in range(300):
        n, k = int(rng.integers(2, 40)), int(rng.integers(2, 9))
        top = 5 if i % 2 else 10
        x = rng.integers(1, top + 1, size=(n, k)).astype(float)
        if i % 3 == 0:  # fully crossed
            pass
        elif i % 3 == 1:  # panels of 2-4 drawn per candidate
            mask = np.ones((n, k), dtype=bool)
            for row in range(n):
                size = min(k, int(rng.integers(2, 5)))
                mask[row, rng.choice(k, size=size, replace=False)] = False
            x[mask] = np.nan
        else:  # arbitrary gaps, including candidates seen by one panelist
            x[rng.random((n, k)) < rng.uniform(0.1, 0.7)] = np.nan
        designs.append(x)
    designs.append(np.array([[1.0, 2.0], [3.0, 3.0], [5.0, 4.0]]))  # panels of 2
    return designs


@pytest.mark.parametrize("level", ["interval", "ordinal"])
def test_alpha_matches_krippendorff(level):
    compared = 0
    for x in incomplete_designs():
        ours = stats.krippendorff_alpha(x, level=level)
        if pairable_units(x) < 2 or not paired_values_vary(x):
            assert ours is None
            continue
        assert ours == pytest.approx(kripp(x, level), rel=1e-9, abs=1e-9)
        assert stats.krippendorff_alpha(pd.DataFrame(x), level=level) == ours
        compared += 1
    assert compared > 250


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 12), st.integers(2, 5), st.sampled_from([5, 10]),
       st.sampled_from(["interval", "ordinal"]), st.integers(0, 2**32 - 1))
def test_alpha_matches_krippendorff_property(n, k, top, level, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, top + 1, size=(n, k)).astype(float)
    x[rng.random((n, k)) < 0.3] = np.nan
    ours = stats.krippendorff_alpha(x, level=level)
    if pairable_units(x) < 2 or not paired_values_vary(x):
        assert ours is None
    else:
        assert ours == pytest.approx(kripp(x, level), rel=1e-9, abs=1e-9)


def test_alpha_on_krippendorffs_published_example():
    # Krippendorff (2011), the four-coder example with missing data; also the package's doctest.
    data = np.array([[1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
                     [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
                     [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
                     [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN]])
    assert stats.krippendorff_alpha(data.T, level="ordinal") == pytest.approx(0.815, abs=5e-4)
    assert stats.krippendorff_alpha(data.T, level="interval") == pytest.approx(
        kripp(data.T, "interval"), rel=1e-12)


def test_alpha_undefined_cases():
    one_unit = np.array([[1.0, 2.0], [3.0, NAN], [NAN, 4.0]])
    assert stats.krippendorff_alpha(one_unit) is None
    no_variation = np.array([[2.0, 2.0], [2.0, 2.0], [1.0, NAN]])
    assert stats.krippendorff_alpha(no_variation) is None
    assert stats.krippendorff_alpha(np.empty((0, 3))) is None
    with pytest.raises(ValueError):
        stats.krippendorff_alpha(np.ones((2, 2)), level="nominal")


def test_reliability_of_a_crossed_panel_uses_all_statistics():
    rng = np.random.default_rng(5)
    x = rng.normal(3, 1, (8, 1)) + rng.normal(0, 0.3, (8, 3))
    ps = stats.panelist_scores(from_matrix(x))
    result = stats.reliability(ps)
    matrix = stats.crossed_matrix(ps)
    assert matrix.shape == (8, 3)
    assert result["crossed"] is True
    assert (result["n_candidates"], result["n_panelists"]) == (8, 3)
    for key, value in stats.icc(matrix).items():
        assert result[key] == pytest.approx(value)
    assert result["alpha_interval"] == pytest.approx(kripp(x, "interval"))
    assert result["alpha_ordinal"] == pytest.approx(kripp(x, "ordinal"))
    assert result["reading"] == "panel agreement: high"


def test_reliability_of_incomplete_panels_has_alpha_but_no_icc():
    x = np.array([[4.0, 4.0, NAN], [2.0, NAN, 2.5], [NAN, 5.0, 4.5], [1.0, NAN, NAN]])
    result = stats.reliability(stats.panelist_scores(from_matrix(x)))
    assert result["crossed"] is False
    assert all(result[key] is None for key in stats.ICC_TYPES)
    assert result["alpha_interval"] == pytest.approx(kripp(x, "interval"))
    assert (result["n_candidates"], result["n_panelists"]) == (3, 3)
    empty = stats.reliability(stats.panelist_scores(make_scores([])))
    assert empty["reading"] == "panel agreement: not enough data"
    assert empty["alpha_interval"] is None and empty["crossed"] is False


@pytest.mark.parametrize(("alpha", "icc2", "word"), [
    (0.8, None, "high"), (0.79, None, "moderate"), (0.667, 0.9, "moderate"),
    (0.66, 0.9, "low"), (None, 0.75, "high"), (None, 0.5, "moderate"), (None, 0.49, "low"),
    (None, None, "not enough data"),
])
def test_reading_thresholds(alpha, icc2, word):
    assert _reading(alpha, icc2) == f"panel agreement: {word}"


def test_reliability_by_criterion():
    rng = np.random.default_rng(11)
    frames, matrices = [], {}
    for crit in (1, 2, 3):
        x = rng.integers(1, 6, size=(10, 4)).astype(float)
        x[rng.random((10, 4)) < 0.3] = np.nan
        matrices[crit] = x
        frames.append(from_matrix(x, criterion=crit))
    frames.append(make_scores([(0, 0, 4, 3.0)]))  # a criterion nobody else scored
    table = stats.reliability_by_criterion(pd.concat(frames, ignore_index=True))
    assert list(table.columns) == stats.CRITERION_RELIABILITY_COLUMNS
    table = table.set_index("criterion_id")
    for crit, x in matrices.items():
        assert table.at[crit, "alpha_interval"] == pytest.approx(kripp(x, "interval"))
        assert table.at[crit, "alpha_ordinal"] == pytest.approx(kripp(x, "ordinal"))
        assert table.at[crit, "n_candidates"] == pairable_units(x)
    assert np.isnan(table.at[4, "alpha_interval"]) and table.at[4, "n_candidates"] == 0
    assert table.at[4, "reading"] == "panel agreement: not enough data"


# ---------------------------------------------------------------------------------------------
# Weight sensitivity
# ---------------------------------------------------------------------------------------------

def test_weight_change_that_flips_the_top():
    # A: 5 and 1 (3.0); B: 1 and 4.9 (2.95). Weighting criterion 2 up by 20% favours B.
    scores = make_scores([(1, 1, 1, 5.0), (1, 1, 2, 1.0), (2, 1, 1, 1.0), (2, 1, 2, 4.9)])
    result = stats.weight_sensitivity(scores, None)
    assert result["stable"] is False
    assert result["baseline_top"] == [1]
    assert {"criterion_id": 2, "direction": "+20%", "top": [2]} in result["changes"]
    assert {"criterion_id": 1, "direction": "-20%", "top": [2]} in result["changes"]
    assert all(change["top"] != [1] for change in result["changes"])


def test_weight_changes_that_change_nothing():
    scores = make_scores([(1, 1, 1, 5.0), (1, 1, 2, 4.0), (2, 1, 1, 3.0), (2, 1, 2, 2.0),
                          (3, 1, 1, 1.0), (3, 1, 2, 1.0)])
    result = stats.weight_sensitivity(scores, None, top_n=2)
    assert result == {"stable": True, "baseline_top": [1, 2], "changes": []}


def test_weight_sensitivity_watches_the_order_within_the_top():
    scores = make_scores([(1, 1, 1, 5.0), (1, 1, 2, 1.0), (2, 1, 1, 1.0), (2, 1, 2, 4.9),
                          (3, 1, 1, 1.0), (3, 1, 2, 1.0)])
    result = stats.weight_sensitivity(scores, None, top_n=2, delta=0.25)
    assert result["baseline_top"] == [1, 2]
    assert {"criterion_id": 2, "direction": "+25%", "top": [2, 1]} in result["changes"]


@pytest.mark.parametrize("seed", range(12))
def test_weight_sensitivity_is_candidate_summarys_ranking_on_the_moved_weights(seed):
    """Each perturbed top is the top of candidate_summary run on the scores with that one
    weight moved (the definition), on random panels with unassessed criteria and ties."""
    rng = np.random.default_rng(seed)
    criteria = {c: (["technical", "social", "company"][c % 3], float(rng.choice([0.5, 1, 2])))
                for c in range(1, 5)}
    rows = [(cand, pan, crit, None if rng.random() < 0.15 else float(rng.integers(1, 6)))
            for cand in range(1, int(rng.integers(2, 9)))
            for pan in range(1, int(rng.integers(2, 5)))
            for crit in criteria]
    scores = make_scores(rows, criteria)
    top_n, delta = int(rng.integers(1, 4)), float(rng.choice([0.2, 0.5]))

    def top_of(frame):
        summary = stats.candidate_summary(frame, None)
        summary = summary.loc[summary["overall"].notna()].sort_values("rank")
        return summary["candidate_id"].astype(int).tolist()[:top_n]

    expected = []
    for crit in sorted(criteria):
        for sign, direction in ((1, "+"), (-1, "-")):
            moved = scores.assign(weight=np.where(scores["criterion_id"] == crit,
                                                  scores["weight"] * (1 + sign * delta),
                                                  scores["weight"]))
            if (top := top_of(moved)) != top_of(scores):
                expected.append({"criterion_id": crit,
                                 "direction": f"{direction}{round(delta * 100, 6):g}%",
                                 "top": top})
    result = stats.weight_sensitivity(scores, None, top_n=top_n, delta=delta)
    assert result["baseline_top"] == top_of(scores)
    assert result["changes"] == expected
    assert result["stable"] is (not expected)


# ---------------------------------------------------------------------------------------------
# Empty input
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("empty_scores", [
    make_scores([]),
    pd.DataFrame(columns=["candidate_id", "panelist_id", "criterion_id", "dimension", "weight",
                          "value"]),
])
def test_empty_input_gives_empty_frames_with_the_documented_columns(empty_scores):
    empty_recs = make_recs([])
    assert list(stats.panelist_scores(empty_scores).columns) == stats.PANELIST_COLUMNS
    assert list(stats.criterion_stats(empty_scores).columns) == stats.CRITERION_COLUMNS
    summary = stats.candidate_summary(empty_scores, empty_recs)
    assert summary.empty and list(summary.columns) == stats.SUMMARY_COLUMNS
    agenda = stats.disagreements(empty_scores, empty_recs)
    assert agenda.empty and list(agenda.columns) == stats.AGENDA_COLUMNS
    by_crit = stats.reliability_by_criterion(empty_scores)
    assert by_crit.empty and list(by_crit.columns) == stats.CRITERION_RELIABILITY_COLUMNS
    assert stats.crossed_matrix(stats.panelist_scores(empty_scores)).empty
    assert stats.weight_sensitivity(empty_scores, empty_recs) == {
        "stable": True, "baseline_top": [], "changes": []}
    assert stats.reliability(stats.panelist_scores(empty_scores))["n_candidates"] == 0


def test_single_panelist_candidates():
    scores = make_scores(panel(1, [4.0]) + panel(2, [3.0]))
    summary = stats.candidate_summary(scores, None)
    assert summary["n_panelists"].tolist() == [1, 1]
    # A single panelist each: nothing separates 4 from 3 without history.
    assert summary["letters"].tolist() == ["a", "a"]
    assert summary["ci_low"].notna().all()
    assert stats.disagreements(scores, None).empty
    result = stats.reliability(stats.panelist_scores(scores))
    assert result["alpha_interval"] is None and result["n_candidates"] == 0


@pytest.mark.parametrize("ids", [np.array([7, 3, 7, 9, 3]), np.array([10**12, 5, 10**12, 5])])
def test_small_codes_is_a_sorted_factorize(ids):
    # Small ids use a lookup table, huge ones hashing; both must give pd.factorize(sort=True).
    codes, uniques = _small_codes(ids)
    want_codes, want_uniques = pd.factorize(ids, sort=True)
    assert codes.tolist() == want_codes.tolist()
    assert uniques.tolist() == list(want_uniques)




def test_prior_is_the_maximum_likelihood_fit_of_the_f_model():
    rng = np.random.default_rng(11)
    d = rng.integers(1, 4, 3000).astype(float)
    sigma2 = 0.3 / (rng.chisquare(6, d.size) / 6)
    s2 = sigma2 * rng.chisquare(d) / d

    def nll(theta):
        scale, df0 = np.exp(theta)
        return -(sps.f.logpdf(s2 / scale, d, df0) - np.log(scale)).sum()

    best = optimize.minimize(nll, [np.log(0.3), np.log(6)], method="Nelder-Mead",
                             options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 5000})
    prior = ranking.fit_spread_prior(s2, d)
    assert prior.variance == pytest.approx(np.exp(best.x[0]), rel=2e-3)
    assert prior.df == pytest.approx(np.exp(best.x[1]), rel=2e-3)


def test_agenda_details_read_in_french():
    scores = make_scores(panel(1, [2.0, 4.5]))
    recs = make_recs([(1, 1, "strong_yes"), (1, 2, "no")])
    assert stats.disagreements(scores, recs)["detail"].tolist() == [
        "split: 1 strong yes, 1 no", "scores range 2 to 4.5 (2.5 points)"]
    with language("fr"):
        assert stats.disagreements(scores, recs)["detail"].tolist() == [
            "partagé : 1 oui ferme, 1 non", "notes de 2 à 4,5 (2,5 points)"]


def test_ranking_sentence_reads_in_french():
    with language("fr"):
        assert ranking.ranking_sentence(["Ana", "Ben", "Cy"], ["a", "a", "b"]) == (
            "Les notes séparent Ana et Ben du reste; entre eux, l’ordre n’est pas établi.")
        assert ranking.ranking_sentence([], []) == (
            "Aucun candidat n’a encore de notes : il n’y a donc pas de classement.")


def test_t_cdf_is_scipys_within_two_millionths():
    rng = np.random.default_rng(11)
    df = rng.choice([1.0, 2.5, 7.0, 40.0, 101.0], 3000)
    z = np.column_stack([rng.normal(0, 3, 3000), rng.standard_cauchy(3000) * 50,
                         rng.uniform(-80_000, 80_000, 3000), np.zeros(3000)])
    got = ranking.t_cdf(z, df)
    assert np.abs(got - sps.t.cdf(z, df[:, None])).max() < 2e-6
    # The table read by arithmetic is np.interp's reading of it.
    table = sps.t.cdf(np.sinh(ranking._X_GRID), 7.0)
    x = np.arcsinh(z[df == 7.0])
    assert np.abs(ranking._on_grid(x, table) - np.interp(x, ranking._X_GRID, table)).max() < 1e-14
    assert got[:, 3].tolist() == [0.5] * 3000
    # Beyond the table (|z| over 81,000) the end values, as np.interp reads them; NaN stays NaN.
    far = ranking.t_cdf(np.array([[1e6, -1e6, np.inf, -np.inf, np.nan]]), np.array([1.0]))
    ends = sps.t.cdf(np.sinh([12.0, -12.0]), 1.0)
    assert far[0, :4] == pytest.approx([ends[0], ends[1], ends[0], ends[1]], abs=1e-15)
    assert np.isnan(far[0, 4])
