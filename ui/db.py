"""The page layer's door to the database: one configured URL, short sessions."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from services.db import database_url, session_scope


def url() -> str:
    """The database URL the app uses (services.config: environment, then secrets, then SQLite)."""
    return database_url()


@contextmanager
def session() -> Iterator[Session]:
    """A short database session for one page action."""
    with session_scope(url()) as s:
        yield s
