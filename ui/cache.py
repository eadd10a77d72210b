"""Cached dashboard data, keyed by who is looking and by a change marker of the database.

The marker is read from the database on every run (a handful of indexed aggregates, see
services.board.change_marker), so a submission, amendment, decision or consensus made through
any app server shows on the next run of every other one. The viewer (id, roles, granted
positions) is part of the key and the cached function still calls load_board with that viewer,
so the blind-scoring rule applies exactly as without the cache. The time-to-live bounds what the
marker cannot see: an in-place edit of a candidate's name or stage. The language is part of
the key too: the board carries precomputed sentences and tables in words.
"""

import pandas as pd
import streamlit as st

from models import Position
from services import calibration
from services.auth import Viewer
from services.board import Board, change_marker, load_board, precompute
from services.errors import NotAllowed
from services.i18n import current_language
from ui import db
from ui.widgets import pick_position

TTL_SECONDS = 600


# A resource cache, not a data cache: every run gets the same Board object back (no copy), so
# what Board.remember keeps on it (sentences, tables, plotly figures) is built once per board,
# not once per run. Pages never change a board; Board.remember hands out copies of its tables.
@st.cache_resource(show_spinner=False, max_entries=256, ttl=TTL_SECONDS)
def _board(url: str, position_id: int, position_fingerprint: str, viewer: Viewer,
           marker: tuple, language: str) -> Board:
    del url, position_fingerprint, marker, language  # part of the key only
    with db.session() as s:
        board = load_board(s, position_id, viewer)
    # Reliability, weight sensitivity and the ranking table travel with the cached board, so
    # a rerun (a click on a tab or a candidate) recomputes none of them.
    return precompute(board)


@st.cache_data(show_spinner=False, max_entries=64, ttl=TTL_SECONDS)
def _leniency(url: str, viewer: Viewer, marker: tuple) -> tuple[pd.DataFrame, int]:
    del url, marker
    with db.session() as s:
        return calibration.leniency(s, viewer=viewer), calibration.min_shared(s)


def board(position, viewer: Viewer) -> Board:
    """load_board for this viewer, recomputed only when the database changed since."""
    with db.session() as s:
        marker = change_marker(s)
    # The position row the page just read: an edit of its band or tasks shows at once.
    fingerprint = position.model_dump_json()
    # The language is part of the key: the precomputed sentences and tables are in words.
    return _board(db.url(), position.id, fingerprint, viewer, marker, current_language())


def figure(board: Board, name: str, build):
    """A figure built once per board and language (a fragment's rerun keeps its board, so
    switching candidate or tab rebuilds no figure already drawn)."""
    return board.remember(f"figure:{name}:{current_language()}", build)


def leniency(viewer: Viewer) -> tuple[pd.DataFrame, int]:
    """calibration.leniency for this viewer and the trust threshold, recomputed only after a
    change."""
    with db.session() as s:
        marker = change_marker(s)
    return _leniency(db.url(), viewer, marker)


def picked_board(positions: list[Position], viewer: Viewer) -> tuple[Position, Board]:
    """The position picked from `positions` and its board for the viewer; the page stops there
    when there is none to pick or the viewer may not see it (the reason shown)."""
    position = pick_position(positions)
    if position is None:
        st.stop()
    try:
        return position, board(position, viewer)
    except NotAllowed as exc:
        st.error(str(exc))
        st.stop()
