"""validate/__main__.py: one table over every module's rows, non-zero exit on a missed target."""

import sys
import types

import numpy as np
from scipy import stats as sps

import validate.__main__ as harness
from validate import ranking


def fake(name: str, passed: bool | None):
    module = types.ModuleType(name)
    module.rows = lambda seed=0: [{"area": "a", "scenario": f"s{seed}", "measure": "m",
                                   "value": 0.5, "target": "t", "passed": passed}]
    return module


def test_all_rows_met_exits_zero_and_prints_the_table(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "validate.fake_ok", fake("validate.fake_ok", True))
    monkeypatch.setattr(harness, "MODULES", ("validate.fake_ok", "validate.not_there"))
    assert harness.main(["--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "| a | s3 | m | 0.500 | t | yes |" in out
    assert "1 of 1 rows with a target meet it." in out


def test_a_missed_target_exits_non_zero(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "validate.fake_ok", fake("validate.fake_ok", True))
    monkeypatch.setitem(sys.modules, "validate.fake_bad", fake("validate.fake_bad", False))
    monkeypatch.setattr(harness, "MODULES", ("validate.fake_ok", "validate.fake_bad"))
    assert harness.main([]) == 1
    assert "**NO**" in capsys.readouterr().out


def test_a_row_without_a_target_is_reported_and_never_fails(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "validate.fake_ok", fake("validate.fake_ok", True))
    monkeypatch.setitem(sys.modules, "validate.fake_info", fake("validate.fake_info", None))
    monkeypatch.setattr(harness, "MODULES", ("validate.fake_ok", "validate.fake_info"))
    assert harness.main([]) == 0
    out = capsys.readouterr().out
    assert "| a | s0 | m | 0.500 | t | - |" in out
    assert "1 of 1 rows with a target meet it." in out


def test_only_runs_the_named_module(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "validate.fake_ok", fake("validate.fake_ok", True))
    monkeypatch.setitem(sys.modules, "validate.fake_bad", fake("validate.fake_bad", False))
    monkeypatch.setattr(harness, "MODULES", ("validate.fake_ok", "validate.fake_bad"))
    assert harness.main(["--only", "fake_ok"]) == 0
    assert "**NO**" not in capsys.readouterr().out


def test_oracle_band_is_the_known_variance_band_when_the_class_is_certain():
    n = np.array([2, 3, 4])
    s2 = np.array([0.1, 0.5, 2.0])
    z = sps.norm.ppf(0.975)
    ordinary = ranking._true_variance(ranking.IMPRESSION_SD)
    polarising = ranking._true_variance(ranking.POLAR_SD)
    np.testing.assert_allclose(ranking.oracle_half_widths(n, s2, 1e-15, 0.95),
                               z * np.sqrt(ordinary / n), rtol=1e-9)
    np.testing.assert_allclose(ranking.oracle_half_widths(n, s2, 1 - 1e-15, 0.95),
                               z * np.sqrt(polarising / n), rtol=1e-9)
    # In between, a larger own spread leans towards the polarising class: a wider band.
    mixed = ranking.oracle_half_widths(np.full(3, 3), s2, 0.2, 0.95)
    assert mixed[0] < mixed[1] < mixed[2]
