"""Candidate data: export everything held on a candidate; erase it; retention review."""

import json

import pandas as pd
import streamlit as st

from models import Role, label
from services.access import is_admin
from services.errors import NotAllowed, NotFound
from services.i18n import _, datetime_
from services.privacy import erase_candidate, export_candidate, past_retention, retention_days
from ui import db
from ui.guard import require
from ui.pickers import labels_for
from ui.widgets import pick_candidates

viewer = require(Role.recruiter)
admin = is_admin(viewer)

# The word typed to confirm an erasure: the same in every language, so it is never translated.
CONFIRM_WORD = "ERASE"

st.title(_("Candidate data"))
st.caption(_("What Second Look holds on a candidate: export it for them, or erase it."))
positions, position, candidates = pick_candidates(viewer)
if not candidates:
    st.info(_("No candidates for this position."))
else:
    labels = labels_for(candidates, positions)  # name · position, as every picker says
    chosen = st.selectbox(_("Candidate"), list(labels), format_func=labels.get,
                          key="privacy_candidate")
    if st.button(_("Prepare the export"), key="privacy_export", icon=":material/download:"):
        with db.session() as s:
            data = export_candidate(s, chosen, viewer=viewer)
        if data.get("withheld"):
            st.info(data["withheld"])
        st.download_button(_("Download JSON"), json.dumps(data, ensure_ascii=False, indent=2),
                           file_name=f"candidate-{chosen}.json", mime="application/json",
                           key="privacy_download")
    if admin:
        with st.expander(_("Erase this candidate"), icon=":material/delete_forever:"):
            st.warning(_("Erasing removes the candidate, their interviews, scorecards, scores, "
                         "notes, decisions and consensus for good. The audit trail keeps only "
                         "that an erasure happened."))
            confirm = st.text_input(_("Type {word} to confirm").format(word=CONFIRM_WORD),
                                    key="privacy_confirm")
            if st.button(_("Erase"), type="primary", key="privacy_erase"):
                if confirm != CONFIRM_WORD:
                    st.error(_("Not erased: type {word} to confirm.").format(word=CONFIRM_WORD))
                else:
                    try:
                        with db.session() as s:
                            erase_candidate(s, chosen, viewer=viewer)
                        st.session_state.pop("privacy_candidate", None)
                        st.success(_("Candidate erased."))
                        st.rerun()
                    except (NotAllowed, NotFound) as exc:
                        st.error(str(exc))

if admin:
    st.subheader(_("Past the retention period"))
    with db.session() as s:
        days = retention_days(s)
        due = past_retention(s, viewer=viewer)
    if days <= 0:
        st.caption(_("No retention period is set (Settings)."))
    elif due.empty:
        st.caption(_("No candidate's last activity is older than {days} days.").format(days=days))
    else:
        st.caption(_("Last activity older than {days} days: erase them above, position by "
                     "position.").format(days=days))
        st.dataframe(pd.DataFrame({_("Candidate"): due["name"], _("Position"): due["position"],
                                   _("Stage"): due["stage"].map(label),
                                   _("Last activity"): due["last_activity"].map(
                                       lambda v: datetime_(pd.Timestamp(v).to_pydatetime()))}),
                     hide_index=True, width="stretch", key="retention_table")
