"""Recruiter: scorecards not submitted a day after the interview, and reminders by email."""

import pandas as pd
import streamlit as st

from models import Role
from services.errors import InvalidInput
from services.i18n import _, datetime_, ngettext
from services.mailer import smtp_config
from services.overdue import RESEND_AFTER, app_base_url, overdue_scorecards, send_reminders
from services.scorecards import describe_status
from ui import db, secrets
from ui.guard import require
from ui.widgets import rows_or_stop, show_problems

viewer = require(Role.recruiter)


def link_base() -> str:
    """Where the reminders' links point: SECONDLOOK_APP_URL, else the address in this browser."""
    here = (st.context.url or "").split("?", 1)[0].rstrip("/")
    return app_base_url() or (here.removesuffix("/overdue") if here else "")


def when(value) -> str:
    """A date and time as people read it, in their language and time zone."""
    if value is None or pd.isna(value):
        return "—"
    return datetime_(value.to_pydatetime() if isinstance(value, pd.Timestamp) else value)


st.title(_("Overdue scorecards"))
st.caption(_("Panel seats whose scorecard is not submitted 24 hours after the interview."))
table = rows_or_stop(lambda s: overdue_scorecards(s, viewer), _("No overdue scorecards."),
                     st.success)
st.dataframe(
    table.assign(interview=table["scheduled_at"].map(when),
                 status=table["status"].map(describe_status),
                 reminded=table["reminded_at"].map(when))
    [["panelist", "candidate", "position", "interview", "hours_overdue", "status", "reminded"]]
    .rename(columns={"panelist": _("Panelist"), "candidate": _("Candidate"),
                     "position": _("Position"), "interview": _("Interview"),
                     "hours_overdue": _("Hours overdue"), "status": _("Status"),
                     "reminded": _("Reminded")}),
    hide_index=True, width="stretch",
)
config = smtp_config(secrets.section("smtp"))
if config is None:
    st.info(_("No mail server is configured ([smtp] in secrets or SECONDLOOK_SMTP_HOST), so "
              "reminders cannot be sent from here."))
    st.stop()
st.caption(_("Reminders go through {host}:{port}; a panelist reminded in the last {hours} hours "
             "is not reminded again.").format(host=config.host, port=config.port,
                                               hours=int(RESEND_AFTER.total_seconds() // 3600)))
if st.button(_("Send reminders"), type="primary", key="overdue_send", icon=":material/mail:"):
    try:
        with db.session() as s:
            result = send_reminders(s, viewer, config, app_url=link_base())
    except InvalidInput as exc:
        show_problems(exc.problems, _("No reminder sent"))
    else:
        st.success(ngettext("{n} reminder sent.", "{n} reminders sent.",
                            len(result.sent)).format(n=len(result.sent)))
        if result.sent:
            st.text("\n".join(result.sent))
        if result.skipped:
            st.caption(_("Not reminded:"))
            st.text("\n".join(result.skipped))
        if result.failed:
            show_problems(result.failed, _("Not delivered"))
