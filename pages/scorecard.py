"""A panelist scores one interview: the interview kit, the criteria, the overall view."""

import streamlit as st

from models import Role, label
from services.errors import InvalidInput, NotAllowed, NotFound
from services.interviews import my_interviews
from services.scorecards import missing_items, scorecard_kit, submit
from ui import db, panel_view
from ui.guard import require
from ui.scorecard_form import (
    amending,
    criterion_widgets,
    forget_state,
    key,
    overall_widgets,
    seed_state,
    style,
    tasks_widget,
)
from ui.text import count, md_escape
from ui.widgets import scroll_to, sync_query_choice, when

viewer = require(Role.panelist)

with db.session() as s:
    mine = my_interviews(s, viewer)

if mine.empty:
    st.info("You are not on any interview panel yet.")
    st.stop()

rows = mine.set_index("interview_id")
interview_id = sync_query_choice(
    "Interview", mine["interview_id"].tolist(), key="scorecard_interview", param="interview",
    format_func=lambda i: f"{rows.at[i, 'candidate']} — {rows.at[i, 'position']} "
                         f"({when(rows.at[i, 'scheduled_at'])}, {label(rows.at[i, 'status'])})",
)

try:
    with db.session() as s:
        kit = scorecard_kit(s, interview_id, viewer.id)
except (NotAllowed, NotFound) as exc:
    st.error(str(exc))
    st.stop()

seed_state(kit)
style()
st.header(f"Scorecard: {md_escape(kit.candidate.name)}")
st.caption(
    f"{md_escape(kit.position.title)} · {when(kit.interview.scheduled_at)} · "
    f"{label(kit.interview.setting)}"
    + (f" ({md_escape(kit.interview.location)})" if kit.interview.location else "")
)

# Open until the first answer (the kit is read before and during the interview), then folded
# away so scoring on a phone scrolls less.
with st.expander("Interview kit", expanded=kit.scorecard.id is None,
                 icon=":material/checklist:"):
    st.markdown("**The position's tasks**")
    st.text("\n".join(f"• {t}" for t in kit.position.tasks) or "No task list.")
    st.markdown("**First-interview notes**")
    st.text(kit.candidate.first_interview_notes or "None recorded.")
    st.markdown("**Questions to revisit**")
    st.text(kit.candidate.revisit_questions or "None recorded.")
    st.markdown("**Panel**")
    st.text("\n".join(f"{name} ({label(role)})" for name, role in kit.panel))

error = st.session_state.get(key("error", interview_id))
if error:
    st.error(md_escape(error))
    if "another window" in error and st.button("Load the latest version", key="reload_card"):
        forget_state(interview_id)
        st.rerun()

if kit.submitted and amending(interview_id):
    st.warning("You are changing your submitted scorecard. Each change is saved as you make "
               "it and recorded in the audit trail with its old and new value; the "
               "panel's view shows that your scorecard was changed after submission.")
    if st.button("Done changing", key="amend_done", icon=":material/check:"):
        forget_state(interview_id)
        st.rerun()
elif kit.submitted:
    with st.container(key="sc_submitted"):
        st.success(f"Submitted {when(kit.scorecard.submitted_at)}. "
                   "Your scorecard is read-only now.")
    if st.session_state.pop("scorecard_just_submitted", None) == interview_id:
        st.toast("Scorecard submitted.", icon=":material/check_circle:")
        scroll_to("sc_submitted")
    if st.button("Change my submitted scorecard", key="amend_start", icon=":material/edit:"):
        st.session_state[key("amend", interview_id)] = True
        st.rerun()
else:
    st.caption("Each answer is saved as a draft as you give it; text while you type.")

criterion_widgets(kit, viewer.id)
tasks_widget(kit, viewer.id)
overall_widgets(kit, viewer.id)

if not kit.submitted:
    missing = missing_items(kit)
    with st.container(key="sc_status"):
        saved = "Draft saved." if kit.scorecard.id is not None else "Not started yet."
        if missing:
            st.caption(f"{count(len(missing), 'thing')} left before you can submit. {saved}")
        else:
            st.caption(f"Ready to submit. {saved}")
        clicked = st.button("Submit scorecard", type="primary", key="submit_card",
                            icon=":material/send:", width="stretch",
                            disabled=kit.scorecard.id is None)
    if clicked:
        try:
            with db.session() as s:
                submit(s, kit.scorecard.id, viewer.id,
                       st.session_state.get(key("version", interview_id)))
            forget_state(interview_id)
            st.session_state["scorecard_just_submitted"] = interview_id
            st.rerun()
        except InvalidInput as exc:
            st.error("Not submitted yet. Still missing:\n\n" + "\n".join(
                f"- {md_escape(p)}" for p in exc.problems))
else:
    st.divider()
    panel_view.show(kit.candidate.id, viewer)
