"""Panelist calibration: leniency over all history and the ranking adjusted for it."""

import pandas as pd
import streamlit as st

from models import Role
from services import calibration
from services.errors import NotAllowed
from services.positions import dashboard_positions
from ui import cache, charts, db
from ui.guard import require
from ui.widgets import pick_position

viewer = require(Role.hiring_manager)

st.title("Calibration")
st.caption("Some panelists score everyone higher, others lower. Leniency is a panelist's "
           "average offset from colleagues who scored the same candidates on the same "
           "criteria, over all history, on a 1–5 footing. Adjusted scores remove it; they are "
           "shown beside the raw scores and never replace them. You see leniency computed only "
           "from the scorecards you may see yourself, so it can differ from what a colleague "
           "with other positions sees.")
table, needed = cache.leniency(viewer)
with db.session() as s:
    positions = dashboard_positions(s, viewer)
if table.empty:
    st.info("No submitted scorecards yet.")
    st.stop()

shown = table.assign(
    Leniency=table.apply(lambda r: f"{r['leniency']:+.2f}" if r["enough_data"] else
                         "not enough data", axis=1),
    # No interval without enough data: it would look like information it is not.
    Interval=table.apply(lambda r: "" if not r["enough_data"] or pd.isna(r["ci_low"]) else
                         f"{r['ci_low']:+.2f} to {r['ci_high']:+.2f}", axis=1),
    Effective=table["n_effective"].round(1),
)[["panelist", "Leniency", "Interval", "n_shared", "Effective", "n_pairs"]].rename(columns={
    "panelist": "Panelist", "n_shared": "Shared candidates",
    "Effective": "Effective shared candidates", "n_pairs": "Scores compared"})
st.dataframe(shown, hide_index=True, width="stretch", key="leniency_table")
st.caption(f"A panelist needs {needed} candidates shared with other panelists, in a group of at "
           "least three, and effective shared candidates (shared candidates discounted when "
           "their colleagues rarely sit with the rest of the organisation) at least half the "
           "shared ones before their leniency is used; below that the table says \"not enough "
           "data\", shows no interval, and nothing is adjusted.")
st.plotly_chart(charts.leniency(table), key="leniency_chart")

st.subheader("Ranking, raw and adjusted")
position = pick_position(positions)
if position is None:
    st.stop()
try:
    board = cache.board(position, viewer)
except NotAllowed as exc:
    st.error(str(exc))
    st.stop()
both = calibration.adjusted_summary(board, table)
st.dataframe(both.drop(columns="candidate_id").round(2).rename(columns={
    "candidate": "Candidate", "overall_raw": "Raw overall", "rank_raw": "Raw rank",
    "tie_group_raw": "Raw tie group", "overall_adjusted": "Adjusted overall",
    "rank_adjusted": "Adjusted rank", "tie_group_adjusted": "Adjusted tie group"}),
    hide_index=True, width="stretch", key="adjusted_table")
