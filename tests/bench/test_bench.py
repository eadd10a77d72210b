"""The benchmark at its smallest size, and the fast organisation-wide path against the
per-position one on the same synthetic history."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sqlmodel import Session, select

from bench.generate import generate
from models import (
    Criterion,
    Interview,
    Score,
    Scorecard,
    ScorecardStatus,
    ScorecardTemplate,
)
from services import board, calibration, history, stats
from services.auth import get_viewer
from services.db import get_engine, migrate
from services.stats import leniency
from tests.conftest import ROOT

KEYS = {"database": str, "scores": int, "pipeline_s": float, "bare_scan_s": float,
        "ratio": float, "peak_mb": float, "dashboard_cold_ms": float,
        "dashboard_warm_ms": float, "save_ms": float}


def history_rows(session: Session) -> pd.DataFrame:
    """calibration.history() the plain way, one joined row per score: the reference that
    submitted_scores (one row per scorecard, from score_pairs) must equal."""
    rows = session.exec(
        select(Interview.candidate_id, Scorecard.panelist_id, Score.criterion_id,
               Criterion.dimension, Criterion.weight, Score.value, ScorecardTemplate.scale_min,
               ScorecardTemplate.scale_max)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .join(ScorecardTemplate, ScorecardTemplate.id == Scorecard.template_id)
        .join(Score, Score.scorecard_id == Scorecard.id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Scorecard.status == ScorecardStatus.submitted)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[
        "candidate_id", "panelist_id", "criterion_id", "dimension", "weight", "value", "lo",
        "hi"])
    value = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    span = frame["hi"] - frame["lo"]
    frame["value"] = (value - frame["lo"]) / span * calibration.COMMON_SPAN + 1
    frame["weight"] = frame["weight"].astype(float)
    return frame.drop(columns=["lo", "hi"])


@pytest.fixture(scope="module")
def history_db(tmp_path_factory):
    """A migrated SQLite database with about 10 thousand synthetic scores."""
    path = tmp_path_factory.mktemp("bench") / "bench.db"
    url = f"sqlite:///{path}"
    migrate(url)
    made = generate(get_engine(url), 10_000, seed=11)
    yield url, made
    get_engine(url).dispose()


def test_benchmark_writes_every_figure(tmp_path):
    out = tmp_path / "bench-results.json"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "10000",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text())
    assert [r["database"] for r in results][:1] == ["sqlite"]
    for r in results:
        for key, kind in KEYS.items():
            assert isinstance(r[key], kind), key
        assert 9_000 <= r["scores"] <= 13_000
        assert r["pipeline_s"] > 0 and r["bare_scan_s"] > 0
        assert r["ratio"] == pytest.approx(r["pipeline_s"] / r["bare_scan_s"], rel=0.1)
        assert 50 < r["peak_mb"] < 4000
        assert 0 < r["dashboard_warm_ms"] and 0 < r["dashboard_cold_ms"]
        assert 0 < r["save_ms"] < 10_000
    assert "pipeline_s" in done.stdout


def test_packed_history_is_the_row_history(history_db):
    url, _ = history_db
    with Session(get_engine(url)) as s:
        packed = calibration.history(s)
        rows = history_rows(s)
    keys = ["candidate_id", "panelist_id", "criterion_id"]
    a = packed.sort_values(keys, ignore_index=True)
    b = rows.sort_values(keys, ignore_index=True)
    assert len(a) == len(b) > 5_000
    for col in (*keys, "weight", "value"):
        np.testing.assert_array_equal(a[col].to_numpy(dtype=float), b[col].to_numpy(dtype=float))
    assert a["dimension"].astype(str).tolist() == b["dimension"].astype(str).tolist()


def test_leniency_from_packed_history_matches_rows(history_db):
    url, made = history_db
    with Session(get_engine(url)) as s:
        fast = calibration.leniency(s, viewer=get_viewer(s, made.admin_id))
        slow = leniency.panelist_leniency(history_rows(s),
                                          min_shared=calibration.min_shared(s))
    fast = fast.sort_values("panelist_id", ignore_index=True)
    slow = slow.sort_values("panelist_id", ignore_index=True)
    assert fast["panelist_id"].tolist() == slow["panelist_id"].tolist()
    for col in ("leniency", "se", "ci_low", "ci_high", "n_effective"):
        np.testing.assert_allclose(fast[col], slow[col], rtol=1e-9, atol=1e-12)
    for col in ("n_shared", "n_pairs", "group_size", "enough_data"):
        assert fast[col].tolist() == slow[col].tolist()


def test_organisation_boards_match_each_positions_board(history_db):
    url, made = history_db
    with Session(get_engine(url)) as s:
        scores, cards = history.submitted_scores(s)
        org = board.organisation_boards(s, scores, cards)
        admin = get_viewer(s, made.admin_id)
        positions = sorted(set(org["candidates"]["position_id"]))
        assert len(positions) >= 3
        for pid in positions:
            one = board.load_board(s, pid, admin)
            # The board lists candidates by name; compare candidate by candidate.
            mine = org["summary"].loc[org["summary"]["position_id"] == pid].sort_values(
                "candidate_id")
            theirs = one.summary.sort_values("candidate_id")
            assert mine["candidate_id"].tolist() == theirs["candidate_id"].tolist()
            for col in stats.SUMMARY_COLUMNS:
                left = mine[col].to_numpy()
                right = theirs[col].to_numpy()
                if left.dtype.kind == "f" or right.dtype.kind == "f":
                    np.testing.assert_allclose(left.astype(float), right.astype(float),
                                               rtol=1e-9, atol=1e-12, err_msg=col)
                else:
                    assert left.tolist() == right.tolist(), col
            agenda = org["agenda"].loc[org["agenda"]["position_id"] == pid].reset_index(
                drop=True)
            pd.testing.assert_frame_equal(
                agenda[["candidate_id", "kind", "criterion_id", "spread", "detail"]],
                one.agenda[["candidate_id", "kind", "criterion_id", "spread", "detail"]],
                check_dtype=False)
            rel = org["reliability"].set_index("position_id").loc[pid]
            expected = board.reliability(one)
            for key, value in expected.items():
                if isinstance(value, float):
                    assert rel[key] == pytest.approx(value, rel=1e-9), key
                else:
                    assert rel[key] == value, key


def test_organisation_overview_is_boards_plus_leniency(history_db):
    # The overview computes in three threads; it must give what the plain calls give.
    url, _ = history_db
    with Session(get_engine(url)) as s:
        overview = calibration.organisation_overview(s)
        scores, cards = history.submitted_scores(s)
        plain = board.organisation_boards(s, scores, cards)
        lenient = calibration.organisation_leniency(s, scores)
    assert set(overview) == {*plain, "leniency"}
    for key, frame in plain.items():
        pd.testing.assert_frame_equal(overview[key], frame, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(overview["leniency"], lenient, check_exact=False,
                                  rtol=1e-12)
    assert len(overview["summary"]) > 100 and overview["leniency"]["enough_data"].any()


def test_organisation_overview_on_each_database(db_url):
    # On PostgreSQL the labels are read in a second session while the scores are read.
    generate(get_engine(db_url), 3_000, seed=5)
    with Session(get_engine(db_url)) as s:
        overview = calibration.organisation_overview(s)
        scores, cards = history.submitted_scores(s)
        plain = board.organisation_boards(s, scores, cards)
        lenient = calibration.organisation_leniency(s, scores)
    for key, frame in plain.items():
        pd.testing.assert_frame_equal(overview[key], frame, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(overview["leniency"], lenient, check_exact=False,
                                  rtol=1e-12)
    assert overview["candidates"]["name"].notna().all() and len(overview["summary"]) > 20
