"""The hiring manager's dashboard: ranking, one candidate's panel, comparison, decision.

Speed (issue 12): the board comes from ui.cache (per viewer and data version, its figures built
once); the tabs (ui.dashboard_tabs) are one fragment that draws only the open tab.
"""

import pandas as pd
import streamlit as st

from models import Role
from services.i18n import _, money, number
from services.positions import dashboard_positions
from ui import cache, db, flash
from ui.dashboard_tabs import ranking_view, tab_area
from ui.guard import require
from ui.pickers import candidate_labels
from ui.text import Stat, html_stats, md_escape

viewer = require(Role.hiring_manager)

with db.session() as s:
    positions = dashboard_positions(s, viewer)
st.title(_("Dashboard"))
flash.show()
position, board = cache.picked_board(positions, viewer)

scale = (board.scale_min, board.scale_max)
st.caption(_("{team} · salary band {low} – {high} · scale {min} to {max} · disagreement at "
             "{fraction} of the scale's span ({points} points)").format(
    team=md_escape(position.team), low=money(position.salary_min, position.currency),
    high=money(position.salary_max, position.currency), min=scale[0], max=scale[1],
    fraction=number(board.fraction, 2).rstrip("0").rstrip(",."),
    points=number(board.fraction * (scale[1] - scale[0]), 1).rstrip("0").rstrip(",.")))
table = ranking_view(board)
scored = board.summary["overall"].notna()
flagged = board.summary.get("n_disagreements", pd.Series(0, index=board.summary.index)).fillna(
    0).gt(0) | board.summary.get("split_recommendation", pd.Series(False, index=board.summary
                                                                   .index)).fillna(False)
st.html(html_stats([
    Stat(_("Candidates"), number(len(board.candidates))),
    Stat(_("Scorecards in"), _("{n} of {total}").format(
        n=number(int(board.candidates["submitted"].sum())),
        total=number(int(board.candidates["expected"].sum())))),
    Stat(_("To discuss"), number(int((scored & flagged).sum()))),
    Stat(_("Decided"), number(int(board.candidates["decision"].notna().sum())))],
    kind="sl-position-figures"))

ids = table["candidate_id"].tolist()  # in ranking order
names = candidate_labels(
    (cid, name, position.title, None)
    for cid, name in zip(board.candidates["candidate_id"], board.candidates["name"],
                         strict=True))

tab_area(board, table, ids, names, viewer)
