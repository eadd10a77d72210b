"""This browser session's identity: who logged in here, with which session generation, and
forgetting it (log in, keep the session after a password change, log out everywhere).

ui.guard reads it to know who is looking; ui.login writes it. Kept apart from both so the login
form and the guard that draws it import each other in neither direction.
"""

import streamlit as st

from services.auth import end_sessions
from ui import db, sso

USER_KEY = "user_id"
# The user's session generation at login; the session ends when the stored one moves on.
GENERATION_KEY = "session_generation"


def forget_session() -> None:
    """Empty this browser session's state, every key of it.

    `st.session_state.clear()` is MutableMapping's: it stops silently at the first key whose
    read raises KeyError (a widget of a page not drawn in this run), leaving the keys after it
    in place, in an order that changes with each process's hash seed. The identity keys go
    first, then every other key one by one.
    """
    for key in (USER_KEY, GENERATION_KEY):
        st.session_state.pop(key, None)
    for key in list(st.session_state.keys()):
        try:
            del st.session_state[key]
        except KeyError:
            pass


def log_in(user_id: int, generation: int) -> None:
    """Remember the user, and their session generation, for this browser session."""
    forget_session()
    st.session_state[USER_KEY] = user_id
    st.session_state[GENERATION_KEY] = generation


def keep_session(generation: int) -> None:
    """This session made the change that ended the user's sessions (a password change): it
    alone goes on, with the new generation."""
    st.session_state[GENERATION_KEY] = generation


def log_out() -> None:
    """Log out everywhere: end every session of this user (all tabs, browsers, machines), forget
    everything this session held (and end a company sign-in)."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is not None:
        with db.session() as s:
            end_sessions(s, int(user_id))
    forget_session()
    if sso.identity() is not None:
        sso.logout()
