"""Hiring manager: take a position away — scores (CSV, Excel), comparison, PDF debrief pack.

Every file is built when its button is clicked (Streamlit's deferred download: `data` is a
function), so a rerun of this page builds nothing, each download packs the data as it is at that
moment (a submission made a minute ago is in it), and no widget key doubles as a store.
"""

import streamlit as st

from models import Role
from services.db import session_scope
from services.errors import NotAllowed
from services.exports import (
    comparison_csv,
    file_stem,
    position_for_export,
    scores_csv,
    scores_xlsx,
)
from services.i18n import _, current_language, current_time_zone, language
from services.pdf_pack import debrief_pack
from services.positions import dashboard_positions
from ui import db
from ui.guard import require
from ui.widgets import pick_position, while_building

viewer = require(Role.hiring_manager)

st.title(_("Exports"))
with db.session() as s:
    positions = dashboard_positions(s, viewer)
position = pick_position(positions, key="exp_position")
if position is None:
    st.stop()
try:
    with db.session() as s:
        position_for_export(s, viewer, position.id)
except NotAllowed as exc:
    st.error(str(exc))
    st.stop()
slug = file_stem(position.title)
url = db.url()
position_id = position.id


reader_language, reader_zone = current_language(), current_time_zone().key


def _deferred(build):
    """A function the download calls on click: the file from the database as it is then, in
    the reader's language (the call may run outside this script run, so it is passed on)."""
    def make() -> bytes:
        with language(reader_language, reader_zone), session_scope(url) as s:
            return build(s, viewer, position_id)
    return make


st.caption(_("Scores of candidates whose panel you sit on and have not yet scored are left "
             "out until you submit your own scorecard. Each file is made when you click, from "
             "the scores as they are at that moment."))
c1, c2, c3 = st.columns(3)
c1.download_button(_("Scores (CSV, import format)"), _deferred(scores_csv), f"{slug}-scores.csv",
                   mime="text/csv", key="exp_csv", icon=":material/table:", on_click="ignore")
c2.download_button(_("Scores and summary (Excel)"), _deferred(scores_xlsx), f"{slug}-scores.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   key="exp_xlsx", icon=":material/grid_on:", on_click="ignore")
c3.download_button(_("Comparison table (CSV)"), _deferred(comparison_csv),
                   f"{slug}-comparison.csv", mime="text/csv", key="exp_table",
                   icon=":material/compare:", on_click="ignore")

st.subheader(_("Debrief pack (PDF)"))
st.caption(_("Per candidate: scores, charts, who said what, disagreements, tasks no one "
             "probed, salary against the band, decision. Building it takes a few seconds."))
st.download_button(_("Download the PDF pack"), _deferred(debrief_pack), f"{slug}-debrief.pdf",
                   mime="application/pdf", key="exp_pdf_download", type="primary",
                   icon=":material/picture_as_pdf:", on_click="ignore")
while_building("exp_pdf_download", _("Building the PDF pack… this takes a few seconds; the "
                                     "download starts by itself."))
