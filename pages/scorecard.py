"""A panelist scores one interview: the interview kit, the criteria, the overall view."""

import streamlit as st

from models import Role
from services.errors import NotAllowed, NotFound
from services.i18n import _, datetime_, ngettext
from services.interviews import my_interviews
from services.scorecards import Kit, describe_status, saved_answers, scorecard_kit
from ui import db, flash, panel_view
from ui.guard import require
from ui.pickers import candidate_labels
from ui.scorecard_form import (
    FORM,
    STATUS,
    amending,
    criterion_widgets,
    forget_state,
    interview_kit,
    key,
    overall_widgets,
    seed_state,
    status_text,
    style,
    submit_cb,
    submitted_card,
    tasks_widget,
)
from ui.text import md_escape
from ui.widgets import lazy_expander, place, scroll_to, sync_query_choice

viewer = require(Role.panelist)

with db.session() as s:
    mine = my_interviews(s, viewer)

if mine.empty:
    st.title(_("Scorecard"))
    st.info(_("You are not on any interview panel yet."))
    st.stop()

rows = mine.set_index("interview_id")
names = candidate_labels(mine[["candidate_id", "candidate", "position", "candidate_email"]]
                         .drop_duplicates("candidate_id").itertuples(index=False))
interview_id = sync_query_choice(
    _("Interview"), mine["interview_id"].tolist(), key="scorecard_interview", param="interview",
    format_func=lambda i: _("{candidate} ({when}, {status})").format(
        candidate=names[rows.at[i, "candidate_id"]], when=datetime_(rows.at[i, "scheduled_at"]),
        status=describe_status(rows.at[i, "status"])),
    unknown=_("The link you followed is for an interview whose panel you are not on (or that "
              "was cancelled). Below is one of your own interviews: check the candidate's name "
              "before scoring."),
)

try:
    with db.session() as s:
        kit = scorecard_kit(s, viewer, interview_id)
except (NotAllowed, NotFound) as exc:
    st.error(str(exc))
    st.stop()

style(viewer)


@st.fragment(key=STATUS)
def status_bar(kit: Kit) -> None:
    """The sticky bar: what is left, whether the draft is saved, Submit; redrawn from the saved
    card after every answer (a fragment of its own, see ui.scorecard_form)."""
    with db.session() as s:
        kit = saved_answers(s, viewer, kit)
    interview_id = kit.interview.id
    with st.container(key="sc_status"):
        st.caption(status_text(kit))
        st.button(_("Submit scorecard"), type="primary", key="submit_card",
                  icon=":material/send:", width="stretch", disabled=kit.scorecard.id is None,
                  on_click=submit_cb, args=(interview_id, viewer, kit.scorecard.id))


@st.fragment(key=FORM)
def scoring(interview_id: int) -> None:
    """Everything below the picker: header, kit, the form and its sticky status bar. A tap
    reruns only its own part of this and the bar (issue 12; see ui.scorecard_form). The
    header and kit are inside too: a sticky element cannot leave its parent block, so the
    fragment's block must start at the top of the page for the bar to stay in view."""
    with db.session() as s:
        kit = scorecard_kit(s, viewer, interview_id)
    seed_state(kit)
    st.header(_("Scorecard: {candidate}").format(candidate=md_escape(kit.candidate.name)))
    st.caption(f"{md_escape(kit.position.title)} · {datetime_(kit.interview.scheduled_at, 'long')}"
               f" · {place(kit.interview.setting, kit.interview.location)}")

    # Open until the first answer (the kit is read before and during the interview), then folded
    # away so scoring on a phone scrolls less; folded, it is not drawn at all (every tap reruns
    # this fragment: issue 12). A started card gets a new box, so it starts folded.
    started = kit.scorecard.id is not None
    lazy_expander(_("Interview kit"), lambda: interview_kit(kit), expanded=not started,
                  key=key("kit", interview_id, "started" if started else "new"),
                  icon=":material/checklist:")

    error = st.session_state.get(key("error", interview_id))
    if error:
        st.error(md_escape(error))
        if st.button(_("Load the latest version"), key="reload_card"):
            forget_state(interview_id)
            st.rerun()

    if kit.submitted and amending(interview_id):
        st.warning(_("You are changing your submitted scorecard. Each change is saved as you make "
                     "it and recorded in the audit trail with its old and new value; the "
                     "panel's view shows that your scorecard was changed after submission."))
        if st.button(_("Done changing"), key="amend_done", icon=":material/check:"):
            forget_state(interview_id)
            st.rerun()
    elif kit.submitted:
        with st.container(key="sc_submitted"):
            st.success(_("Submitted {when}. Your scorecard is read-only now.").format(
                when=datetime_(kit.scorecard.submitted_at, "zoned")))
        if st.session_state.pop("scorecard_just_submitted", None) == interview_id:
            flash.toast(_("Scorecard submitted."))
            scroll_to("sc_submitted")
        if st.button(_("Change my submitted scorecard"), key="amend_start", icon=":material/edit:"):
            forget_state(interview_id)  # the widgets come back seeded from the saved card
            st.session_state[key("amend", interview_id)] = True
            st.rerun()
    else:
        st.caption(_("Each answer is saved as a draft as you give it; text while you type."))
    if kit.submitted and not amending(interview_id):
        submitted_card(kit)
    else:
        criterion_widgets(kit, viewer)
        tasks_widget(kit, viewer)
        overall_widgets(kit, viewer)
    if kit.submitted:
        if st.session_state.get("scorecard_panel_deferred") == interview_id:
            # Submitted in this fragment's own run: the page below has not drawn the panel's
            # view (statistics and charts, seconds on a large position), and the answer to
            # "Submit" does not wait for it (issue 12). One tap draws it with the whole page.
            st.divider()
            st.header(_("The panel's view"))
            if st.button(_("Show the panel's view"), key="show_panel_view",
                         icon=":material/groups:"):
                st.session_state.pop("scorecard_panel_deferred", None)
                st.rerun(scope="app")
        return
    status_bar(kit)
    missing = st.session_state.pop(key("missing", interview_id), None)
    if missing:
        # Said at the button too: the list below can be a long scroll away on a phone.
        flash.toast(ngettext("Not submitted: {n} item is still missing (listed below).",
                             "Not submitted: {n} items are still missing (listed below).",
                             len(missing)).format(n=len(missing)), icon=":material/error:")
        with st.container(key="sc_missing"):
            st.error(_("Not submitted yet. Still missing:") + "\n\n" + "\n".join(
                f"- {md_escape(p)}" for p in missing))
        scroll_to("sc_missing")


# A whole-page run draws the panel's view under a submitted card itself.
st.session_state.pop("scorecard_panel_deferred", None)
scoring(interview_id)
if kit.submitted:
    st.divider()
    panel_view.show(kit.candidate.id, viewer)
