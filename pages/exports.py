"""Hiring manager: take a position away — scores (CSV, Excel), comparison, PDF debrief pack."""

import streamlit as st

from models import Role
from services.errors import NotAllowed
from services.exports import comparison_csv, file_stem, scores_csv, scores_xlsx
from services.pdf_pack import debrief_pack
from services.positions import dashboard_positions
from ui import db
from ui.guard import require
from ui.widgets import pick_position

viewer = require(Role.hiring_manager)

st.title("Exports")
with db.session() as s:
    positions = dashboard_positions(s, viewer)
position = pick_position(positions, key="exp_position")
if position is None:
    st.stop()
slug = file_stem(position.title)
try:
    with db.session() as s:
        csv_bytes = scores_csv(s, viewer, position.id)
        xlsx_bytes = scores_xlsx(s, viewer, position.id)
        table_bytes = comparison_csv(s, viewer, position.id)
except NotAllowed as exc:
    st.error(str(exc))
    st.stop()

st.caption("Scores of candidates whose panel you sit on and have not yet scored are left out "
           "until you submit your own scorecard.")
c1, c2, c3 = st.columns(3)
c1.download_button("Scores (CSV, import format)", csv_bytes, f"{slug}-scores.csv",
                   mime="text/csv", key="exp_csv", icon=":material/table:")
c2.download_button("Scores and summary (Excel)", xlsx_bytes, f"{slug}-scores.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   key="exp_xlsx", icon=":material/grid_on:")
c3.download_button("Comparison table (CSV)", table_bytes, f"{slug}-comparison.csv",
                   mime="text/csv", key="exp_table", icon=":material/compare:")

st.subheader("Debrief pack (PDF)")
st.caption("Per candidate: scores, charts, who said what, disagreements, tasks no one probed, "
           "salary against the band, decision.")
packs = st.session_state.setdefault("exp_pdf", {})
if st.button("Build the PDF pack", key="exp_pdf_build", icon=":material/picture_as_pdf:"):
    with st.spinner("Building the pack…"), db.session() as s:
        packs[position.id] = debrief_pack(s, viewer, position.id)
if position.id in packs:
    st.download_button("Download the PDF pack", packs[position.id], f"{slug}-debrief.pdf",
                       mime="application/pdf", key="exp_pdf", type="primary",
                       icon=":material/download:")
