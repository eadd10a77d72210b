"""`manage.py backup` and `restore`: a round trip gives back every row of every table."""

from pathlib import Path

import pytest
from sqlalchemy import MetaData, make_url, select
from sqlmodel import Session
from typer.testing import CliRunner

import manage
from models import Candidate, Scorecard, User
from services.db import get_engine, migrate
from tests.conftest import create_pg_database, drop_pg_database, pg_server_url, world_fixture

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


@world_fixture
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
    line = done.output.strip()
    assert line.startswith(
        f"error: 1 other connection to database {make_url(db_url).database}: pid ")
    assert line.endswith("stop the app servers, then restore; nothing was changed")
    assert _every_row(db_url) == changed


# ------------------------------------------------------------ a restore that cannot destroy

def _sqlite_backup_of(db_url: str, tmp_path):
    file = tmp_path / "good.backup"
    if db_url.startswith("sqlite"):
        assert runner.invoke(manage.app, ["backup", str(file)]).exit_code == 0
    else:  # a SQLite backup file, for the checks that are about SQLite files
        from services.backup import backup

        sqlite_db = f"sqlite:///{tmp_path}/source.db"
        migrate(sqlite_db)
        with Session(get_engine(sqlite_db)) as s:
            s.add(User(name="Sue", email="sue@example.com", password_hash="x"))
            s.commit()
        backup(sqlite_db, file)
        get_engine(sqlite_db).dispose()
    return file


def _refused(db_url, file, *fragments) -> str:
    before = _every_row(db_url)
    done = runner.invoke(manage.app, ["restore", str(file), "--yes"])
    assert done.exit_code == 1, done.output
    assert isinstance(done.exception, SystemExit)
    lines = [ln for ln in done.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.output
    for fragment in fragments:
        assert fragment in lines[0]
    assert _every_row(db_url) == before
    return lines[0]


def _foreign_sqlite(path, *, revision="0004", users=True, tables=True):
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    conn.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    if tables:
        from services.backup import CORE_TABLES

        for name in sorted(CORE_TABLES - {"alembic_version"}):
            conn.execute(f'CREATE TABLE "{name}" (id INTEGER PRIMARY KEY)')
        if users:
            conn.execute('INSERT INTO "user" (id) VALUES (1)')
    conn.commit()
    conn.close()
    return path


# Checks of SQLite files restored into SQLite (the PostgreSQL file checks run beside them).
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def sqlite_only(db_url):
    return db_url


@SQLITE_ONLY
def test_a_foreign_sqlite_file_with_alembic_version_is_refused(sqlite_only, filled, tmp_path):
    file = _foreign_sqlite(tmp_path / "foreign.db", tables=False)
    _refused(sqlite_only, file, "is not a Second Look backup", "no table")


@SQLITE_ONLY
def test_a_backup_onto_the_database_itself_is_refused(sqlite_only, filled, tmp_path):
    live = Path(make_url(sqlite_only).database)
    before = _every_row(sqlite_only)
    inode = live.stat().st_ino
    link = tmp_path / "link-to-live.db"
    link.symlink_to(live)
    for target in (live, link):
        done = runner.invoke(manage.app, ["backup", str(target)])
        assert done.exit_code == 1
        assert done.output.strip() == f"error: {target} is the database itself; give the backup " \
                                      "another file name"
    assert live.stat().st_ino == inode and _every_row(sqlite_only) == before


@SQLITE_ONLY
def test_a_backup_without_users_is_refused(sqlite_only, filled, tmp_path):
    file = _foreign_sqlite(tmp_path / "empty.db", users=False)
    _refused(sqlite_only, file, "holds no user account")


@SQLITE_ONLY
def test_a_backup_from_a_newer_schema_is_refused(sqlite_only, filled, tmp_path):
    file = _foreign_sqlite(tmp_path / "newer.db", revision="9999")
    _refused(sqlite_only, file, "schema revision '9999'", "does not know")


@SQLITE_ONLY
def test_a_truncated_backup_is_refused(sqlite_only, filled, tmp_path):
    good = _sqlite_backup_of(sqlite_only, tmp_path).read_bytes()
    cut = tmp_path / "cut.backup"
    cut.write_bytes(good[: len(good) // 2])
    _refused(sqlite_only, cut, "nothing was changed")


@SQLITE_ONLY
def test_a_damaged_backup_is_refused(sqlite_only, filled, tmp_path):
    good = bytearray(_sqlite_backup_of(sqlite_only, tmp_path).read_bytes())
    page = int.from_bytes(good[16:18], "big")
    for start in range(page, len(good), page):  # every b-tree page header after the first
        good[start: start + 8] = b"\xff" * 8
    bad = tmp_path / "bad.backup"
    bad.write_bytes(bytes(good))
    _refused(sqlite_only, bad, "nothing was changed")


@pytest.mark.parametrize("content", [b"not a backup\n" * 100, b"PGDMP garbage" * 50,
                                     b"SQLite format 3\x00" + b"\x00" * 50])
def test_files_of_other_kinds_are_refused(db_url, filled, tmp_path, content):
    file = tmp_path / "other.bin"
    file.write_bytes(content)
    _refused(db_url, file, "nothing was changed")


def test_a_sqlite_backup_is_refused_by_postgresql_and_the_reverse(db_url, filled, tmp_path):
    if db_url.startswith("sqlite"):
        file = tmp_path / "pg.backup"
        file.write_bytes(b"PGDMP" + b"\x00" * 200)
        _refused(db_url, file, "not a SQLite backup")
    else:
        _refused(db_url, _sqlite_backup_of(db_url, tmp_path), "not a PostgreSQL backup")


def test_restore_saves_the_current_database_first_and_says_where(db_url, filled, tmp_path):
    file = tmp_path / "secondlook.backup"
    assert runner.invoke(manage.app, ["backup", str(file)]).exit_code == 0
    _change_everything(db_url, filled["cara"].id)
    changed = _every_row(db_url)
    done = runner.invoke(manage.app, ["restore", str(file), "--yes"])
    assert done.exit_code == 0, done.output
    [saved_line] = [ln for ln in done.output.splitlines() if "saved in" in ln]
    safety = saved_line.split("saved in ", 1)[1].strip()
    from pathlib import Path

    assert Path(safety).is_file() and "before-restore" in safety
    # The safety copy is itself a backup that restores what was there before.
    assert runner.invoke(manage.app, ["restore", safety, "--yes"]).exit_code == 0
    assert _every_row(db_url) == changed


def test_a_live_app_process_blocks_the_restore_and_is_named(db_url, filled, tmp_path):
    """Another process with a pooled connection, as a running Streamlit server holds."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    file = tmp_path / "secondlook.backup"
    assert runner.invoke(manage.app, ["backup", str(file)]).exit_code == 0
    sqlite = db_url.startswith("sqlite")
    # PostgreSQL names a connection by its server pid and application_name.
    holder_url = db_url if sqlite else make_url(db_url).update_query_dict(
        {"application_name": "holder-app"}).render_as_string(hide_password=False)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys\nfrom sqlalchemy import text\nfrom services.db import get_engine\n"
         "with get_engine(sys.argv[1]).connect() as c:\n"
         "    c.execute(text('SELECT 1')).all()\n"
         "    c.commit()\n"
         "    print('ready', flush=True)\n"
         "    sys.stdin.read()\n", holder_url],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        line = _refused(db_url, file, "nothing was changed",
                        f"pid {holder.pid}" if sqlite else "app 'holder-app'")
        assert "stop the app servers" in line
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    done = runner.invoke(manage.app, ["restore", str(file), "--yes"])
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_connection_closing_while_the_restore_looks_does_not_block_it(db_url, filled,
                                                                        tmp_path, monkeypatch):
    """A server just stopped leaves its backend in pg_stat_activity until that has exited."""
    import subprocess
    import sys

    from services import backup
    from tests.conftest import ROOT

    file = tmp_path / "secondlook.backup"
    assert runner.invoke(manage.app, ["backup", str(file)]).exit_code == 0
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys\nfrom sqlalchemy import text\nfrom services.db import get_engine\n"
         "with get_engine(sys.argv[1]).connect() as c:\n"
         "    c.execute(text('SELECT 1')).all()\n"
         "    print('ready', flush=True)\n"
         "    sys.stdin.read()\n", db_url],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    looked = []
    real = backup._other_connections

    def look(url):
        found = real(url)
        looked.append(len(found))
        if found and holder.poll() is None:  # the server stops once the restore has seen it
            holder.stdin.close()
            holder.wait(timeout=30)
        return found

    monkeypatch.setattr(backup, "_other_connections", look)
    try:
        assert holder.stdout.readline().strip() == "ready"
        done = runner.invoke(manage.app, ["restore", str(file), "--yes"])
    finally:
        if holder.poll() is None:
            holder.stdin.close()
            holder.wait(timeout=30)
    assert done.exit_code == 0, done.output
    assert looked[0] >= 1 and looked[-1] == 0


@SQLITE_ONLY
def test_an_open_connection_in_this_process_blocks_a_sqlite_restore(sqlite_only, filled,
                                                                    tmp_path):
    import sqlite3

    file = _sqlite_backup_of(sqlite_only, tmp_path)
    conn = sqlite3.connect(make_url(sqlite_only).database)
    conn.execute("SELECT count(*) FROM user").fetchone()  # in WAL mode: holds the -shm
    try:
        _refused(sqlite_only, file, "another connection")
    finally:
        conn.close()


@SQLITE_ONLY
def test_an_older_backup_is_upgraded_after_the_restore(sqlite_only, tmp_path):
    from alembic import command

    from services.backup import head_revision
    from services.db import alembic_config

    old = f"sqlite:///{tmp_path}/old.db"
    command.upgrade(alembic_config(old), "0004")
    get_engine(old).dispose()
    import sqlite3

    conn = sqlite3.connect(tmp_path / "old.db")
    conn.execute("INSERT INTO user (name, email, team, password_hash, active, demo, "
                 "failed_logins, created_at) VALUES ('Old', 'old@example.com', '', 'x', 1, 0, 0,"
                 " '2026-01-01 00:00:00')")
    conn.commit()
    conn.close()
    done = runner.invoke(manage.app, ["restore", str(tmp_path / "old.db"), "--yes"])
    assert done.exit_code == 0, done.output
    with get_engine(sqlite_only).connect() as c:
        from sqlalchemy import text

        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == \
            head_revision()


def _tampered(url: str, tmp_path, statements: list[str]):
    """A real backup of this database with `statements` run in it afterwards."""
    import sqlite3

    file = tmp_path / "tampered.backup"
    assert runner.invoke(manage.app, ["backup", str(file)]).exit_code == 0
    with sqlite3.connect(file) as conn:
        for statement in statements:
            conn.execute(statement)
    return file


@SQLITE_ONLY
@pytest.mark.parametrize("statements, named", [
    (['CREATE TRIGGER wipe AFTER INSERT ON auditevent BEGIN DELETE FROM "user"; END'],
     "trigger wipe"),
    (["CREATE TABLE stash (secret TEXT)"], "table stash"),
    (["ALTER TABLE candidate ADD COLUMN leaked TEXT"], "table candidate"),
    (["CREATE VIEW everyone AS SELECT * FROM user"], "view everyone"),
    (["DROP TRIGGER auditevent_no_delete"], "trigger auditevent_no_delete"),
])
def test_a_backup_with_a_schema_this_version_never_builds_is_refused(sqlite_only, filled,
                                                                     tmp_path, statements,
                                                                     named):
    file = _tampered(sqlite_only, tmp_path, statements)
    _refused(sqlite_only, file, "is not a Second Look backup as this version builds it",
             named)


PG_ONLY = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@PG_ONLY
def test_a_postgresql_dump_with_a_trigger_of_someone_elses_is_refused(db_url, filled, tmp_path):
    engine = get_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql('CREATE FUNCTION wipe() RETURNS trigger LANGUAGE plpgsql AS '
                             '$$ BEGIN DELETE FROM "user"; RETURN NEW; END $$')
        conn.exec_driver_sql("CREATE TRIGGER wipe AFTER INSERT ON auditevent "
                             "FOR EACH ROW EXECUTE FUNCTION wipe()")
    file = tmp_path / "tampered.backup"
    assert runner.invoke(manage.app, ["backup", str(file)]).exit_code == 0
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER wipe ON auditevent")
        conn.exec_driver_sql("DROP FUNCTION wipe()")
    line = _refused(db_url, file, "is not a Second Look backup as this version builds it")
    assert "function wipe()" in line and "trigger wipe" in line
