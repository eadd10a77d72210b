"""Admin: accounts, their roles and teams."""

import pandas as pd
import streamlit as st

from models import PASSWORD_MIN, Role, label
from services.auth import (
    PASSWORD_HELP,
    check_password_rules,
    create_user,
    list_users,
    reset_password,
    update_user,
)
from services.errors import InvalidInput, NotFound
from ui import db
from ui.guard import require
from ui.widgets import show_problems

viewer = require(Role.admin)

ADD_KEYS = {"new_name": "", "new_email": "", "new_team": "", "new_roles": [], "new_password": ""}

st.title("Users")
if notice := st.session_state.pop("users_toast", None):
    st.toast(notice, icon=":material/check_circle:")
# The add form keeps what was typed when it is refused; only a user added empties it.
if st.session_state.pop("add_user_clear", False):
    for key, empty in ADD_KEYS.items():
        st.session_state[key] = empty
with db.session() as s:
    users = list_users(s, viewer)
table = pd.DataFrame(users)
table["roles"] = table["roles"].map(lambda rs: ", ".join(label(r) for r in rs))
st.dataframe(table.drop(columns="id"), hide_index=True, width="stretch")
roles = [r.value for r in Role]

with st.expander("Add a user", icon=":material/person_add:"):
    with st.form("add_user", clear_on_submit=False):
        name = st.text_input("Name", key="new_name")
        email = st.text_input("Email", key="new_email")
        team = st.text_input("Team", key="new_team")
        chosen = st.multiselect("Roles", roles, format_func=label, key="new_roles")
        password = st.text_input(f"Initial password (at least {PASSWORD_MIN} characters)",
                                 type="password", key="new_password", help=PASSWORD_HELP)
        if st.form_submit_button("Add user", key="add_user_submit"):
            typed = (email or "").strip().lower()
            if typed and st.session_state.get("user_added") == typed:
                # A second click that arrived while the first one was being saved: the user
                # exists already because of it, which is what was asked.
                st.toast(f"{name} was added.", icon=":material/check_circle:")
            else:
                try:
                    with db.session() as s:
                        user = create_user(s, {"name": name, "email": email, "team": team,
                                               "roles": chosen, "password": password},
                                           actor=viewer)
                    st.session_state["user_added"] = user.email
                    st.session_state["add_user_clear"] = True
                    st.session_state["users_toast"] = f"{user.name} was added."
                    st.rerun()
                except InvalidInput as exc:
                    show_problems(exc.problems, "User not added")

by_id = {u["id"]: u for u in users}
with st.expander("Edit a user", icon=":material/edit:"):
    uid = st.selectbox("User", list(by_id), format_func=lambda i: by_id[i]["name"],
                       key="edit_user")
    with st.form("edit_user_form"):
        u = by_id[uid]
        name = st.text_input("Name", value=u["name"], key=f"edit_name_{uid}")
        email = st.text_input("Email", value=u["email"], key=f"edit_email_{uid}")
        team = st.text_input("Team", value=u["team"], key=f"edit_team_{uid}")
        chosen = st.multiselect("Roles", roles, default=u["roles"], format_func=label,
                                key=f"edit_roles_{uid}")
        active = st.checkbox("Active", value=u["active"], key=f"edit_active_{uid}")
        new_pw = st.text_input("Reset password (leave empty to keep)", type="password",
                               key=f"edit_pw_{uid}", help=PASSWORD_HELP)
        st.caption("Deactivating, taking a role away or resetting the password logs the user "
                   "out everywhere.")
        if st.form_submit_button("Save", key="edit_user_submit"):
            try:
                if new_pw:
                    check_password_rules(new_pw)  # before anything is saved
                with db.session() as s:
                    update_user(s, viewer, uid, {"name": name, "email": email, "team": team,
                                                 "roles": chosen, "active": active})
                    if new_pw:
                        reset_password(s, viewer, uid, new_pw)
                st.session_state["users_toast"] = f"{name} was saved."
                st.rerun()
            except (InvalidInput, NotFound) as exc:
                show_problems(getattr(exc, "problems", [str(exc)]), "User not saved")
