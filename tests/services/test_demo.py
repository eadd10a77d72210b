"""The demo set: it loads through the services into an empty database, only there, and shows what
the app is for (disagreements, split recommendations, drafts, missing scorecards, a panelist to
try)."""

import json
import shutil
import sqlite3
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, func, select

from models import (
    Candidate,
    Criterion,
    Decision,
    Interview,
    PanelMember,
    Position,
    Role,
    Score,
    Scorecard,
    ScorecardStatus,
    ScorecardTemplate,
    User,
    UserRole,
)
from services import auth, scorecards
from services.board import load_board
from services.db import get_engine
from services.demo import DEMO_FILE, demo_logins, load_demo
from services.errors import InvalidInput
from services.settings import demo_mode
from services.templates import default_criteria

NOW = datetime.now(UTC).replace(microsecond=0)
DATA = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
TABLES = (User, UserRole, Position, Candidate, Interview, PanelMember, Scorecard, Score, Decision)


def _fresh(path: Path, template: Path) -> str:
    """An empty database at head: a copy of the session's migrated template."""
    shutil.copy(template, path)
    return f"sqlite:///{path}"


def _naive(value: datetime) -> datetime:
    """A UTC datetime without tzinfo (SQLite gives stored datetimes back naive)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _counts(session: Session) -> dict[str, int]:
    return {m.__name__: session.exec(select(func.count()).select_from(m)).one() for m in TABLES}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, migrated_template):
    """One database with the demo loaded (loading is the slow part; the tests only read it)."""
    path = tmp_path_factory.mktemp("demo") / "t.db"
    url = _fresh(path, migrated_template)
    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        counts = load_demo(s, now=NOW)
    yield path, engine, counts
    engine.dispose()


@pytest.fixture
def s(demo_db):
    with Session(demo_db[1], expire_on_commit=False) as session:
        yield session


def _submitted_scores(s: Session) -> list[tuple[int, int, int, int, int, int]]:
    """(candidate, panelist, criterion, value, scale_min, scale_max) of submitted scores."""
    return list(s.exec(
        select(Interview.candidate_id, Scorecard.panelist_id, Score.criterion_id, Score.value,
               ScorecardTemplate.scale_min, ScorecardTemplate.scale_max)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .join(Score, Score.scorecard_id == Scorecard.id)
        .join(ScorecardTemplate, ScorecardTemplate.id == Scorecard.template_id)
        .where(Scorecard.status == ScorecardStatus.submitted, Score.value.is_not(None))
    ).all())


def test_demo_loads_into_an_empty_database(demo_db, s):
    _, _, counts = demo_db
    assert counts["users"] == s.exec(select(func.count(User.id))).one() == len(DATA["users"])
    assert counts["positions"] == s.exec(select(func.count(Position.id))).one() >= 3
    assert counts["candidates"] == s.exec(select(func.count(Candidate.id))).one() >= 18
    assert counts["interviews"] == s.exec(select(func.count(Interview.id))).one()
    statuses = list(s.exec(select(Scorecard.status)).all())
    assert counts["submitted"] == statuses.count(ScorecardStatus.submitted) >= 40
    assert counts["drafts"] == statuses.count(ScorecardStatus.draft) >= 1
    seats = s.exec(select(func.count(PanelMember.id))).one()
    assert counts["not_started"] == seats - len(statuses) >= 1
    assert demo_mode(s)
    # Every position has at least six candidates; two positions use 1-5, one has its own criteria.
    per_position = s.exec(select(Candidate.position_id, func.count(Candidate.id))
                          .group_by(Candidate.position_id)).all()
    assert all(n >= 6 for _, n in per_position)
    scales = s.exec(select(ScorecardTemplate.scale_min, ScorecardTemplate.scale_max)).all()
    assert sum(1 for lo, hi in scales if (lo, hi) == (1, 5)) >= 2
    assert sum(1 for p in DATA["positions"] if p["criteria"] != "default") >= 1


def test_panels_have_two_to_four_members_and_six_distinct_panelists(s):
    sizes = s.exec(select(PanelMember.interview_id, func.count(PanelMember.id))
                   .group_by(PanelMember.interview_id)).all()
    assert sizes and all(2 <= n <= 4 for _, n in sizes)
    on_panels = set(s.exec(select(PanelMember.user_id).distinct()).all())
    assert len(on_panels) >= 6
    panelists = set(s.exec(select(UserRole.user_id).where(UserRole.role == Role.panelist)).all())
    assert on_panels <= panelists


def test_some_candidates_have_fewer_scorecards_than_panel_seats(s):
    expected = dict(s.exec(select(Interview.candidate_id, func.count(PanelMember.id))
                           .join(PanelMember, PanelMember.interview_id == Interview.id)
                           .group_by(Interview.candidate_id)).all())
    submitted = dict(s.exec(select(Interview.candidate_id, func.count(Scorecard.id))
                            .join(Scorecard, Scorecard.interview_id == Interview.id)
                            .where(Scorecard.status == ScorecardStatus.submitted)
                            .group_by(Interview.candidate_id)).all())
    short = [cid for cid, n in expected.items() if submitted.get(cid, 0) < n]
    assert len(short) >= 3


def test_panels_disagree_on_criteria_and_recommendations(s):
    by_cell = defaultdict(list)
    for cand, _, crit, value, lo, hi in _submitted_scores(s):
        if (lo, hi) == (1, 5):
            by_cell[(cand, crit)].append(value)
    flagged = {cand for (cand, _), vals in by_cell.items() if max(vals) - min(vals) >= 2}
    assert len(flagged) >= 3

    recs = defaultdict(set)
    for cand, rec in s.exec(
        select(Interview.candidate_id, Scorecard.recommendation)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .where(Scorecard.status == ScorecardStatus.submitted)
    ).all():
        recs[cand].add("for" if rec in ("yes", "strong_yes") else "against")
    split = [cand for cand, sides in recs.items() if sides == {"for", "against"}]
    assert len(split) >= 2


def test_one_panelist_is_lenient_and_one_severe(s):
    """A later calibration has something to find: offsets from co-panelists of about +-0.6."""
    cells = defaultdict(list)
    for cand, panelist, crit, value, lo, hi in _submitted_scores(s):
        cells[(cand, crit)].append((panelist, 1 + (value - lo) * 4 / (hi - lo)))
    diffs, seen = defaultdict(list), defaultdict(set)
    for (cand, _), entries in cells.items():
        for panelist, value in entries:
            others = [v for p, v in entries if p != panelist]
            if others:
                diffs[panelist].append(value - sum(others) / len(others))
                seen[panelist].add(cand)
    offsets = {p: sum(d) / len(d) for p, d in diffs.items() if len(seen[p]) >= 4}
    assert max(offsets.values()) >= 0.5
    assert min(offsets.values()) <= -0.5


def test_every_extreme_score_has_evidence(s):
    rows = s.exec(
        select(Score.value, Score.evidence, ScorecardTemplate.scale_min,
               ScorecardTemplate.scale_max)
        .join(Scorecard, Scorecard.id == Score.scorecard_id)
        .join(ScorecardTemplate, ScorecardTemplate.id == Scorecard.template_id)
    ).all()
    extremes = [(v, e) for v, e, lo, hi in rows if v in (lo, hi)]
    assert extremes and all(e.strip() for _, e in extremes)
    not_assessed = s.exec(select(func.count(Score.id)).where(Score.not_assessed)).one()
    assert not_assessed >= 2


def test_times_are_recent_and_in_order(s):
    now = _naive(NOW)
    for interview in s.exec(select(Interview)).all():
        when = _naive(interview.scheduled_at)
        assert now - timedelta(days=30) <= when <= now
    for card, when in s.exec(select(Scorecard, Interview.scheduled_at)
                             .join(Interview, Interview.id == Scorecard.interview_id)).all():
        assert _naive(when) <= _naive(card.updated_at) <= now
        if card.status == ScorecardStatus.submitted:
            assert _naive(when) <= _naive(card.submitted_at) <= now


def test_decisions_are_recorded_by_the_positions_hiring_manager(s):
    rows = s.exec(select(Decision, Candidate, Position)
                  .join(Candidate, Candidate.id == Decision.candidate_id)
                  .join(Position, Position.id == Candidate.position_id)).all()
    assert {d.outcome for d, _, _ in rows} >= {"offer", "reject"}
    for decision, candidate, position in rows:
        assert decision.decided_by == position.hiring_manager_id
        assert decision.rationale.strip()
        assert candidate.stage == {"offer": "offer", "reject": "rejected"}[decision.outcome]


def test_all_demo_users_are_flagged_and_share_the_documented_password(s):
    assert all(s.exec(select(User.demo)).all())
    logins = demo_logins()
    assert sorted(email for _, email, _ in logins) == sorted(u["email"] for u in DATA["users"])
    assert {pw for _, _, pw in logins} == {DATA["password"]} == {"secondlook-demo"}
    assert all(email.endswith("@example.com") for _, email, _ in logins)
    words = " ".join(who for who, _, _ in logins).lower()
    for role in ("admin", "recruiter", "hiring manager", "panelist"):
        assert role in words
    who, email, password = next(row for row in logins if "score" in row[0])
    assert email == DATA["try"]["panelist"] and DATA["try"]["candidate"] in who
    assert auth.authenticate(s, email, password) is not None


def test_the_documented_panelist_has_a_scorecard_to_fill_and_can_submit_it(demo_db, tmp_path):
    # Work on a copy: the other tests read the demo as loaded.
    copy = tmp_path / "copy.db"
    with sqlite3.connect(demo_db[0]) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    engine = get_engine(f"sqlite:///{copy}")
    try:
        with Session(engine, expire_on_commit=False) as s:
            user = auth.user_by_email(s, DATA["try"]["panelist"])
            assert user is not None and user.demo
            rows = s.exec(
                select(Interview.id, Candidate.name, Scorecard.status)
                .join(PanelMember, PanelMember.interview_id == Interview.id)
                .join(Candidate, Candidate.id == Interview.candidate_id)
                .outerjoin(Scorecard, (Scorecard.interview_id == Interview.id)
                           & (Scorecard.panelist_id == user.id))
                .where(PanelMember.user_id == user.id)
            ).all()
            assert any(status == ScorecardStatus.submitted for _, _, status in rows)
            todo = [(iid, status) for iid, name, status in rows
                    if name == DATA["try"]["candidate"]]
            assert len(todo) == 1 and todo[0][1] != ScorecardStatus.submitted

            panelist = auth.viewer_for(s, user)
            kit = scorecards.open_scorecard(s, panelist, todo[0][0])
            for criterion in kit.criteria:
                scorecards.save_score(s, panelist, kit.scorecard.id, {
                    "criterion_id": criterion.id, "value": 3, "evidence": ""})
            scorecards.save_fields(s, panelist, kit.scorecard.id, {"recommendation": "yes"})
            card = scorecards.submit(s, panelist, kit.scorecard.id)
            assert card.status == ScorecardStatus.submitted
    finally:
        engine.dispose()


def test_loading_twice_is_refused_and_changes_nothing(s):
    before = _counts(s)
    n = len(DATA["users"])
    with pytest.raises(InvalidInput, match=f"already has {n} users.*only into an empty database"):
        load_demo(s)
    assert _counts(s) == before


def _broken_copy(tmp_path: Path, change) -> Path:
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _refused_with_nothing_written(tmp_path: Path, template: Path, change, match: str) -> None:
    url = _fresh(tmp_path / "t.db", template)
    try:
        with Session(get_engine(url)) as s:
            with pytest.raises(InvalidInput, match=match):
                load_demo(s, _broken_copy(tmp_path, change))
            assert _counts(s) == dict.fromkeys(_counts(s), 0)
    finally:
        get_engine(url).dispose()


def test_a_file_that_does_not_fit_together_is_refused_before_writing(tmp_path,
                                                                    migrated_template):
    def stranger_on_panel(data):
        interview = next(c["interview"] for c in data["candidates"] if c["interview"])
        interview["panel"][0]["email"] = "nobody@example.com"

    _refused_with_nothing_written(tmp_path, migrated_template, stranger_on_panel,
                                  "nobody@example.com is not a demo user")


def test_a_load_refused_part_way_leaves_the_database_empty(tmp_path, migrated_template):
    def extreme_without_evidence(data):
        # A candidate half-way through: much of the demo is written before it fails.
        scored = [c for c in data["candidates"] if c["interview"] and c["scorecards"]]
        cand = scored[len(scored) // 2]
        card = next(c for c in cand["scorecards"] if c["status"] == "submitted")
        name = next(iter(card["scores"]))
        card["scores"][name] = {"value": 1}

    url = _fresh(tmp_path / "t.db", migrated_template)
    try:
        with Session(get_engine(url)) as s:
            with pytest.raises(InvalidInput, match="end of the scale"):
                load_demo(s, _broken_copy(tmp_path, extreme_without_evidence))
            assert _counts(s) == dict.fromkeys(_counts(s), 0)
            assert not demo_mode(s)
            assert load_demo(s, now=NOW)["users"] == len(DATA["users"])
    finally:
        get_engine(url).dispose()


def test_criteria_in_the_file_match_the_positions(s):
    """Scores are keyed by criterion name; every name resolves to a criterion of its position."""
    names = {(p, n) for p, n in s.exec(
        select(Position.title, Criterion.name)
        .join(ScorecardTemplate, ScorecardTemplate.position_id == Position.id)
        .join(Criterion, Criterion.template_id == ScorecardTemplate.id)).all()}
    for cand in DATA["candidates"]:
        for card in cand.get("scorecards", []):
            assert {(cand["position"], n) for n in card["scores"]} <= names


def _french(text: str) -> bool:
    """Looks French: one of the commonest French little words."""
    return bool({"le", "la", "les", "de", "des", "du", "d", "l", "et", "à", "en", "que"} & set(
        text.lower().replace("’", " ").replace(",", " ").split()))


def test_the_french_position_uses_the_french_template_and_french_notes(s):
    position = s.exec(select(Position).where(Position.language == "fr")).one()
    assert position.title == "Analyste d’affaires" and position.currency == "CAD"
    assert all(_french(t) for t in position.tasks)
    template = s.exec(select(ScorecardTemplate)
                      .where(ScorecardTemplate.position_id == position.id)).one()
    names = s.exec(select(Criterion.name).where(Criterion.template_id == template.id)
                   .order_by(Criterion.position_order)).all()
    assert list(names) == [c["name"] for c in default_criteria("fr")]
    evidence = s.exec(
        select(Score.evidence).join(Scorecard, Scorecard.id == Score.scorecard_id)
        .join(Interview, Interview.id == Scorecard.interview_id)
        .join(Candidate, Candidate.id == Interview.candidate_id)
        .where(Candidate.position_id == position.id, Score.evidence != "")).all()
    assert len(evidence) >= 10 and all(_french(e) for e in evidence)
    questions = s.exec(
        select(Scorecard.candidate_questions)
        .join(Interview, Interview.id == Scorecard.interview_id)
        .join(Candidate, Candidate.id == Interview.candidate_id)
        .where(Candidate.position_id == position.id, Scorecard.candidate_questions != "")).all()
    assert questions and all(q.rstrip().endswith("?") for q in questions)

    manager = s.get(User, position.hiring_manager_id)
    board = load_board(s, position.id, auth.viewer_for(s, manager))
    scored = board.summary.dropna(subset=["overall"])
    assert len(board.candidates) >= 6 and len(scored) >= 5
    assert len(set(scored["letters"])) >= 2  # the scores separate some candidates
    assert not board.agenda.empty  # and the panel has something to discuss


def test_french_speaking_demo_users_log_in_with_the_documented_password(s):
    by_email = {u["email"]: u for u in DATA["users"]}
    french = [e for e, u in by_email.items() if u.get("language") == "fr"]
    roles = {r for e in french for r in by_email[e]["roles"]}
    assert {"hiring_manager", "panelist"} <= roles
    for email in french:
        user = auth.authenticate(s, email, DATA["password"])
        assert user is not None and user.language == "fr" and user.demo
        assert user.time_zone == "America/Toronto"
    # A French-speaking panelist has a scorecard still to fill.
    mathieu = auth.user_by_email(s, "mathieu.gagnon@example.com")
    seats = s.exec(select(PanelMember.interview_id).where(PanelMember.user_id == mathieu.id)).all()
    cards = s.exec(select(Scorecard.interview_id).where(Scorecard.panelist_id == mathieu.id)).all()
    assert set(seats) - set(cards)


def test_a_user_language_the_app_does_not_have_is_refused(tmp_path, migrated_template):
    def klingon(data):
        data["users"][1]["language"] = "tlh"

    _refused_with_nothing_written(tmp_path, migrated_template, klingon,
                                  "language must be one of en, fr")


def test_interview_hours_are_office_hours_on_the_positions_clock(s):
    zones = {p["title"]: ZoneInfo(p.get("time_zone") or "UTC") for p in DATA["positions"]}
    checked = 0
    for c in DATA["candidates"]:
        iv = c.get("interview")
        if not iv:
            continue
        when = s.exec(select(Interview.scheduled_at).join(
            Candidate, Candidate.id == Interview.candidate_id).where(
            Candidate.name == c["name"])).one()
        local = when.replace(tzinfo=UTC).astimezone(zones[c["position"]])
        assert (local.hour, local.minute) == (iv.get("hour", 10), iv.get("minute", 0)), c["name"]
        assert 8 <= local.hour < 18, (c["name"], local)
        checked += 1
    assert checked >= 18
    # The Montréal position's hours are Montréal's working day (they were UTC: 04:00 there).
    assert zones["Analyste d’affaires"].key == "America/Toronto"


def test_a_position_time_zone_the_app_does_not_know_is_refused(tmp_path, migrated_template):
    def nowhere(data):
        data["positions"][0]["time_zone"] = "Mars/Olympus"

    _refused_with_nothing_written(tmp_path, migrated_template, nowhere,
                                  "Mars/Olympus is not a known time zone")
