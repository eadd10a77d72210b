"""The dashboard's headline in plain words, for the position and for one candidate."""

import streamlit as st

from models import label
from services.board import Board
from services.headline import (
    Salary,
    candidate_headline,
    position_agenda,
    ranking_sentence,
    salary_reading,
)
from services.i18n import _, colon, money, ngettext
from ui.text import md_escape


def salary_reading_of(board: Board, candidate_id: int) -> Salary:
    """A candidate's stated expectation against the position's band."""
    cand = board.candidate_row(candidate_id)
    return salary_reading(cand.get("salary_expectation"), board.position.salary_min,
                          board.position.salary_max, board.position.currency)


def salary_words(s: Salary, *, plain: bool = False) -> str:
    """'expects €72,000: above the band (€50,000 – €70,000) by €2,000' (bold unless plain)."""
    band = f"{money(s.band_min, s.currency)} – {money(s.band_max, s.currency)}"
    if s.expectation is None:
        return _("no salary expectation recorded")
    stated = money(s.expectation, s.currency)
    if s.reading == "unknown":
        return _("expects {amount}; the position has no salary band").format(amount=stated)
    if s.reading == "within":
        return _("expects {amount}: within the band ({band})").format(amount=stated, band=band)
    where = _("above the band") if s.reading == "above" else _("below the band")
    return _("expects {amount}: {where} ({band}) by {gap}").format(
        amount=stated, where=where if plain else f"**{where}**", band=band,
        gap=money(s.gap, s.currency))


def position(board: Board) -> None:
    """What the ranking settles and what is left to discuss, for the whole position."""
    lines = board.remember("position_headline", lambda: _position_lines(board))
    if lines:
        with st.container(border=True, key="headline_position"):
            st.markdown("  \n".join(lines))


def _position_lines(board: Board) -> list[str]:
    """The position headline's lines (Markdown), once per board and language."""
    lines = []
    sentence = ranking_sentence(board)
    if sentence:
        lines.append(md_escape(sentence))
    agenda = position_agenda(board)
    if agenda:
        who = ", ".join(
            "{name} ({points})".format(name=md_escape(name), points=ngettext(
                "{n} point", "{n} points", n).format(n=n)) for name, n in agenda)
        lines.append("**" + _("Left to discuss at the debrief:") + f"** {who}.")
    elif board.summary["overall"].notna().any():
        lines.append("**" + _("Nothing left to discuss:") + "** " + _(
            "on every scored candidate the panel's scores and recommendations agree."))
    undecided = board.candidates["decision"].isna() & board.candidates["visible"]
    scored = board.candidates["candidate_id"].isin(
        board.summary.loc[board.summary["overall"].notna(), "candidate_id"])
    waiting = int((undecided & scored).sum())
    if waiting:
        lines.append("**" + _("Awaiting your decision:") + "** " + ngettext(
            "{n} scored candidate", "{n} scored candidates", waiting).format(n=waiting) + ".")
    return lines


def candidate(board: Board, candidate_id: int) -> None:
    """One candidate's headline: discuss, recommendations, salary, what they asked and care
    about (from the panel's notes)."""
    h = candidate_headline(board, candidate_id)
    # One Markdown element of blocks: each element costs the browser on every candidate switch.
    blocks = []
    if h.discuss:
        blocks.append("**" + _("Left to discuss ({n}):").format(n=len(h.discuss)) + "**")
        blocks.append("\n".join(f"- {md_escape(line)}" for line in h.discuss))
    else:
        blocks.append("**" + _("Nothing left to discuss:") + "** " + _(
            "the panel's scores and recommendations agree."))
    cards = ngettext("{n} scorecard", "{n} scorecards", h.n_cards).format(n=h.n_cards)
    lines = [
        "**" + _("Recommendations:") + "** " + _("{tally} (from {cards})").format(
            tally=md_escape(h.tally) or _("none yet"), cards=cards),
        "**" + _("Salary:") + "** " + salary_words(h.salary),
    ]
    if h.decision:
        lines.append("**" + _("Decision in force:") + "** " + label(h.decision))
    blocks.append("  \n".join(lines))
    for title, notes in ((_("The candidate asked"), h.asked),
                         (_("What they care about"), h.cares),
                         (_("Concerns the panel heard"), h.concerns)):
        if notes:
            blocks.append("**" + colon(title) + "**")
            blocks.append("\n".join(f"- {md_escape(text)} — *{md_escape(who)}*"
                                    for who, text in notes))
    with st.container(border=True, key=f"headline_{candidate_id}"):
        st.markdown("\n\n".join(blocks))
