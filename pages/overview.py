"""Recruiters, admins, hiring managers: how the scorecards come in, per position and panelist."""

import streamlit as st

from models import Role
from services.overview import TARGET, panelist_overview, position_overview
from ui import db
from ui.guard import require
from ui.text import count

viewer = require(Role.recruiter, Role.hiring_manager)

st.title("Overview")
st.caption(f"Scorecards in, overdue seats and time to submit, per position and per panelist. "
           f"Teams aim to submit {TARGET:.0%} of scorecards within 24 hours of the interview.")
with db.session() as s:
    positions = position_overview(s, viewer=viewer)
    panelists = panelist_overview(s, viewer=viewer)
if positions.empty:
    st.info("No positions to show.")
    st.stop()


def _share(value) -> str:
    return "—" if value is None or value != value else f"{value:.0%}"


def _hours(value) -> str:
    return "—" if value is None or value != value else f"{value:.1f}"


def _submissions(frame):
    return {"Scorecards in": [f"{a} of {b}" for a, b in
                              zip(frame["submitted"], frame["expected"], strict=True)],
            "Overdue seats": frame["overdue"],
            "Median hours to submit": frame["median_hours"].map(_hours),
            "Within 24 h": frame["within_24h"].map(_share),
            "Meets target": frame["meets_target"].map(
                lambda v: "—" if v is None or v != v else ("yes" if v else "no"))}


st.subheader("Positions")
st.dataframe({"Position": positions["position"], "Candidates": positions["candidates"],
              **_submissions(positions),
              "Panel agreement": positions["agreement"].map(
                  lambda v: "—" if v is None else str(v).removeprefix("panel agreement: ")),
              "Leading group": [
                  "—" if g is None or g != g else f"{int(g)} of {int(n)} ranked"
                  for g, n in zip(positions["leading_group"], positions["ranked"],
                                  strict=True)],
              "Decisions": positions["decisions"]},
             hide_index=True, width="stretch", key="overview_positions")
if not positions["managed"].all():
    st.caption("Panel agreement and the leading group show for the positions whose dashboard "
               "you may open, from the candidates you may see there.")
st.caption(f"{count(len(positions), 'position')}.")

st.subheader("Panelists")
if panelists.empty:
    st.caption("No panel seats yet.")
else:
    st.dataframe({"Panelist": panelists["panelist"], **_submissions(panelists)},
                 hide_index=True, width="stretch", key="overview_panelists")
