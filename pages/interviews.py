"""Recruiter: schedule second interviews with their panels, change or cancel them; every
scorecard's status. Access: recruiters and admins (the require() after the imports)."""

from datetime import UTC, datetime, time, timedelta

import pandas as pd
import streamlit as st

from models import InterviewStatus, PanelRole, Role, Setting, label
from services.auth import list_users
from services.candidates import list_candidates
from services.errors import InvalidInput
from services.interviews import (
    InterviewChange,
    cancel_interview,
    interview_form_data,
    list_interviews,
    notify_panel,
    panel_warnings,
    schedule_interview_once,
    update_interview,
)
from services.mailer import smtp_config
from services.positions import visible_positions
from services.scorecards import describe_status
from ui import db, flash, secrets
from ui.guard import require
from ui.pickers import labels_for
from ui.widgets import display_zone, show_problems, when

viewer = require(Role.recruiter)
# Schedule is idempotent (services.interviews.schedule_interview_once): a candidate already
# interviewed at that exact time is not scheduled again, so a double-click, a resubmitted form or
# a second tab creates one interview. After a change or a cancellation the panel is e-mailed a
# calendar invitation (.ics) when a mail server is configured.

SCHEDULE_KEYS = ["iv_candidate", "iv_date", "iv_time", "iv_setting", "iv_location",
                 *(f"iv_user_{i}" for i in range(4)), *(f"iv_role_{i}" for i in range(4))]


def tell_panel(change) -> None:
    """E-mail the panel about a change, and queue what happened for the confirmation."""
    config = smtp_config(secrets.section("smtp"))
    with db.session() as s:
        result = notify_panel(s, viewer, change, config)
    if result is None:
        flash.later("No mail server is configured: tell the panel yourself.")
    elif result.failed:
        flash.later("Could not e-mail: " + "; ".join(result.failed))
    if result is not None and result.sent:
        flash.later(f"Calendar invitation e-mailed to {', '.join(result.sent)}.")


def panel_inputs(prefix: str, users: dict[int, str], seats: list[dict]) -> list[dict]:
    """Four panel seats (person, role); the filled ones."""
    roles = [r.value for r in PanelRole]
    chosen = []
    for i in range(4):
        seat = seats[i] if i < len(seats) else None
        a, b = st.columns([2, 1])
        options = [None, *users]
        person = a.selectbox(f"Panelist {i + 1}", options, key=f"{prefix}_user_{i}",
                             index=options.index(seat["user_id"]) if seat and
                             seat["user_id"] in options else 0,
                             format_func=lambda u: "—" if u is None else users[u])
        default_role = seat["panel_role"] if seat else ("recruiter" if i == 0 else "colleague")
        role = b.selectbox(f"Panel role {i + 1}", roles, format_func=label,
                           index=roles.index(default_role), key=f"{prefix}_role_{i}")
        if person is not None:
            chosen.append({"user_id": person, "panel_role": role})
    return chosen


st.title("Interviews")
flash.show()
with db.session() as s:
    table = list_interviews(s, viewer)
    users = [u for u in list_users(s, viewer) if u["active"]]
    candidates = list_candidates(s, viewer)
    positions = visible_positions(s, viewer)
cand_names = labels_for(candidates, positions)
if table.empty:
    st.info("No interviews scheduled yet.")
else:
    shown = table.assign(
        when=table["scheduled_at"].map(when), setting=table["setting"].map(label),
        candidate=table["candidate_id"].map(cand_names).fillna(table["candidate"]),
        panel_role=table["panel_role"].map(label),
        status=[label(i) if i == InterviewStatus.cancelled else describe_status(c)
                for i, c in zip(table["interview_status"], table["status"], strict=True)],
    )[["when", "candidate", "setting", "panelist", "panel_role", "status"]]
    st.dataframe(shown.rename(columns=lambda c: c.replace("_", " ").capitalize()),
                 hide_index=True, width="stretch")

schedule_tab, change_tab = st.tabs(["Schedule a second interview", "Change or cancel"])

with schedule_tab:
    if not candidates:
        st.info("Add candidates first.")
    user_names = {u["id"]: u["name"] for u in users}
    with st.form("schedule", clear_on_submit=False):
        candidate_id = st.selectbox("Candidate", list(cand_names), format_func=cand_names.get,
                                    key="iv_candidate", index=None,
                                    placeholder="Choose the candidate")
        c1, c2 = st.columns(2)
        day = c1.date_input("Date", value=datetime.now(display_zone()).date() + timedelta(days=1),
                            key="iv_date")
        at = c2.time_input("Time", value=time(10, 0), key="iv_time")
        setting = st.selectbox("Setting", [x.value for x in Setting], format_func=label,
                               key="iv_setting")
        location = st.text_input("Place (optional)", key="iv_location",
                                 placeholder="e.g. meeting room 3, or the restaurant's name")
        st.markdown("**Panel** (2 to 4 people)")
        seats = panel_inputs("iv", user_names, [])
        if st.form_submit_button("Schedule", type="primary", key="iv_submit"):
            if candidate_id is None:
                show_problems(["Candidate: choose who is interviewed"],
                              "Interview not scheduled")
            else:
                scheduled = datetime.combine(day, at, tzinfo=display_zone())
                with db.session() as s:
                    warnings = panel_warnings(s, candidate_id, [x["user_id"] for x in seats])
                try:
                    with db.session() as s:
                        interview, created = schedule_interview_once(s, viewer, {
                            "candidate_id": candidate_id, "scheduled_at": scheduled,
                            "setting": setting, "location": location, "panel": seats})
                    flash.later(f"Interview scheduled: {cand_names[candidate_id]}, "
                                f"{when(interview.scheduled_at)}." if created else
                                f"{cand_names[candidate_id]} already has this interview at "
                                f"{when(interview.scheduled_at)}; nothing was added.")
                    st.session_state["iv_notice"] = warnings
                    if created:
                        tell_panel(InterviewChange(interview=interview))
                    for key in SCHEDULE_KEYS:  # an empty form for the next interview
                        st.session_state.pop(key, None)
                    st.rerun()
                except InvalidInput as exc:
                    for warning in warnings:
                        st.warning(warning)
                    show_problems(exc.problems, "Interview not scheduled")
    for warning in st.session_state.pop("iv_notice", []):  # about the interview just added
        st.warning(warning)

with change_tab:
    active = table[table["interview_status"] != InterviewStatus.cancelled].drop_duplicates(
        "interview_id") if not table.empty else table
    if active.empty:
        st.info("No scheduled interview to change.")
        st.stop()
    # Upcoming interviews first (soonest on top), then those that took place, newest first.
    now = datetime.now(UTC)
    at_utc = active["scheduled_at"].map(lambda t: t if t.tzinfo else t.replace(tzinfo=UTC))
    upcoming = at_utc >= now
    active = pd.concat([active[upcoming].assign(_t=at_utc[upcoming]).sort_values("_t"),
                        active[~upcoming]])
    scored = set(table.loc[table["status"] == "submitted", "interview_id"])
    choices = {int(r.interview_id):
               f"{when(r.scheduled_at)} · {cand_names.get(r.candidate_id, r.candidate)}"
               + (" · scorecards in" if r.interview_id in scored else "")
               for r in active.itertuples(index=False)}
    chosen = st.selectbox("Interview", list(choices), format_func=choices.get,
                          key="iv_edit_choice")
    with db.session() as s:
        current = interview_form_data(s, viewer, chosen)
    local = current["scheduled_at"].astimezone(display_zone())
    user_names = {u["id"]: u["name"] for u in users}
    settings = [x.value for x in Setting]
    with st.form(f"edit_{chosen}"):
        c1, c2 = st.columns(2)
        day = c1.date_input("Date", value=local.date(), key=f"ive_date_{chosen}")
        at = c2.time_input("Time", value=local.time().replace(tzinfo=None),
                           key=f"ive_time_{chosen}")
        setting = st.selectbox("Setting", settings, format_func=label,
                               index=settings.index(current["setting"])
                               if current["setting"] in settings else 0,
                               key=f"ive_setting_{chosen}")
        location = st.text_input("Place (optional)", value=current["location"],
                                 key=f"ive_location_{chosen}")
        st.markdown("**Panel** (2 to 4 people)")
        if current["started"]:
            st.caption("Panelists who have started their scorecard stay on the panel.")
        seats = panel_inputs(f"ive_{chosen}", user_names, current["panel"])
        if st.form_submit_button("Save changes", type="primary", key=f"ive_submit_{chosen}"):
            try:
                with db.session() as s:
                    change = update_interview(s, viewer, chosen, {
                        "scheduled_at": datetime.combine(day, at, tzinfo=display_zone()),
                        "setting": setting, "location": location, "panel": seats})
                if change.changed:
                    flash.later("Interview changed.")
                    tell_panel(change)
                else:
                    flash.later("Nothing changed.")
                st.rerun()
            except InvalidInput as exc:
                show_problems(exc.problems, "Interview not changed")
    with st.expander("Cancel this interview", icon=":material/event_busy:"):
        with st.form(f"cancel_{chosen}"):
            reason = st.text_input("Reason (kept in the audit trail)", key=f"ivc_reason_{chosen}")
            sure = st.checkbox("Yes, cancel it and tell the panel", key=f"ivc_sure_{chosen}")
            if st.form_submit_button("Cancel interview", key=f"ivc_submit_{chosen}"):
                if not sure:
                    show_problems(["Confirm: tick the box to cancel"], "Interview not cancelled")
                else:
                    try:
                        with db.session() as s:
                            change = cancel_interview(s, viewer, chosen, reason)
                        flash.later("Interview cancelled.")
                        tell_panel(change)
                        st.session_state.pop("iv_edit_choice", None)
                        st.rerun()
                    except InvalidInput as exc:
                        show_problems(exc.problems, "Interview not cancelled")
