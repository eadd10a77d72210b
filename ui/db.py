"""The page layer's door to the database: one configured URL, short sessions."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from services.db import database_url, session_scope
from ui import secrets


def _secrets_url() -> str | None:
    """`[database] url` from .streamlit/secrets.toml, if there is such a file and key."""
    found = secrets.section("database")
    return str(found["url"]) if found and found.get("url") else None


def url() -> str:
    """The database URL the app uses (environment first, then secrets, then SQLite)."""
    return database_url(_secrets_url())


@contextmanager
def session() -> Iterator[Session]:
    """A short database session for one page action."""
    with session_scope(url()) as s:
        yield s
