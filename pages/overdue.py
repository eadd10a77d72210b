"""Recruiter: scorecards not submitted a day after the interview, and reminders by email."""

import streamlit as st

from models import Role
from services.errors import InvalidInput
from services.mailer import smtp_config
from services.overdue import RESEND_AFTER, app_base_url, overdue_scorecards, send_reminders
from services.scorecards import describe_status
from ui import db, secrets
from ui.guard import require
from ui.text import count
from ui.widgets import show_problems, when

viewer = require(Role.recruiter)


def link_base() -> str:
    """Where the reminders' links point: SECONDLOOK_APP_URL, else the address in this browser."""
    here = (st.context.url or "").split("?", 1)[0].rstrip("/")
    return app_base_url() or (here.removesuffix("/overdue") if here else "")


st.title("Overdue scorecards")
st.caption("Panel seats whose scorecard is not submitted 24 hours after the interview.")
with db.session() as s:
    table = overdue_scorecards(s, viewer)
if table.empty:
    st.success("No overdue scorecards.")
    st.stop()
st.dataframe(
    table.assign(interview=table["scheduled_at"].map(when),
                 status=table["status"].map(describe_status),
                 reminded=table["reminded_at"].map(lambda v: "—" if v is None else when(v)))
    [["panelist", "candidate", "position", "interview", "hours_overdue", "status", "reminded"]]
    .rename(columns=lambda c: c.replace("_", " ").capitalize()),
    hide_index=True, width="stretch",
)
config = smtp_config(secrets.section("smtp"))
if config is None:
    st.info("No mail server is configured ([smtp] in secrets or SECONDLOOK_SMTP_HOST), so "
            "reminders cannot be sent from here.")
    st.stop()
st.caption(f"Reminders go through {config.host}:{config.port}; a panelist reminded in the last "
           f"{int(RESEND_AFTER.total_seconds() // 3600)} hours is not reminded again.")
if st.button("Send reminders", type="primary", key="overdue_send", icon=":material/mail:"):
    try:
        with db.session() as s:
            result = send_reminders(s, viewer, config, app_url=link_base())
    except InvalidInput as exc:
        show_problems(exc.problems, "No reminder sent")
    else:
        st.success(f"{count(len(result.sent), 'reminder')} sent.")
        if result.sent:
            st.text("\n".join(result.sent))
        if result.skipped:
            st.caption("Not reminded:")
            st.text("\n".join(result.skipped))
        if result.failed:
            show_problems(result.failed, "Not delivered")
