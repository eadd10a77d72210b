"""A confirmation that survives the rerun after a successful action.

A page that saves something calls `later(...)` and then `st.rerun()`; the next run of any page
calls `show()` near its top and the message appears as a toast. (A toast raised right before
st.rerun() may never reach the browser.)

A message is shown by every run in the KEEP_SECONDS after its first showing, not only by the
first: a double-click interrupts the run that showed it, and the browser then drops that run's
toast. Showing the same toast again from the same place updates it; it does not add a second.
"""

import time

import streamlit as st

_KEY = "_flash_messages"
KEEP_SECONDS = 3.0


def later(message: str) -> None:
    """Queue a confirmation for the next run."""
    st.session_state.setdefault(_KEY, []).append([message, None])


def show(now: float | None = None) -> list[str]:
    """Show (as toasts) the recent confirmations; returns them."""
    now = time.monotonic() if now is None else now
    kept = []
    for item in st.session_state.get(_KEY, []):
        first = item[1] if item[1] is not None else now
        if now - first <= KEEP_SECONDS:
            kept.append([item[0], first])
    st.session_state[_KEY] = kept
    for message, _first in kept:
        st.toast(message, icon="✅")
    return [m for m, _first in kept]
