"""Admin: accounts and their roles."""

import pandas as pd
import streamlit as st

from models import PASSWORD_MIN, Role, label
from services.auth import create_user, list_users, reset_password, update_user
from services.errors import InvalidInput, NotFound
from ui import db
from ui.guard import require
from ui.widgets import show_problems

viewer = require(Role.admin)

st.title("Users")
with db.session() as s:
    users = list_users(s, viewer)
table = pd.DataFrame(users)
table["roles"] = table["roles"].map(lambda rs: ", ".join(label(r) for r in rs))
st.dataframe(table.drop(columns="id"), hide_index=True, width="stretch")
roles = [r.value for r in Role]

with st.expander("Add a user", icon=":material/person_add:"):
    with st.form("add_user", clear_on_submit=True):
        name = st.text_input("Name", key="new_name")
        email = st.text_input("Email", key="new_email")
        chosen = st.multiselect("Roles", roles, format_func=label, key="new_roles")
        password = st.text_input(f"Initial password (at least {PASSWORD_MIN} characters)",
                                 type="password", key="new_password")
        if st.form_submit_button("Add user", key="add_user_submit"):
            try:
                with db.session() as s:
                    create_user(s, {"name": name, "email": email, "roles": chosen,
                                    "password": password}, actor=viewer)
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
        chosen = st.multiselect("Roles", roles, default=u["roles"], format_func=label,
                                key=f"edit_roles_{uid}")
        active = st.checkbox("Active", value=u["active"], key=f"edit_active_{uid}")
        new_pw = st.text_input("Reset password (leave empty to keep)", type="password",
                               key=f"edit_pw_{uid}")
        if st.form_submit_button("Save", key="edit_user_submit"):
            try:
                with db.session() as s:
                    update_user(s, viewer, uid, {"name": name, "email": email,
                                                 "roles": chosen, "active": active})
                    if new_pw:
                        reset_password(s, viewer, uid, new_pw)
                st.rerun()
            except (InvalidInput, NotFound) as exc:
                show_problems(getattr(exc, "problems", [str(exc)]), "User not saved")
