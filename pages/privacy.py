"""Candidate data: export everything held on a candidate; erase it; retention review."""

import json

import pandas as pd
import streamlit as st

from models import Role, label
from services.access import is_admin
from services.candidates import list_candidates
from services.errors import NotAllowed, NotFound
from services.positions import visible_positions
from services.privacy import erase_candidate, export_candidate, past_retention, retention_days
from ui import db
from ui.guard import require
from ui.widgets import pick_position, when

viewer = require(Role.recruiter)
admin = is_admin(viewer)

st.title("Candidate data")
st.caption("What Second Look holds on a candidate: export it for them, or erase it.")
with db.session() as s:
    positions = visible_positions(s, viewer)
position = pick_position(positions)
if position is None:
    st.stop()
with db.session() as s:
    candidates = list_candidates(s, viewer, position.id)
if not candidates:
    st.info("No candidates for this position.")
else:
    by_id = {c.id: c for c in candidates}
    chosen = st.selectbox("Candidate", list(by_id), format_func=lambda i: by_id[i].name,
                          key="privacy_candidate")
    if st.button("Prepare the export", key="privacy_export", icon=":material/download:"):
        with db.session() as s:
            data = export_candidate(s, chosen, viewer=viewer)
        if data.get("withheld"):
            st.info(data["withheld"])
        st.download_button("Download JSON", json.dumps(data, ensure_ascii=False, indent=2),
                           file_name=f"candidate-{chosen}.json", mime="application/json",
                           key="privacy_download")
    if admin:
        with st.expander("Erase this candidate", icon=":material/delete_forever:"):
            st.warning("Erasing removes the candidate, their interviews, scorecards, scores, "
                       "notes, decisions and consensus for good. The audit trail keeps only "
                       "that an erasure happened.")
            confirm = st.text_input("Type ERASE to confirm", key="privacy_confirm")
            if st.button("Erase", type="primary", key="privacy_erase"):
                if confirm != "ERASE":
                    st.error("Not erased: type ERASE to confirm.")
                else:
                    try:
                        with db.session() as s:
                            erase_candidate(s, chosen, viewer=viewer)
                        st.session_state.pop("privacy_candidate", None)
                        st.success("Candidate erased.")
                        st.rerun()
                    except (NotAllowed, NotFound) as exc:
                        st.error(str(exc))

if admin:
    st.subheader("Past the retention period")
    with db.session() as s:
        days = retention_days(s)
        due = past_retention(s, viewer=viewer)
    if days <= 0:
        st.caption("No retention period is set (Settings).")
    elif due.empty:
        st.caption(f"No candidate's last activity is older than {days} days.")
    else:
        st.caption(f"Last activity older than {days} days: erase them above, position by "
                   "position.")
        st.dataframe(pd.DataFrame({"Candidate": due["name"], "Position": due["position"],
                                   "Stage": due["stage"].map(label),
                                   "Last activity": due["last_activity"].map(when)}),
                     hide_index=True, width="stretch", key="retention_table")
