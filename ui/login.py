"""The login screen (shown by app.py to anyone not logged in)."""

import pandas as pd
import streamlit as st

from services.auth import LOCK_MINUTES, authenticate
from services.demo import demo_logins
from services.i18n import _
from services.settings import demo_mode
from ui import db, sso
from ui.session import log_in


def login_page() -> None:
    """Email and password form; one answer for every refusal, so nobody learns which emails
    have accounts or which are locked.

    Shown in the browser's language (app.py chose it before anyone logged in). No puzzle or
    cognitive test (WCAG 3.3.8): the fields carry `autocomplete` username / current-password,
    so password managers fill them and pasting works.
    """
    st.title("Second Look")
    st.caption(_("Panel scorecards for second interviews"))
    if sso.configured():
        # Company single sign-on replaces local passwords: one way in, one place to revoke.
        sso.login_button()
        return
    with db.session() as s:
        demo = demo_mode(s)
    with st.form("login", enter_to_submit=True):
        email = st.text_input(_("Email"), key="login_email", autocomplete="username")
        password = st.text_input(_("Password"), type="password", key="login_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(_("Log in"), type="primary", key="login_submit")
    if submitted:
        with db.session() as s:
            user = authenticate(s, email, password)
        if user is not None:
            log_in(user.id, user.session_generation)
            st.rerun()
        else:
            st.error(_("Email or password is not right, or the account is locked after too "
                       "many attempts (for up to {minutes} minutes).").format(minutes=LOCK_MINUTES))
    if demo:
        logins = demo_logins()
        st.info(_("**Demo mode** — sample data. Every demo account's password is "
                  "`{password}`.").format(password=logins[0][2]) if logins
                else _("**Demo mode** — sample data."))
        # The role descriptions come from services.demo (msgids there); `_` shows them.
        st.dataframe(pd.DataFrame([(_(who), email) for who, email, _pw in logins],
                                  columns=[_("Try as"), _("Email")]), hide_index=True)
