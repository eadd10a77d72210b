"""Database URL, engines and sessions, and schema migrations.

SQLite in data/ is the zero-set-up default; DATABASE_URL points elsewhere (PostgreSQL for a team).
One engine per URL per process: engines hold the connection pool, so they are cached here rather
than in Streamlit, and every caller (app, command line, tests) shares the same rule.
"""

import ctypes
import fcntl
import functools
import gc
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, inspect
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session, create_engine, select

from models import User
from services import config
from services.errors import Conflict
from services.i18n import _

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "data" / "secondlook.db"
CONNECT_TIMEOUT = 10  # seconds, PostgreSQL


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached or opened; the message is one line for a person."""


def database_url(secrets_url: str | None = None) -> str:
    """DATABASE_URL from the environment, else a URL from secrets, else the SQLite default.

    services.config reads both: the environment wins (Streamlit copies top-level secrets into
    it); the command line has no st.secrets and reads the same files, so `make run` migrates
    the database the app then opens.
    """
    try:
        url = config.database_url(secrets_url)
    except config.ConfigUnreadable as exc:
        raise DatabaseUnavailable(_("cannot read {path}: {reason}").format(
            path=exc.path, reason=exc.reason)) from exc
    return with_driver(url) if url else f"sqlite:///{DEFAULT_SQLITE}"


def with_driver(url: str) -> str:
    """The URL with the driver we ship: postgresql:// and postgres:// become psycopg 3."""
    # Without a driver SQLAlchemy would ask for psycopg2, which is not installed.
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside a writer; the busy timeout makes writers wait instead of failing
    # with "database is locked" (see docs/field notes: 600/600 writes land with both).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Create-if-missing steps run one at a time across every process (see `serialised`). The key of
# the PostgreSQL advisory lock that orders them: any constant, the same in every process.
CREATE_LOCK = 0x5EC0_4D10
SERIALISED = "secondlook_serialised"  # the execution option that asks for the lock
ATTEMPTS = 5
T = TypeVar("T")


def _begin(conn) -> None:
    """A transaction opened by `serialised` first takes the database's write lock."""
    if not conn.get_execution_options().get(SERIALISED):
        return
    if conn.dialect.name == "sqlite":
        # pysqlite has not begun yet (it begins lazily before the first write): BEGIN IMMEDIATE
        # takes the write lock now, waiting up to the busy timeout, so what this transaction
        # reads cannot be made stale by another writer before it writes.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        # Released by the transaction's commit or rollback; other serialised transactions wait
        # here, and their reads (READ COMMITTED) then see what this one wrote.
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CREATE_LOCK})")


def _lost_race(exc: DBAPIError) -> bool:
    """A unique key taken meanwhile, a busy SQLite file, a PostgreSQL serialisation failure."""
    code = getattr(exc.orig, "sqlstate", None)
    if code in ("23505", "40001", "40P01"):
        return True
    text = str(exc.orig).lower()
    return (isinstance(exc, IntegrityError) and "unique constraint failed" in text) or (
        isinstance(exc, OperationalError) and ("database is locked" in text or "busy" in text))


def serialised(session: Session, work: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run `work` (reads, writes and its commit) as one transaction that holds the create lock.

    Every create-if-missing path goes through here: positions, criteria, candidates, interviews,
    both imports. SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock; so two
    processes never both read "missing" and both insert. A write from a path that does not take
    the lock can still take a unique key first: then the work is rolled back and run again, up to
    `attempts` times (the rerun sees the other row and reuses it or names the clash), and then
    Conflict. `work` must commit; whatever it raises otherwise rolls everything back.
    """
    if session.in_transaction():
        session.commit()  # end the caller's read transaction: the lock must come first
    for attempt in range(1, attempts + 1):
        session.connection(execution_options={SERIALISED: True})
        try:
            result = work()
            if session.in_transaction():
                session.commit()
            return result
        except DBAPIError as exc:
            session.rollback()
            if not _lost_race(exc):
                raise
            if attempt == attempts:
                raise Conflict(_("Someone else was saving the same records at the same "
                                 "time; nothing was saved. Try again.")) from exc
            time.sleep(random.uniform(0.01, 0.05) * attempt)  # let the other writer finish
        except BaseException:
            session.rollback()
            raise
    raise AssertionError("unreachable")


def insert_serialised(session: Session, build: Callable[[], T],
                      then: Callable[[T], object] | None = None) -> T:
    """Insert the row `build()` returns, then `then(row)` (its id known), as one `serialised`
    transaction; the row comes back refreshed. `build` runs inside the create lock, so its
    checks see every row another session has committed (of two sessions creating the same
    record the second gets the message, not a unique-key error)."""
    def create() -> T:
        row = build()
        session.add(row)
        session.flush()
        if then is not None:
            then(row)
        return row

    row = serialised(session, create)
    session.refresh(row)
    return row


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for a URL (default: database_url(), read on every call)."""
    return _engine(url or database_url())


@cache
def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not url.startswith("sqlite://?"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    # A host that drops packets would otherwise hold the first page for the OS's TCP timeout
    # (minutes) before the "cannot open the database" line; a URL's own connect_timeout wins.
    connect_args = {} if "connect_timeout=" in url else {"connect_timeout": CONNECT_TIMEOUT}
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10,
                           connect_args=connect_args)
    event.listen(engine, "begin", _begin)
    return engine


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A short session for one action; commits are explicit in the services."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        yield session


def alembic_config(url: str):
    """Alembic's configuration pointed at this project's migrations and the given URL."""
    # stdout now: Config's default is the sys.stdout of when alembic was first imported, which
    # may be a capture buffer closed since (a test runner's, typer's CliRunner's).
    cfg = Config(str(ROOT / "alembic.ini"), stdout=sys.stdout)
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


# Migrations run one at a time across processes (every command migrates first: eight started at
# once on a new database raced to add the same column). PostgreSQL: a session advisory lock
# with its own key; SQLite: an exclusive flock on the database file (POSIX byte-range locks,
# which SQLite itself uses, are separate from flock on Linux, so SQLite is not disturbed).
MIGRATE_LOCK = 0x5EC0_4D11


@contextmanager
def migration_lock(connection) -> Iterator[None]:
    """Hold the migration lock around an upgrade on `connection` (migrations/env.py): a second
    process waits, then finds the schema at head and does nothing."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATE_LOCK})")
        connection.commit()  # a session lock outlives this transaction; alembic runs its own
        try:
            yield
        finally:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATE_LOCK})")
            connection.commit()
        return
    path = connection.engine.url.database if connection.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    with open(path, "ab") as handle:  # the file SQLite has opened (or is about to create)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(url: str | None = None) -> None:
    """Create or upgrade the schema to the newest migration."""
    url = url or database_url()
    check_reachable(url)
    command.upgrade(alembic_config(url), "head")


def check_reachable(url: str) -> None:
    """Raise DatabaseUnavailable with one clear line when the database cannot be opened."""
    try:
        with get_engine(url).connect() as conn:  # get_engine inside: it may create data/
            inspect(conn).get_table_names()
    except Exception as exc:  # the driver's own exception types differ per database
        safe = url.split("@")[-1] if "@" in url else url
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise DatabaseUnavailable(_("cannot open the database at {url}: {reason}").format(
            url=safe, reason=reason)) from exc


def is_empty(session: Session) -> bool:
    """True when the database holds no users yet (a fresh install)."""
    return session.exec(select(User.id).limit(1)).first() is None


def fetch_rows(session: Session, statement) -> list[tuple]:
    """Rows of a statement straight from the driver's cursor, as plain tuples.

    For read paths over hundreds of thousands of rows: SQLAlchemy's Row objects and ORM
    loading cost several times the driver's own fetch there.
    """
    conn = session.connection()
    compiled = statement.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    driver = conn.connection.driver_connection
    # psycopg's binary results: no text to parse per value (a hundred thousand scorecards came
    # in 0.21 s instead of 0.37 s); the values are the same Python objects.
    cursor = driver.cursor(binary=True) if conn.dialect.name == "postgresql" else driver.cursor()
    try:
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()


def gc_paused(func):
    """Run `func` with Python's cyclic garbage collector paused (then restored).

    Building frames from a hundred thousand fetched rows allocates millions of small objects
    without reference cycles; the collector would walk them again and again (a fifth of the
    organisation-wide pipeline's time). Reference counting still frees everything as usual.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return wrapper


# glibc's malloc serves a block of at least M_MMAP_THRESHOLD bytes with its own mapping, given
# back to the system when freed; but each time such a block is freed it raises the threshold to
# that block's size (up to 32 MB), so the next multi-megabyte arrays of the statistics come
# from the heap, where small objects allocated meanwhile pin them: the server kept ~200 MB it no
# longer used after each organisation-wide run, and a run's peak grew. A fixed threshold keeps
# every array of a megabyte or more in its own mapping (the pipeline's peak at a million scores:
# 500 -> 478 MB; resident after it: 470 -> 280 MB). Elsewhere than glibc this does nothing.
M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h
LARGE_BLOCK = 1 << 20


def give_back_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Fix glibc's mmap threshold at `threshold` bytes (see above); False where there is no
    glibc mallopt (macOS, musl)."""
    libc = _glibc()
    return libc is not None and bool(libc.mallopt(M_MMAP_THRESHOLD, threshold))


@cache
def _glibc():
    """glibc's C library (mallopt, malloc_trim), or None (macOS, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
        libc.malloc_trim.argtypes = (ctypes.c_size_t,)
    except (OSError, AttributeError):
        return None
    return libc


give_back_large_blocks()

# The organisation-wide statistics make hundreds of short-lived arrays of several megabytes
# (a million scores' columns, millions of candidate pairs). Each in its own mapping, every one
# is fresh pages the kernel must fault in and zero: measured at a million scores on
# PostgreSQL, the pipeline took 2.0 s so, 1.5 s with such arrays reused from the heap. So
# while that work runs the threshold is raised (WORKING_BLOCK), and when the last such run
# ends it is set back and malloc_trim hands the freed heap back to the system (what the fixed
# threshold above is for: the server does not keep what it no longer uses).
WORKING_BLOCK = 32 << 20
_bulk_lock = threading.Lock()
_bulk_runs = 0


def bulk_arrays(func):
    """Run `func` with large arrays served from (and reused in) the heap, then give the freed
    heap back to the system once no such run is left (see WORKING_BLOCK). Threads share the
    allocator: the first run to start raises the threshold, the last to end restores it."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        global _bulk_runs
        libc = _glibc()
        if libc is None:
            return func(*args, **kwargs)
        with _bulk_lock:
            _bulk_runs += 1
            if _bulk_runs == 1:
                libc.mallopt(M_MMAP_THRESHOLD, WORKING_BLOCK)
        try:
            return func(*args, **kwargs)
        finally:
            with _bulk_lock:
                _bulk_runs -= 1
                if _bulk_runs == 0:
                    libc.mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)
                    libc.malloc_trim(0)
    return wrapper
