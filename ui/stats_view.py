"""Panel agreement, weight sensitivity, consensus and calibration, as shown to people."""

import numpy as np
import pandas as pd
import streamlit as st

from models import ConsensusInput
from services import stats
from services.board import (
    Board,
    criterion_reliability,
    reliability,
    sensitivity,
)
from services.consensus import consensus_beside_independent, record_consensus
from services.errors import InvalidInput, NotAllowed
from services.i18n import N_, _, decimal, elide, ngettext
from ui import db, flash
from ui.text import Stat, html_stats, md_escape
from ui.widgets import lazy_expander, reset_later, show_problems


def _fmt(value) -> str:
    return "—" if value is None or pd.isna(value) else decimal(value, 2)


ADVICE = {
    "high": N_("Panel agreement is high: panelists largely agree on who is stronger, so the "
               "scores can be compared with confidence."),
    "moderate": N_("Panel agreement is moderate: draw only tentative conclusions, and discuss "
                   "the criteria with the lowest agreement below before deciding."),
    "low": N_("Panel agreement is low: discuss the criteria below before deciding."),
    "not enough data": N_("Not enough data to judge panel agreement yet: it needs two or more "
                          "candidates each scored by two or more panelists."),
}
# The agreement levels the statistics name (in English), as people read them.
LEVELS = {"high": N_("high"), "moderate": N_("moderate"), "low": N_("low"),
          "not enough data": N_("not enough data")}
# How many of the least agreed criteria the advice names (the rest: the table below it).
LOWEST_SHOWN = 3
ICC_NAMES = {"ICC1": "ICC(1,1)", "ICC2": "ICC(2,1)", "ICC3": "ICC(3,1)", "ICC1k": "ICC(1,k)",
             "ICC2k": "ICC(2,k)", "ICC3k": "ICC(3,k)"}


def _level(reading: str) -> str:
    """'panel agreement: low' -> 'low'."""
    return reading.split(": ", 1)[-1]


def ranking_notes(board: Board) -> None:
    """How to read the ranking table's columns (the sentence on what the scores settle is in
    the position's headline above it, ui.headline.position)."""
    st.caption(_(
        "Rank: one number where the scores separate a candidate from the others; otherwise "
        "the ranks the scores leave open (1–3). Letters: candidates sharing a letter are not "
        "separated by the scores (pairwise tests with the 5% error shared over every pair), "
        "so their order is not settled. Chance best: how likely each of the top three is "
        "truly the strongest, given the scores."))


def details_notes(board: Board) -> None:
    """How to read the table of intervals and scores by dimension."""
    prior = board.prior
    history = (_("the organisation's history ({candidates})").format(candidates=ngettext(
        "{n} candidate", "{n} candidates", prior.n_candidates).format(n=prior.n_candidates))
        if prior.source == "history" else _("a cautious default (too little history yet)"))
    st.caption(elide(_(
        "95% interval: where the candidate's overall score plausibly lies. Band: a band that "
        "leans on history takes its width mostly from {history} because this panel is small "
        "or happens to agree.").format(history=history)))


def agreement(board: Board) -> None:
    """Reliability of the panel's overall scores in words, with what to do about it."""
    rel = reliability(board)
    st.subheader(_("Panel agreement"))
    level, advice, ranked = board.remember("agreement_view", lambda: _agreement(board, rel))
    (st.success if level == "high" else st.warning if level in ("moderate", "low")
     else st.info)(advice)
    if rel["n_candidates"]:
        st.caption(_("Measured over {candidates} scored by two or more of {panelists}.").format(
            candidates=ngettext("{n} candidate", "{n} candidates", rel["n_candidates"]).format(
                n=rel["n_candidates"]),
            panelists=ngettext("{n} panelist", "{n} panelists", rel["n_panelists"]).format(
                n=rel["n_panelists"])))
    st.html(html_stats([
        Stat(_("Alpha, interval"), _fmt(rel["alpha_interval"])),
        Stat(_("Alpha, ordinal"), _fmt(rel["alpha_ordinal"])),
        Stat("ICC(2,1)", _fmt(rel["ICC2"]))],
        kind="sl-agreement-figures", about=_("What these figures mean"), explained=[
            (_("Alpha, interval"), _("Krippendorff's alpha: 1 = perfect agreement, 0 = no "
                                     "better than chance. 0.80 and above is reliable; 0.67 to "
                                     "0.80 allows tentative conclusions.")),
            (_("Alpha, ordinal"), _("Krippendorff's alpha treating scores as ranks only.")),
            ("ICC(2,1)", _("Intraclass correlation (Shrout & Fleiss 1979); only when every "
                           "panelist scored every candidate."))]))
    if rel["crossed"]:
        st.dataframe(pd.DataFrame([{ICC_NAMES[k]: _fmt(rel[k]) for k in stats.ICC_TYPES}]),
                     hide_index=True)
    else:
        st.caption(_("ICCs need every panelist to score every candidate; these panels differ "
                     "per candidate, so alpha (which allows that) is the measure here."))
    if not ranked.empty:
        lazy_expander(_("Agreement per criterion (lowest first)"),
                      lambda: _criterion_table(ranked),
                      key="criterion_agreement_open")


def _agreement(board: Board, rel: dict) -> tuple[str, str, pd.DataFrame]:
    """The agreement level, its advice in words and each criterion's agreement, lowest alpha
    first (none last), then by name: the order of the advice's names and of the per-criterion
    table. Once per board and language (Board.remember)."""
    level = _level(rel["reading"])
    advice = _(ADVICE.get(level, ADVICE["not enough data"]))
    by_crit = criterion_reliability(board)
    names = dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))
    ranked = by_crit.assign(
        name=by_crit["criterion_id"].map(names).fillna(_("(older criterion)")),
        _key=by_crit["alpha_interval"].fillna(np.inf)).sort_values(["_key", "name"])
    worry = level in ("moderate", "low")
    if worry and ranked["alpha_interval"].notna().any():
        # The criteria to discuss, named in the advice itself: the whole table below stays
        # folded (drawn when opened), which kept a dashboard open a tenth slower.
        lowest = ranked.dropna(subset=["alpha_interval"]).head(LOWEST_SHOWN)
        advice += " " + _("Lowest agreement: {criteria}.").format(criteria=", ".join(
            _("{criterion} (alpha {alpha})").format(criterion=md_escape(n), alpha=_fmt(a))
            for n, a in zip(lowest["name"], lowest["alpha_interval"], strict=True)))
    return level, advice, ranked


def _criterion_table(ranked: pd.DataFrame) -> None:
    """Agreement per criterion, in `ranked`'s order (built only while its expander is open)."""
    st.dataframe(pd.DataFrame({
        _("Criterion"): ranked["name"],
        _("Alpha, interval"): ranked["alpha_interval"].map(_fmt),
        _("Alpha, ordinal"): ranked["alpha_ordinal"].map(_fmt),
        _("Candidates compared"): ranked["n_candidates"].astype(int),
        _("Agreement"): ranked["reading"].map(lambda r: _(LEVELS.get(_level(r), _level(r)))),
    }), hide_index=True, width="stretch", key="criterion_agreement")


def weights(board: Board) -> None:
    """Whether the top of the ranking survives ±20% on any one criterion's weight."""
    result = sensitivity(board)
    st.subheader(_("Weight sensitivity"))
    if not result["baseline_top"]:
        st.caption(_("No scores yet."))
    elif result["stable"]:
        st.success(_("{name} stays on top when any one criterion's weight moves by "
                     "±20%.").format(name=md_escape(result["baseline_names"][0])))
    else:
        n = len(result["changes"])
        st.warning(ngettext(
            "The top depends on the weights: {name} leads now, but {n} change of ±20% on one "
            "criterion puts someone else on top.",
            "The top depends on the weights: {name} leads now, but {n} changes of ±20% on one "
            "criterion put someone else on top.", n).format(
            name=md_escape(result["baseline_names"][0]), n=n))
        st.text("\n".join(result["sentences"]))


# The consensus form's score and note, empty (its criterion stays as chosen).
EMPTY_CONSENSUS = {"consensus_value": None, "consensus_note": ""}


def consensus(board: Board, candidate_id: int, viewer) -> None:
    """Consensus scores beside the independent ones, and the form to record them."""
    scores = board.scores[board.scores["candidate_id"] == candidate_id]
    agreed = board.consensus[board.consensus["candidate_id"] == candidate_id]
    table = consensus_beside_independent(scores, agreed, board.criteria)
    # Written out (the reader's decimal sign; an empty cell where nothing is, not "None").
    written = {c: table[c].map(lambda x: decimal(x, 2, empty=""))
               for c in ("independent_mean", "low", "high", "consensus", "change")}
    st.dataframe(
        table.assign(**written, note=table["note"].fillna("")).rename(columns={
            "name": _("Criterion"), "independent_mean": _("Independent mean"),
            "low": _("Lowest"), "high": _("Highest"), "consensus": _("Consensus"),
            "change": _("Change"), "note": _("Note")}).drop(columns="criterion_id"),
        hide_index=True, width="stretch", key=f"consensus_table_{candidate_id}")
    names = dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))
    # What was typed stays after a refusal; emptied after a success (reset_later, applied by
    # ui.dashboard_tabs.candidate_part) and when another candidate is picked.
    with st.form(f"consensus_{candidate_id}"):
        crit = st.selectbox(_("Criterion"), list(names), format_func=names.get,
                            key="consensus_criterion")
        # No default: an agreed score is typed by someone who agreed it, never pre-filled.
        value = st.number_input(_("Agreed score ({min} to {max})").format(
                                    min=board.scale_min, max=board.scale_max),
                                min_value=board.scale_min, max_value=board.scale_max, step=1,
                                value=None, placeholder=_("type the score the panel agreed"),
                                key="consensus_value")
        note = st.text_input(_("Note (optional)"), key="consensus_note")
        if st.form_submit_button(_("Record consensus"), key="consensus_submit"):
            # A double-click's second click: the same consensus again (before the first one's
            # rerun) or the emptied form (after it) confirms what the first did (ui.flash).
            about = f"consensus {candidate_id}"
            payload = {"criterion_id": crit, "value": value, "note": note}
            if flash.again(about, payload) is not None or (
                    value is None and not (note or "").strip()
                    and flash.again(f"{about} form", None) is not None):
                reset_later(EMPTY_CONSENSUS)  # done by the first click
                st.rerun(scope="app")
            try:
                if value is None:
                    raise InvalidInput(_("Agreed score: type the score the panel agreed"))
                message = _("Consensus on {criterion} recorded: {value}.").format(
                    criterion=names[crit], value=int(value))
                ledger = flash.ledger()  # before the write (see ui.flash)
                with db.session() as s:
                    record_consensus(s, viewer, ConsensusInput(
                        candidate_id=candidate_id, criterion_id=crit, value=int(value),
                        note=note))
                ledger.done(message, about=about, payload=payload)
                ledger.done(message, about=f"{about} form", payload=None)
                reset_later(EMPTY_CONSENSUS)  # an empty form
                st.rerun(scope="app")
            except (InvalidInput, NotAllowed) as exc:
                show_problems(getattr(exc, "problems", [str(exc)]), _("Consensus not recorded"))
