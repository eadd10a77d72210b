"""Database URL, engines and sessions, and schema migrations.

SQLite in data/ is the zero-set-up default; DATABASE_URL points elsewhere (PostgreSQL for a team).
One engine per URL per process: engines hold the connection pool, so they are cached here rather
than in Streamlit, and every caller (app, command line, tests) shares the same rule.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, event, inspect
from sqlmodel import Session, create_engine

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "data" / "secondlook.db"


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached or opened; the message is one line for a person."""


def database_url(secrets_url: str | None = None) -> str:
    """DATABASE_URL from the environment, else a URL from secrets, else the SQLite default."""
    # The environment wins: Streamlit copies top-level secrets into os.environ, so the page layer
    # reads [database] url from secrets itself and passes it here only as the fallback.
    url = os.environ.get("DATABASE_URL") or secrets_url
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            # psycopg 3 is the driver we ship; plain URLs would ask for psycopg2.
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{DEFAULT_SQLITE}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside a writer; the busy timeout makes writers wait instead of failing
    # with "database is locked" (see docs/field notes: 600/600 writes land with both).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A short session for one action; commits are explicit in the services."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        yield session


def alembic_config(url: str):
    """Alembic's configuration pointed at this project's migrations and the given URL."""
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str | None = None) -> None:
    """Create or upgrade the schema to the newest migration."""
    from alembic import command

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
        raise DatabaseUnavailable(f"cannot open the database at {safe}: {reason}") from exc


def is_empty(session: Session) -> bool:
    """True when the database holds no users yet (a fresh install)."""
    from sqlmodel import select

    from models import User

    return session.exec(select(User.id).limit(1)).first() is None
