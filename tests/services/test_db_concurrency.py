"""Many panelists at once: every scorecard lands, and a stale save never overwrites silently."""

import multiprocessing
import statistics
import time
import traceback

import pytest
from sqlmodel import Session, delete, func, select

from models import Score, Scorecard, ScorecardStatus
from services import scorecards
from services.db import get_engine
from services.errors import Conflict
from services.viewer import Viewer

PROCESSES = 30
CARDS_EACH = 20
PANEL = 4  # seats per interview: 30 x 20 seats fill 150 interviews


def _submit_all(url: str, panelist: Viewer, interview_ids: list[int], criteria: list[int],
                barrier, results) -> None:
    """One panelist submitting whole scorecards, each in one transaction, as fast as it can."""
    latencies, errors = [], []
    try:
        engine = get_engine(url)
        engine.dispose(close=False)  # the parent's pooled connections are not ours to use
        barrier.wait(timeout=120)
        for interview_id in interview_ids:
            start = time.perf_counter()
            try:
                with Session(engine, expire_on_commit=False) as s:
                    scorecards.save_and_submit(
                        s, panelist, interview_id,
                        {"recommendation": "yes", "concerns": f"none {panelist.id}"},
                        [{"criterion_id": c, "value": 2 + n % 3,
                          "evidence": f"seen {panelist.id}/{interview_id}"}
                         for n, c in enumerate(criteria)])
            except Exception:
                errors.append(traceback.format_exc(limit=3))
            latencies.append(time.perf_counter() - start)
    except Exception:
        errors.append(traceback.format_exc(limit=3))
    results.put((latencies, errors))


def _percentiles(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    p = {50: cuts[49], 90: cuts[89], 99: cuts[98]}
    return " ".join(f"p{k}={v * 1000:.0f}ms" for k, v in p.items()) + \
        f" max={max(values) * 1000:.0f}ms"


@pytest.fixture
def crowd(session, make):
    """30 panelists, each on 20 of 150 interviews of one position."""
    manager = make.user("hiring_manager")
    position = make.position(manager=manager)
    panelists = [make.viewer(make.user("panelist")) for _ in range(PROCESSES)]
    seats: dict[Viewer, list[int]] = {p: [] for p in panelists}
    for j in range(PROCESSES * CARDS_EACH // PANEL):
        panel = [panelists[(PANEL * j + k) % PROCESSES] for k in range(PANEL)]
        interview = make.interview(make.candidate(position), panel)
        for p in panel:
            seats[p].append(interview.id)
    assert all(len(ids) == CARDS_EACH for ids in seats.values())
    criteria = scorecards.open_scorecard(session, make.viewer(panel[0]), interview.id).criteria
    session.exec(delete(Scorecard))  # opening created a draft; the test starts with none
    session.commit()
    return seats, [c.id for c in criteria]


def test_thirty_panelists_submitting_at_once_all_land(db_url, session, crowd):
    # fork, not spawn or forkserver: those re-run the __main__ script, which is app.py once an
    # AppTest has run in this process.
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    seats, criteria = crowd
    workers = [ctx.Process(target=_submit_all,
                           args=(db_url, panelist, ids, criteria, barrier, results))
               for panelist, ids in seats.items()]
    start = time.perf_counter()
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    wall = time.perf_counter() - start
    for w in workers:
        w.join(timeout=30)

    latencies = [t for lat, _ in outcomes for t in lat]
    errors = [e for _, errs in outcomes for e in errs]
    session.expire_all()
    submitted = session.exec(select(func.count()).select_from(Scorecard)
                             .where(Scorecard.status == ScorecardStatus.submitted)).one()
    scores = session.exec(select(func.count()).select_from(Score)).one()
    print(f"\n{db_url.split(':')[0]}: {submitted} of {PROCESSES * CARDS_EACH} scorecards "
          f"submitted by {PROCESSES} processes in {wall:.1f} s; per submission (fields, 4 "
          f"scores, status: one transaction): {_percentiles(latencies)}; errors: {len(errors)}")
    assert errors == [], "\n".join(errors[:3])
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    assert submitted == PROCESSES * CARDS_EACH
    assert scores == PROCESSES * CARDS_EACH * 4


@pytest.fixture
def draft(session, make):
    manager = make.user("hiring_manager")
    position = make.position(manager=manager)
    pia, paul = make.user(name="Pia"), make.user(name="Paul")
    interview = make.interview(make.candidate(position), [pia, paul])
    kit = scorecards.open_scorecard(session, make.viewer(pia), interview.id)
    return {"interview": interview, "pia": make.viewer(pia), "card": kit.scorecard.id,
            "criterion": kit.criteria[0].id}


def _two_tabs(db_url, draft):
    """Pia's scorecard opened in two browser tabs: two sessions, each with its loaded version."""
    tabs = []
    for _ in range(2):
        s = Session(get_engine(db_url), expire_on_commit=False)
        kit = scorecards.open_scorecard(s, draft["pia"], draft["interview"].id)
        tabs.append((s, kit.scorecard.version))
    return tabs


def test_the_later_of_two_sessions_saving_one_field_gets_a_conflict(db_url, draft):
    (one, v1), (two, v2) = _two_tabs(db_url, draft)
    pia, card = draft["pia"], draft["card"]
    with one, two:
        scorecards.save_fields(one, pia, card, {"concerns": "from tab one"}, v1)
        with pytest.raises(Conflict, match="changed in another window.*nothing was overwritten"):
            scorecards.save_fields(two, pia, card, {"concerns": "from tab two"}, v2)
    with Session(get_engine(db_url)) as fresh:
        stored = fresh.get(Scorecard, card)
        assert stored.concerns == "from tab one"
        assert stored.version == v1 + 1


def test_a_stale_score_save_changes_no_score(db_url, draft):
    (one, v1), (two, v2) = _two_tabs(db_url, draft)
    pia, card, criterion = draft["pia"], draft["card"], draft["criterion"]
    with one, two:
        scorecards.save_score(one, pia, card, {"criterion_id": criterion, "value": 4,
                                               "evidence": "tab one"}, v1)
        with pytest.raises(Conflict):
            scorecards.save_score(two, pia, card, {"criterion_id": criterion, "value": 2,
                                                   "evidence": "tab two"}, v2)
        # After a reload (the newest version), the second tab saves normally.
        latest = scorecards.open_scorecard(two, pia, draft["interview"].id).scorecard.version
        scorecards.save_fields(two, pia, card, {"interest": "after reload"}, latest)
    with Session(get_engine(db_url)) as fresh:
        score = fresh.exec(select(Score).where(Score.scorecard_id == card)).one()
        assert (score.value, score.evidence) == (4, "tab one")
        assert fresh.get(Scorecard, card).interest == "after reload"


# --- Create-if-missing under concurrency (services.db.serialised) -------------------------------

IMPORTS = 16
IMPORT_HEADER = "position,candidate,panelist,criterion,score,dimension,weight,candidate_email\n"


def _import_file(tmp_path, n: int):
    """Panelist n's scores for the same new position, criteria and candidates as the others."""
    rows = [f"Data Engineer,{cand},Panelist {n:02d},{crit},{1 + (n + i) % 5},{dim},{w},{email}"
            for i, (cand, email) in enumerate([("Ann Ahn", "ann@example.com"),
                                               ("Bo Berg", ""), ("Cy Chu", "cy@example.com")])
            for crit, dim, w in [("SQL", "technical", 2), ("Talk", "social", 1)]]
    path = tmp_path / f"scores{n}.csv"
    path.write_text(IMPORT_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _run_import(url: str, path: str, barrier, results) -> None:
    """`manage.py import-scores FILE` in this process, started with the others at once."""
    from typer.testing import CliRunner

    import manage

    get_engine(url).dispose(close=False)  # the parent's pooled connections are not ours
    barrier.wait(timeout=120)
    result = CliRunner().invoke(manage.app, ["import-scores", path])
    trace = "".join(traceback.format_exception(result.exc_info[1])) \
        if result.exc_info and not isinstance(result.exc_info[1], SystemExit) else ""
    results.put((result.exit_code, result.output, trace))


def test_sixteen_imports_of_the_same_new_position_all_land(db_url, session, tmp_path):
    from models import Candidate, Criterion, Position, User

    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(IMPORTS), ctx.Queue()
    workers = [ctx.Process(target=_run_import,
                           args=(db_url, str(_import_file(tmp_path, n)), barrier, results))
               for n in range(IMPORTS)]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    for w in workers:
        w.join(timeout=30)
    failures = [(code, out, trace) for code, out, trace in outcomes if code != 0 or trace]
    assert failures == [], failures[:2]
    assert all("Traceback" not in out for _, out, _ in outcomes)
    session.expire_all()

    def n(model):
        return session.exec(select(func.count()).select_from(model)).one()

    assert (n(Position), n(Criterion), n(Candidate), n(User)) == (1, 2, 3, IMPORTS)
    assert n(Scorecard) == IMPORTS * 3
    assert n(Score) == IMPORTS * 3 * 2
    assert session.exec(select(func.count()).select_from(Scorecard).where(
        Scorecard.status == ScorecardStatus.submitted)).one() == IMPORTS * 3


def test_same_candidate_from_many_sessions_at_once_is_one_row_and_a_message(db_url, make):
    import threading

    from models import Candidate
    from services import candidates
    from services.errors import InvalidInput

    position = make.position()
    admin = make.admin
    sessions = 8
    barrier = threading.Barrier(sessions)
    outcomes: list[object] = []

    def add() -> None:
        with Session(get_engine(db_url), expire_on_commit=False) as s:
            barrier.wait(timeout=60)
            try:
                outcomes.append(candidates.create_candidate(s, admin, {
                    "name": "Dana Diaz", "email": "dana@example.com",
                    "position_id": position.id}).id)
            except Exception as exc:  # collected: the assertion names what went wrong
                outcomes.append(exc)

    threads = [threading.Thread(target=add) for _ in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    made = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, InvalidInput)]
    assert len(made) == 1, outcomes
    assert len(refused) == sessions - 1, outcomes
    assert all(r.problems == ["Email: dana@example.com is already a candidate for this position"]
               for r in refused)
    with Session(get_engine(db_url)) as fresh:
        assert fresh.exec(select(func.count()).select_from(Candidate)).one() == 1


def test_serialised_work_that_loses_a_unique_key_is_run_again(session, make):
    from models import Position
    from services.db import serialised

    taken = make.position(title="Taken")
    attempts = []

    def work() -> str:
        attempts.append(1)
        if len(attempts) == 1:  # as if another writer took the title after our check
            session.add(Position(title=taken.title))
            session.flush()
        return "done"

    assert serialised(session, work) == "done"
    assert len(attempts) == 2
    assert session.exec(select(func.count()).select_from(Position)).one() == 1


def test_serialised_work_that_always_loses_ends_in_a_conflict(session, make):
    from models import Position
    from services.db import ATTEMPTS, serialised

    taken = make.position(title="Taken")
    attempts = []

    def work() -> None:
        attempts.append(1)
        session.add(Position(title=taken.title))
        session.flush()

    with pytest.raises(Conflict, match="nothing was saved"):
        serialised(session, work)
    assert len(attempts) == ATTEMPTS
    assert session.exec(select(func.count()).select_from(Position)).one() == 1


def test_serialised_work_refused_writes_nothing(session, make):
    from models import Position
    from services.db import serialised
    from services.errors import InvalidInput

    def work() -> None:
        session.add(Position(title="Half done"))
        session.flush()
        raise InvalidInput("Title: refused")

    with pytest.raises(InvalidInput):
        serialised(session, work)
    assert session.exec(select(func.count()).select_from(Position)).one() == 0


def test_serialised_work_holds_the_write_lock_before_it_reads(session, make):
    from services.db import CREATE_LOCK, serialised

    make.position()  # leaves the session with a finished transaction, as callers do

    def work() -> bool:
        conn = session.connection()
        if conn.dialect.name == "sqlite":
            # BEGIN IMMEDIATE ran: the driver is inside a transaction before any write.
            return conn.connection.driver_connection.in_transaction
        held = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            f"AND objid = {CREATE_LOCK & 0xFFFFFFFF} AND pid = pg_backend_pid()").scalar()
        return held == 1

    assert serialised(session, work) is True
