"""The hiring manager's dashboard: ranking, one candidate's panel, comparison, decision."""

import streamlit as st

from models import Outcome, Role, label
from services.board import ranking_table
from services.decisions import record_decision
from services.errors import InvalidInput, NotAllowed
from services.positions import dashboard_positions
from ui import cache, candidate_view, charts, db, flash, headline, stats_view
from ui.guard import require
from ui.pickers import candidate_labels
from ui.text import md_escape
from ui.widgets import money, pick_position, show_problems, when

viewer = require(Role.hiring_manager)

with db.session() as s:
    positions = dashboard_positions(s, viewer)
st.title("Dashboard")
flash.show()
position = pick_position(positions)
if position is None:
    st.stop()
try:
    board = cache.board(position, viewer)
except NotAllowed as exc:
    st.error(str(exc))
    st.stop()

scale = (board.scale_min, board.scale_max)
st.caption(
    f"{md_escape(position.team)} · salary band "
    f"{money(position.salary_min, position.currency)} – "
    f"{money(position.salary_max, position.currency)}"
    f" · scale {scale[0]} to {scale[1]} · disagreement at {board.fraction:g} of the scale's span "
    f"({board.fraction * (scale[1] - scale[0]):g} points)"
)
table = ranking_table(board)
table["Decision"] = table["Decision"].map(lambda d: label(d) if d else "")
# What the decision rests on first, so Discuss and Decision are never cut off to the right;
# intervals and per-dimension scores follow in their own table (the ranking fits 1280 px).
MAIN = ["Rank", "Letters", "Candidate", "Overall", "Discuss", "Decision", "Chance best",
        "Recommendations", "Scorecards"]
DETAILS = ["Candidate", "95% interval", "Could rank", "Band", "Technical", "Social", "Company"]
table = table[["candidate_id", *MAIN, *(c for c in table.columns
                                        if c not in MAIN and c != "candidate_id")]]
COLUMNS = {
    "Rank": st.column_config.NumberColumn("Rank", width=45),
    "Letters": st.column_config.TextColumn(
        "Letters", width=55, help="Candidates who share a letter are not separated by the "
        "scores (pairwise tests with the error rate controlled over the position)."),
    "Overall": st.column_config.NumberColumn("Overall", width=60),
    "Discuss": st.column_config.TextColumn("Discuss", width=190),
    "Decision": st.column_config.TextColumn("Decision", width=70),
    "Chance best": st.column_config.TextColumn("Chance best", width=80),
    "Recommendations": st.column_config.TextColumn("Recommendations", width=130),
    "Scorecards": st.column_config.TextColumn("Scorecards", width=75),
}
headline.position(board)
c = st.columns(4)
c[0].metric("Candidates", len(board.candidates))
c[1].metric("Scorecards in", f"{int(board.candidates['submitted'].sum())} of "
            f"{int(board.candidates['expected'].sum())}")
c[2].metric("To discuss", int(table["Discuss"].str.startswith("Discuss").sum()))
c[3].metric("Decided", int(board.candidates["decision"].notna().sum()))

ranking_tab, candidate_tab, compare_tab, agenda_tab = st.tabs(
    ["Ranking", "Candidate", "Compare", "Debrief agenda"])

with ranking_tab:
    ranked = table["Rank"].notna()
    stats_view.ranking_notes(board)
    st.dataframe(table.loc[ranked, MAIN], hide_index=True, width="stretch",
                 key="ranking_table", column_config=COLUMNS)
    with st.expander("Intervals and scores by dimension"):
        st.dataframe(table.loc[ranked, DETAILS], hide_index=True, width="stretch",
                     key="dimension_table")
    if not ranked.all():
        st.markdown("**Not ranked yet**")
        st.dataframe(table.loc[~ranked, ["Candidate", "Scorecards", "Discuss", "Decision"]]
                     .rename(columns={"Discuss": "Why"}), hide_index=True, width="stretch",
                     key="unranked_table")
    if board.summary["overall"].notna().any():
        st.plotly_chart(charts.ranking(board.summary, scale), key="ranking_chart")
    left, right = st.columns(2)
    with left:
        stats_view.agreement(board)
    with right:
        stats_view.weights(board)

ids = table["candidate_id"].tolist()  # in ranking order
names = candidate_labels(
    (cid, name, position.title, None)
    for cid, name in zip(board.candidates["candidate_id"], board.candidates["name"],
                         strict=True))

with candidate_tab:
    candidate_id = st.selectbox("Candidate", ids, format_func=lambda i: names[i],
                                key="dash_candidate")
    candidate_view.render(board, candidate_id, viewer)
    if bool(board.candidates.set_index("candidate_id").at[candidate_id, "visible"]):
        stats_view.consensus(board, candidate_id, viewer)
    st.subheader("Decision")
    current = board.candidates.set_index("candidate_id").loc[candidate_id]
    in_force = current.get("decision")
    if isinstance(in_force, str):
        st.info(f"In force: **{label(in_force)}** by {md_escape(current['decided_by'])}"
                f" on {when(current['decided_at'])}.")
        st.text(current["decision_rationale"])
    else:
        st.caption("No decision recorded yet.")
    # Nothing preselected: a decision is chosen, never defaulted (index=None).
    with st.form(f"decision_{candidate_id}", clear_on_submit=True):
        outcome = st.radio("New decision" if isinstance(in_force, str) else "Decision",
                           [o.value for o in Outcome], format_func=label, index=None,
                           horizontal=True, key="decision_outcome")
        rationale = st.text_area("Rationale", key="decision_rationale",
                                 placeholder="Why, in a few sentences the panel would sign.")
        if st.form_submit_button("Record decision", key="decision_submit"):
            try:
                if outcome is None:
                    raise InvalidInput("Decision: choose advance, offer, hold or reject")
                with db.session() as s:
                    record_decision(s, viewer, {"candidate_id": candidate_id,
                                                "outcome": outcome, "rationale": rationale})
                flash.later(f"Decision recorded for {names[candidate_id]}: {label(outcome)}.")
                for key in ("decision_outcome", "decision_rationale"):  # an empty form again
                    st.session_state.pop(key, None)
                st.rerun()
            except InvalidInput as exc:
                show_problems(exc.problems, "Decision not recorded")

with compare_tab:
    ranked = board.summary.dropna(subset=["overall"])
    default = ranked.sort_values("rank")["candidate_id"].head(3).tolist()
    chosen = st.multiselect("Candidates to compare (2 to 4)", ranked["candidate_id"].tolist(),
                            default=default, max_selections=4, format_func=lambda i: names[i],
                            key="compare_ids")
    if len(chosen) < 2:
        st.info("Choose at least two candidates with submitted scorecards.")
    else:
        subset = ranked.set_index("candidate_id").loc[chosen].reset_index()
        st.plotly_chart(charts.compare(subset, scale), key="compare_chart")
        st.dataframe(table.loc[table["candidate_id"].isin(chosen),
                               ["Candidate", "Technical", "Social", "Company", "Overall", "Letters",
                                "Recommendations", "Discuss", "Decision"]],
                     hide_index=True, width="stretch")

with agenda_tab:
    if board.agenda.empty:
        st.success("No disagreements to discuss.")
    else:
        agenda = board.agenda.assign(
            topic=board.agenda["criterion"].where(board.agenda["kind"] == "criterion",
                                                  "Recommendation"),
            spread=board.agenda["spread"].round(2),
        )
        st.caption("Largest disagreements first.")
        st.dataframe(agenda[["candidate", "topic", "detail", "spread"]].rename(
            columns=str.capitalize), hide_index=True, width="stretch")
