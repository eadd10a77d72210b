"""The panel's view of one candidate, for a panelist who has submitted their own scorecard."""

import streamlit as st

from services.auth import Viewer
from services.board import load_candidate_panel
from services.errors import NotAllowed
from services.i18n import _
from ui import candidate_view, db


def show(candidate_id: int, viewer: Viewer) -> None:
    """The panel's scores for the candidate, or why they are not shown yet."""
    st.header(_("The panel's view"))
    try:
        with db.session() as s:
            board = load_candidate_panel(s, candidate_id, viewer)
    except NotAllowed as exc:
        st.info(str(exc))
        return
    candidate_view.render(board, candidate_id, viewer)
