"""The hiring manager's dashboard data for one position, filtered by who is looking.

The first level of work happens in SQL (only submitted scorecards, only needed columns); the
statistics are pure functions in services.stats. Candidates whose panel the viewer may not see
(blind scoring) are listed with their counts but contribute no score, note or recommendation.
"""

import threading
from dataclasses import dataclass, field

import pandas as pd
from sqlmodel import Session, func, select

from models import (
    AppSetting,
    AuditEvent,
    Candidate,
    ConsensusScore,
    Criterion,
    Decision,
    Interview,
    PanelMember,
    Position,
    Score,
    Scorecard,
    ScorecardStatus,
    ScorecardTemplate,
    User,
)
from services import stats
from services.access import manages_position, visible_candidates
from services.auth import Viewer
from services.db import bulk_arrays, fetch_rows, gc_paused
from services.errors import NotAllowed, NotFound
from services.history import submitted_cards
from services.i18n import _, current_language, decimal, ngettext, percent
from services.positions import criteria_of, current_template
from services.settings import get_setting
from services.stats import ranking

SCORE_COLUMNS = ["candidate_id", "panelist_id", "criterion_id", "dimension", "weight", "value",
                 "evidence"]
CARD_COLUMNS = ["candidate_id", "panelist_id", "panelist", "panel_role", "recommendation",
                "candidate_questions", "salary_heard", "interest", "concerns", "submitted_at"]


@dataclass
class CandidatePart:
    """One candidate's share of a board: their row (name, stage, counts, decision), whether the
    viewer may see their panel, their scores and submitted cards, and their summary row (None
    until a card is in)."""

    row: pd.Series
    visible: bool
    scores: pd.DataFrame
    cards: pd.DataFrame
    summary: pd.Series | None


@dataclass
class Board:
    """Everything the dashboard shows for one position."""

    position: Position
    scale_min: int
    scale_max: int
    fraction: float
    criteria: pd.DataFrame
    candidates: pd.DataFrame
    scores: pd.DataFrame
    cards: pd.DataFrame
    summary: pd.DataFrame
    agenda: pd.DataFrame
    panelists: pd.DataFrame
    consensus: pd.DataFrame
    # The organisation's typical panel spread the candidates' bands borrow from.
    prior: ranking.SpreadPrior = ranking.DEFAULT_PRIOR
    # Figures derived from the board (reliability, sensitivity, ranking table), computed once
    # per board; a cached board carries them along (see precompute).
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def remember(self, key: str, compute):
        # Texts come out in the reader's language: one memo per language (a cached board is
        # shared by one viewer's sessions, which may read in different languages).
        key = (key, current_language())
        if key not in self.memo:
            self.memo[key] = compute()
        value = self.memo[key]
        return value.copy() if isinstance(value, pd.DataFrame) else value

    def candidate_name(self, candidate_id: int) -> str:
        row = self.candidates.loc[self.candidates["candidate_id"] == candidate_id, "name"]
        return str(row.iloc[0]) if len(row) else "?"

    def by_id(self, frame: str) -> pd.DataFrame:
        """`candidates` or `summary` indexed by candidate id, built once per board (a candidate
        switch read them three times, each set_index a few milliseconds). Read it, never write
        into it: the board and the sessions sharing it hold the same frame."""
        key = ("by candidate id", frame)  # not a language's: remember's keys carry one
        if key not in self.memo:
            self.memo[key] = getattr(self, frame).set_index("candidate_id")
        return self.memo[key]

    def candidate_row(self, candidate_id: int) -> pd.Series:
        """The candidate's row of `candidates` (a copy)."""
        return self.by_id("candidates").loc[candidate_id]

    def candidate(self, candidate_id: int) -> CandidatePart:
        """What the board holds on one candidate (the panel view and the PDF pack read this)."""
        row = self.candidate_row(candidate_id)
        visible = bool(row["visible"])
        cards = self.cards[self.cards["candidate_id"] == candidate_id]
        summary = (self.by_id("summary").loc[candidate_id]
                   if visible and not cards.empty else None)
        return CandidatePart(row=row, visible=visible, cards=cards, summary=summary,
                             scores=self.scores[self.scores["candidate_id"] == candidate_id])


@gc_paused
def load_board(session: Session, position_id: int, viewer: Viewer) -> Board:
    """The dashboard of a position for a viewer who manages it (admin or its hiring manager)."""
    position = session.get(Position, position_id)
    if position is None:
        raise NotFound(_("No such position."))
    if not manages_position(viewer, position):
        raise NotAllowed(_("Only this position's hiring manager and admins see its dashboard."))
    return _build(session, position, viewer, None)


def load_candidate_panel(session: Session, candidate_id: int, viewer: Viewer) -> Board:
    """One candidate's panel view, for a panelist after they submitted (or a manager)."""
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    position = session.get(Position, candidate.position_id)
    if candidate_id not in visible_candidates(session, viewer, position, [candidate_id]):
        raise NotAllowed(_("The panel's scores show once you have submitted your own scorecard."))
    return _build(session, position, viewer, [candidate_id])


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    """Rows as a frame, built column by column (much cheaper than row by row)."""
    by_column = list(zip(*rows, strict=True)) or [[] for _ in columns]
    return pd.DataFrame(dict(zip(columns, map(list, by_column), strict=True)), columns=columns)


def _build(session: Session, position: Position, viewer: Viewer,
           only: list[int] | None) -> Board:
    template = current_template(session, position.id)
    fraction = float(get_setting(session, "disagreement_fraction"))
    criteria = _frame(
        [(c.id, c.name, c.dimension, c.weight, c.position_order, c.description)
         for c in criteria_of(session, template.id)],
        ["criterion_id", "name", "dimension", "weight", "order", "description"],
    )

    cand_query = select(Candidate.id, Candidate.name, Candidate.stage,
                        Candidate.salary_expectation).where(Candidate.position_id == position.id)
    if only is not None:
        cand_query = cand_query.where(Candidate.id.in_(only))
    candidates = _frame(session.exec(cand_query.order_by(Candidate.name)).all(),
                        ["candidate_id", "name", "stage", "salary_expectation"])
    ids = candidates["candidate_id"].astype(int).tolist()

    expected = dict(session.exec(
        select(Interview.candidate_id, func.count(PanelMember.id))
        .join(PanelMember, PanelMember.interview_id == Interview.id)
        .where(Interview.candidate_id.in_(ids), Interview.status != "cancelled")
        .group_by(Interview.candidate_id)
    ).all())
    submitted = dict(session.exec(
        select(Interview.candidate_id, func.count(Scorecard.id))
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .where(Interview.candidate_id.in_(ids), Scorecard.status == ScorecardStatus.submitted)
        .group_by(Interview.candidate_id)
    ).all())
    visible = visible_candidates(session, viewer, position, ids)
    candidates["expected"] = candidates["candidate_id"].map(expected).fillna(0).astype(int)
    candidates["submitted"] = candidates["candidate_id"].map(submitted).fillna(0).astype(int)
    candidates["visible"] = candidates["candidate_id"].isin(visible)
    candidates = candidates.merge(_decisions(session, ids), on="candidate_id", how="left")

    shown = sorted(visible)
    score_rows = session.exec(
        select(Interview.candidate_id, Scorecard.panelist_id, Score.criterion_id,
               Criterion.dimension, Criterion.weight, Score.value, Score.evidence)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .join(Score, Score.scorecard_id == Scorecard.id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Interview.candidate_id.in_(shown), Scorecard.status == ScorecardStatus.submitted)
    ).all()
    scores = _frame(score_rows, SCORE_COLUMNS)
    scores["value"] = pd.to_numeric(scores["value"], errors="coerce").astype(float)
    scores["weight"] = scores["weight"].astype(float)

    card_rows = session.exec(
        select(Interview.candidate_id, Scorecard.panelist_id, User.name, PanelMember.panel_role,
               Scorecard.recommendation, Scorecard.candidate_questions, Scorecard.salary_heard,
               Scorecard.interest, Scorecard.concerns, Scorecard.submitted_at)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .join(User, User.id == Scorecard.panelist_id)
        .join(PanelMember, (PanelMember.interview_id == Interview.id)
              & (PanelMember.user_id == Scorecard.panelist_id))
        .where(Interview.candidate_id.in_(shown), Scorecard.status == ScorecardStatus.submitted)
        .order_by(Interview.candidate_id, PanelMember.id)
    ).all()
    cards = _frame(card_rows, CARD_COLUMNS)
    recs = cards[["candidate_id", "panelist_id", "recommendation"]]

    scale = (template.scale_min, template.scale_max)
    prior = organisation_prior(session)
    summary = stats.candidate_summary(scores, recs, scale_min=scale[0], scale_max=scale[1],
                                      disagreement_fraction=fraction, prior=prior)
    summary = candidates[["candidate_id", "name"]].merge(summary, on="candidate_id", how="inner")
    agenda = stats.disagreements(scores, recs, scale_min=scale[0], scale_max=scale[1],
                                 fraction=fraction)
    names = dict(zip(criteria["criterion_id"], criteria["name"], strict=True))
    extra = _criterion_names(session, set(scores["criterion_id"]) - set(names))
    names.update(extra)
    agenda = agenda.assign(
        candidate=agenda["candidate_id"].map(dict(zip(candidates["candidate_id"],
                                                      candidates["name"], strict=True))),
        criterion=agenda["criterion_id"].map(names),
    )
    panelists = cards[["panelist_id", "panelist"]].drop_duplicates("panelist_id")
    consensus = _frame(session.exec(
        select(ConsensusScore.candidate_id, ConsensusScore.criterion_id, ConsensusScore.value,
               ConsensusScore.note).where(ConsensusScore.candidate_id.in_(shown))).all(),
        ["candidate_id", "criterion_id", "value", "note"])
    return Board(position=position, scale_min=scale[0], scale_max=scale[1], fraction=fraction,
                 criteria=criteria, candidates=candidates, scores=scores, cards=cards,
                 summary=summary, agenda=agenda, panelists=panelists, consensus=consensus,
                 prior=prior)


def organisation_prior(session: Session) -> ranking.SpreadPrior:
    """The organisation's typical panel spread (services.stats.organisation_prior: the prior
    stats.position_summaries fits when given every position), so the dashboard, panel view,
    report, exports and `make bench` agree. One number for the organisation (a variance and its
    weight), not any panel's scores.

    It is fitted from every submitted scorecard's weighted sums (services.history.submitted_cards,
    one row per card, no scores parsed) and kept per database and change marker: the first
    board after a change pays that read (at a million scores about 0.3 s on SQLite, 0.6 s on
    PostgreSQL), the next boards of any position nothing.
    """
    key = (str(session.get_bind().url), change_marker(session))
    with _PRIOR_LOCK:
        if key in _PRIORS:
            return _PRIORS[key]
    _, scales = organisation_scales(session)
    prior = stats.organisation_prior(submitted_cards(session), scales)
    with _PRIOR_LOCK:
        _PRIORS[key] = prior
        while len(_PRIORS) > PRIOR_CACHE:
            _PRIORS.pop(next(iter(_PRIORS)))
    return prior


# organisation_prior's results, oldest first, for the last few (database, change marker) pairs.
PRIOR_CACHE = 8
_PRIORS: dict[tuple, ranking.SpreadPrior] = {}
_PRIOR_LOCK = threading.Lock()


def reliability(board: Board) -> dict:
    """Panel agreement on the position's overall scores (see services.stats.reliability)."""
    return board.remember("reliability", lambda: stats.reliability(
        stats.panelist_scores(board.scores)))


def criterion_reliability(board: Board) -> pd.DataFrame:
    """Panel agreement per criterion (see services.stats.reliability_by_criterion)."""
    return board.remember("criterion_reliability",
                          lambda: stats.reliability_by_criterion(board.scores))


def precompute(board: Board) -> Board:
    """Compute every derived figure now, so a cached copy of the board carries them."""
    reliability(board)
    criterion_reliability(board)
    sensitivity(board)
    ranking_table(board)
    ranking_statement(board)
    panelist_table(board)
    return board


def panelist_table(board: Board) -> pd.DataFrame:
    """Every panelist's weighted scores per candidate of the board (stats.panelist_scores), in
    one vector pass for all candidates: the candidate view slices it."""
    return board.remember("panelist_scores", lambda: stats.panelist_scores(board.scores))


def sensitivity(board: Board) -> dict:
    """Whether the top candidate changes when any one criterion's weight moves by 20%."""
    return board.remember("sensitivity", lambda: _sensitivity(board))


def _sensitivity(board: Board) -> dict:
    result = stats.weight_sensitivity(board.scores, scale_min=board.scale_min,
                                      scale_max=board.scale_max)
    names = dict(zip(board.candidates["candidate_id"], board.candidates["name"], strict=True))
    crit = dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))
    result["baseline_names"] = [names.get(c, "?") for c in result["baseline_top"]]
    result["sentences"] = [
        _("{criterion} {change}: {names} on top").format(
            criterion=crit.get(ch["criterion_id"], _("a criterion")),
            change=_weight_change(ch["direction"]),
            names=_(", ").join(names.get(c, "?") for c in ch["top"]))
        for ch in result["changes"]]
    return result


def _criterion_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(Criterion.id, Criterion.name)
                             .where(Criterion.id.in_(sorted(ids)))).all())


def _decisions(session: Session, ids: list[int]) -> pd.DataFrame:
    """The decision in force per candidate (the newest)."""
    rows = session.exec(
        select(Decision.candidate_id, Decision.outcome, Decision.rationale, Decision.decided_at,
               User.name)
        .join(User, User.id == Decision.decided_by)
        .where(Decision.candidate_id.in_(ids))
        .order_by(Decision.decided_at, Decision.id)
    ).all()
    frame = _frame(rows, ["candidate_id", "decision", "decision_rationale", "decided_at",
                          "decided_by"])
    return frame.drop_duplicates("candidate_id", keep="last")


def _weight_change(direction: str) -> str:
    """'+20%' from weight_sensitivity, with the reader's percent sign and decimal comma."""
    return direction[0] + percent(float(direction[1:].rstrip("%")) / 100)


def _tally(row, texts: tuple | None = None) -> str:
    return stats.tally_words([int(row.get(f"rec_{r}", 0))
                              for r in ("strong_yes", "yes", "no", "strong_no")], texts) or "—"


def _flag(row) -> str:
    bits = []
    if row.get("n_disagreements", 0):
        n = int(row["n_disagreements"])
        bits.append(ngettext("{n} criterion", "{n} criteria", n).format(n=n))
    if row.get("split_recommendation", False):
        bits.append(_("split recommendation"))
    return _("Discuss: {topics}").format(topics=_(", ").join(bits)) if bits else ""


def ranking_table(board: Board) -> pd.DataFrame:
    """The ranked table of candidates as people read it (numbers rounded, words for flags)."""
    return board.remember("ranking_table", lambda: _ranking_table(board))


# A band "leans on history" when the organisation's spread carries at least half its weight.
LEANS_ON_HISTORY = 0.5


def ranking_statement(board: Board) -> str:
    """The one sentence on what the scores settle (services.stats.ranking.ranking_sentence)."""
    return board.remember("ranking_statement", lambda: _ranking_statement(board))


def _ranking_statement(board: Board) -> str:
    visible = set(board.candidates.loc[board.candidates["visible"], "candidate_id"])
    scored = board.summary.loc[board.summary["overall"].notna()
                               & board.summary["candidate_id"].isin(visible)]
    scored = scored.sort_values("rank")
    return ranking.ranking_sentence(scored["name"].astype(str).tolist(),
                                    scored["letters"].tolist())


def chance_text(p: float) -> str:
    """A chance of being best as people read it: '62%', 'under 1%', '' when not computed."""
    if p is None or pd.isna(p):
        return ""
    if p < 0.005:
        return _("under {percent}").format(percent=percent(0.01))
    if p > 0.995:
        return _("over {percent}").format(percent=percent(0.99))
    return percent(p)


def rank_range(best, worst) -> str:
    """'1' or '1–3': the ranks the letters leave open."""
    if pd.isna(best):
        return ""
    best, worst = int(best), int(worst)
    return str(best) if best == worst else f"{best}–{worst}"


def band_text(history_share: float, n_panelists: int) -> str:
    """Where the width of a candidate's band comes from, in words."""
    if pd.isna(history_share):
        return ""
    if n_panelists <= 1:
        return _("one panelist: width from history")
    if history_share >= LEANS_ON_HISTORY:
        return _("leans on history")
    return _("own panel")


def interval_text(low, high) -> str:
    """A 95% interval as every view writes it ("3.62–4.10", a decimal comma in French); ""
    when there is none."""
    if pd.isna(low) or pd.isna(high):
        return ""
    return _("{low}–{high}").format(low=decimal(low), high=decimal(high))


def _ranking_table(board: Board) -> pd.DataFrame:
    # Plain dicts per row: pandas' per-row access cost about a millisecond a candidate.
    cands = board.candidates.set_index("candidate_id").to_dict("index")
    summary = board.summary.set_index("candidate_id").to_dict("index")
    texts = stats.tally_texts()
    rows = []
    for cid, cand in cands.items():
        scorecards = _("{submitted} of {expected}").format(submitted=int(cand["submitted"]),
                                                            expected=int(cand["expected"]))
        decision = cand.get("decision")
        decision = "" if decision is None or pd.isna(decision) else str(decision)
        if not cand["visible"]:
            rows.append({"candidate_id": cid, "Rank": None, "Candidate": cand["name"],
                         "Scorecards": scorecards, "Decision": decision,
                         "Discuss": _("hidden until you submit your own scorecard")})
            continue
        if cid not in summary or pd.isna(summary[cid]["overall"]):
            waiting = (_("no second interview scheduled") if int(cand["expected"]) == 0
                       else _("awaiting scorecards"))
            rows.append({"candidate_id": cid, "Rank": None, "Candidate": cand["name"],
                         "Scorecards": scorecards, "Decision": decision, "Discuss": waiting})
            continue
        s = summary[cid]
        ci = interval_text(s["ci_low"], s["ci_high"])
        rows.append({
            "candidate_id": cid, "Rank": int(s["rank"]),
            "Could rank": rank_range(s["rank_best"], s["rank_worst"]),
            "Letters": s["letters"], "Chance best": chance_text(s["p_best"]),
            "Candidate": cand["name"], "Overall": round(float(s["overall"]), 2),
            "95% interval": ci, "Band": band_text(s["history_share"], int(s["n_panelists"])),
            "Technical": _round(s["technical"]), "Social": _round(s["social"]),
            "Company": _round(s["company"]), "Scorecards": scorecards,
            "Recommendations": _tally(s, texts), "Discuss": _flag(s), "Decision": decision,
        })
    columns = ["candidate_id", "Rank", "Could rank", "Letters", "Chance best", "Candidate",
               "Overall", "95% interval", "Band", "Technical", "Social", "Company",
               "Scorecards", "Recommendations", "Discuss", "Decision"]
    table = pd.DataFrame(rows, columns=columns)
    table["Rank"] = table["Rank"].astype("Int64")
    table["_order"] = table["Rank"].fillna(10**6)
    return table.sort_values(["_order", "Candidate"]).drop(columns="_order").reset_index(
        drop=True)


def _round(value) -> float | None:
    return None if pd.isna(value) else round(float(value), 2)


def change_marker(session: Session) -> tuple:
    """A fingerprint of what boards and calibration show, cheap enough to read on every run.

    Every write through the services that changes a board adds an audit row (submission,
    amendment, decision, consensus, settings, access); row counts and newest ids cover what
    arrives without one (imports, new candidates, panels, templates) and deletions (erasure).
    Each part is an indexed lookup or a count over an index of a table of at most one row per
    scorecard (about 8 ms on a million scores, SQLite).
    """
    def newest(column, *, count: bool = True):
        parts = [func.max(column)] + ([func.count()] if count else [])
        return [select(p).select_from(column.table).scalar_subquery() for p in parts]

    row = session.exec(select(
        *newest(AuditEvent.id, count=False), *newest(Scorecard.id), *newest(Score.id, count=False),
        *newest(Candidate.id), *newest(PanelMember.id), *newest(Decision.id),
        *newest(ConsensusScore.id), select(func.max(ConsensusScore.recorded_at))
        .scalar_subquery(), *newest(ScorecardTemplate.id), *newest(Criterion.id),
    )).one()
    settings = session.exec(select(AppSetting.key, AppSetting.value)
                            .order_by(AppSetting.key)).all()
    return (*(str(v) for v in row), *(f"{k}={v}" for k, v in settings))


@bulk_arrays
@gc_paused
def organisation_boards(session: Session, scores: pd.DataFrame,
                        cards: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every position's dashboard figures at once, as an admin sees them.

    `scores` and `cards` come from services.history.submitted_scores (read once for the
    boards and the calibration). Gives the summary (scores, interval, rank, tie group,
    recommendations, disagreements) with names and scorecard counts, the debrief agenda and
    the reliability of every position: the numbers load_board and reliability() give one
    position at a time.
    """
    fraction, scales = organisation_scales(session)
    figures = organisation_figures(scores, cards, scales, fraction)
    return label_figures(figures, organisation_labels(session), cards)


def organisation_scales(session: Session) -> tuple[float, pd.DataFrame]:
    """The disagreement setting and each position's current rating scale."""
    fraction = float(get_setting(session, "disagreement_fraction"))
    templates = pd.DataFrame(session.exec(select(
        ScorecardTemplate.position_id, ScorecardTemplate.version, ScorecardTemplate.scale_min,
        ScorecardTemplate.scale_max)).all(),
        columns=["position_id", "version", "scale_min", "scale_max"])
    scales = templates.sort_values(["position_id", "version"]).drop_duplicates(
        "position_id", keep="last")
    return fraction, scales


def organisation_figures(scores: pd.DataFrame, cards: pd.DataFrame, scales: pd.DataFrame,
                         fraction: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """stats.position_summaries over the packed scores (pure: no database), with the
    organisation's spread prior fitted from `cards` as organisation_prior fits it."""
    recs = cards[["candidate_id", "panelist_id", "recommendation", "position_id"]]
    return stats.position_summaries(scores, recs, scales, disagreement_fraction=fraction,
                                    prior=stats.organisation_prior(cards, scales))


@gc_paused
def organisation_labels(session: Session) -> dict:
    """Names, panel sizes and decisions of every candidate, and criterion names."""
    # Raw cursor rows: tens of thousands of candidates through Row objects cost a tenth of a
    # second here.
    candidates = _frame(fetch_rows(session, select(Candidate.id, Candidate.position_id,
                                                   Candidate.name)),
                        ["candidate_id", "position_id", "name"])
    expected = _frame(fetch_rows(session,
        select(Interview.candidate_id, func.count(PanelMember.id))
        .join(PanelMember, PanelMember.interview_id == Interview.id)
        .where(Interview.status != "cancelled")
        .group_by(Interview.candidate_id)), ["candidate_id", "n"]).set_index("candidate_id")["n"]
    candidates["expected"] = candidates["candidate_id"].map(expected).fillna(0).astype(int)
    decided = _frame(fetch_rows(session,
        select(Decision.candidate_id, Decision.outcome)
        .order_by(Decision.decided_at, Decision.id)), ["candidate_id", "decision"])
    candidates = candidates.merge(decided.drop_duplicates("candidate_id", keep="last"),
                                  on="candidate_id", how="left")
    criteria = _frame(fetch_rows(session, select(Criterion.id, Criterion.name)),
                      ["criterion_id", "name"]).set_index("criterion_id")["name"]
    return {"candidates": candidates, "criteria": criteria}


def label_figures(figures: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], labels: dict,
                  cards: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """organisation_figures with names and scorecard counts, as organisation_boards returns."""
    summary, agenda, rel = figures
    candidates = labels["candidates"].copy()
    submitted = cards.groupby("candidate_id").size()
    candidates.insert(candidates.columns.get_loc("expected") + 1, "submitted",
                      candidates["candidate_id"].map(submitted).fillna(0).astype(int))
    names = candidates.set_index("candidate_id")["name"]
    summary = summary.assign(name=summary["candidate_id"].map(names))
    agenda = agenda.assign(candidate=agenda["candidate_id"].map(names),
                           criterion=agenda["criterion_id"].map(labels["criteria"]))
    return {"candidates": candidates, "summary": summary, "agenda": agenda,
            "reliability": rel}
