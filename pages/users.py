"""Admin: accounts, their roles and teams."""

import pandas as pd
import streamlit as st

from models import PASSWORD_MIN, Role, label
from services.auth import (
    check_password_rules,
    create_user,
    list_users,
    password_help,
    reset_password,
    update_user,
)
from services.errors import InvalidInput, NotFound
from services.i18n import _
from ui import db, flash
from ui.guard import require
from ui.widgets import show_problems

viewer = require(Role.admin)

ADD_KEYS = {"new_name": "", "new_email": "", "new_team": "", "new_roles": [], "new_password": ""}

st.title(_("Users"))
if notice := st.session_state.pop("users_toast", None):
    flash.toast(notice)
# The add form keeps what was typed when it is refused; only a user added empties it.
if st.session_state.pop("add_user_clear", False):
    for key, empty in ADD_KEYS.items():
        st.session_state[key] = empty
with db.session() as s:
    users = list_users(s, viewer)
table = pd.DataFrame(users)
table["roles"] = table["roles"].map(lambda rs: ", ".join(label(r) for r in rs))
COLUMNS = {"name": _("Name"), "email": _("Email"), "team": _("Team"), "roles": _("Roles"),
           "active": _("Active"), "locked": _("Locked")}
st.dataframe(table.drop(columns="id").rename(columns=COLUMNS), hide_index=True, width="stretch")
roles = [r.value for r in Role]

with st.expander(_("Add a user"), icon=":material/person_add:"):
    with st.form("add_user", clear_on_submit=False):
        name = st.text_input(_("Name"), key="new_name")
        email = st.text_input(_("Email"), key="new_email")
        team = st.text_input(_("Team"), key="new_team",
                             help=_("The team the person belongs to, e.g. Platform: a panel "
                                    "should include someone from the position's team."))
        chosen = st.multiselect(_("Roles"), roles, format_func=label, key="new_roles")
        password = st.text_input(
            _("Initial password (at least {n} characters)").format(n=PASSWORD_MIN),
            type="password", key="new_password", help=password_help(),
            autocomplete="new-password")
        if st.form_submit_button(_("Add user"), key="add_user_submit"):
            typed = (email or "").strip().lower()
            if typed and st.session_state.get("user_added") == typed:
                # A second click that arrived while the first one was being saved: the user
                # exists already because of it, which is what was asked.
                flash.toast(_("{name} was added.").format(name=name))
            else:
                try:
                    with db.session() as s:
                        user = create_user(s, {"name": name, "email": email, "team": team,
                                               "roles": chosen, "password": password},
                                           viewer=viewer)
                    st.session_state["user_added"] = user.email
                    st.session_state["add_user_clear"] = True
                    st.session_state["users_toast"] = _("{name} was added.").format(
                        name=user.name)
                    st.rerun()
                except InvalidInput as exc:
                    show_problems(exc.problems, _("User not added"))

by_id = {u["id"]: u for u in users}
with st.expander(_("Edit a user"), icon=":material/edit:"):
    uid = st.selectbox(_("User"), list(by_id), format_func=lambda i: by_id[i]["name"],
                       key="edit_user")
    with st.form("edit_user_form"):
        u = by_id[uid]
        name = st.text_input(_("Name"), value=u["name"], key=f"edit_name_{uid}")
        email = st.text_input(_("Email"), value=u["email"], key=f"edit_email_{uid}")
        team = st.text_input(_("Team"), value=u["team"], key=f"edit_team_{uid}")
        chosen = st.multiselect(_("Roles"), roles, default=u["roles"], format_func=label,
                                key=f"edit_roles_{uid}")
        active = st.checkbox(_("Active"), value=u["active"], key=f"edit_active_{uid}")
        new_pw = st.text_input(_("Reset password (leave empty to keep)"), type="password",
                               key=f"edit_pw_{uid}", help=password_help(),
                               autocomplete="new-password")
        st.caption(_("Deactivating, taking a role away or resetting the password logs the "
                     "user out everywhere."))
        if st.form_submit_button(_("Save"), key="edit_user_submit"):
            try:
                if new_pw:
                    check_password_rules(new_pw)  # before anything is saved
                with db.session() as s:
                    update_user(s, viewer, uid, {"name": name, "email": email, "team": team,
                                                 "roles": chosen, "active": active})
                    if new_pw:
                        reset_password(s, viewer, uid, new_pw)
                st.session_state["users_toast"] = _("{name} was saved.").format(name=name)
                st.rerun()
            except (InvalidInput, NotFound) as exc:
                show_problems(getattr(exc, "problems", [str(exc)]), _("User not saved"))
