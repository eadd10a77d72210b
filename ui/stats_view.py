"""Panel agreement, weight sensitivity, consensus and calibration, as shown to people."""

import numpy as np
import pandas as pd
import streamlit as st

from models import ConsensusInput
from services import stats
from services.board import (
    Board,
    criterion_reliability,
    ranking_statement,
    reliability,
    sensitivity,
)
from services.consensus import consensus_beside_independent, record_consensus
from services.errors import InvalidInput, NotAllowed
from ui import db
from ui.text import count, md_escape
from ui.widgets import show_problems


def _fmt(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.2f}"


ADVICE = {
    "high": "Panel agreement is high: panelists largely agree on who is stronger, so the "
            "scores can be compared with confidence.",
    "moderate": "Panel agreement is moderate: draw only tentative conclusions, and discuss "
                "the criteria with the lowest agreement below before deciding.",
    "low": "Panel agreement is low: discuss the criteria below before deciding.",
    "not enough data": "Not enough data to judge panel agreement yet: it needs two or more "
                       "candidates each scored by two or more panelists.",
}
ICC_NAMES = {"ICC1": "ICC(1,1)", "ICC2": "ICC(2,1)", "ICC3": "ICC(3,1)", "ICC1k": "ICC(1,k)",
             "ICC2k": "ICC(2,k)", "ICC3k": "ICC(3,k)"}


def _level(reading: str) -> str:
    """'panel agreement: low' -> 'low'."""
    return reading.split(": ", 1)[-1]


def ranking_notes(board: Board) -> None:
    """The sentence on what the scores settle, and how to read the ranking's columns."""
    st.markdown(f"**{md_escape(ranking_statement(board))}**")
    prior = board.prior
    history = (f"the organisation's history ({count(prior.n_candidates, 'candidate')})"
               if prior.source == "history" else
               "a cautious default (too little history yet)")
    st.caption(
        "Letters: candidates sharing a letter are not separated by the scores (pairwise tests "
        "with the 5% error shared over every pair), so their order is not settled; "
        "Could rank: the ranks this leaves open. Chance best: how likely each of the top "
        "three is truly the strongest, given the scores. Band: a band that leans on "
        f"history takes its width mostly from {history} because this panel is small or "
        "happens to agree.")


def agreement(board: Board) -> None:
    """Reliability of the panel's overall scores in words, with what to do about it."""
    rel = reliability(board)
    st.subheader("Panel agreement")
    level = _level(rel["reading"])
    advice = ADVICE.get(level, ADVICE["not enough data"])
    (st.success if level == "high" else st.warning if level in ("moderate", "low")
     else st.info)(advice)
    if rel["n_candidates"]:
        st.caption(f"Measured over {count(rel['n_candidates'], 'candidate')} scored by two or "
                   f"more of {count(rel['n_panelists'], 'panelist')}.")
    c = st.columns(3)
    c[0].metric("Alpha, interval", _fmt(rel["alpha_interval"]),
                help="Krippendorff's alpha: 1 = perfect agreement, 0 = no better than chance. "
                     "0.80 and above is reliable; 0.67 to 0.80 allows tentative conclusions.")
    c[1].metric("Alpha, ordinal", _fmt(rel["alpha_ordinal"]),
                help="Krippendorff's alpha treating scores as ranks only.")
    c[2].metric("ICC(2,1)", _fmt(rel["ICC2"]),
                help="Intraclass correlation (Shrout & Fleiss 1979); only when every panelist "
                     "scored every candidate.")
    if rel["crossed"]:
        st.dataframe(pd.DataFrame([{ICC_NAMES[k]: _fmt(rel[k]) for k in stats.ICC_TYPES}]),
                     hide_index=True)
    else:
        st.caption("ICCs need every panelist to score every candidate; these panels differ "
                   "per candidate, so alpha (which allows that) is the measure here.")
    by_crit = criterion_reliability(board)
    if not by_crit.empty:
        names = dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))
        table = pd.DataFrame({
            "Criterion": by_crit["criterion_id"].map(names).fillna("(older criterion)"),
            "Alpha, interval": by_crit["alpha_interval"].map(_fmt),
            "Alpha, ordinal": by_crit["alpha_ordinal"].map(_fmt),
            "Candidates compared": by_crit["n_candidates"].astype(int),
            "Agreement": by_crit["reading"].map(_level),
            "_key": by_crit["alpha_interval"].fillna(np.inf),
        }).sort_values(["_key", "Criterion"]).drop(columns="_key")
        with st.expander("Agreement per criterion (lowest first)",
                         expanded=level in ("moderate", "low")):
            st.dataframe(table, hide_index=True, width="stretch", key="criterion_agreement")


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
