"""Which database the app opens, and the settings every SQLite connection gets."""

import os
import platform
import subprocess
import sys
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models import Score
from services import config
from services.db import DEFAULT_SQLITE, database_url, get_engine
from tests.conftest import ROOT

PG = "postgresql+psycopg://app:pw@db.internal:5432/secondlook"


@pytest.mark.parametrize(("env", "secrets", "expected"), [
    (None, None, f"sqlite:///{DEFAULT_SQLITE}"),
    (None, "sqlite:////srv/from-secrets.db", "sqlite:////srv/from-secrets.db"),
    ("sqlite:////srv/from-env.db", "sqlite:////srv/from-secrets.db", "sqlite:////srv/from-env.db"),
    ("postgresql://app:pw@db.internal:5432/secondlook", None, PG),
    ("postgres://app:pw@db.internal:5432/secondlook", None, PG),
    (None, "postgresql://app:pw@db.internal:5432/secondlook", PG),
    (PG, None, PG),
    ("", "sqlite:////srv/from-secrets.db", "sqlite:////srv/from-secrets.db"),
])
def test_database_url_prefers_environment_then_secrets_then_sqlite(
        monkeypatch, env, secrets, expected):
    monkeypatch.setattr(config, "SECRETS_FILES", ())
    if env is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", env)
    assert database_url(secrets) == expected


def _secrets(path, text_: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text_)
    return path


def test_command_line_reads_the_secrets_files_project_over_home(tmp_path, monkeypatch):
    from sqlalchemy import inspect
    from typer.testing import CliRunner

    import manage

    home = _secrets(tmp_path / "home" / "secrets.toml",
                    f'[database]\nurl = "sqlite:///{tmp_path}/home.db"\n')
    project = _secrets(tmp_path / "project" / "secrets.toml",
                       f'[database]\nurl = "sqlite:///{tmp_path}/app.db"\n')
    monkeypatch.setattr(config, "SECRETS_FILES", (home, project))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    done = CliRunner().invoke(manage.app, ["migrate"])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == f"database is up to date: sqlite:///{tmp_path}/app.db"
    url = f"sqlite:///{tmp_path}/app.db"
    try:
        assert "alembic_version" in inspect(get_engine(url)).get_table_names()
    finally:
        get_engine(url).dispose()
    assert not (tmp_path / "home.db").exists()
    monkeypatch.setattr(config, "SECRETS_FILES", (home,))
    assert database_url() == f"sqlite:///{tmp_path}/home.db"


def test_a_broken_secrets_file_is_one_error_line(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import manage

    broken = _secrets(tmp_path / "secrets.toml", "[database\nurl = \n")
    monkeypatch.setattr(config, "SECRETS_FILES", (broken,))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    done = CliRunner().invoke(manage.app, ["migrate"])
    assert done.exit_code == 1
    assert done.output.startswith(f"error: cannot read {broken}: ")
    assert len(done.output.strip().splitlines()) == 1


def test_app_reads_database_url_from_secrets_section(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "a-file").write_text("not a directory")
    at = _app_with_secrets({"database": {"url": f"sqlite:///{tmp_path}/a-file/x.db"}})
    assert len(at.error) == 1
    assert at.error[0].value.startswith(
        f"cannot open the database at sqlite:///{tmp_path}/a-file/x.db: ")


def test_app_prefers_the_environment_over_secrets(db_url, tmp_path):
    at = _app_with_secrets({"database": {"url": f"sqlite:///{tmp_path}/nowhere/x.db"}})
    assert not at.exception
    assert not at.error  # the environment's good database was opened, not the secrets' one
    assert at.text_input(key="login_email")


def _app_with_secrets(secrets: dict):
    from streamlit.testing.v1 import AppTest


    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in secrets.items():
        at.secrets[key] = value
    return at.run()


def test_one_engine_per_url(tmp_path):
    a, b = f"sqlite:///{tmp_path}/a.db", f"sqlite:///{tmp_path}/b.db"
    try:
        assert get_engine(a) is get_engine(a)
        assert get_engine(a) is not get_engine(b)
    finally:
        get_engine(a).dispose()
        get_engine(b).dispose()


def _pragmas(conn) -> dict:
    return {name: conn.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")}


SQLITE_SETTINGS = {"journal_mode": "wal", "busy_timeout": 30000, "foreign_keys": 1,
                   "synchronous": 1}  # synchronous 1 = NORMAL: safe with WAL, fewer fsyncs


def test_every_sqlite_connection_gets_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path}/fresh.db")
    try:
        with engine.connect() as one, engine.connect() as two:  # two pooled connections
            assert _pragmas(one) == SQLITE_SETTINGS
            assert _pragmas(two) == SQLITE_SETTINGS
        seen = []

        def in_thread():  # Streamlit runs each browser session in a thread of its own
            with engine.connect() as conn:
                seen.append(_pragmas(conn))

        worker = threading.Thread(target=in_thread)
        worker.start()
        worker.join()
        assert seen == [SQLITE_SETTINGS]
    finally:
        engine.dispose()


def test_a_migrated_sqlite_database_stays_in_wal_mode(migrated_template):
    import sqlite3

    raw = sqlite3.connect(migrated_template)
    try:  # a connection that ran no PRAGMA sees the mode stored in the file
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_foreign_keys_are_enforced(session):
    session.add(Score(scorecard_id=999_999, criterion_id=999_999, value=3))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


FREED_ARRAYS = """
import sys
import numpy as np
if sys.argv[1] == "app":
    import services.db  # noqa: F401  (what importing the app's database module does)
def resident_mb():
    return int(next(line for line in open("/proc/self/status")
                    if line.startswith("VmRSS")).split()[1]) // 1024
big = np.ones(6 << 17)
del big  # a 6 MB block freed: glibc would now serve blocks below 6 MB from the heap
kept, arrays = [], []
for i in range(40):
    arrays.append(np.ones(3 << 17))  # 3 MB each, small objects allocated in between
    kept.append(bytes(2000) + bytes([i]))
before = resident_mb()
del arrays
print(before - resident_mb())
"""


BULK_RUN = """
import threading
import numpy as np
import services.db as db
def on_heap():  # is a 3 MB array served from the heap (not a mapping of its own)?
    a = np.ones(3 << 17)
    lo, hi = next(tuple(int(x, 16) for x in line.split()[0].split("-"))
                  for line in open("/proc/self/maps") if line.rstrip().endswith("[heap]"))
    return lo <= a.ctypes.data < hi
inner_started, outer_may_end = threading.Event(), threading.Event()
def inner():
    inner_started.set()
    outer_may_end.wait()
seen = [on_heap()]
def outer():
    seen.append(on_heap())
    worker = threading.Thread(target=db.bulk_arrays(inner))
    worker.start()
    inner_started.wait()
    return worker
worker = db.bulk_arrays(outer)()
seen.append(on_heap())  # the outer run has ended, the inner one has not
outer_may_end.set()
worker.join()
seen.append(on_heap())
print(" ".join(str(x) for x in seen))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="glibc's malloc only")
def test_a_bulk_run_serves_large_arrays_from_the_heap_until_the_last_run_ends():
    """services.db.bulk_arrays: inside a run a 3 MB array comes from the heap (no fresh pages
    to fault in); outside any run it has a mapping of its own again (given back when freed);
    with two runs overlapping in two threads, the first to end leaves the heap mode on."""
    done = subprocess.run([sys.executable, "-c", BULK_RUN], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.split() == ["False", "True", "True", "False"]


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="glibc's malloc only")
def test_freed_statistics_arrays_go_back_to_the_system():
    """After importing services.db, 120 MB of freed multi-megabyte arrays leave the process's
    resident memory (services.db.give_back_large_blocks); without it glibc keeps them, pinned
    by the small objects allocated between them (the check that the test can fail)."""
    def returned(mode: str) -> int:
        done = subprocess.run([sys.executable, "-c", FREED_ARRAYS, mode], cwd=ROOT,
                              capture_output=True, text=True, check=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        return int(done.stdout.split()[-1])
    assert returned("app") >= 100
    assert returned("bare") < 50
