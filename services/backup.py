"""Backups of the whole database to one file, and restoring from one.

SQLite: the online backup API, which copies a consistent snapshot while the app keeps running.
PostgreSQL: pg_dump / pg_restore in their custom format (-Fc), from Debian's postgresql-client;
its major version must be at least the server's.
"""

import functools
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, make_url, text

from services import config
from services.db import alembic_config, check_reachable, get_engine, migrate
from services.i18n import _, ngettext

# A backup waits this long for a table an ALTER (a migration) holds, then gives up with a message.
LOCK_WAIT = "30s"
# A restore gives closing connections this long to be gone (_refuse_while_others_connected).
CLOSING_WAIT = 5.0


class BackupFailed(RuntimeError):
    """A backup or restore did not complete; the message is one line for a person."""


def backup(url: str, file: Path) -> None:
    """Write the database at `url` to `file` (replaced only once the copy is complete)."""
    check_reachable(url)
    file = Path(file)
    if file.is_dir():
        raise BackupFailed(_("{file} is a folder; give the backup file's name").format(
            file=file))
    if not file.parent.is_dir():
        raise BackupFailed(_("no folder {folder} for the backup; create it first").format(
            folder=file.parent))
    if _is_sqlite(url) and file.exists() and file.samefile(_sqlite_path(url)):
        # Replacing the live file with its own copy is no backup, and a running app's journal
        # beside it would then belong to a file that is gone.
        raise BackupFailed(_("{file} is the database itself; give the backup another file "
                             "name").format(file=file))
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


# Tables every known schema revision has (migration 0001 made them): a file without them is not
# a Second Look backup, whatever else it holds.
CORE_TABLES = frozenset({
    "alembic_version", "appsetting", "user", "userrole", "position", "candidate",
    "scorecardtemplate", "criterion", "decision", "interview", "consensusscore", "panelmember",
    "scorecard", "score"})
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup's schema revision and where the old database was saved."""

    revision: str
    safety_copy: Path | None
    users: int


def restore(url: str, file: Path, *, safety_dir: Path | None = None) -> Restored:
    """Replace every table of the database at `url` with the contents of a backup file.

    In this order, stopping with BackupFailed (and the database untouched) at the first problem:
    the file is a backup of this app (format, integrity, tables, a migration this code knows,
    at least one user); no other connection or process uses the database; a safety copy of the
    current database is written (beside the SQLite file, or for PostgreSQL in `safety_dir`,
    default the backup's folder); then the copy, in one transaction, and the upgrade of an
    older backup's schema to this code's. If that upgrade fails, the safety copy goes back.
    """
    file = Path(file)
    if file.is_dir():
        raise BackupFailed(_("{file} is a folder, not a backup file").format(file=file))
    if not file.is_file():
        raise BackupFailed(_("no backup file at {file}").format(file=file))
    sqlite = _is_sqlite(url)
    revision, users = _check_sqlite_backup(file) if sqlite else _check_pg_backup(file)
    check_reachable(url)
    # Pooled connections of this process would keep their view of the old schema, and would
    # count as "other connections" below.
    get_engine(url).dispose()
    if sqlite:
        target = Path(_sqlite_path(url))
        _refuse_while_sqlite_in_use(target)
        safety = _safety_copy(url, target.parent, target.name)
        _sqlite_copy(file, target)
    else:
        _refuse_while_others_connected(url)
        safety = _safety_copy(url, Path(safety_dir or file.parent), make_url(url).database)
        _run_pg("pg_restore", url, ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                                    "--single-transaction", "--exit-on-error", str(file)])
    get_engine(url).dispose()
    if revision != head_revision():
        try:
            migrate(url)
        except Exception as exc:
            if safety is not None:
                restore_safety_copy(url, safety)
            raise BackupFailed(_(
                "the backup (schema {revision}) could not be upgraded to {head}: {reason}; the "
                "database was put back as it was").format(
                    revision=revision, head=head_revision(), reason=exc)) from exc
        finally:
            get_engine(url).dispose()
    return Restored(revision=revision, safety_copy=safety, users=users)


def restore_safety_copy(url: str, safety: Path) -> None:
    """Put a safety copy back (after a failed upgrade)."""
    get_engine(url).dispose()
    if _is_sqlite(url):
        _sqlite_copy(safety, Path(_sqlite_path(url)))
    else:
        _run_pg("pg_restore", url, ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                                    "--single-transaction", "--exit-on-error", str(safety)])
    get_engine(url).dispose()


def _safety_copy(url: str, folder: Path, name: str) -> Path | None:
    """A backup of the current database before it is replaced; None when it holds no table."""
    with get_engine(url).connect() as conn:
        empty = not inspect(conn).get_table_names()
    get_engine(url).dispose()
    if empty:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = folder / f"{name}.before-restore-{stamp}"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{name}.before-restore-{stamp}-{n}"
    try:
        backup(url, path)
    except BackupFailed as exc:
        raise BackupFailed(_("no safety copy of the current database could be made "
                             "({reason}); nothing was restored").format(reason=exc)) from exc
    get_engine(url).dispose()
    return path


def head_revision() -> str:
    """The newest schema migration this code has."""
    return _scripts().get_current_head()


def _scripts():
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def _check_revision(file: Path, revisions: list[str]) -> str:
    if len(revisions) != 1:
        raise BackupFailed(ngettext(
            "{file} is not a Second Look backup: alembic_version holds {n} row, not one",
            "{file} is not a Second Look backup: alembic_version holds {n} rows, not one",
            len(revisions)).format(file=file, n=len(revisions)))
    revision = revisions[0]
    known = {r.revision for r in _scripts().walk_revisions()}
    if revision not in known:
        raise BackupFailed(_(
            "{file} has schema revision {revision}, which this version of Second Look does "
            "not know (its newest is {head}): a backup from a newer version or another "
            "program; nothing was changed").format(file=file, revision=repr(revision),
                                                   head=head_revision()))
    return revision


def _check_users(file: Path, users: int) -> int:
    if users < 1:
        raise BackupFailed(_("{file} holds no user account: restoring it would leave nobody "
                             "able to log in; nothing was changed").format(file=file))
    return users


def _check_sqlite_backup(file: Path) -> tuple[str, int]:
    """(schema revision, user count) of a SQLite backup, or BackupFailed saying what is wrong."""
    with file.open("rb") as f:
        header = f.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise BackupFailed(_("{file} is not a SQLite backup (no SQLite header); nothing was "
                             "changed").format(file=file))
    try:
        conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupFailed(_("{file} cannot be opened: {reason}").format(
            file=file, reason=exc)) from exc
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupFailed(_("{file} is damaged (integrity check: {problem}); nothing "
                                 "was changed").format(file=file, problem=problems[0]))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = sorted(CORE_TABLES - tables)
        if missing:
            raise BackupFailed(_not_ours(file, missing))
        revision = _check_revision(
            file, [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")])
        users = _check_users(file, conn.execute('SELECT count(*) FROM "user"').fetchone()[0])
        _check_same_schema(file, _sqlite_schema(conn), _reference_sqlite_schema(revision))
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(_("{file} is not a readable SQLite backup: {reason}; nothing was "
                             "changed").format(file=file, reason=exc)) from exc
    finally:
        conn.close()
    return revision, users


def _check_pg_backup(file: Path) -> tuple[str, int]:
    """(schema revision, user count) of a pg_dump custom-format backup, read without a server:
    `pg_restore --list` checks the format and lists the tables, `-f -` prints the data."""
    with file.open("rb") as f:
        if f.read(5) != b"PGDMP":
            raise BackupFailed(_("{file} is not a PostgreSQL backup (pg_dump custom format); "
                                 "nothing was changed").format(file=file))
    listing = _pg_restore_text(file, ["--list"])
    tables = set(re.findall(r" TABLE DATA \S+ (\S+) ", listing))
    missing = sorted(CORE_TABLES - tables)
    if missing:
        raise BackupFailed(_not_ours(file, missing))
    _check_pg_objects(file, listing)
    revision = _check_revision(file, _copy_rows(_pg_restore_text(
        file, ["--data-only", "--table=alembic_version", "--file=-"])))
    users = len(_copy_rows(_pg_restore_text(file, ["--data-only", "--table=user", "--file=-"])))
    return revision, _check_users(file, users)


def _sqlite_schema(conn: sqlite3.Connection) -> dict[tuple[str, str], object]:
    """What a SQLite schema holds that could act or hold data: each table with its columns,
    each trigger and view with its SQL (whitespace aside). Indexes only speed reads up."""
    found: dict[tuple[str, str], object] = {}
    for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'trigger', "
            "'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"):
        if kind == "table":
            quoted = name.replace('"', '""')
            found[(kind, name)] = frozenset(
                r[1] for r in conn.execute(f'PRAGMA table_info("{quoted}")'))
        else:
            found[(kind, name)] = " ".join((sql or "").split())
    return found


@functools.cache
def _reference_sqlite_schema(revision: str) -> dict[tuple[str, str], object]:
    """The schema this code's migrations build at `revision`, in an empty scratch file."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'reference.db'}"
        command.upgrade(alembic_config(url), revision)
        get_engine(url).dispose()
        conn = sqlite3.connect(Path(folder) / "reference.db")
        try:
            return _sqlite_schema(conn)
        finally:
            conn.close()


def _check_same_schema(file: Path, found: dict, expected: dict) -> None:
    """Refuse a backup whose tables, columns, triggers or views are not exactly what this code
    builds at its revision: a restored trigger or extra table would run or sit in the live
    database (an "after insert" trigger that deletes users, say)."""
    odd = sorted({f"{kind} {name}" for (kind, name), value in found.items()
                  if expected.get((kind, name)) != value}
                 | {f"{kind} {name}" for (kind, name) in expected if (kind, name) not in found})
    if odd:
        raise BackupFailed(_("{file} is not a Second Look backup as this version builds it "
                             "(different {objects}); nothing was changed").format(
            file=file, objects=", ".join(odd[:5]) + (" …" if len(odd) > 5 else "")))


# What a Second Look PostgreSQL schema is made of (pg_restore --list's object types); with the
# functions and triggers its migrations create (_migration_routines), anything else in a dump
# is not ours.
PG_KINDS = frozenset({"TABLE", "TABLE DATA", "SEQUENCE", "SEQUENCE OWNED BY", "SEQUENCE SET",
                      "DEFAULT", "CONSTRAINT", "FK CONSTRAINT", "INDEX", "TRIGGER", "FUNCTION",
                      "SCHEMA", "COMMENT", "ACL", "ENCODING", "STDSTRINGS", "SEARCHPATH",
                      "DATABASE", "STATISTICS DATA"})


@functools.cache
def _migration_routines() -> frozenset[str]:
    """The names of the functions and triggers this code's migrations create (read from the
    migration files themselves, so a new one is known without a second list)."""
    names: set[str] = set()
    for script in _scripts().walk_revisions():
        source = Path(script.path).read_text(encoding="utf-8")
        names.update(re.findall(r"CREATE (?:OR REPLACE )?(?:FUNCTION|TRIGGER) (\w+)", source))
    return frozenset(names)


def _check_pg_objects(file: Path, listing: str) -> None:
    """Refuse a dump holding a kind of object, a function or a trigger that Second Look's
    migrations never create (a view, a rule, an extension, a trigger of someone else's)."""
    odd = []
    for line in listing.splitlines():
        if not line or line.startswith(";"):
            continue
        # "1234; 1255 16400 FUNCTION public score_pairs_sync() app"
        parts = line.split(None, 3)
        if len(parts) < 4:
            continue
        rest = parts[3]
        kind = next((k for k in sorted(PG_KINDS, key=len, reverse=True)
                     if rest.startswith(k + " ")), None)
        if kind is None:
            odd.append(rest.split(" ")[0])
        elif kind in ("FUNCTION", "TRIGGER"):
            words = rest[len(kind) + 1:].split()
            name = words[2] if kind == "TRIGGER" and len(words) > 2 else (
                words[1] if len(words) > 1 else "")
            if name.split("(")[0] not in _migration_routines():
                odd.append(f"{kind.lower()} {name}")
    if odd:
        raise BackupFailed(_("{file} is not a Second Look backup as this version builds it "
                             "(different {objects}); nothing was changed").format(
            file=file, objects=", ".join(sorted(set(odd))[:5])))


def _not_ours(file: Path, missing: list[str]) -> str:
    return _("{file} is not a Second Look backup (no table {tables}); nothing was "
             "changed").format(file=file, tables=", ".join(missing[:5]))


def _copy_rows(sql: str) -> list[str]:
    """The first column of each row of the COPY blocks in pg_restore's SQL output."""
    rows, inside = [], False
    for line in sql.splitlines():
        if line.startswith("COPY "):
            inside = True
        elif inside and line == "\\.":
            inside = False
        elif inside:
            rows.append(line.split("\t", 1)[0])
    return rows


def _pg_restore_text(file: Path, args: list[str]) -> str:
    exe = shutil.which("pg_restore")
    if exe is None:
        raise BackupFailed(_not_installed("pg_restore"))
    done = subprocess.run([exe, *args, str(file)], capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()] or ["(no message)"]
        raise BackupFailed(_("{file} is not a readable PostgreSQL backup: {reason}; nothing "
                             "was changed").format(file=file, reason=lines[0]))
    return done.stdout


def _refuse_while_sqlite_in_use(path: Path) -> None:
    """Refuse while any other connection or process has the SQLite database open.

    Two checks, so neither an idle app nor a connection in this process slips through:
    - processes holding the file (or its -wal / -shm) open, found in /proc/*/fd — this names
      them (pid and command line); a running Streamlit server keeps its pooled connections;
    - leaving WAL mode needs the database to itself: SQLite refuses `journal_mode=DELETE`
      while any other connection (of any process) has the WAL database open.
    """
    if not path.exists():
        return
    holders = _processes_with_open(path)
    if holders:
        raise BackupFailed(ngettext(
            "the database {path} is open in {n} other process: {processes} — stop the app "
            "servers (and other programs using it), then restore; nothing was changed",
            "the database {path} is open in {n} other processes: {processes} — stop the app "
            "servers (and other programs using it), then restore; nothing was changed",
            len(holders)).format(path=path, n=len(holders), processes="; ".join(
                f"pid {pid} ({cmd})" for pid, cmd in holders)))
    conn = sqlite3.connect(path, timeout=0)
    try:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() == "wal":
            conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.rollback()
    except sqlite3.OperationalError as exc:
        raise BackupFailed(_(
            "another connection has the database {path} open ({reason}; an app server or a "
            "console?): close it, then restore; nothing was changed").format(
                path=path, reason=exc)) from exc
    finally:
        conn.close()


def _processes_with_open(path: Path) -> list[tuple[int, str]]:
    """Other processes with the file, or its -wal / -shm, open (Linux /proc; elsewhere [])."""
    names = {str(path.resolve()), f"{path.resolve()}-wal", f"{path.resolve()}-shm"}
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            held = any(os.readlink(fd) in names for fd in (entry / "fd").iterdir())
            if held:
                cmd = " ".join((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                    errors="replace").split())
                found.append((int(entry.name), cmd[:120] or "?"))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return sorted(found)


def _refuse_while_others_connected(url: str) -> None:
    # pg_restore sets lock_timeout = 0: behind a running server's transaction it would wait
    # forever, and every query queued behind its DROP TABLE with it. So it does not start.
    # A connection just closed (this process's pool, disposed above, or a server just stopped)
    # stays in pg_stat_activity until its backend has exited, which a busy machine delays: such
    # connections are given CLOSING_WAIT seconds to go; a live one stays and is named.
    deadline = time.monotonic() + CLOSING_WAIT
    while others := _other_connections(url):
        if time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    if others:
        named = "; ".join(
            f"pid {r.pid} user {r.usename}"
            + (f" app {r.application_name!r}" if r.application_name else "")
            + (f" from {r.client_addr}" if r.client_addr else "") + f" ({r.state})"
            for r in others[:10])
        raise BackupFailed(ngettext(
            "{n} other connection to database {database}: {connections} — stop the app "
            "servers, then restore; nothing was changed",
            "{n} other connections to database {database}: {connections} — stop the app "
            "servers, then restore; nothing was changed", len(others)).format(
                n=len(others), database=make_url(url).database, connections=named))


def _other_connections(url: str) -> list:
    """The database's connections other than the one asking (its own pool is disposed)."""
    try:
        with get_engine(url).connect() as conn:
            return conn.execute(text(
                "SELECT pid, usename, application_name, client_addr, state FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()")).all()
    finally:
        get_engine(url).dispose()


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_path(url: str) -> str:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupFailed(_("an in-memory SQLite database has nothing to back up"))
    return path


def _sqlite_copy(source: Path | str, target: Path) -> None:
    # timeout: wait for a writer of the target (or source) like the app does, not fail at once.
    src = dst = None
    try:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(target, timeout=30)
        src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupFailed(_("SQLite copy {source} -> {target} failed: {reason}").format(
            source=source, target=target, reason=exc)) from exc
    finally:
        for conn in (dst, src):
            if conn is not None:
                conn.close()


def _run_pg(tool: str, url: str, args: list[str]) -> None:
    exe = shutil.which(tool)
    if exe is None:
        raise BackupFailed(_not_installed(tool))
    parsed = make_url(url)
    # The password goes by environment, never on a command line other users can list.
    env = config.environment(**({"PGPASSWORD": parsed.password} if parsed.password else {}))
    dbname = parsed.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)
    done = subprocess.run([exe, f"--dbname={dbname}", *args], env=env, capture_output=True,
                          text=True, check=False, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()] or ["(no message)"]
        raise BackupFailed(_("{tool} failed: {reason}").format(tool=tool, reason=lines[0]))


def _not_installed(tool: str) -> str:
    return _("{tool} not found; install postgresql-client (apt-get install -y "
             "postgresql-client)").format(tool=tool)
