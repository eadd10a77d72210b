"""Panelist calibration: leniency over all history and the ranking adjusted for it."""

import pandas as pd
import streamlit as st

from models import Role
from services import calibration
from services.i18n import _, decimal, signed
from services.positions import dashboard_positions
from ui import cache, charts, db
from ui.guard import require

viewer = require(Role.hiring_manager)

st.title(_("Calibration"))
st.caption(_("Some panelists score everyone higher, others lower. Leniency is a panelist's "
             "average offset from colleagues who scored the same candidates on the same "
             "criteria, over all history, on a 1–5 footing. Adjusted scores remove it; they "
             "are shown beside the raw scores and never replace them. You see leniency computed "
             "only from the scorecards you may see yourself, so it can differ from what a "
             "colleague with other positions sees."))
table, needed = cache.leniency(viewer)
with db.session() as s:
    positions = dashboard_positions(s, viewer)
if table.empty:
    st.info(_("No submitted scorecards yet."))
    st.stop()

not_enough = _("not enough data")
shown = table.assign(
    Leniency=table.apply(lambda r: signed(r["leniency"]) if r["enough_data"] else
                         not_enough, axis=1),
    # No interval without enough data: it would look like information it is not.
    Interval=table.apply(lambda r: "" if not r["enough_data"] or pd.isna(r["ci_low"]) else
                         _("{low} to {high}").format(low=signed(r["ci_low"]),
                                                     high=signed(r["ci_high"])), axis=1),
    Effective=table["n_effective"].map(lambda v: decimal(v, 1)),
)[["panelist", "Leniency", "Interval", "n_shared", "Effective", "n_pairs"]].rename(columns={
    "panelist": _("Panelist"), "Leniency": _("Leniency"), "Interval": _("95% interval"),
    "n_shared": _("Shared candidates"), "Effective": _("Effective shared candidates"),
    "n_pairs": _("Scores compared")})
st.dataframe(shown, hide_index=True, width="stretch", key="leniency_table")
st.caption(_("A panelist needs {needed} candidates shared with other panelists, in a group of "
             "at least three, and effective shared candidates (shared candidates discounted "
             "when their colleagues rarely sit with the rest of the organisation) at least half "
             "the shared ones before their leniency is used; below that the table says “not "
             "enough data”, shows no interval, and nothing is adjusted.").format(needed=needed))
charts.show(charts.leniency(table), key="leniency_chart",
            alt=_("Each panelist's leniency with its 95% interval"),
            summary=_("Text version: the table above lists each panelist's leniency and "
                      "interval; open points in the chart are panelists without enough data."))

st.subheader(_("Ranking, raw and adjusted"))
position, board = cache.picked_board(positions, viewer)
both = calibration.adjusted_summary(board, table)
st.dataframe(both.drop(columns="candidate_id").round(2).rename(columns={
    "candidate": _("Candidate"), "overall_raw": _("Raw overall"), "rank_raw": _("Raw rank"),
    "tie_group_raw": _("Raw tie group"), "overall_adjusted": _("Adjusted overall"),
    "rank_adjusted": _("Adjusted rank"), "tie_group_adjusted": _("Adjusted tie group")}),
    hide_index=True, width="stretch", key="adjusted_table")
