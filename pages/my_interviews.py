"""A panelist's interviews: what is still to score first."""

import streamlit as st

from models import Role, label
from services.interviews import my_interviews, upcoming_interviews
from services.scorecards import describe_status
from ui import db
from ui.guard import require
from ui.text import count, md_escape
from ui.widgets import when

viewer = require(Role.panelist)

st.title("My interviews")
with db.session() as s:
    mine = my_interviews(s, viewer)
if mine.empty:
    st.info("You are not on any interview panel yet.")
    st.stop()

todo = mine[mine["to_do"]]
st.caption(f"{count(len(todo), 'scorecard')} still to submit."
           if len(todo) else
           "All your scorecards are submitted. Thank you.")
overdue = int(mine["overdue"].sum())
if overdue:
    st.warning(f"{count(overdue, 'scorecard')} overdue: the interview was more than a day "
               "ago. They are listed first.")
with db.session() as s:
    upcoming = upcoming_interviews(s, viewer)
with st.expander(f"Calendar: {count(len(upcoming), 'upcoming interview')}",
                 expanded=bool(len(upcoming)), icon=":material/calendar_month:"):
    if upcoming.empty:
        st.text("No upcoming interviews.")
    else:
        st.dataframe(upcoming.assign(when=upcoming["scheduled_at"].map(when),
                                     setting=upcoming["setting"].map(label),
                                     role=upcoming["panel_role"].map(label))
                     [["when", "candidate", "position", "setting", "location", "role"]]
                     .rename(columns=str.capitalize), hide_index=True, width="stretch",
                     key="calendar")
for row in mine.itertuples(index=False):
    with st.container(border=True):
        st.markdown(f"**{md_escape(row.candidate)}** · {md_escape(row.position)}")
        st.caption(f"{when(row.scheduled_at)} · {label(row.setting)}"
                   + (f" ({md_escape(row.location)})" if row.location else "")
                   + f" · you sit as {label(row.panel_role).lower()}")
        status = describe_status(row.status) + (" · overdue" if row.overdue else "")
        st.page_link(
            "pages/scorecard.py", query_params={"interview": str(row.interview_id)},
            label=("Open scorecard" if row.to_do else "View scorecard") + f" — {status}",
            icon=":material/edit_note:" if row.to_do else ":material/visibility:",
        )
