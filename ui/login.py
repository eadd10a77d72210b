"""The login screen (shown by app.py to anyone not logged in)."""

import pandas as pd
import streamlit as st

from services.auth import LOCK_MINUTES, authenticate
from services.demo import demo_logins
from services.settings import demo_mode
from ui import db, sso
from ui.guard import log_in


def login_page() -> None:
    """Email and password form; one answer for every refusal, so nobody learns which emails
    have accounts or which are locked."""
    st.title("Second Look")
    st.caption("Panel scorecards for second interviews")
    if sso.configured():
        # Company single sign-on replaces local passwords: one way in, one place to revoke.
        sso.login_button()
        return
    with db.session() as s:
        demo = demo_mode(s)
    with st.form("login", enter_to_submit=True):
        email = st.text_input("Email", key="login_email", autocomplete="username")
        password = st.text_input("Password", type="password", key="login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button("Log in", type="primary", key="login_submit")
    if submitted:
        with db.session() as s:
            user = authenticate(s, email, password)
        if user is not None:
            log_in(user.id, user.session_generation)
            st.rerun()
        else:
            st.error(f"Email or password is not right, or the account is locked after too many "
                     f"attempts (for up to {LOCK_MINUTES} minutes).")
    if demo:
        logins = demo_logins()
        st.info("**Demo mode** — sample data. Every demo account's password is "
                f"`{logins[0][2]}`." if logins else "**Demo mode** — sample data.")
        st.dataframe(pd.DataFrame([(who, email) for who, email, _ in logins],
                                  columns=["Try as", "Email"]), hide_index=True)
