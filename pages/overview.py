"""Recruiters, admins, hiring managers: how the scorecards come in, per position and panelist."""

import streamlit as st

from models import Role
from services import i18n
from services.i18n import _, ngettext
from services.overview import TARGET, panelist_overview, position_overview
from ui import db
from ui.guard import require

viewer = require(Role.recruiter, Role.hiring_manager)

st.title(_("Overview"))
st.caption(_("Scorecards in, overdue seats and time to submit, per position and per panelist. "
             "Teams aim to submit {target} of scorecards within 24 hours of the interview."
             ).format(target=i18n.percent(TARGET)))
with db.session() as s:
    positions = position_overview(s, viewer=viewer)
    panelists = panelist_overview(s, viewer=viewer)
if positions.empty:
    st.info(_("No positions to show."))
    st.stop()


def _missing(value) -> bool:
    return value is None or value != value


def _meets(value) -> str:
    return "—" if _missing(value) else (_("yes") if value else _("no"))


def _agreement(value) -> str:
    # "panel agreement: low" -> "low" (the reading comes translated from the statistics).
    return "—" if _missing(value) else str(value).split(": ", 1)[-1]


def _submissions(frame):
    return {_("Scorecards in"): [_("{submitted} of {expected}").format(submitted=a, expected=b)
                                 for a, b in zip(frame["submitted"], frame["expected"],
                                                 strict=True)],
            _("Overdue seats"): frame["overdue"],
            _("Median hours to submit"): frame["median_hours"].map(
                lambda v: i18n.decimal(v, 1)),
            _("Within 24 h"): frame["within_24h"].map(i18n.percent),
            _("Meets target"): frame["meets_target"].map(_meets)}


st.subheader(_("Positions"))
st.dataframe({_("Position"): positions["position"], _("Candidates"): positions["candidates"],
              **_submissions(positions),
              _("Panel agreement"): positions["agreement"].map(_agreement),
              _("Leading group"): [
                  "—" if _missing(g) else _("{group} of {ranked} ranked").format(
                      group=int(g), ranked=int(n))
                  for g, n in zip(positions["leading_group"], positions["ranked"],
                                  strict=True)],
              _("Decisions"): positions["decisions"]},
             hide_index=True, width="stretch", key="overview_positions")
if not positions["managed"].all():
    st.caption(_("Panel agreement and the leading group show for the positions whose "
                 "dashboard you may open, from the candidates you may see there."))
st.caption(ngettext("{n} position.", "{n} positions.", len(positions)).format(
    n=len(positions)))

st.subheader(_("Panelists"))
if panelists.empty:
    st.caption(_("No panel seats yet."))
else:
    st.dataframe({_("Panelist"): panelists["panelist"], **_submissions(panelists)},
                 hide_index=True, width="stretch", key="overview_panelists")
