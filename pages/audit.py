"""Admin: the audit trail, filtered by action, person, candidate and date."""

import json
from datetime import UTC, datetime, time, timedelta

import streamlit as st

from models import Role
from services.audit import ACTIONS
from services.audit_view import list_events
from services.auth import list_users
from ui import db
from ui.guard import require
from ui.text import count
from ui.widgets import display_zone, when

viewer = require(Role.admin)

st.title("Audit trail")
st.caption("Every login, change of users, roles and settings, scorecard, decision, consensus "
           "score, export and erasure. Rows are only ever added. For a candidate whose panel "
           "you sit on and have not submitted, you see that actions happened, not their details.")
with db.session() as s:
    people = {u["id"]: u["name"] for u in list_users(s, viewer)}
c1, c2, c3 = st.columns(3)
action = c1.selectbox("What", [None, *ACTIONS], key="audit_action",
                      format_func=lambda a: "Everything" if a is None else ACTIONS[a])
actor = c2.selectbox("Who", [None, *people], key="audit_actor",
                     format_func=lambda i: "Anyone" if i is None else people[i])
candidate = c3.number_input("Candidate id", min_value=1, step=1, value=None,
                            key="audit_candidate")
today = datetime.now(display_zone()).date()
days = st.date_input("Between", value=(today - timedelta(days=30), today), key="audit_days")
since = until = None
if isinstance(days, tuple) and len(days) == 2:
    since = datetime.combine(days[0], time.min, tzinfo=display_zone()).astimezone(UTC)
    until = datetime.combine(days[1] + timedelta(days=1), time.min,
                             tzinfo=display_zone()).astimezone(UTC)
with db.session() as s:
    events = list_events(s, viewer=viewer, action=action, actor_id=actor,
                         candidate_id=None if candidate is None else int(candidate),
                         since=since, until=until)
if events.empty:
    st.info("No audit rows match.")
    st.stop()
st.caption(f"{count(len(events), 'row')}, newest first (at most 1000).")
st.dataframe(events.assign(
    at=events["at"].map(when),
    detail=events["detail"].map(lambda d: json.dumps(d, ensure_ascii=False, default=str)),
)[["at", "actor", "what", "entity", "entity_id", "candidate_id", "detail"]].rename(
    columns=lambda c: c.replace("_", " ").capitalize()), hide_index=True, width="stretch",
    key="audit_table")
