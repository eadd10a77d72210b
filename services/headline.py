"""What the dashboard says first, in plain words: what is left to discuss, how the panel
recommends, the salary expectation against the band, what the candidate asked and cares about.

Pure functions over a Board (already filtered for the viewer, so nothing hidden by blind
scoring reaches a headline). Numbers come from the board's statistics; nothing is recomputed.
"""

from dataclasses import dataclass, field

import pandas as pd

from models import RECOMMENDATIONS, label
from services.board import Board, ranking_statement
from services.i18n import _, colon


@dataclass
class Salary:
    """A candidate's stated expectation against the position's band."""

    expectation: int | None
    band_min: int | None
    band_max: int | None
    currency: str
    # "below", "within", "above", or "unknown" (no expectation or no band)
    reading: str
    gap: int = 0  # how far outside the band (0 inside)


@dataclass
class CandidateHeadline:
    """One candidate's headline."""

    candidate: str
    discuss: list[str] = field(default_factory=list)
    tally: str = ""
    n_cards: int = 0
    salary: Salary | None = None
    asked: list[tuple[str, str]] = field(default_factory=list)      # (panelist, text)
    cares: list[tuple[str, str]] = field(default_factory=list)
    concerns: list[tuple[str, str]] = field(default_factory=list)
    decision: str | None = None


def tally(row) -> str:
    """'2 strong yes, 1 no' from a summary row's rec_* counts (empty when none)."""
    parts = [_("{n} {recommendation}").format(n=int(row.get(f"rec_{r}", 0) or 0),
                                              recommendation=label(r).lower())
             for r in reversed(RECOMMENDATIONS) if int(row.get(f"rec_{r}", 0) or 0)]
    return ", ".join(parts)


def salary_reading(expectation, band_min, band_max, currency: str) -> Salary:
    """Where an expectation sits against a band."""
    exp = None if expectation is None or pd.isna(expectation) else int(expectation)
    lo = None if band_min is None or pd.isna(band_min) else int(band_min)
    hi = None if band_max is None or pd.isna(band_max) else int(band_max)
    if exp is None or (lo is None and hi is None):
        return Salary(exp, lo, hi, currency, "unknown")
    if hi is not None and exp > hi:
        return Salary(exp, lo, hi, currency, "above", exp - hi)
    if lo is not None and exp < lo:
        return Salary(exp, lo, hi, currency, "below", lo - exp)
    return Salary(exp, lo, hi, currency, "within")


def _agenda_lines(agenda: pd.DataFrame) -> list[str]:
    lines = []
    for row in agenda.itertuples(index=False):
        topic = row.criterion if isinstance(row.criterion, str) else _("Recommendation")
        lines.append(colon(topic, row.detail) if row.detail else topic)
    return lines


def _notes(cards: pd.DataFrame, column: str) -> list[tuple[str, str]]:
    return [(str(who), note.strip()) for who, note in zip(cards["panelist"], cards[column],
                                                          strict=True)
            if isinstance(note, str) and note.strip()]


def candidate_headline(board: Board, candidate_id: int) -> CandidateHeadline:
    """The headline of one visible candidate."""
    cand = board.candidate_row(candidate_id)
    cards = board.cards[board.cards["candidate_id"] == candidate_id]
    summary = board.by_id("summary")
    row = summary.loc[candidate_id] if candidate_id in summary.index else {}
    agenda = board.agenda[board.agenda["candidate_id"] == candidate_id]
    decision = cand.get("decision")
    return CandidateHeadline(
        candidate=str(cand["name"]),
        discuss=_agenda_lines(agenda),
        tally=tally(row) if len(cards) else "",
        n_cards=len(cards),
        salary=salary_reading(cand.get("salary_expectation"), board.position.salary_min,
                              board.position.salary_max, board.position.currency),
        asked=_notes(cards, "candidate_questions"),
        cares=_notes(cards, "interest"),
        concerns=_notes(cards, "concerns"),
        decision=decision if isinstance(decision, str) else None,
    )


def position_agenda(board: Board) -> list[tuple[str, int]]:
    """(candidate, points to discuss) for every candidate with something left to discuss,
    most points first."""
    if board.agenda.empty:
        return []
    counts = board.agenda.groupby("candidate", sort=False).size().sort_values(
        ascending=False, kind="stable")
    return [(str(name), int(n)) for name, n in counts.items()]


def ranking_sentence(board: Board) -> str | None:
    """What the scores settle about the ranking, in one sentence (board.ranking_statement)."""
    return ranking_statement(board) or None
