"""Panel agreement, weight sensitivity, consensus and calibration, as shown to people."""

import pandas as pd
import streamlit as st

from models import ConsensusInput
from services import stats
from services.board import Board, criterion_reliability, reliability, sensitivity
from services.consensus import consensus_beside_independent, record_consensus
from services.errors import InvalidInput, NotAllowed
from ui import db
from ui.text import count, md_escape
from ui.widgets import show_problems


def _fmt(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.2f}"


def agreement(board: Board) -> None:
    """Reliability of the panel's overall scores, with its plain-language reading."""
    rel = reliability(board)
    st.subheader("Panel agreement")
    st.markdown(f"**{rel['reading'].capitalize()}** — over {rel['n_candidates']} candidates "
                f"scored by two or more of {rel['n_panelists']} panelists.")
    c = st.columns(3)
    c[0].metric("Alpha, interval", _fmt(rel["alpha_interval"]),
                help="Krippendorff's alpha: 1 = perfect agreement, 0 = no better than chance. "
                     "0.8 and above is reliable; 0.667 to 0.8 allows tentative conclusions.")
    c[1].metric("Alpha, ordinal", _fmt(rel["alpha_ordinal"]),
                help="Krippendorff's alpha treating scores as ranks only.")
    c[2].metric("ICC(2,1)", _fmt(rel["ICC2"]),
                help="Intraclass correlation (Shrout & Fleiss 1979); only when every panelist "
                     "scored every candidate.")
    if rel["crossed"]:
        st.dataframe(pd.DataFrame([{k: _fmt(rel[k]) for k in stats.ICC_TYPES}]),
                     hide_index=True)
    else:
        st.caption("ICCs need every panelist to score every candidate; these panels differ "
                   "per candidate, so alpha (which allows that) is the measure here.")
    by_crit = criterion_reliability(board)
    if not by_crit.empty:
        names = dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))
        with st.expander("Agreement per criterion"):
            st.dataframe(by_crit.assign(criterion=by_crit["criterion_id"].map(names))[
                ["criterion", "alpha_interval", "alpha_ordinal", "n_candidates", "reading"]],
                hide_index=True, width="stretch")


def weights(board: Board) -> None:
    """Whether the top of the ranking survives ±20% on any one criterion's weight."""
    result = sensitivity(board)
    st.subheader("Weight sensitivity")
    if not result["baseline_top"]:
        st.caption("No scores yet.")
    elif result["stable"]:
        st.success(f"{md_escape(result['baseline_names'][0])} stays on top when any one "
                   "criterion's weight moves by ±20%.")
    else:
        st.warning(f"The top depends on the weights: {md_escape(result['baseline_names'][0])} "
                   f"leads now, but {count(len(result['changes']), 'change')} of ±20% on one "
                   "criterion put someone else on top.")
        st.text("\n".join(result["sentences"]))


def consensus(board: Board, candidate_id: int, viewer) -> None:
    """Consensus scores beside the independent ones, and the form to record them."""
    from ui import flash  # imported here: this function is the only user in this module

    st.subheader("Consensus after the debrief")
    scores = board.scores[board.scores["candidate_id"] == candidate_id]
    agreed = board.consensus[board.consensus["candidate_id"] == candidate_id]
    table = consensus_beside_independent(scores, agreed, board.criteria)
    st.dataframe(
        table.rename(columns={"name": "Criterion", "independent_mean": "Independent mean",
                              "low": "Lowest", "high": "Highest", "consensus": "Consensus",
                              "change": "Change", "note": "Note"}).drop(columns="criterion_id")
        .round(2), hide_index=True, width="stretch")
    names = dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))
    with st.form(f"consensus_{candidate_id}", clear_on_submit=True):
        crit = st.selectbox("Criterion", list(names), format_func=names.get,
                            key="consensus_criterion")
        # No default: an agreed score is typed by someone who agreed it, never pre-filled.
        value = st.number_input(f"Agreed score ({board.scale_min} to {board.scale_max})",
                                min_value=board.scale_min, max_value=board.scale_max, step=1,
                                value=None, placeholder="type the score the panel agreed",
                                key="consensus_value")
        note = st.text_input("Note (optional)", key="consensus_note")
        if st.form_submit_button("Record consensus", key="consensus_submit"):
            try:
                if value is None:
                    raise InvalidInput("Agreed score: type the score the panel agreed")
                with db.session() as s:
                    record_consensus(s, viewer, ConsensusInput(
                        candidate_id=candidate_id, criterion_id=crit, value=int(value),
                        note=note))
                flash.later(f"Consensus on {names[crit]} recorded: {int(value)}.")
                for key in ("consensus_value", "consensus_note"):  # no value carried over
                    st.session_state.pop(key, None)
                st.rerun()
            except (InvalidInput, NotAllowed) as exc:
                show_problems(getattr(exc, "problems", [str(exc)]), "Consensus not recorded")
