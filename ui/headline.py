"""The dashboard's headline in plain words, for the position and for one candidate."""

import streamlit as st

from models import label
from services.board import Board
from services.headline import Salary, candidate_headline, position_agenda, ranking_sentence
from ui.text import count, md_escape
from ui.widgets import money


def salary_words(s: Salary) -> str:
    """'expects 72 000 EUR: above the band (50 000 – 70 000 EUR) by 2 000 EUR'."""
    band = f"{money(s.band_min, s.currency)} – {money(s.band_max, s.currency)}"
    if s.expectation is None:
        return "no salary expectation recorded"
    if s.reading == "unknown":
        return f"expects {money(s.expectation, s.currency)}; the position has no salary band"
    if s.reading == "within":
        return f"expects {money(s.expectation, s.currency)}: within the band ({band})"
    return (f"expects {money(s.expectation, s.currency)}: **{s.reading} the band** ({band}) by "
            f"{money(s.gap, s.currency)}")


def position(board: Board) -> None:
    """What the ranking settles and what is left to discuss, for the whole position."""
    lines = []
    sentence = ranking_sentence(board)
    if sentence:
        lines.append(md_escape(sentence))
    agenda = position_agenda(board)
    if agenda:
        who = ", ".join(f"{md_escape(name)} ({count(n, 'point')})" for name, n in agenda)
        lines.append(f"**Left to discuss at the debrief:** {who}.")
    elif board.summary["overall"].notna().any():
        lines.append("**Nothing left to discuss:** on every scored candidate the panel's "
                     "scores and recommendations agree.")
    undecided = board.candidates["decision"].isna() & board.candidates["visible"]
    scored = board.candidates["candidate_id"].isin(
        board.summary.loc[board.summary["overall"].notna(), "candidate_id"])
    waiting = int((undecided & scored).sum())
    if waiting:
        lines.append(f"**Awaiting your decision:** {count(waiting, 'scored candidate')}.")
    if lines:
        with st.container(border=True, key="headline_position"):
            st.markdown("  \n".join(lines))


def candidate(board: Board, candidate_id: int) -> None:
    """One candidate's headline: discuss, recommendations, salary, what they asked and care
    about (from the panel's notes)."""
    h = candidate_headline(board, candidate_id)
    with st.container(border=True, key=f"headline_{candidate_id}"):
        if h.discuss:
            st.markdown(f"**Left to discuss ({len(h.discuss)}):**")
            st.markdown("\n".join(f"- {md_escape(line)}" for line in h.discuss))
        else:
            st.markdown("**Nothing left to discuss:** the panel's scores and recommendations "
                        "agree.")
        st.markdown(f"**Recommendations:** {md_escape(h.tally) or 'none yet'} "
                    f"(from {count(h.n_cards, 'scorecard')})  \n"
                    f"**Salary:** {salary_words(h.salary)}"
                    + (f"  \n**Decision in force:** {label(h.decision)}" if h.decision else ""))
        for title, notes in (("The candidate asked", h.asked), ("What they care about", h.cares),
                             ("Concerns the panel heard", h.concerns)):
            if notes:
                st.markdown(f"**{title}:**")
                st.markdown("\n".join(f"- {md_escape(text)} — *{md_escape(who)}*"
                                      for who, text in notes))
