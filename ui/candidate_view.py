"""One candidate's panel picture: profile, heatmap, who said what, debrief points, salary."""

import pandas as pd
import streamlit as st

from models import label
from services import stats
from services.auth import Viewer
from services.board import Board, band_text
from services.coverage import coverage_recorded, uncovered_tasks
from services.first_interview import change_per_criterion, first_scores
from services.scorecards import amendments
from ui import charts, db, headline
from ui.text import count, md_escape
from ui.widgets import money, when


def render(board: Board, candidate_id: int, viewer: Viewer) -> None:
    """Draw the candidate's panel view (the board is already filtered for the viewer)."""
    scale = (board.scale_min, board.scale_max)
    cand = board.candidates.set_index("candidate_id").loc[candidate_id]
    if not cand["visible"]:
        st.info("You sit on this candidate's panel: the panel's scores show once you have "
                "submitted your own scorecard.")
        return
    scores = board.scores[board.scores["candidate_id"] == candidate_id]
    cards = board.cards[board.cards["candidate_id"] == candidate_id]
    if cards.empty:
        st.info("No submitted scorecards for this candidate yet.")
        return
    headline.candidate(board, candidate_id)
    row = board.summary.set_index("candidate_id").loc[candidate_id]
    cols = st.columns(4)
    ci = "" if pd.isna(row["ci_low"]) else f"95% interval {row['ci_low']:.2f}–{row['ci_high']:.2f}"
    cols[0].metric("Overall", "—" if pd.isna(row["overall"]) else f"{row['overall']:.2f}",
                   help="Weighted mean of the assessed criteria, averaged over panelists.")
    band = band_text(row["history_share"], int(row["n_panelists"]))
    cols[0].caption(f"{ci} ({band})" if ci and band else ci or "no interval yet",
                    help="A band that leans on history takes its width mostly from the "
                         "organisation's typical panel spread, because this panel is small "
                         "or happens to agree.")
    cols[1].metric("Scorecards", f"{int(cand['submitted'])} of {int(cand['expected'])}")
    cols[2].metric("Recommendations", f"{int(row['n_yes'])} yes · {int(row['n_no'])} no")
    cols[3].metric("Points to discuss", int((board.agenda["candidate_id"] == candidate_id).sum()))

    names = dict(zip(cards["panelist_id"], cards["panelist"], strict=True))
    changed = {}
    if viewer is not None:
        with db.session() as s:
            changed = amendments(s, viewer, candidate_id)
    per_panelist = stats.panelist_scores(scores)
    profiles = per_panelist.assign(panelist=per_panelist["panelist_id"].map(names))
    crit_names = dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))
    matrix = (scores.assign(criterion=scores["criterion_id"].map(crit_names).fillna("(older)"),
                            panelist=scores["panelist_id"].map(names))
              .pivot_table(index="criterion", columns="panelist", values="value",
                           aggfunc="first", dropna=False, sort=False))
    order = [n for n in board.criteria["name"] if n in matrix.index]
    matrix = matrix.reindex(order + [i for i in matrix.index if i not in order])
    left, right = st.columns(2)
    left.plotly_chart(charts.radar(profiles, scale), key=f"radar_{candidate_id}")
    right.plotly_chart(charts.heatmap(matrix, scale), key=f"heatmap_{candidate_id}")

    agenda = board.agenda[board.agenda["candidate_id"] == candidate_id]
    st.subheader("Discuss at the debrief")
    if agenda.empty:
        st.success("No criterion differs by half the scale or more, and the recommendations "
                   "agree.")
    else:
        st.dataframe(
            agenda.assign(topic=agenda["criterion"].fillna("Recommendation"))[["topic", "detail"]]
            .rename(columns={"topic": "Topic", "detail": "What differs"}),
            hide_index=True, width="stretch",
        )

    with db.session() as s:
        missing = uncovered_tasks(s, viewer, candidate_id)
        recorded, _ = coverage_recorded(s, viewer, candidate_id)
        first = first_scores(s, viewer, candidate_id)
    if missing:
        st.warning("Tasks no panelist probed: " + "; ".join(md_escape(t) for t in missing)
                   + f" (from the {count(recorded, 'scorecard')} that recorded the tasks "
                   "probed)", icon=":material/help:")
    elif board.position.tasks and recorded:
        st.caption("Every task of the position was probed by at least one panelist.")
    elif board.position.tasks:
        st.caption("No panelist recorded which tasks they probed, so task coverage is "
                   "unknown.")
    change = change_per_criterion(first, scores, crit_names)
    if not change.empty:
        st.subheader("First versus second interview")
        st.caption("Change = the second-interview panel's mean minus the first-interview score.")
        st.dataframe(change.round(2).rename(columns={
            "criterion": "Criterion", "first": "First interview",
            "second": "Second interview (panel mean)", "change": "Change"}),
            hide_index=True, width="stretch", key=f"first_vs_second_{candidate_id}")

    st.subheader("Who said what")
    evidence = scores.assign(
        criterion=scores["criterion_id"].map(crit_names).fillna("(older criterion)"),
        panelist=scores["panelist_id"].map(names),
        score=scores["value"].map(lambda v: "not assessed" if pd.isna(v) else f"{v:g}"),
    )
    for crit, rows in evidence.groupby("criterion", sort=False):
        with st.expander(md_escape(crit)):
            st.dataframe(rows[["panelist", "score", "evidence"]]
                         .rename(columns=str.capitalize), hide_index=True, width="stretch")
    panel_cols = st.columns(max(1, len(cards)))
    for col, card in zip(panel_cols, cards.itertuples(index=False), strict=True):
        with col.container(border=True):
            st.markdown(f"**{md_escape(card.panelist)}**")
            st.caption(f"{label(card.panel_role)} · submitted {when(card.submitted_at)}")
            if card.panelist_id in changed:
                by, at = changed[card.panelist_id]
                st.caption(f"Changed after submission by {md_escape(by)} on {when(at)}",
                           help="Every change is in the audit trail with its old and new value.")
            st.markdown(f"Recommendation: **{label(card.recommendation)}**")
            for title, value in (("Candidate's questions", card.candidate_questions),
                                 ("Interest", card.interest), ("Concerns", card.concerns)):
                st.caption(title)
                st.text(value or "—")
            st.caption("Salary heard")
            st.text(money(card.salary_heard, board.position.currency))

    st.subheader("Salary")
    band = (board.position.salary_min, board.position.salary_max)
    expectation = cand["salary_expectation"]
    expectation = None if pd.isna(expectation) else int(expectation)
    st.plotly_chart(charts.salary(band, expectation, cards, board.position.currency),
                    key=f"salary_{candidate_id}")
    if expectation is not None and band[1] is not None and expectation > band[1]:
        st.warning(f"Stated expectation {money(expectation, board.position.currency)} is above "
                   f"the band's maximum {money(band[1], board.position.currency)}.")
