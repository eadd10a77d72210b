"""Tests of services.stats.leniency: hand-checkable cases, an exact least-squares oracle, graph
connectivity, self-pairs, and simulations of lenient and harsh panelists."""

import base64

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from sqlmodel import select

from services import calibration, history, stats
from services.stats import leniency
from tests.apptest import app_as, figures
from tests.services.stats.test_stats import NAN, make_scores, panel
from validate import leniency as harness


def simulate(seed: int, *, rounding: bool, n_cand: int = 60, n_pan: int = 12, n_crit: int = 8
             ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Candidates of true quality scored by panels of 2-4 panelists with planted offsets."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(3.0, 0.6, n_cand)
    offsets = rng.uniform(-1, 1, n_pan)
    criterion_effect = rng.normal(0, 0.3, (n_cand, n_crit))
    rows = []
    for cand in range(n_cand):
        for pan in rng.choice(n_pan, size=int(rng.integers(2, 5)), replace=False):
            values = (quality[cand] + criterion_effect[cand] + offsets[pan]
                      + rng.normal(0, 0.7, n_crit))
            if rounding:
                values = np.clip(np.rint(values), 1, 5)
            rows += [(cand, int(pan), crit, values[crit]) for crit in range(n_crit)]
    return make_scores(rows), quality, offsets


def two_teams(seed: int, *, crossing: int, n_cand: int = 200) -> pd.DataFrame:
    """Teams {0..5} and {6..11} who interview their own candidates; `crossing` candidates are
    interviewed by one panelist of each team."""
    rng = np.random.default_rng(seed)
    offsets = rng.normal(0, 0.4, 12)
    rows = []
    for cand in range(n_cand):
        if cand < crossing:
            members = [int(rng.integers(0, 6)), int(rng.integers(6, 12))]
        else:
            base = 0 if cand % 2 else 6
            members = (base + rng.choice(6, size=3, replace=False)).tolist()
        quality = rng.normal(3, 0.5)
        for pan in members:
            rows += [(cand, pan, crit, quality + offsets[pan] + rng.normal(0, 0.5))
                     for crit in range(4)]
    return make_scores(rows)


def ols_sandwich(scores: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Oracle: dummy-variable least squares (cell and panelist effects) with the CR1
    cluster-robust covariance over candidates; offsets and se centred over panelists."""
    cells = pd.factorize(scores["candidate_id"] * 1000 + scores["criterion_id"])[0]
    pans = pd.factorize(scores["panelist_id"], sort=True)[0]
    n, n_cell, n_pan = len(scores), cells.max() + 1, pans.max() + 1
    x = np.zeros((n, n_cell + n_pan))
    x[np.arange(n), cells] = 1
    x[np.arange(n), n_cell + pans] = 1
    y = scores["value"].to_numpy(dtype=float)
    bread = np.linalg.pinv(x.T @ x)
    beta = bread @ x.T @ y
    resid = y - x @ beta
    g = pd.DataFrame(x * resid[:, None]).groupby(scores["candidate_id"].to_numpy()).sum()
    g = g.to_numpy()
    cov = bread @ (g.T @ g) @ bread * len(g) / (len(g) - 1)
    centre = np.zeros((n_pan, n_cell + n_pan))
    centre[:, n_cell:] = np.eye(n_pan) - 1 / n_pan
    return centre @ beta, np.sqrt(np.diag(centre @ cov @ centre.T))


# ---------------------------------------------------------------------------------------------
# The estimate
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rounding", [False, True])
def test_leniency_recovers_planted_offsets_and_improves_ranking(rounding):
    better = 0
    for seed in range(5):
        scores, quality, offsets = simulate(seed, rounding=rounding)
        lenient = leniency.panelist_leniency(scores)
        corr = np.corrcoef(lenient["leniency"], offsets[lenient["panelist_id"]])[0, 1]
        raw = stats.candidate_summary(scores, None).set_index("candidate_id")["overall"]
        adjusted = leniency.adjust_scores(scores, lenient)
        fixed = stats.candidate_summary(adjusted.assign(value=adjusted["adjusted"]), None)
        fixed = fixed.set_index("candidate_id")["overall"]
        tau_raw = sps.kendalltau(raw.sort_index(), quality).statistic
        tau_fixed = sps.kendalltau(fixed.sort_index(), quality).statistic
        assert corr > 0.9
        better += tau_fixed > tau_raw
    assert better >= 4


def test_leniency_is_exact_without_noise_whoever_one_sits_with():
    # value = candidate-criterion effect + offset exactly; panels of two, so the naive
    # "minus my co-panelist" estimate would be distorted by the co-panelist's own offset.
    rng = np.random.default_rng(8)
    offsets = np.array([0.9, -0.6, 0.2, -0.5, 0.0])
    offsets -= offsets.mean()
    rows = []
    for cand in range(30):
        for pan in rng.choice(5, size=2, replace=False):
            rows += [(cand, int(pan), crit, 3.0 + 0.1 * cand + 0.2 * crit + offsets[pan])
                     for crit in range(3)]
    lenient = leniency.panelist_leniency(make_scores(rows), min_shared=5)
    assert lenient["leniency"].to_numpy() == pytest.approx(offsets, abs=1e-9)
    assert lenient["se"].to_numpy() == pytest.approx(np.zeros(5), abs=1e-7)
    assert lenient["enough_data"].all()


def test_offsets_and_se_equal_the_least_squares_sandwich_oracle():
    scores, _, _ = simulate(4, rounding=True, n_cand=50, n_pan=7, n_crit=4)
    lenient = leniency.panelist_leniency(scores, intervals="all")
    want_b, want_se = ols_sandwich(scores)
    np.testing.assert_allclose(lenient["leniency"], want_b, atol=1e-10)
    # The se scales each panelist's own cluster-robust variance by the model's inflation for
    # the colleagues' uncertainty: exact when the noise is alike for everyone, here (50
    # candidates, noise estimated from few of them) within 10% of the full sandwich.
    np.testing.assert_allclose(lenient["se"], want_se, rtol=0.10)


def test_lplus_diagonal_is_that_of_the_pseudo_inverse():
    # Two groups (one of three panelists, one of two) and one panelist who never shares.
    scores = two_teams(1, crossing=3, n_cand=40)
    lap, _ = leniency._laplacian(*_cells(scores))
    want = np.diag(np.linalg.pinv(lap.toarray()))
    np.testing.assert_allclose(leniency._Pinned(lap).lplus_diagonal(), want, atol=1e-12)


def _cells(scores):
    cell, pan, _, _, n_cells, pan_ids = leniency._prepared(scores)
    return cell, pan, n_cells, len(pan_ids)


@pytest.mark.parametrize("dense", [True, False])
def test_dense_and_sparse_factorisations_agree(monkeypatch, dense):
    scores, _, offsets = simulate(3, rounding=True, n_cand=80, n_pan=15)
    usual = leniency.panelist_leniency(scores, intervals="all")
    monkeypatch.setattr(leniency, "_DENSE_MAX", 10**6 if dense else 0)
    monkeypatch.setattr(leniency, "_BLOCK", 4)
    other = leniency.panelist_leniency(scores, intervals="all")
    for col in ("leniency", "se", "n_effective"):
        np.testing.assert_allclose(other[col], usual[col], rtol=1e-9, atol=1e-11)
    assert np.corrcoef(usual["leniency"], offsets[usual["panelist_id"]])[0, 1] > 0.9


def test_separate_groups_of_panelists_are_centred_separately():
    rows = (panel(1, [5.0, 3.0]) + panel(2, [4.0, 2.0])
            + [(3, 7, 1, 1.0), (3, 8, 1, 2.0), (4, 7, 1, 2.0), (4, 8, 1, 3.0)])
    lenient = leniency.panelist_leniency(make_scores(rows), min_shared=1)
    lenient = lenient.set_index("panelist_id")
    assert lenient["leniency"].to_dict() == pytest.approx({1: 1.0, 2: -1.0, 7: -0.5, 8: 0.5})
    assert lenient["group_size"].tolist() == [2, 2, 2, 2]


def test_leniency_takes_ids_of_any_integer_kind():
    # Object columns (as a spreadsheet import may give) and negative ids give the same offsets.
    scores, _, _ = simulate(1, rounding=True, n_cand=40, n_pan=8)
    plain = leniency.panelist_leniency(scores)
    odd = scores.assign(candidate_id=scores["candidate_id"].astype(object),
                        criterion_id=-1 - scores["criterion_id"],
                        panelist_id=scores["panelist_id"].astype(object))
    other = leniency.panelist_leniency(odd)
    np.testing.assert_allclose(other["leniency"], plain["leniency"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(other["se"], plain["se"], rtol=1e-9)
    assert other["n_shared"].tolist() == plain["n_shared"].tolist()


# ---------------------------------------------------------------------------------------------
# Uncertainty
# ---------------------------------------------------------------------------------------------

def test_interval_is_a_t_interval_on_shared_candidates():
    scores, _, _ = simulate(1, rounding=False)
    lenient = leniency.panelist_leniency(scores, confidence=0.9)
    t = sps.t.ppf(0.95, lenient["n_shared"] - 1)
    assert (lenient["ci_high"] - lenient["leniency"]).to_numpy() == pytest.approx(
        (t * lenient["se"]).to_numpy())
    assert (lenient["ci_low"] <= lenient["leniency"]).all()


def test_two_panelists_se_is_half_that_of_their_mean_difference():
    # Two panelists, one criterion: each offset is half the mean difference, so its standard
    # error is half the difference's sd / sqrt(n).
    diffs = np.array([1.0, 0.0, 2.0, 1.5, 0.5])
    rows = []
    for cand, d in enumerate(diffs):
        rows += [(cand, 1, 1, 3.0 + d), (cand, 2, 1, 3.0)]
    lenient = leniency.panelist_leniency(make_scores(rows), intervals="all")
    lenient = lenient.set_index("panelist_id")
    assert lenient.at[1, "leniency"] == pytest.approx(diffs.mean() / 2)
    assert lenient["se"].tolist() == pytest.approx([diffs.std(ddof=1) / np.sqrt(5) / 2] * 2)


def test_intervals_cover_the_planted_offsets():
    hits = total = 0
    for seed in range(20):
        scores, _, offsets = simulate(100 + seed, rounding=False)
        lenient = leniency.panelist_leniency(scores, intervals="all")
        planted = offsets[lenient["panelist_id"]]
        planted = planted - planted.mean()  # leniency is relative to the average colleague
        hits += int(((lenient["ci_low"] <= planted) & (planted <= lenient["ci_high"])).sum())
        total += len(lenient)
    assert 0.92 <= hits / total <= 0.99


def test_rare_crossings_widen_the_interval_and_cut_effective_shared_candidates():
    mixed = leniency.panelist_leniency(two_teams(2, crossing=100), intervals="all")
    rare = leniency.panelist_leniency(two_teams(2, crossing=2), intervals="all")
    # Both have dozens of shared candidates per panelist...
    assert (rare["n_shared"] >= 30).all()
    # ...but with two crossings each team's offsets are uncertain as a block.
    assert (rare["se"] > 2 * mixed["se"].median()).all()
    assert (rare["n_effective"] < 0.25 * rare["n_shared"]).all()
    assert (mixed["n_effective"] > 0.6 * mixed["n_shared"]).all()
    # Effective shared candidates below half the shared ones: not enough data, no interval.
    trusted = leniency.panelist_leniency(two_teams(2, crossing=2))
    assert not trusted["enough_data"].any()
    assert trusted["ci_low"].isna().all() and trusted["se"].isna().all()
    assert leniency.panelist_leniency(two_teams(2, crossing=100))["enough_data"].all()


# ---------------------------------------------------------------------------------------------
# Enough data
# ---------------------------------------------------------------------------------------------

def test_counts_flags_and_no_interval_without_enough_data():
    rows = (panel(1, [4.0, 3.0]) + [(1, 3, 2, 5.0)]      # panelist 3 alone on criterion 2
            + [(2, 1, 1, 5.0), (2, 2, 1, 3.0), (2, 1, 2, 4.0), (2, 2, 2, NAN)]
            + [(3, 1, 1, 2.0), (3, 2, 1, 2.0)])
    lenient = leniency.panelist_leniency(make_scores(rows), min_shared=3)
    lenient = lenient.set_index("panelist_id")
    assert lenient.loc[1, ["n_shared", "n_pairs"]].tolist() == [3, 3]
    assert lenient.loc[2, ["n_shared", "n_pairs"]].tolist() == [3, 3]
    # Two panelists, centred on zero: half the average difference each.
    assert lenient.at[1, "leniency"] == pytest.approx((1 + 2 + 0) / 3 / 2)
    assert lenient.at[2, "leniency"] == pytest.approx(-(1 + 2 + 0) / 3 / 2)
    # A group of two cannot say which of the two is off: not enough data, no interval.
    assert not lenient["enough_data"].any()
    assert lenient[["se", "ci_low", "ci_high"]].isna().all().all()
    assert np.isnan(lenient.at[3, "leniency"]) and lenient.at[3, "n_shared"] == 0
    shown = leniency.panelist_leniency(make_scores(rows), min_shared=3, intervals="all")
    assert shown.set_index("panelist_id").loc[[1, 2], "se"].notna().all()


def test_a_panelist_imported_twice_does_not_share_with_themselves():
    # Observation 5 of issue 11: one panelist on two interview dates for six candidates, no
    # colleague ever.
    rows = [(cand, 4, crit, 3.0 + 0.5 * date + 0.1 * crit)
            for cand in range(6) for date in (0, 1) for crit in range(3)]
    lenient = leniency.panelist_leniency(make_scores(rows), min_shared=1, intervals="all")
    assert len(lenient) == 1
    row = lenient.iloc[0]
    assert np.isnan(row["leniency"]) and np.isnan(row["se"]) and np.isnan(row["ci_low"])
    assert row["n_shared"] == 0 and row["n_pairs"] == 0 and not row["enough_data"]


def test_duplicate_rows_of_one_panelist_count_as_one_opinion():
    scores, _, _ = simulate(6, rounding=True, n_cand=40, n_pan=8)
    plain = leniency.panelist_leniency(scores, intervals="all")
    twice = pd.concat([scores, scores[scores["panelist_id"] == 3]], ignore_index=True)
    again = leniency.panelist_leniency(twice, intervals="all")
    for col in ("leniency", "se", "n_effective"):
        np.testing.assert_allclose(again[col], plain[col], rtol=1e-9, atol=1e-12)
    assert again["n_pairs"].tolist() == plain["n_pairs"].tolist()


def test_enough_data_needs_shared_candidates_and_a_group_of_three():
    scores, _, _ = simulate(2, rounding=True, n_cand=60, n_pan=6)
    lenient = leniency.panelist_leniency(scores, min_shared=5)
    assert lenient["enough_data"].all() and (lenient["group_size"] == 6).all()
    strict = leniency.panelist_leniency(scores, min_shared=int(lenient["n_shared"].max()) + 1)
    assert not strict["enough_data"].any() and strict["ci_low"].isna().all()


def test_adjust_scores_only_corrects_trusted_panelists():
    scores = make_scores([(1, 1, 1, 4.0), (1, 2, 1, 2.0), (1, 3, 1, NAN), (1, 3, 2, 5.0)])
    scores.index = [10, 11, 12, 13]
    scores["evidence"] = ["a", "b", "c", "d"]
    lenient = pd.DataFrame({"panelist_id": [1, 2, 3], "leniency": [0.5, -0.25, 1.0],
                            "enough_data": [True, False, True]})
    out = leniency.adjust_scores(scores, lenient)
    pd.testing.assert_frame_equal(out.drop(columns="adjusted"), scores)
    assert out["adjusted"].tolist()[:2] == [3.5, 2.0]
    assert np.isnan(out.at[12, "adjusted"]) and out.at[13, "adjusted"] == 4.0
    assert "adjusted" not in scores


@pytest.mark.parametrize("empty_scores", [
    make_scores([]),
    pd.DataFrame(columns=["candidate_id", "panelist_id", "criterion_id", "dimension", "weight",
                          "value"]),
])
def test_empty_input_gives_the_documented_columns(empty_scores):
    lenient = leniency.panelist_leniency(empty_scores)
    assert lenient.empty and list(lenient.columns) == leniency.LENIENCY_COLUMNS
    adjusted = leniency.adjust_scores(empty_scores, lenient)
    assert adjusted.empty and "adjusted" in adjusted


def test_single_panelist_candidates_have_no_leniency():
    scores = make_scores(panel(1, [4.0]) + panel(2, [3.0]))
    assert leniency.panelist_leniency(scores)["leniency"].isna().all()


def test_row_order_does_not_change_anything():
    scores, _, _ = simulate(9, rounding=True, n_cand=40, n_pan=8)
    plain = leniency.panelist_leniency(scores, intervals="all")
    shuffled = scores.sample(frac=1.0, random_state=3).reset_index(drop=True)
    again = leniency.panelist_leniency(shuffled, intervals="all")
    pd.testing.assert_frame_equal(again, plain, check_exact=False, rtol=1e-12, atol=1e-12)


def test_nothing_assessed_gives_no_leniency():
    scores = make_scores([(1, 1, 1, NAN), (1, 2, 1, NAN)])
    lenient = leniency.panelist_leniency(scores, intervals="all")
    assert lenient["leniency"].isna().all() and not lenient["enough_data"].any()
    assert lenient["n_pairs"].tolist() == [0, 0]


def test_bad_intervals_argument_is_refused():
    with pytest.raises(ValueError, match="intervals"):
        leniency.panelist_leniency(make_scores(panel(1, [4.0, 3.0])), intervals="some")


# ---------------------------------------------------------------------------------------------
# Who sees what (issue 10: leniency from the scores the viewer may see)
# ---------------------------------------------------------------------------------------------

def _scored_position(make, manager, panel, levels, offsets, title):
    position = make.position(manager=manager, title=title)
    for i, level in enumerate(levels):
        iv = make.interview(make.candidate(position, name=f"{title} {i}"), panel)
        for p, off in zip(panel, offsets, strict=True):
            make.scorecard(iv, p, max(1, min(5, level + off)))
    return position


def test_hidden_scores_do_not_move_the_leniency_a_hiring_manager_sees(session, make):
    mine, other = make.user("hiring_manager"), make.user("hiring_manager")
    panel = [make.user(name=n) for n in ("Lenny", "Sam", "Tess")]
    _scored_position(make, mine, panel, [4, 3, 3, 2, 4, 3], [1, 0, -1], "Mine")
    hidden = _scored_position(make, other, panel, [3, 3, 4, 2], [0, 0, 0], "Hidden")
    viewer = make.viewer(mine)
    before = calibration.leniency(session, viewer=viewer)
    admin_before = calibration.leniency(session, viewer=make.admin)
    # The other manager's position gets a candidate on whom Lenny is harsh.
    iv = make.interview(make.candidate(hidden, name="Hidden extra"), panel)
    for p, value in zip(panel, [1, 5, 5], strict=True):
        make.scorecard(iv, p, value)
    after = calibration.leniency(session, viewer=viewer)
    admin_after = calibration.leniency(session, viewer=make.admin)
    pd.testing.assert_frame_equal(after, before)
    assert set(after["n_shared"]) == {6}  # only the manager's own six candidates
    lenny = admin_after["panelist"] == "Lenny"
    assert admin_after.loc[lenny, "leniency"].item() < admin_before.loc[
        admin_before["panelist"] == "Lenny", "leniency"].item() - 0.05


def test_a_manager_on_an_unsubmitted_panel_gets_no_leniency_from_it(session, make):
    manager = make.user("hiring_manager")
    panel = [make.user(name=n) for n in ("Ann", "Ben")]
    position = make.position(manager=manager, title="Seated")
    iv = make.interview(make.candidate(position), [*panel, manager])
    for p, value in zip(panel, [5, 2], strict=True):
        make.scorecard(iv, p, value)
    viewer = make.viewer(manager)
    assert calibration.leniency(session, viewer=viewer).empty
    make.scorecard(iv, manager, 3)
    seen = calibration.leniency(session, viewer=viewer).set_index("panelist")
    assert seen.loc[["Ann", "Ben"], "n_shared"].tolist() == [1, 1]


def test_visible_scores_equal_asking_visible_candidates_for_every_position(session, make):
    from models import Position
    from services.access import visible_candidates

    manager, other = make.user("hiring_manager"), make.user("hiring_manager", "panelist")
    panel = [make.user(name=n) for n in ("Ann", "Ben")]
    mine = make.position(manager=manager, title="Mine")
    theirs = make.position(manager=other, title="Theirs")
    for position, seats in ((mine, [*panel, other]), (theirs, [*panel, manager]),
                            (mine, panel), (theirs, panel)):
        iv = make.interview(make.candidate(position), seats)
        for p in panel:
            make.scorecard(iv, p, 3)
    scores = history.submitted_scores(session)[0]
    for user in (manager, other, panel[0]):
        viewer = make.viewer(user)
        want = set()
        for position in session.exec(select(Position)).all():
            ids = sorted(set(scores.loc[scores["position_id"] == position.id, "candidate_id"]))
            want |= visible_candidates(session, viewer, position, [int(c) for c in ids])
        got = calibration.visible_scores(session, scores, viewer=viewer)
        assert set(got["candidate_id"]) == want
    assert len(set(calibration.visible_scores(session, scores, viewer=make.viewer(manager))[
        "candidate_id"])) == 2  # the two candidates of Mine; Theirs' seat is unsubmitted


def test_calibration_page_prints_no_interval_without_enough_data(session, make):
    manager = make.user("hiring_manager")
    position = make.position(manager=manager)
    panel = [make.user(name="New One"), make.user(name="New Two"), make.user(name="New Three")]
    for values in ([4, 2, 3], [5, 3, 1]):
        iv = make.interview(make.candidate(position), panel)
        for p, value in zip(panel, values, strict=True):
            make.scorecard(iv, p, value)
    at = app_as(manager.id, "pages/calibration.py")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Shared candidates" in d.value.columns)
    assert set(table["Leniency"]) == {"not enough data"}
    assert set(table["95% interval"]) == {""}
    fig = next(f for f in figures(at) if "leniency" in f["layout"]["title"]["text"].lower())
    for side in ("array", "arrayminus"):
        assert not _plotted(fig["data"][0]["error_x"][side]).any()


def _plotted(values) -> np.ndarray:
    """A plotly array from the figure's JSON: a list, or base64 "bdata" with its dtype."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


# ---------------------------------------------------------------------------------------------
# The validation harness
# ---------------------------------------------------------------------------------------------

def test_harness_rows_have_the_shared_shape_and_fixed_seeds():
    first = harness.rows(seed=0, runs=2)
    assert first == harness.rows(seed=0, runs=2)
    assert {tuple(sorted(r)) for r in first} == {
        ("area", "measure", "passed", "scenario", "target", "value")}
    assert {r["scenario"] for r in first} == {
        "random", "confounded", "weakly mixed 2%", "weakly mixed 8%", "weakly mixed 30%",
        "weakly mixed 100%", "ceiling"}
    targeted = [r for r in first if r["target"]]
    assert targeted and all(isinstance(r["passed"], bool) for r in targeted)
