"""The page layer's one reader of .streamlit/secrets.toml sections (services never read it)."""

import streamlit as st


def section(name: str) -> dict | None:
    """The `[name]` section of .streamlit/secrets.toml, if there is such a file and section."""
    try:
        found = st.secrets.get(name)
    except Exception:  # no secrets file at all raises; that simply means no setting
        return None
    return dict(found) if found else None
