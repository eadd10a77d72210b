"""My account: change my own password."""

import streamlit as st

from models import PASSWORD_MIN
from services.auth import PASSWORD_HELP, change_password
from services.errors import InvalidInput
from ui import db
from ui.guard import keep_session, require
from ui.text import md_escape
from ui.widgets import show_problems

viewer = require()

st.title("My account")
st.markdown(f"**{md_escape(viewer.name)}** · {md_escape(viewer.email)}")
with st.form("password", clear_on_submit=True):
    st.subheader("Change password")
    current = st.text_input("Current password", type="password", key="pw_current")
    new = st.text_input(f"New password (at least {PASSWORD_MIN} characters)", type="password",
                        key="pw_new", help=PASSWORD_HELP)
    again = st.text_input("New password again", type="password", key="pw_again")
    if st.form_submit_button("Change password", key="pw_submit"):
        if new != again:
            show_problems(["New password: the two entries differ"], "Password not changed")
        else:
            try:
                with db.session() as s:
                    generation = change_password(s, viewer.id, current, new)
                # This session goes on; every other session of this account has ended.
                keep_session(generation)
                st.success("Password changed. You were logged out everywhere else.")
            except InvalidInput as exc:
                show_problems(exc.problems, "Password not changed")
