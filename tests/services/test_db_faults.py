"""Faults: a submission that fails half-way, a server killed mid-typing, no database at all."""

import multiprocessing
import os
import signal
import socket
import traceback
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text
from sqlmodel import Session, select

from models import AuditEvent, Score, Scorecard, ScorecardStatus
from services import scorecards
from services.db import get_engine
from services.errors import Conflict, InvalidInput
from services.viewer import Viewer
from tests.apptest import app_as


class InjectedFault(RuntimeError):
    """Stands for whatever can break a transaction half-way (disk full, a bug, a lost link)."""


@contextmanager
def fail_at_write(engine, n: int):
    """Refuse the n-th INSERT/UPDATE/DELETE sent through the engine (the n-1 before it run)."""
    seen = 0

    def before(_conn, _cursor, statement, *_args):
        nonlocal seen
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen += 1
            if seen == n:
                raise InjectedFault(f"write {n}: {statement.split(chr(10))[0][:60]}")

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield lambda: seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _snapshot(db_url: str) -> dict:
    """Every scorecard, score and audit row, read by a session of its own."""
    with Session(get_engine(db_url)) as s:
        return {
            "cards": [c.model_dump() for c in s.exec(select(Scorecard).order_by(Scorecard.id))],
            "scores": [c.model_dump() for c in s.exec(select(Score).order_by(Score.id))],
            "audit": len(s.exec(select(AuditEvent.id)).all()),
        }


@pytest.fixture
def panel(session, make):
    manager = make.user("hiring_manager")
    position = make.position(manager=manager)
    pia, paul = make.user(name="Pia"), make.user(name="Paul")
    interview = make.interview(make.candidate(position), [pia, paul])
    criteria = scorecards.open_scorecard(session, make.viewer(paul), interview.id).criteria
    return {"interview": interview, "pia": make.viewer(pia), "paul": make.viewer(paul),
            "criteria": criteria}


def _whole_card(criteria) -> tuple[dict, list[dict]]:
    fields = {"recommendation": "strong_yes", "concerns": "none", "interest": "high",
              "salary_heard": 61000}
    scores = [{"criterion_id": c.id, "value": 4, "evidence": f"seen {n}"}
              for n, c in enumerate(criteria)]
    return fields, scores


@pytest.mark.parametrize("start", ["no draft yet", "a saved draft"])
def test_a_submission_failing_after_any_write_leaves_nothing(db_url, session, panel, start):
    engine = get_engine(db_url)
    pia, interview, criteria = panel["pia"], panel["interview"].id, panel["criteria"]
    if start == "a saved draft":
        kit = scorecards.open_scorecard(session, pia, interview)
        scorecards.save_fields(session, pia, kit.scorecard.id, {"concerns": "typed earlier"})
        scorecards.save_score(session, pia, kit.scorecard.id,
                              {"criterion_id": criteria[0].id, "value": 2})
    fields, scores = _whole_card(criteria)
    # How many writes a whole submission makes, measured on Paul's identical card.
    with fail_at_write(engine, 0) as writes, Session(engine) as s:
        scorecards.save_and_submit(s, panel["paul"], interview, fields, scores)
    total = writes()
    assert total >= 2 + len(criteria)  # the card, each score, its status: more than one write

    before = _snapshot(db_url)
    for n in range(1, total + 1):
        with fail_at_write(engine, n), Session(engine) as s:
            with pytest.raises(InjectedFault):
                scorecards.save_and_submit(s, pia, interview, fields, scores)
        assert _snapshot(db_url) == before, f"a failure at write {n} of {total} left changes"

    with Session(engine) as s:  # and with nothing in the way, the same call goes through whole
        card = scorecards.save_and_submit(s, pia, interview, fields, scores)
        assert card.status == ScorecardStatus.submitted
        stored = s.exec(select(Score).where(Score.scorecard_id == card.id)).all()
        assert sorted((x.value, x.evidence) for x in stored) == \
            sorted((x["value"], x["evidence"]) for x in scores)


def test_an_incomplete_submission_is_refused_whole(db_url, session, panel):
    before = _snapshot(db_url)
    fields, scores = _whole_card(panel["criteria"])
    del fields["recommendation"]
    with pytest.raises(InvalidInput) as refused:
        scorecards.save_and_submit(session, panel["pia"], panel["interview"].id, fields,
                                   scores[1:])
    assert refused.value.problems == [
        f"{panel['criteria'][0].name}: give a score or mark it not assessed",
        "Overall recommendation: choose one"]
    assert _snapshot(db_url) == before


def test_a_submission_from_a_stale_page_is_a_conflict(db_url, session, panel):
    pia, interview = panel["pia"], panel["interview"].id
    kit = scorecards.open_scorecard(session, pia, interview)
    with Session(get_engine(db_url)) as other_tab:
        scorecards.save_fields(other_tab, pia, kit.scorecard.id, {"concerns": "other tab"})
    before = _snapshot(db_url)
    fields, scores = _whole_card(panel["criteria"])
    with pytest.raises(Conflict, match="nothing was overwritten"):
        scorecards.save_and_submit(session, pia, interview, fields, scores,
                                   expected_version=kit.scorecard.version)
    assert _snapshot(db_url) == before


# Each edit the scorecard page saves on its own when a field loses focus: four fields and the
# evidence of four criteria, cycled, each value naming its edit number.
EDITS = ["candidate_questions", "salary_heard", "interest", "concerns", 0, 1, 2, 3]


def _edit_value(n: int):
    return n if EDITS[n % len(EDITS)] == "salary_heard" else f"edit {n}"


def _type_forever(url: str, card_id: int, panelist: Viewer, criteria: list[int], acks) -> None:
    """A panelist typing without pause; after each save's commit, tell the parent its number."""
    try:
        engine = get_engine(url)
        engine.dispose(close=False)  # the parent's pooled connections are not ours to use
        with Session(engine, expire_on_commit=False) as s:
            for n in range(100_000):
                what = EDITS[n % len(EDITS)]
                if isinstance(what, str):
                    scorecards.save_fields(s, panelist, card_id, {what: _edit_value(n)})
                else:
                    scorecards.save_score(s, panelist, card_id, {
                        "criterion_id": criteria[what], "value": 3, "evidence": _edit_value(n)})
                acks.send(n)
    except Exception:
        acks.send(traceback.format_exc())


def _stored_edits(db_url: str, card_id: int, criteria: list[int]) -> dict:
    with Session(get_engine(db_url)) as s:
        card = s.get(Scorecard, card_id)
        evidence = {x.criterion_id: x.evidence
                    for x in s.exec(select(Score).where(Score.scorecard_id == card_id))}
    return {what: getattr(card, what) if isinstance(what, str) else
            evidence.get(criteria[what]) for what in EDITS}


def test_a_server_killed_mid_typing_loses_at_most_the_field_being_saved(db_url, session, panel):
    pia, criteria = panel["pia"], [c.id for c in panel["criteria"]]
    card = scorecards.open_scorecard(session, pia, panel["interview"].id).scorecard.id
    session.close()
    ctx = multiprocessing.get_context("fork")  # see test_db_concurrency
    receive, send = ctx.Pipe(duplex=False)
    typist = ctx.Process(target=_type_forever, args=(db_url, card, pia, criteria, send))
    typist.start()
    send.close()
    acked = -1
    while acked < 3 * len(EDITS):  # every field saved a few times over
        assert receive.poll(60), "the typist saved nothing for a minute"
        acked = receive.recv()
        assert isinstance(acked, int), f"the typist failed:\n{acked}"
    os.kill(typist.pid, signal.SIGKILL)  # while it is in the middle of a later save
    typist.join(timeout=30)
    assert typist.exitcode == -signal.SIGKILL
    try:
        while True:  # acks already sent when the kill landed, up to the end of the pipe
            acked = receive.recv()
    except EOFError:
        pass

    stored = _stored_edits(db_url, card, criteria)
    in_flight = acked + 1
    for i, what in enumerate(EDITS):
        last_acked = max(n for n in range(acked + 1) if n % len(EDITS) == i)
        allowed = {_edit_value(last_acked)}
        if in_flight % len(EDITS) == i:  # its commit may have landed before its ack was sent
            allowed.add(_edit_value(in_flight))
        assert stored[what] in allowed, f"{what}: {stored[what]!r}, saved {allowed}"
    if db_url.startswith("sqlite"):
        with get_engine(db_url).connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_app_with_the_database_unreachable_shows_one_error_line(backend, tmp_path, monkeypatch):
    if backend == "sqlite":
        (tmp_path / "a-file").write_text("not a directory")
        url = f"sqlite:///{tmp_path}/a-file/secondlook.db"
    else:  # nothing listens there, whatever TEST_DATABASE_URL says
        url = f"postgresql://app:s3cret-pw@127.0.0.1:{_closed_port()}/secondlook"
    monkeypatch.setenv("DATABASE_URL", url)
    at = app_as(None)
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert message.startswith("cannot open the database at ")
    assert "\n" not in message.strip()
    assert "s3cret-pw" not in message
    assert not at.get("text_input")  # no login form behind it
