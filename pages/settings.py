"""Admin: settings stored with the data (blind-scoring visibility, thresholds, retention)."""

import streamlit as st

from models import Role
from services.errors import InvalidInput
from services.settings import PANEL_VISIBILITY, editable_settings, update_settings
from ui import db
from ui.guard import require
from ui.text import count
from ui.widgets import show_problems

viewer = require(Role.admin)

VISIBILITY = {"after_submit": "After they submitted their own scorecard (recommended)",
              "always": "Always, even before they submit", "never": "Never"}

st.title("Settings")
with db.session() as s:
    current = editable_settings(s, viewer)
with st.form("settings"):
    visibility = st.radio("When panelists see their colleagues' scores for a candidate",
                          PANEL_VISIBILITY, format_func=VISIBILITY.get, key="set_visibility",
                          index=PANEL_VISIBILITY.index(current["panel_visibility"]))
    fraction = st.text_input("Disagreement threshold (fraction of the scale's span)",
                             value=current["disagreement_fraction"], key="set_fraction")
    shared = st.text_input("Shared candidates before a panelist's leniency is used",
                           value=current["calibration_min_shared"], key="set_min_shared")
    retention = st.text_input("Keep candidate data for (days after last activity; 0: no limit)",
                              value=current["retention_days"], key="set_retention")
    if st.form_submit_button("Save settings", type="primary", key="set_submit"):
        try:
            with db.session() as s:
                changed = update_settings(s, viewer, {
                    "panel_visibility": visibility, "disagreement_fraction": fraction,
                    "calibration_min_shared": shared, "retention_days": retention})
            st.success(f"Saved: {count(len(changed), 'setting')} changed." if changed
                       else "Nothing changed.")
        except InvalidInput as exc:
            show_problems(exc.problems, "Settings not saved")
