"""Recruiter: schedule second interviews with their panels, change or cancel them; every
scorecard's status. Access: recruiters and admins (the require() after the imports)."""

from datetime import UTC, datetime, time, timedelta

import pandas as pd
import streamlit as st

from models import InterviewStatus, PanelRole, Role, SeatStatus, Setting, aware, label
from services.auth import list_users
from services.candidates import list_candidates
from services.errors import InvalidInput
from services.i18n import _, current_time_zone, datetime_
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
from ui.widgets import current_choice, show_problems

viewer = require(Role.recruiter)
# Schedule is idempotent (services.interviews.schedule_interview_once): a candidate already
# interviewed at that exact time is not scheduled again, so a double-click, a resubmitted form or
# a second tab creates one interview. After a change or a cancellation the panel is e-mailed a
# calendar invitation (.ics) when a mail server is configured.



# An empty seat and "their own role" are options of their own, not None: a select box whose
# session-state value is None shows "Choose an option" instead of the option's label.
NOBODY, OWN_ROLE = 0, ""


def empty_schedule_form(zone) -> dict:
    """The schedule form's widgets as a new interview starts: set (not deleted) after a save,
    since a widget whose key is only deleted keeps showing, and sending, its old value."""
    return {"iv_candidate": None, "iv_date": datetime.now(zone).date() + timedelta(days=1),
            "iv_time": time(10, 0), "iv_setting": Setting.office.value, "iv_location": "",
            **{f"iv_user_{i}": NOBODY for i in range(4)},
            **{f"iv_role_{i}": OWN_ROLE for i in range(4)}}



def tell_panel(change) -> None:
    """E-mail the panel about a change, and queue what happened for the confirmation."""
    config = smtp_config(secrets.section("smtp"))
    with db.session() as s:
        result = notify_panel(s, viewer, change, config)
    if result is None:
        flash.later(_("No mail server is configured: tell the panel yourself."),
                    icon=flash.NOTICE)
    elif result.failed:
        flash.later(_("Could not e-mail: {failures}").format(failures="; ".join(result.failed)))
    if result is not None and result.sent:
        flash.later(_("Calendar invitation e-mailed to {people}.").format(
            people=", ".join(result.sent)))


def panel_inputs(prefix: str, users: dict[int, str], seats: list[dict]) -> list[dict]:
    """Four panel seats (person, role); the filled ones (role None: the person's own)."""
    roles = [r.value for r in PanelRole]
    chosen = []
    for i in range(4):
        seat = seats[i] if i < len(seats) else None
        a, b = st.columns([2, 1])
        options = [NOBODY, *users]
        person = a.selectbox(_("Panelist {n}").format(n=i + 1), options,
                             key=f"{prefix}_user_{i}",
                             index=options.index(seat["user_id"]) if seat and
                             seat["user_id"] in options else 0,
                             format_func=lambda u: "—" if u == NOBODY else users[u])
        # A new seat takes the person's own role unless one is chosen (services.interviews.
        # seat_role: the position's hiring manager, a recruiter, else a colleague).
        options_role = [OWN_ROLE, *roles]
        role = b.selectbox(_("Panel role {n}").format(n=i + 1), options_role,
                           format_func=lambda r: _("Their own role") if r == OWN_ROLE
                           else label(r),
                           index=options_role.index(seat["panel_role"] or OWN_ROLE)
                           if seat else 0,
                           key=f"{prefix}_role_{i}")
        if person != NOBODY:
            chosen.append({"user_id": person, "panel_role": role or None})
    return chosen


def when(value) -> str:
    """A date and time as people read it, in their language and time zone."""
    return datetime_(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value)


st.title(_("Interviews"))
flash.show()
with db.session() as s:
    table = list_interviews(s, viewer)
    users = [u for u in list_users(s, viewer) if u["active"]]
    candidates = list_candidates(s, viewer)
    positions = visible_positions(s, viewer)
cand_names = labels_for(candidates, positions)
if table.empty:
    st.info(_("No interviews scheduled yet."))
else:
    shown = table.assign(
        when=table["scheduled_at"].map(when), setting=table["setting"].map(label),
        candidate=table["candidate_id"].map(cand_names).fillna(table["candidate"]),
        panel_role=table["panel_role"].map(label),
        status=[label(i) if i == InterviewStatus.cancelled else describe_status(c)
                for i, c in zip(table["interview_status"], table["status"], strict=True)],
    )[["when", "candidate", "setting", "panelist", "panel_role", "status"]]
    headings = {"when": _("When"), "candidate": _("Candidate"), "setting": _("Setting"),
                "panelist": _("Panelist"), "panel_role": _("Panel role"), "status": _("Status")}
    st.dataframe(shown.rename(columns=headings), hide_index=True, width="stretch")

schedule_tab, change_tab = st.tabs([_("Schedule a second interview"), _("Change or cancel")])
zone = current_time_zone()  # dates are entered and shown in the user's time zone

with schedule_tab:
    if not candidates:
        st.info(_("Add candidates first."))
    user_names = {u["id"]: u["name"] for u in users}
    # The form keeps what was typed when it is refused; only an interview scheduled empties it.
    # Its starting values live in the session state (so no widget below passes one).
    empty = empty_schedule_form(zone)
    if st.session_state.pop("iv_clear", False):
        st.session_state.update(empty)
    for name, value in empty.items():
        st.session_state.setdefault(name, value)
    with st.form("schedule", clear_on_submit=False):
        candidate_id = st.selectbox(_("Candidate"), list(cand_names),
                                    format_func=cand_names.get, key="iv_candidate", index=None,
                                    placeholder=_("Choose the candidate"))
        c1, c2 = st.columns(2)
        day = c1.date_input(_("Date"), key="iv_date", format="YYYY-MM-DD")
        at = c2.time_input(_("Time"), key="iv_time")
        setting = st.selectbox(_("Setting"), [x.value for x in Setting], format_func=label,
                               key="iv_setting")
        location = st.text_input(_("Place (optional)"), key="iv_location",
                                 placeholder=_("e.g. meeting room 3, or the restaurant's name"))
        st.markdown(_("**Panel** (2 to 4 people)"))
        seats = panel_inputs("iv", user_names, [])
        if st.form_submit_button(_("Schedule"), type="primary", key="iv_submit"):
            # The second click of a double-click may land on the form the first one emptied.
            if candidate_id is None and flash.again("schedule", None) is not None:
                st.rerun()
            if candidate_id is None:
                show_problems([_("Candidate: choose who is interviewed")],
                              _("Interview not scheduled"))
            else:
                scheduled = datetime.combine(day, at, tzinfo=zone)
                with db.session() as s:
                    warnings = panel_warnings(s, candidate_id, [x["user_id"] for x in seats])
                payload = {"candidate_id": candidate_id, "scheduled_at": scheduled,
                           "setting": setting, "location": location, "panel": seats}
                # Worded, and the session's ledger taken, before the write: between the write
                # and the rerun nothing may go through st.session_state (a second click can
                # end the run at any such access; see ui.flash).
                said = {"candidate": cand_names[candidate_id], "when": when(scheduled)}
                message = _("Interview scheduled: {candidate}, {when}.").format(**said)
                exists = _("{candidate} already has this interview at {when}; "
                           "nothing was added.").format(**said)
                ledger = flash.ledger()
                try:
                    with db.session() as s:
                        interview, created = schedule_interview_once(s, viewer, payload)
                    about = f"interview {interview.id}"
                    if created:
                        ledger.done(message, about=about, payload=payload)
                        ledger.done(message, about="schedule", payload=None)
                    elif ledger.again(about, payload) is None:  # not this session's click again
                        ledger.later(exists)
                    if created:  # before any session-state access that could end the run
                        tell_panel(InterviewChange(interview=interview))
                    st.session_state["iv_notice"] = warnings
                    st.session_state["iv_clear"] = True  # an empty form for the next one
                    st.rerun()
                except InvalidInput as exc:
                    for warning in warnings:
                        st.warning(warning)
                    show_problems(exc.problems, _("Interview not scheduled"))
    for warning in st.session_state.pop("iv_notice", []):  # about the interview just added
        st.warning(warning)

with change_tab:
    active = table[table["interview_status"] != InterviewStatus.cancelled].drop_duplicates(
        "interview_id") if not table.empty else table
    if active.empty:
        st.info(_("No scheduled interview to change."))
        st.stop()
    # Upcoming interviews first (soonest on top), then those that took place, newest first.
    now = datetime.now(UTC)
    at_utc = active["scheduled_at"].map(aware)
    upcoming = at_utc >= now
    active = pd.concat([active[upcoming].assign(_t=at_utc[upcoming]).sort_values("_t"),
                        active[~upcoming]])
    scored = set(table.loc[table["status"] == SeatStatus.submitted, "interview_id"])
    choices = {int(r.interview_id):
               f"{when(r.scheduled_at)} · {cand_names.get(r.candidate_id, r.candidate)}"
               + (" · " + _("scorecards in") if r.interview_id in scored else "")
               for r in active.itertuples(index=False)}
    # After a reschedule the label shows the new date (see current_choice).
    chosen = current_choice(_("Interview"), list(choices), format_func=choices.get,
                            key="iv_edit_choice")
    with db.session() as s:
        current = interview_form_data(s, viewer, chosen)
    local = current["scheduled_at"].astimezone(zone)
    user_names = {u["id"]: u["name"] for u in users}
    settings = [x.value for x in Setting]
    with st.form(f"edit_{chosen}"):
        c1, c2 = st.columns(2)
        day = c1.date_input(_("Date"), value=local.date(), key=f"ive_date_{chosen}",
                            format="YYYY-MM-DD")
        at = c2.time_input(_("Time"), value=local.time().replace(tzinfo=None),
                           key=f"ive_time_{chosen}")
        setting = st.selectbox(_("Setting"), settings, format_func=label,
                               index=settings.index(current["setting"])
                               if current["setting"] in settings else 0,
                               key=f"ive_setting_{chosen}")
        location = st.text_input(_("Place (optional)"), value=current["location"],
                                 key=f"ive_location_{chosen}")
        st.markdown(_("**Panel** (2 to 4 people)"))
        if current["started"]:
            st.caption(_("Panelists who have started their scorecard stay on the panel."))
        seats = panel_inputs(f"ive_{chosen}", user_names, current["panel"])
        if st.form_submit_button(_("Save changes"), type="primary",
                                 key=f"ive_submit_{chosen}"):
            payload = {"scheduled_at": datetime.combine(day, at, tzinfo=zone),
                       "setting": setting, "location": location, "panel": seats}
            about = f"interview edit {chosen}"
            try:
                ledger = flash.ledger()  # before the write (see ui.flash)
                with db.session() as s:
                    change = update_interview(s, viewer, chosen, payload)
                if change.changed:
                    ledger.done(_("Interview changed."), about=about, payload=payload)
                    tell_panel(change)
                elif ledger.again(about, payload) is None:  # not a double-click's second click
                    ledger.later(_("Nothing changed."))
                st.rerun()
            except InvalidInput as exc:
                show_problems(exc.problems, _("Interview not changed"))
    with st.expander(_("Cancel this interview"), icon=":material/event_busy:"):
        with st.form(f"cancel_{chosen}"):
            reason = st.text_input(_("Reason (kept in the audit trail)"),
                                   key=f"ivc_reason_{chosen}")
            sure = st.checkbox(_("Yes, cancel it and tell the panel"), key=f"ivc_sure_{chosen}")
            if st.form_submit_button(_("Cancel interview"), key=f"ivc_submit_{chosen}"):
                if not sure:
                    show_problems([_("Confirm: tick the box to cancel")],
                                  _("Interview not cancelled"))
                else:
                    try:
                        with db.session() as s:
                            change = cancel_interview(s, viewer, chosen, reason)
                        flash.later(_("Interview cancelled."))
                        tell_panel(change)
                        st.rerun()
                    except InvalidInput as exc:
                        show_problems(exc.problems, _("Interview not cancelled"))
