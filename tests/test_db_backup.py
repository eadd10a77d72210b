"""`manage.py backup` and `restore`: a round trip gives back every row of every table."""

import pytest
from sqlalchemy import MetaData, make_url, select
from sqlmodel import Session
from typer.testing import CliRunner

import manage
from models import Candidate, Scorecard, User
from services.db import get_engine, migrate
from tests.conftest import create_pg_database, drop_pg_database, pg_server_url

runner = CliRunner()


def _every_row(url: str) -> dict[str, list[tuple]]:
    """Each table of the database (as it is, not as the models say), rows in key order."""
    engine = get_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(
                    select(table).order_by(*(table.primary_key.columns or table.columns)))]
                for name, table in sorted(meta.tables.items())}


@pytest.fixture
def filled(session, make):
    """Users, a position, candidates, an interview and its submitted scorecards, and audit."""
    manager = make.user("hiring_manager", name="Hana Manager")
    position = make.position(manager=manager, title="Backend Engineer")
    pia, paul = make.user(name="Pia Ösel"), make.user(name="Paul")
    cara = make.candidate(position, name="Cara Candidate")
    make.candidate(position, name="Dan Candidate")
    interview = make.interview(cara, [pia, paul])
    make.scorecard(interview, pia, [3, 4, None, 5], "yes", evidence="Ledger API, well argued")
    make.scorecard(interview, paul, [2, 3, 3, 3], "no")
    session.commit()
    session.close()  # a restore must not wait for this test's own open transaction
    return {"cara": cara}


def _change_everything(url: str, cara_id: int) -> None:
    with Session(get_engine(url)) as s:
        s.add(User(name="Late User", email="late@example.com", password_hash="x"))
        s.delete(s.exec(select(Scorecard)).scalars().first())
        s.get(Candidate, cara_id).name = "Renamed"
        s.commit()


def test_backup_then_restore_gives_back_every_row(db_url, filled, tmp_path):
    before = _every_row(db_url)
    assert len(before["score"]) == 8 and len(before["user"]) == 4
    file = tmp_path / "secondlook.backup"
    done = runner.invoke(manage.app, ["backup", str(file)])
    assert done.exit_code == 0, done.output
    assert file.stat().st_size > 0
    _change_everything(db_url, filled["cara"].id)
    assert _every_row(db_url) != before

    done = runner.invoke(manage.app, ["restore", str(file), "--yes"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"restored {file} into ")
    assert _every_row(db_url) == before

    migrate(db_url)  # the restored schema is at head: nothing to do
    with Session(get_engine(db_url)) as s:  # and ids continue after the restored ones
        s.add(User(name="After Restore", email="after@example.com", password_hash="x"))
        s.commit()


def test_a_backup_restores_into_a_new_empty_database(db_url, filled, tmp_path, monkeypatch):
    before = _every_row(db_url)
    file = tmp_path / "secondlook.backup"
    assert runner.invoke(manage.app, ["backup", str(file)]).exit_code == 0
    if db_url.startswith("sqlite"):
        other = f"sqlite:///{tmp_path}/new-machine.db"
    else:
        other = create_pg_database(pg_server_url())
    try:
        monkeypatch.setenv("DATABASE_URL", other)
        done = runner.invoke(manage.app, ["restore", str(file), "--yes"])
        assert done.exit_code == 0, done.output
        assert _every_row(other) == before
    finally:
        if db_url.startswith("sqlite"):
            get_engine(other).dispose()
        else:
            drop_pg_database(other)


def test_restore_asks_first_and_a_no_changes_nothing(db_url, filled, tmp_path):
    file = tmp_path / "secondlook.backup"
    assert runner.invoke(manage.app, ["backup", str(file)]).exit_code == 0
    _change_everything(db_url, filled["cara"].id)
    changed = _every_row(db_url)
    done = runner.invoke(manage.app, ["restore", str(file)], input="n\n")
    assert done.exit_code == 1
    assert "Replace everything in" in done.output and "error: nothing restored" in done.output
    assert _every_row(db_url) == changed


def test_restore_refuses_a_file_that_is_no_backup_in_one_line(db_url, filled, tmp_path):
    before = _every_row(db_url)
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup\n" * 100)
    done = runner.invoke(manage.app, ["restore", str(junk), "--yes"])
    assert done.exit_code == 1
    lines = [ln for ln in done.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.output
    assert "Traceback" not in done.output
    assert _every_row(db_url) == before


def test_restore_of_a_missing_file_says_so(db_url):
    done = runner.invoke(manage.app, ["restore", "/nonexistent/backup.file", "--yes"])
    assert done.exit_code == 1
    assert done.output.strip() == "error: no backup file at /nonexistent/backup.file"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_restore_with_an_app_server_still_connected_changes_nothing(db_url, filled, tmp_path):
    from sqlalchemy import text

    file = tmp_path / "secondlook.backup"
    assert runner.invoke(manage.app, ["backup", str(file)]).exit_code == 0
    _change_everything(db_url, filled["cara"].id)
    changed = _every_row(db_url)
    with Session(get_engine(db_url)) as app_server:  # mid-transaction on the user table
        app_server.execute(text('SELECT count(*) FROM "user"'))
        done = runner.invoke(manage.app, ["restore", str(file), "--yes"])
    assert done.exit_code == 1
    assert done.output.strip() == (
        f"error: 1 other connection(s) to database {make_url(db_url).database} (app servers "
        "still running?): stop them, then restore; nothing was changed")
    assert _every_row(db_url) == changed
