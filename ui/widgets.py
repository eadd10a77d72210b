"""Small widgets and formats shared by pages."""

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from models import Position
from ui.text import md_escape


def display_zone() -> ZoneInfo:
    """The time zone dates are shown and entered in (SECONDLOOK_TIMEZONE, default UTC)."""
    return ZoneInfo(os.environ.get("SECONDLOOK_TIMEZONE", "UTC"))


def when(value: datetime | pd.Timestamp | None) -> str:
    """A date and time for people, in the display zone."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or pd.isna(value):
        return "—"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(display_zone()).strftime("%a %d %b %Y, %H:%M")


def money(amount: float | int | None, currency: str) -> str:
    """An amount with its currency, or a dash."""
    if amount is None or pd.isna(amount):
        return "—"
    return f"{int(amount):,} {currency}".replace(",", " ")


def pick_position(positions: list[Position], *, key: str = "position") -> Position | None:
    """A position chooser; the choice survives page switches through the query string."""
    if not positions:
        st.info("No positions to show.")
        return None
    ids = [p.id for p in positions]
    wanted = st.query_params.get("position")
    if key not in st.session_state and wanted and wanted.isdigit() and int(wanted) in ids:
        st.session_state[key] = int(wanted)
    by_id = {p.id: p for p in positions}
    chosen = st.selectbox("Position", ids, key=key, format_func=lambda i: by_id[i].title)
    st.query_params["position"] = str(chosen)
    return by_id[chosen]


def show_problems(problems: list[str], heading: str = "Not saved") -> None:
    """An error box listing what to fix, each line as plain text."""
    st.error(f"{heading}:\n\n" + "\n".join(f"- {md_escape(p)}" for p in problems))
