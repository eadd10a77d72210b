"""One candidate's panel picture: score grid, who said what, debrief points, salary."""

from datetime import datetime

import numpy as np
import pandas as pd
import streamlit as st

from models import label
from services.auth import Viewer
from services.board import Board, band_text, interval_text, panelist_table
from services.coverage import coverage
from services.first_interview import change_per_criterion, first_scores
from services.i18n import _, datetime_, decimal, elide, money, ngettext, number, signed
from services.scorecards import amendments
from ui import cache, charts, db, headline
from ui.text import Stat, html_stats, html_table, md_escape
from ui.widgets import lazy_expander


def when(value: datetime | pd.Timestamp | None) -> str:
    """A moment for people, in the reader's language and time zone."""
    if value is None or pd.isna(value):
        return "—"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return datetime_(value)


def amount(value, currency: str) -> str:
    """A salary, or a dash when none was recorded."""
    return "—" if value is None or pd.isna(value) else money(int(value), currency)


def _frames(board: Board, candidate_id: int) -> dict:
    """The candidate's scores with criterion and panelist names ("named"), per-panelist profiles
    and criterion-by-panelist matrix, computed once per board (a cached board keeps them; see
    ui.cache)."""
    def build() -> dict:
        part = board.candidate(candidate_id)
        scores, cards = part.scores, part.cards
        names = dict(zip(cards["panelist_id"], cards["panelist"], strict=True))
        everyone = panelist_table(board)
        per_panelist = everyone[everyone["candidate_id"] == candidate_id]
        profiles = per_panelist.assign(panelist=per_panelist["panelist_id"].map(names))
        named = scores.assign(
            criterion=scores["criterion_id"].map(_criterion_names(board))
            .fillna(_("(older criterion)")),
            panelist=scores["panelist_id"].map(names))
        return {"named": named, "profiles": profiles,
                "matrix": score_matrix(named, list(board.criteria["name"]))}
    return board.remember(f"candidate_frames:{candidate_id}", build)


def score_matrix(named: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Criterion (rows, in `order`, then any others as they come) by panelist (columns, as they
    come): each cell the first score given, NaN where none was (or only "not assessed").

    What `pivot_table(aggfunc="first", dropna=False, sort=False)` and a reindex gave, built
    with numpy: for a handful of criteria and panelists those two cost a candidate switch
    20 ms of the server's time (issue 12)."""
    rows, criteria = pd.factorize(named["criterion"], use_na_sentinel=False)
    cols, panelists = pd.factorize(named["panelist"], use_na_sentinel=False)
    first = np.full((len(criteria), len(panelists)), np.nan)
    values = named["value"].to_numpy(dtype=float, na_value=np.nan)
    given = np.flatnonzero(~np.isnan(values))
    # The first score given per cell: np.unique's index is each cell's first occurrence.
    _cells, at = np.unique(rows[given] * len(panelists) + cols[given], return_index=True)
    first[rows[given[at]], cols[given[at]]] = values[given[at]]
    known = set(criteria)
    ranked = [n for n in order if n in known]
    placed = set(ranked)
    ranked += [c for c in criteria if c not in placed]
    where = {c: i for i, c in enumerate(criteria)}
    return pd.DataFrame(first[[where[c] for c in ranked]],
                        index=pd.Index(ranked, name="criterion"),
                        columns=pd.Index(panelists, name="panelist"))


def _criterion_names(board: Board) -> dict[int, str]:
    """Criterion id -> name, for the board's current template."""
    return dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))


def _grid(board: Board, candidate_id: int) -> str:
    """The candidate's score grid as HTML (charts.score_grid, charts.grid_html), built once per
    board."""
    def build() -> str:
        frames = _frames(board, candidate_id)
        dimension_of = dict(zip(board.criteria["name"], board.criteria["dimension"],
                                strict=True))
        grid = charts.score_grid(frames["profiles"], frames["matrix"], dimension_of,
                                 (board.scale_min, board.scale_max))
        return charts.grid_html(grid, _(
            "Each dimension's mean (bold), then its criteria; {na}: not assessed. The tint "
            "follows the score, from red (low) to green (high).").format(na=_("n/a")))
    return board.remember(f"score_grid:{candidate_id}", build)


def render(board: Board, candidate_id: int, viewer: Viewer) -> None:
    """Draw the candidate's panel view (the board is already filtered for the viewer)."""
    part = board.candidate(candidate_id)
    if part.summary is None:
        st.info(_("No submitted scorecards for this candidate yet.") if part.visible else
                _("You sit on this candidate's panel: the panel's scores show once you have "
                  "submitted your own scorecard."))
        return
    cand, scores, cards, row = part.row, part.scores, part.cards, part.summary
    currency = board.position.currency
    headline.candidate(board, candidate_id)
    ci = interval_text(row["ci_low"], row["ci_high"])
    ci = _("95% interval {interval}").format(interval=ci) if ci else ""
    band = band_text(row["history_share"], int(row["n_panelists"]))
    st.html(html_stats([
        Stat(_("Overall"), decimal(row["overall"]),
             f"{ci} ({band})" if ci and band else ci or _("no interval yet")),
        Stat(_("Scorecards"), _("{n} of {total}").format(
            n=number(int(cand["submitted"])), total=number(int(cand["expected"])))),
        Stat(_("Recommendations"), _("{yes} yes · {no} no").format(
            yes=int(row["n_yes"]), no=int(row["n_no"]))),
        Stat(_("Points to discuss"),
             number(int((board.agenda["candidate_id"] == candidate_id).sum())))],
        kind="sl-candidate-figures", about=_("What these figures mean"), explained=[
            (_("Overall"), _("Weighted mean of the assessed criteria, averaged over "
                             "panelists.")),
            (_("Band"), _("A band that leans on history takes its width mostly from the "
                          "organisation's typical panel spread, because this panel is small "
                          "or happens to agree."))]))

    names = dict(zip(cards["panelist_id"], cards["panelist"], strict=True))
    with db.session() as s:
        changed = amendments(s, viewer, candidate_id) if viewer is not None else {}
        tasks = coverage(s, viewer, candidate_id)
        first = first_scores(s, viewer, candidate_id)
    st.subheader(_("Scores by panelist"))
    with st.container(key="score_grid"):
        st.html(_grid(board, candidate_id))

    agenda = board.agenda[board.agenda["candidate_id"] == candidate_id]
    st.subheader(_("Discuss at the debrief"))
    if agenda.empty:
        st.success(_("No criterion differs by half the scale or more, and the recommendations "
                     "agree."))
    else:
        # Plain HTML tables (ui.text.html_table): a few rows, read rather than sorted; one
        # element, where a data grid or st.table (each cell through Markdown) cost the
        # browser more on every candidate switch (issue 12).
        st.html(html_table([_("What differs")], [
            (topic, [detail]) for topic, detail in zip(
                agenda["criterion"].fillna(_("Recommendation")), agenda["detail"],
                strict=True)], kind="sl-agenda", corner=_("Topic")))

    missing, recorded = tasks.uncovered, tasks.recorded
    if missing:
        st.warning(_("Tasks no panelist probed: {tasks} (from the {cards} that recorded the "
                     "tasks probed)").format(
            tasks="; ".join(md_escape(t) for t in missing),
            cards=ngettext("{n} scorecard", "{n} scorecards", recorded).format(n=recorded)),
            icon=":material/help:")
    elif board.position.tasks and recorded:
        st.caption(_("Every task of the position was probed by at least one panelist."))
    elif board.position.tasks:
        st.caption(_("No panelist recorded which tasks they probed, so task coverage is "
                     "unknown."))
    change = change_per_criterion(first, scores, _criterion_names(board))
    if not change.empty:
        st.subheader(_("First versus second interview"))
        st.caption(_("Change = the second-interview panel's mean minus the first-interview "
                     "score."))
        st.html(html_table(
            [_("First interview"), _("Second interview (panel mean)"), _("Change")],
            [(name, [decimal(a), decimal(b), signed(c)]) for name, a, b, c in zip(
                change["criterion"], change["first"], change["second"], change["change"],
                strict=True)], kind="sl-first-change", corner=_("Criterion")))

    # Amendments stay in view (a scorecard changed after it was submitted is read differently);
    # the details below are drawn only when opened (issue 12: each table and chart costs the
    # browser, and a switch of candidate redraws them all).
    for panelist_id, (by, at) in changed.items():
        st.caption(elide(_("{panelist}'s scorecard was changed after submission by {who} on "
                           "{when}.").format(panelist=md_escape(names.get(panelist_id, "?")),
                                             who=md_escape(by), when=when(at))),
                   help=_("Every change is in the audit trail with its old and new value."))
    named = _frames(board, candidate_id)["named"]
    evidence = named.assign(
        score=named["value"].map(lambda v: _("not assessed") if pd.isna(v) else f"{v:g}"))
    lazy_expander(_("Who said what: every score with its evidence"),
                  lambda: _who_said_what(evidence), key="who_said_what",
                  icon=":material/format_quote:")
    lazy_expander(_("Each panelist's scorecard: recommendation, the candidate's questions, "
                    "interest, concerns, salary heard"),
                  lambda: _panel_cards(cards, changed, currency), key="panel_cards",
                  icon=":material/group:")

    band = (board.position.salary_min, board.position.salary_max)
    expectation = cand["salary_expectation"]
    expectation = None if pd.isna(expectation) else int(expectation)
    lazy_expander(_("Salary against the band"), lambda: charts.show(
        cache.figure(board, f"salary:{candidate_id}",
                     lambda: charts.salary(band, expectation, cards, currency)),
        key=f"salary_{candidate_id}",
        alt=_("Salary chart: the position's band with the stated and heard expectations"),
        summary=headline.salary_words(headline.salary_reading_of(board, candidate_id),
                                      plain=True),
        data=charts.salary_data(band, expectation, cards, currency)),
        key="salary_chart", icon=":material/payments:")
    if expectation is not None and band[1] is not None and expectation > band[1]:
        st.warning(_("Stated expectation {stated} is above the band's maximum {max}.").format(
            stated=money(expectation, currency), max=money(band[1], currency)))


def _who_said_what(evidence: pd.DataFrame) -> None:
    """Every score and its evidence note, criterion by criterion, in one table."""
    st.dataframe(evidence[["criterion", "panelist", "score", "evidence"]].rename(columns={
        "criterion": _("Criterion"), "panelist": _("Panelist"), "score": _("Score"),
        "evidence": _("Evidence")}), hide_index=True, width="stretch",
        key="who_said_what_table")


def _panel_cards(cards: pd.DataFrame, changed: dict, currency: str) -> None:
    """One box per panelist: role, when submitted, recommendation, what they noted."""
    for col, card in zip(st.columns(max(1, len(cards))), cards.itertuples(index=False),
                         strict=True):
        with col.container(border=True):
            st.markdown(f"**{md_escape(card.panelist)}**")
            st.caption(_("{role} · submitted {when}").format(role=label(card.panel_role),
                                                            when=when(card.submitted_at)))
            if card.panelist_id in changed:
                by, at = changed[card.panelist_id]
                st.caption(_("Changed after submission by {who} on {when}").format(
                    who=md_escape(by), when=when(at)),
                    help=_("Every change is in the audit trail with its old and new value."))
            st.markdown(_("Recommendation: **{recommendation}**").format(
                recommendation=label(card.recommendation)))
            for title, value in ((_("Candidate's questions"), card.candidate_questions),
                                 (_("Interest"), card.interest),
                                 (_("Concerns"), card.concerns)):
                st.caption(title)
                st.text(value or "—")
            st.caption(_("Salary heard"))
            st.text(amount(card.salary_heard, currency))
