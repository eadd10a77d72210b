"""Admin: the audit trail, filtered by action, person, candidate and date."""

import json
from datetime import UTC, datetime, time, timedelta

import streamlit as st

from models import Role
from services.audit import ACTIONS, action_label
from services.audit_view import list_events
from services.auth import list_users
from services.i18n import _, ngettext
from ui import db
from ui.guard import require
from ui.widgets import display_zone, when

viewer = require(Role.admin)

st.title(_("Audit trail"))
st.caption(_("Every login, change of users, roles and settings, scorecard, decision, consensus "
             "score, export and erasure. Rows are only ever added. For a candidate whose panel "
             "you sit on and have not submitted, you see that actions happened, not their "
             "details."))
with db.session() as s:
    people = {u["id"]: u["name"] for u in list_users(s, viewer)}
c1, c2, c3 = st.columns(3)
# The action names are stored values; their labels (services.audit.ACTIONS) are msgids.
action = c1.selectbox(_("What"), [None, *ACTIONS], key="audit_action",
                      format_func=lambda a: _("Everything") if a is None else action_label(a))
actor = c2.selectbox(_("Who"), [None, *people], key="audit_actor",
                     format_func=lambda i: _("Anyone") if i is None else people[i])
candidate = c3.number_input(_("Candidate id"), min_value=1, step=1, value=None,
                            key="audit_candidate")
today = datetime.now(display_zone()).date()
days = st.date_input(_("Between"), value=(today - timedelta(days=30), today), key="audit_days")
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
    st.info(_("No audit rows match."))
    st.stop()
st.caption(ngettext("{n} row, newest first (at most 1000).",
                    "{n} rows, newest first (at most 1000).", len(events)).format(n=len(events)))
# The detail stays JSON: it is the record as stored, keys and values as the services wrote them.
COLUMNS = {"at": _("At"), "actor": _("Actor"), "what": _("What"), "entity": _("Entity"),
           "entity_id": _("Entity id"), "candidate_id": _("Candidate id"),
           "detail": _("Detail")}
st.dataframe(events.assign(
    at=events["at"].map(when),
    what=events["action"].map(action_label),
    detail=events["detail"].map(lambda d: json.dumps(d, ensure_ascii=False, default=str)),
)[list(COLUMNS)].rename(columns=COLUMNS), hide_index=True, width="stretch",
    key="audit_table")
