"""A confirmation that survives the rerun after a successful action.

A page that saves something calls `later(...)` and then `st.rerun()`; the next run of any page
calls `show()` near its top and the message appears as a toast. (A toast raised right before
st.rerun() may never reach the browser.)
"""

import streamlit as st

_KEY = "_flash_messages"


def later(message: str) -> None:
    """Queue a confirmation for the next run."""
    st.session_state.setdefault(_KEY, []).append(message)


def show() -> list[str]:
    """Show (as toasts) and clear the queued confirmations; returns them."""
    messages = st.session_state.pop(_KEY, [])
    for message in messages:
        st.toast(message, icon="✅")
    return messages
