"""Recruiter: schedule second interviews with their panels; every scorecard's status."""

from datetime import datetime, time, timedelta

import streamlit as st

from models import PanelRole, Role, Setting, label
from services.auth import list_users
from services.candidates import list_candidates
from services.errors import InvalidInput
from services.interviews import list_interviews, panel_warnings, schedule_interview
from services.scorecards import describe_status
from ui import db
from ui.guard import require
from ui.widgets import display_zone, show_problems, when

viewer = require(Role.recruiter)

st.title("Interviews")
with db.session() as s:
    table = list_interviews(s, viewer)
    users = [u for u in list_users(s, viewer) if u["active"]]
    candidates = list_candidates(s, viewer)
if table.empty:
    st.info("No interviews scheduled yet.")
else:
    shown = table.assign(
        when=table["scheduled_at"].map(when), setting=table["setting"].map(label),
        panel_role=table["panel_role"].map(label), status=table["status"].map(describe_status),
    )[["when", "candidate", "position", "setting", "panelist", "panel_role", "status"]]
    st.dataframe(shown.rename(columns=lambda c: c.replace("_", " ").capitalize()),
                 hide_index=True, width="stretch")

st.subheader("Schedule a second interview")
if not candidates:
    st.info("Add candidates first.")
    st.stop()
cand_names = {c.id: c.name for c in candidates}
user_names = {u["id"]: u["name"] for u in users}
roles = [r.value for r in PanelRole]
with st.form("schedule", clear_on_submit=False):
    candidate_id = st.selectbox("Candidate", list(cand_names), format_func=cand_names.get,
                                key="iv_candidate")
    c1, c2 = st.columns(2)
    day = c1.date_input("Date", value=datetime.now(display_zone()).date() + timedelta(days=1),
                        key="iv_date")
    at = c2.time_input("Time", value=time(10, 0), key="iv_time")
    setting = st.selectbox("Setting", [x.value for x in Setting], format_func=label,
                           key="iv_setting")
    location = st.text_input("Place (optional)", key="iv_location",
                             placeholder="e.g. meeting room 3, or the restaurant's name")
    st.markdown("**Panel** (2 to 4 people)")
    seats = []
    for i in range(4):
        a, b = st.columns([2, 1])
        person = a.selectbox(f"Panelist {i + 1}", [None, *user_names], key=f"iv_user_{i}",
                             format_func=lambda u: "—" if u is None else user_names[u])
        role = b.selectbox(f"Panel role {i + 1}", roles, format_func=label,
                           index=0 if i == 0 else roles.index("colleague"), key=f"iv_role_{i}")
        if person is not None:
            seats.append({"user_id": person, "panel_role": role})
    if st.form_submit_button("Schedule", type="primary", key="iv_submit"):
        scheduled = datetime.combine(day, at, tzinfo=display_zone())
        with db.session() as s:
            warnings = panel_warnings(s, candidate_id, [x["user_id"] for x in seats])
        for warning in warnings:
            st.warning(warning)
        try:
            with db.session() as s:
                schedule_interview(s, viewer, {"candidate_id": candidate_id,
                                               "scheduled_at": scheduled, "setting": setting,
                                               "location": location, "panel": seats})
            st.session_state["iv_notice"] = warnings
            st.rerun()
        except InvalidInput as exc:
            show_problems(exc.problems, "Interview not scheduled")
if "iv_notice" in st.session_state:
    st.success("Interview scheduled.")
    for warning in st.session_state.pop("iv_notice"):
        st.warning(warning)
