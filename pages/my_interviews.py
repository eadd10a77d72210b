"""A panelist's interviews: what is still to score first."""

import streamlit as st

from models import Role, label
from services.i18n import _, datetime_, ngettext
from services.interviews import my_interviews, upcoming_interviews
from services.scorecards import describe_status
from ui import db
from ui.guard import require
from ui.text import md_escape
from ui.widgets import place, rows_or_stop

viewer = require(Role.panelist)

st.title(_("My interviews"))
mine = rows_or_stop(lambda s: my_interviews(s, viewer),
                    _("You are not on any interview panel yet."))

todo = mine[mine["to_do"]]
st.caption(ngettext("{n} scorecard still to submit.", "{n} scorecards still to submit.",
                    len(todo)).format(n=len(todo))
           if len(todo) else
           _("All your scorecards are submitted. Thank you."))
overdue = int(mine["overdue"].sum())
if overdue:
    st.warning(ngettext(
        "{n} scorecard overdue: the interview was more than a day ago. It is listed first.",
        "{n} scorecards overdue: the interview was more than a day ago. They are listed first.",
        overdue).format(n=overdue))
with db.session() as s:
    upcoming = upcoming_interviews(s, viewer)
with st.expander(ngettext("Calendar: {n} upcoming interview", "Calendar: {n} upcoming interviews",
                          len(upcoming)).format(n=len(upcoming)),
                 expanded=bool(len(upcoming)), icon=":material/calendar_month:"):
    if upcoming.empty:
        st.text(_("No upcoming interviews."))
    else:
        columns = {"when": _("When"), "candidate": _("Candidate"), "position": _("Position"),
                   "setting": _("Setting"), "location": _("Location"), "role": _("Role")}
        st.dataframe(upcoming.assign(when=upcoming["scheduled_at"].map(datetime_),
                                     setting=upcoming["setting"].map(label),
                                     role=upcoming["panel_role"].map(label))
                     [list(columns)].rename(columns=columns), hide_index=True, width="stretch",
                     key="calendar")
for row in mine.itertuples(index=False):
    with st.container(border=True):
        st.markdown(f"**{md_escape(row.candidate)}** · {md_escape(row.position)}")
        st.caption(_("{when} · {place} · you sit as {role}").format(
            when=datetime_(row.scheduled_at), place=place(row.setting, row.location),
            role=label(row.panel_role).lower()))
        status = describe_status(row.status)
        if row.overdue:
            status = _("{status} · overdue").format(status=status)
        link = _("Open scorecard") if row.to_do else _("View scorecard")
        st.page_link(
            "pages/scorecard.py", query_params={"interview": str(row.interview_id)},
            label=f"{link} — {status}",
            icon=":material/edit_note:" if row.to_do else ":material/visibility:",
        )
