"""The dashboard's four tabs: ranking, one candidate, comparison, debrief agenda.

`tab_area` is one fragment whose tabs keep state (`on_change="rerun"`): only the open tab is
drawn, and a switch of tab, of candidate or of the candidates compared reruns this fragment
alone, not the page (issue 12: the dashboard drew every tab's charts and tables on each run).
"""

import pandas as pd
import streamlit as st

from models import Outcome, label
from services.auth import Viewer
from services.board import Board, ranking_table
from services.decisions import record_decision
from services.errors import InvalidInput
from services.i18n import N_, _, decimal, ngettext
from ui import candidate_view, charts, db, flash, headline, stats_view
from ui.text import md_escape
from ui.widgets import apply_resets, lazy_expander, reset_later, show_problems

# The session-state key of the open tab (tests open a tab by setting it).
TAB_KEY = "dash_tab"
TABS = (N_("Ranking"), N_("Candidate"), N_("Compare"), N_("Debrief agenda"))
# The rank shown is the ranks a candidate could have ("1–3"; services.board.rank_range): one
# number only where the scores separate them, as the ranking sentence says.
MAIN = ["Could rank", "Letters", "Candidate", "Overall", "Discuss", "Decision", "Chance best",
        "Recommendations", "Scorecards"]
DETAILS = ["Candidate", "95% interval", "Band", "Technical", "Social", "Company"]
# The ranking table's columns (services.board names them in English) as people read them.
HEADERS = {c: c for c in (N_("Rank"), N_("Letters"), N_("Candidate"), N_("Overall"),
                          N_("Discuss"), N_("Decision"), N_("Chance best"),
                          N_("Recommendations"), N_("Scorecards"), N_("95% interval"),
                          N_("Band"), N_("Technical"), N_("Social"), N_("Company"), N_("Why"))}
HEADERS["Could rank"] = N_("Rank")  # the main table's rank (see MAIN)
WIDTHS = {"Could rank": 45, "Letters": 55, "Overall": 60, "Discuss": 190, "Decision": 70,
          "Chance best": 80, "Recommendations": 130, "Scorecards": 75}


# Scores the table writes as every other view does (i18n.decimal: two decimals, the
# reader's decimal sign), not in the browser's number format (which drops a trailing zero and
# follows the browser's language, not the reader's).
SCORES = ("Overall", "Technical", "Social", "Company")


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A slice of the ranking table as people read it: scores written out, column names in
    the reader's language."""
    written = {c: frame[c].map(lambda x: decimal(x, 2, empty=""))
               for c in SCORES if c in frame.columns}
    return frame.assign(**written).rename(columns=lambda c: _(HEADERS.get(c, c)))


def ranking_view(board: Board) -> pd.DataFrame:
    """The ranking table as the dashboard reads it: decisions in words, MAIN's columns first
    (after the id). Built once per board and language (Board.remember), as the texts below."""
    def build() -> pd.DataFrame:
        table = ranking_table(board).copy()
        table["Decision"] = table["Decision"].map(lambda d: label(d) if d else "")
        return table[["candidate_id", *MAIN, *(c for c in table.columns
                                               if c not in MAIN and c != "candidate_id")]]
    return board.remember("ranking_view", build)


def _shown(board: Board, columns: list[str], name: str) -> pd.DataFrame:
    """`shown` of the ranked rows of the board's ranking view, these columns, once per board:
    at 200 candidates each writes 800 scores (issue 12: a dashboard opening wrote them every
    run)."""
    def build() -> pd.DataFrame:
        table = ranking_view(board)
        return shown(table.loc[table["Rank"].notna(), columns])
    return board.remember(f"ranking_shown:{name}", build)


def column_config() -> dict:
    config = {}
    for column, width in WIDTHS.items():
        name = _(HEADERS.get(column, column))
        config[name] = st.column_config.TextColumn(name, width=width, help=_(
            "Candidates who share a letter are not separated by the scores (pairwise tests "
            "with the error rate controlled over the position).") if column == "Letters"
            else None)
    return config


def ranking_part(board: Board, table: pd.DataFrame) -> None:
    """The position's headline, the ranking, its notes and chart, panel agreement and weight
    sensitivity."""
    headline.position(board)  # the position's headline: here, not above the Candidate view
    ranked = table["Rank"].notna()
    stats_view.ranking_notes(board)
    st.dataframe(_shown(board, MAIN, "main"), hide_index=True, width="stretch",
                 key="ranking_table", column_config=column_config())

    def details() -> None:
        stats_view.details_notes(board)
        st.dataframe(_shown(board, DETAILS, "details"), hide_index=True,
                     width="stretch", key="dimension_table")

    lazy_expander(_("Intervals and scores by dimension"), details, key="dimension_details")
    if not ranked.all():
        st.markdown("**" + _("Not ranked yet") + "**")
        st.dataframe(shown(table.loc[~ranked, ["Candidate", "Scorecards", "Discuss", "Decision"]]
                           .rename(columns={"Discuss": "Why"})), hide_index=True,
                     width="stretch", key="unranked_table")
    if board.summary["overall"].notna().any():
        with st.container(key="ranking_chart"):
            st.html(board.remember("ranking_chart", lambda: charts.ranking(
                board.summary, (board.scale_min, board.scale_max))))
    left, right = st.columns(2)
    with left:
        stats_view.agreement(board)
    with right:
        stats_view.weights(board)


# The decision and consensus forms' widgets, empty: what was typed for one candidate is never
# shown under another (the forms keep their input after a refusal, see candidate_part).
EMPTY_FORMS = {"decision_outcome": None, "decision_rationale": "", **stats_view.EMPTY_CONSENSUS}


def _forget_forms() -> None:
    """Empty the decision and consensus forms (another candidate was picked: a callback, so
    before the widgets are drawn)."""
    for key, value in EMPTY_FORMS.items():
        st.session_state[key] = value


def candidate_part(board: Board, ids: list[int], names: dict[int, str], viewer: Viewer) -> None:
    """One candidate: panel picture, consensus, decision."""
    candidate_id = st.selectbox(_("Candidate"), ids, format_func=lambda i: names[i],
                                key="dash_candidate", on_change=_forget_forms)
    apply_resets()  # a form emptied after its success (reset_later)
    candidate_view.render(board, candidate_id, viewer)
    current = board.candidate_row(candidate_id)
    if bool(current["visible"]):  # recorded at the debrief: drawn when opened
        lazy_expander(_("Consensus after the debrief"),
                      lambda: stats_view.consensus(board, candidate_id, viewer),
                      key="consensus_open", icon=":material/handshake:")
    st.subheader(_("Decision"))
    in_force = current.get("decision")
    if isinstance(in_force, str):
        st.info(_("In force: **{decision}** by {who} on {when}.").format(
            decision=label(in_force), who=md_escape(current["decided_by"]),
            when=candidate_view.when(current["decided_at"])))
        st.text(current["decision_rationale"])
    else:
        st.caption(_("No decision recorded yet."))
    # Nothing preselected: a decision is chosen, never defaulted (index=None).
    # What was typed stays after a refusal; a success or another candidate empties the form.
    with st.form(f"decision_{candidate_id}"):
        outcome = st.radio(_("New decision") if isinstance(in_force, str) else _("Decision"),
                           [o.value for o in Outcome], format_func=label, index=None,
                           horizontal=True, key="decision_outcome")
        rationale = st.text_area(_("Rationale"), key="decision_rationale",
                                 placeholder=_("Why, in a few sentences the panel would sign."))
        if st.form_submit_button(_("Record decision"), key="decision_submit"):
            # A double-click's second click: the same decision again (it reached the server
            # before the first one's rerun), or the form the first one cleared (after it). It
            # confirms what the first did and records nothing (ui.flash).
            about, payload = f"decision {candidate_id}", {"outcome": outcome,
                                                          "rationale": rationale}
            cleared = outcome is None and not (rationale or "").strip()
            if flash.again(about, payload) is not None or (
                    cleared and flash.again(f"{about} form", None) is not None):
                reset_later(EMPTY_FORMS)  # done by the first click: an empty form again
                st.rerun(scope="app")
            try:
                if outcome is None:
                    raise InvalidInput(_("Decision: choose advance, offer, hold or reject"))
                message = _("Decision recorded for {name}: {decision}.").format(
                    name=names[candidate_id], decision=label(outcome))
                ledger = flash.ledger()  # before the write (see ui.flash)
                with db.session() as s:
                    record_decision(s, viewer, {"candidate_id": candidate_id,
                                                "outcome": outcome, "rationale": rationale})
                ledger.done(message, about=about, payload=payload)
                ledger.done(message, about=f"{about} form", payload=None)
                reset_later(EMPTY_FORMS)  # an empty form again
                st.rerun(scope="app")
            except InvalidInput as exc:
                show_problems(exc.problems, _("Decision not recorded"))


def compare_part(board: Board, table: pd.DataFrame, names: dict[int, str]) -> None:
    """Two to four candidates side by side."""
    ranked = board.summary.dropna(subset=["overall"])
    default = ranked.sort_values("rank")["candidate_id"].head(3).tolist()
    chosen = st.multiselect(_("Candidates to compare (2 to 4)"), ranked["candidate_id"].tolist(),
                            default=default, max_selections=4, format_func=lambda i: names[i],
                            key="compare_ids")
    if len(chosen) < 2:
        st.info(_("Choose at least two candidates with submitted scorecards."))
        return
    subset = ranked.set_index("candidate_id").loc[chosen].reset_index()
    texts = table.set_index("candidate_id").loc[chosen]
    # Headed by name; by the picker's longer label only where two chosen share a name.
    plain = [board.candidate_name(i) for i in chosen]
    heads = [names[i] if plain.count(n) > 1 else n for i, n in zip(chosen, plain, strict=True)]
    with st.container(key="compare_table"):
        st.html(charts.compare(subset, texts, heads, (board.scale_min, board.scale_max)))


def agenda_part(board: Board) -> None:
    """Every point to discuss at the debrief, largest disagreements first."""
    if board.agenda.empty:
        st.success(_("No disagreements to discuss."))
    else:
        agenda = board.agenda.assign(
            topic=board.agenda["criterion"].where(board.agenda["kind"] == "criterion",
                                                  _("Recommendation")),
            spread=board.agenda["spread"].map(decimal),
        )
        st.caption(_("Largest disagreements first."))
        st.dataframe(agenda[["candidate", "topic", "detail", "spread"]].rename(columns={
            "candidate": _("Candidate"), "topic": _("Topic"), "detail": _("Detail"),
            "spread": _("Spread")}), hide_index=True, width="stretch", key="agenda_table")
    st.caption(ngettext("{n} point to discuss", "{n} points to discuss",
                        len(board.agenda)).format(n=len(board.agenda)))


@st.fragment
def tab_area(board: Board, table: pd.DataFrame, ids: list[int], names: dict[int, str],
             viewer: Viewer) -> None:
    """The four tabs. Only the open one is drawn (the tabs keep state and rerun this fragment
    alone): a switch of tab or candidate redraws one tab, not the page (issue 12)."""
    labels = [_(t) for t in TABS]
    if st.session_state.get(TAB_KEY) not in labels:  # first visit, or the language changed
        st.session_state.pop(TAB_KEY, None)
    parts = st.tabs(labels, key=TAB_KEY, on_change="rerun")
    draw = (lambda: ranking_part(board, table), lambda: candidate_part(board, ids, names, viewer),
            lambda: compare_part(board, table, names), lambda: agenda_part(board))
    for tab, part in zip(parts, draw, strict=True):
        if tab.open:
            with tab:
                part()


