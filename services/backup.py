"""Backups of the whole database to one file, and restoring from one.

SQLite: the online backup API, which copies a consistent snapshot while the app keeps running.
PostgreSQL: pg_dump / pg_restore in their custom format (-Fc), from Debian's postgresql-client;
its major version must be at least the server's.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import make_url, text

from services.db import check_reachable, get_engine

# A backup waits this long for a table an ALTER (a migration) holds, then gives up with a message.
LOCK_WAIT = "30s"


class BackupFailed(RuntimeError):
    """A backup or restore did not complete; the message is one line for a person."""


def backup(url: str, file: Path) -> None:
    """Write the database at `url` to `file` (replaced only once the copy is complete)."""
    check_reachable(url)
    file = Path(file)
    if file.is_dir():
        raise BackupFailed(f"{file} is a folder; give the backup file's name")
    if not file.parent.is_dir():
        raise BackupFailed(f"no folder {file.parent} for the backup; create it first")
    partial = file.with_name(file.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if _is_sqlite(url):
            _sqlite_copy(_sqlite_path(url), partial)
            with sqlite3.connect(partial) as check:
                # One self-contained file: no -wal beside it.
                check.execute("PRAGMA journal_mode=DELETE")
        else:
            _run_pg("pg_dump", url, ["--format=custom", "--no-owner", "--no-privileges",
                                     f"--lock-wait-timeout={LOCK_WAIT}", f"--file={partial}"])
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)


def restore(url: str, file: Path) -> None:
    """Replace every table of the database at `url` with the contents of a backup file."""
    file = Path(file)
    if not file.is_file():
        raise BackupFailed(f"no backup file at {file}")
    check_reachable(url)
    # Pooled connections of this process would keep their view of the old schema.
    get_engine(url).dispose()
    if _is_sqlite(url):
        _check_sqlite_backup(file)
        _sqlite_copy(file, Path(_sqlite_path(url)))
    else:
        _refuse_while_others_connected(url)
        _run_pg("pg_restore", url, ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                                    "--single-transaction", "--exit-on-error", str(file)])
    get_engine(url).dispose()


def _refuse_while_others_connected(url: str) -> None:
    # pg_restore sets lock_timeout = 0: behind a running server's transaction it would wait
    # forever, and every query queued behind its DROP TABLE with it. So it does not start.
    with get_engine(url).connect() as conn:
        others = conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    get_engine(url).dispose()
    if others:
        raise BackupFailed(
            f"{others} other connection(s) to database {make_url(url).database} (app servers "
            "still running?): stop them, then restore; nothing was changed")


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupFailed("an in-memory SQLite database has nothing to back up")
    return path


def _sqlite_copy(source: Path | str, target: Path) -> None:
    # timeout: wait for a writer of the target (or source) like the app does, not fail at once.
    src = dst = None
    try:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(target, timeout=30)
        src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupFailed(f"SQLite copy {source} -> {target} failed: {exc}") from exc
    finally:
        for conn in (dst, src):
            if conn is not None:
                conn.close()


def _check_sqlite_backup(file: Path) -> None:
    conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(f"{file} is not a SQLite backup: {exc}") from exc
    finally:
        conn.close()
    if ok != "ok" or "alembic_version" not in tables:
        raise BackupFailed(f"{file} is not a Second Look backup (or it is damaged)")


def _run_pg(tool: str, url: str, args: list[str]) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupFailed(f"{tool} not found; install postgresql-client (apt-get install -y "
                           "postgresql-client)")
    parsed = make_url(url)
    # The password goes by environment, never on a command line other users can list.
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    dbname = parsed.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)
    done = subprocess.run([exe, f"--dbname={dbname}", *args], env=env, capture_output=True,
                          text=True, check=False, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()] or ["(no message)"]
        raise BackupFailed(f"{tool} failed: {lines[0]}")
