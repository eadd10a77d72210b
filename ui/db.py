"""The page layer's door to the database: one configured URL, short sessions."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from services.db import database_url, session_scope


def _secrets_url() -> str | None:
    """`[database] url` from .streamlit/secrets.toml, if there is such a file and key."""
    import streamlit as st

    try:
        section = st.secrets.get("database")
    except Exception:  # no secrets file at all raises; that simply means no setting
        return None
    if section and section.get("url"):
        return str(section["url"])
    return None


def url() -> str:
    """The database URL the app uses (environment first, then secrets, then SQLite)."""
    return database_url(_secrets_url())


@contextmanager
def session() -> Iterator[Session]:
    """A short database session for one page action."""
    with session_scope(url()) as s:
        yield s
