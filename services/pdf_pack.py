"""The debrief pack of a position as a PDF (fpdf2): per candidate the scores, charts drawn with
fpdf2's own shapes (no image renderer), who said what, disagreements, tasks no one probed, salary
against the band and the decision.

Text is set in DejaVu Sans when the font is installed (Debian: fonts-dejavu-core), which covers
names such as "Tomás" or "Łukasz". Without it the core Helvetica font is used, which only knows
Latin-1: other characters are transliterated (Ł -> L) and the cover page says so.
"""

import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from sqlmodel import Session

from models import label
from services import stats
from services.auth import Viewer
from services.board import (
    Board,
    chance_text,
    load_board,
    rank_range,
    ranking_statement,
    ranking_table,
)
from services.coverage import uncovered_tasks
from services.exports import position_for_export
from services.first_interview import change_per_criterion, first_scores

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
PAGE_W = 190  # A4 width less 10 mm margins
PANELIST_COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (148, 103, 189)]
TRANSLITERATED_NOTE = ("Note: the DejaVu font is not installed, so characters outside Latin-1 "
                       "are shown in a simplified (transliterated) form.")


class _Pack(FPDF):
    def __init__(self, font_dir: Path | None):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(10, 12, 10)
        self.set_auto_page_break(True, margin=14)
        self.has_unicode = False
        if font_dir is not None and all((font_dir / f).is_file() for f in FONT_FILES.values()):
            for style, file in FONT_FILES.items():
                self.add_font("DejaVu", style, str(font_dir / file))
            self.text_family = "DejaVu"
            self.has_unicode = True
        else:
            self.text_family = "Helvetica"
        self.footer_text = ""

    def use_font(self, size: float = 10, bold: bool = False) -> None:
        self.set_font(self.text_family, "B" if bold else "", size)

    def t(self, value: object) -> str:
        """Text the current font can show."""
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        if self.has_unicode:
            return text
        text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2022", "*")
        if all(ord(ch) < 256 for ch in text):
            return text
        plain = unicodedata.normalize("NFKD", text)
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
        extra = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ø": "O", "ø": "o", "ß": "ss",
                 "Œ": "OE", "œ": "oe", "ı": "i"}
        plain = "".join(extra.get(ch, ch) for ch in plain)
        return plain.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-10)
        self.use_font(7)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, self.t(f"{self.footer_text} · page {self.page_no()}"), align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: float = 12) -> None:
        self.ln(2)
        self.use_font(size, bold=True)
        self.multi_cell(0, size * 0.5, self.t(text), new_x="LMARGIN", new_y="NEXT")
        self.use_font(9)

    def line_text(self, text: str, size: float = 9, bold: bool = False) -> None:
        self.use_font(size, bold)
        self.multi_cell(0, size * 0.48, self.t(text), new_x="LMARGIN", new_y="NEXT")

    def frame_table(self, frame: pd.DataFrame, widths: list[float], size: float = 8) -> None:
        self.use_font(size, bold=True)
        self.set_fill_color(235, 235, 235)
        h = size * 0.6
        for col, w in zip(frame.columns, widths, strict=True):
            self.cell(w, h, self.t(col)[:40], border=1, fill=True)
        self.ln(h)
        self.use_font(size)
        for row in frame.itertuples(index=False):
            if self.get_y() > self.h - 24:
                self.add_page()
            for value, w in zip(row, widths, strict=True):
                text = self.t(_fmt(value))
                while text and self.get_string_width(text) > w - 1.5:
                    text = text[:-2] + "…" if self.has_unicode else text[:-2] + "."
                self.cell(w, h, text, border=1)
            self.ln(h)


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _colour(value: float | None, lo: int, hi: int) -> tuple[int, int, int]:
    """Red for the bottom of the scale through yellow to green for the top; grey: none."""
    if value is None or pd.isna(value):
        return (220, 220, 220)
    x = (float(value) - lo) / max(1, hi - lo)
    if x < 0.5:
        return (230, int(120 + 220 * x), 100)
    return (int(230 - 300 * (x - 0.5)), 220, 110)


def _money(amount, currency: str) -> str:
    if amount is None or pd.isna(amount):
        return "-"
    return f"{int(amount):,} {currency}".replace(",", " ")


def debrief_pack(session: Session, viewer: Viewer, position_id: int, *,
                 font_dir: Path | None = FONT_DIR) -> bytes:
    """The position's debrief pack as PDF bytes, for who may see its dashboard."""
    position_for_export(session, viewer, position_id)
    board = load_board(session, position_id, viewer)
    pdf = _Pack(font_dir)
    position = board.position
    pdf.footer_text = f"Second Look · debrief pack · {position.title}"
    pdf.set_title(pdf.t(f"Debrief pack: {position.title}"))
    pdf.add_page()
    pdf.heading(f"Debrief pack: {position.title}", 16)
    pdf.line_text(f"Team: {position.team or '-'} · salary band "
                  f"{_money(position.salary_min, position.currency)} - "
                  f"{_money(position.salary_max, position.currency)} · rating scale "
                  f"{board.scale_min} to {board.scale_max} · made "
                  f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M')} UTC for {viewer.name}")
    if not pdf.has_unicode:
        pdf.line_text(TRANSLITERATED_NOTE, 8)
    pdf.heading("Ranking")
    pdf.line_text(ranking_statement(board), 10, True)
    table = ranking_table(board)
    cols = ["Rank", "Could rank", "Letters", "Chance best", "Candidate", "Overall",
            "95% interval", "Band", "Scorecards", "Decision"]
    shown = table.reindex(columns=cols).assign(
        Rank=table["Rank"].map(lambda v: "" if pd.isna(v) else str(int(v))),
        Decision=table["Decision"].map(label_or_blank))
    pdf.frame_table(shown, [10, 14, 13, 17, 38, 14, 22, 28, 16, 18])
    pdf.line_text("Letters: candidates sharing a letter are not separated by the scores (pairwise "
                  "tests with the 5% error shared over every pair), so their order is not "
                  "settled; Could rank: the ranks this leaves open. Chance best: how likely each "
                  "of the top three is truly the strongest. Band: where the interval's width "
                  "comes from (a band that leans on history borrows the organisation's typical "
                  "panel spread because this panel is small or happens to agree).", 7)

    order = table["candidate_id"].tolist()
    for cid in order:
        _candidate_pages(pdf, session, board, int(cid), viewer)
    return bytes(pdf.output())


def label_or_blank(value: object) -> str:
    return "" if value is None or value == "" or (isinstance(value, float) and pd.isna(value)) \
        else label(str(value))


def _candidate_pages(pdf: _Pack, session: Session, board: Board, cid: int,
                     viewer: Viewer) -> None:
    cand = board.candidates.set_index("candidate_id").loc[cid]
    lo, hi = board.scale_min, board.scale_max
    pdf.add_page()
    pdf.heading(str(cand["name"]), 15)
    pdf.line_text(f"Stage: {label(cand['stage'])} · scorecards {int(cand['submitted'])} of "
                  f"{int(cand['expected'])}")
    if not cand["visible"]:
        pdf.line_text("Hidden: you sit on this candidate's panel; the panel's scores show once "
                      "you have submitted your own scorecard.")
        return
    scores = board.scores[board.scores["candidate_id"] == cid]
    cards = board.cards[board.cards["candidate_id"] == cid]
    if cards.empty:
        pdf.line_text("No submitted scorecards yet.")
        _decision(pdf, cand)
        return
    row = board.summary.set_index("candidate_id").loc[cid]
    ci = ("" if pd.isna(row["ci_low"]) else
          f" (95% interval {row['ci_low']:.2f} to {row['ci_high']:.2f})")
    chance = chance_text(row["p_best"])
    pdf.line_text(f"Overall {row['overall']:.2f}{ci} · rank {int(row['rank'])} (could rank "
                  f"{rank_range(row['rank_best'], row['rank_worst'])}), letters "
                  f"{row['letters']}" + (f", chance best {chance}" if chance else "")
                  + " · recommendations: "
                  + ", ".join(f"{int(row[f'rec_{r}'])} {label(r).lower()}"
                              for r in reversed(stats.RECOMMENDATIONS)
                              if int(row[f"rec_{r}"])), 10, True)

    names = dict(zip(cards["panelist_id"], cards["panelist"], strict=True))
    panelists = list(names)
    per = stats.panelist_scores(scores).set_index("panelist_id")
    pdf.heading("Dimensions by panelist", 11)
    _dimension_bars(pdf, per, panelists, names, lo, hi)

    crit_names = dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))
    pdf.heading("Scores by criterion and panelist", 11)
    _grid(pdf, scores, panelists, names, crit_names, lo, hi)

    agenda = board.agenda[board.agenda["candidate_id"] == cid]
    pdf.heading("Disagreements to discuss", 11)
    if agenda.empty:
        pdf.line_text("None: no criterion differs by the threshold, and recommendations agree.")
    for a in agenda.itertuples(index=False):
        topic = "Recommendation" if pd.isna(a.criterion) else a.criterion
        pdf.line_text(f"• {topic}: {a.detail}")

    missing = uncovered_tasks(session, viewer, cid)
    pdf.heading("Tasks no panelist probed", 11)
    pdf.line_text(", ".join(missing) if missing else "Every task of the position was probed.")

    first = first_scores(session, viewer, cid)
    change = change_per_criterion(first, scores, crit_names)
    if not change.empty:
        pdf.heading("First versus second interview", 11)
        pdf.frame_table(change.rename(columns={"criterion": "Criterion", "first": "First",
                                         "second": "Second (panel mean)", "change": "Change"}),
                  [90, 30, 40, 30])

    pdf.heading("Who said what", 11)
    for criterion_id, rows in scores.groupby("criterion_id", sort=False):
        pdf.line_text(crit_names.get(criterion_id, "(older criterion)"), 9, True)
        for r in rows.itertuples(index=False):
            value = "not assessed" if pd.isna(r.value) else f"{r.value:g}"
            pdf.line_text(f"{names.get(r.panelist_id, '?')} ({value}): {r.evidence or '-'}", 8)
    for card in cards.itertuples(index=False):
        pdf.line_text(f"{card.panelist} ({label(card.panel_role)}): recommends "
                      f"{label(card.recommendation).lower()}", 9, True)
        for title, value in (("Interest", card.interest), ("Concerns", card.concerns),
                             ("Candidate's questions", card.candidate_questions)):
            if value:
                pdf.line_text(f"{title}: {value}", 8)

    pdf.heading("Salary", 11)
    _salary(pdf, board, cand, cards)
    _decision(pdf, cand)


def _dimension_bars(pdf: _Pack, per: pd.DataFrame, panelists: list[int], names: dict,
                    lo: int, hi: int) -> None:
    """Horizontal bars: one group per dimension, one bar per panelist."""
    x0, label_w, bar_w, bar_h = pdf.l_margin, 38, 120, 3.2
    for i, pid in enumerate(panelists):
        pdf.set_fill_color(*PANELIST_COLOURS[i % len(PANELIST_COLOURS)])
        pdf.rect(x0 + label_w + i * 45, pdf.get_y() + 0.8, 3, 3, style="F")
        pdf.set_xy(x0 + label_w + i * 45 + 4, pdf.get_y())
        pdf.use_font(7)
        pdf.cell(40, 4.5, pdf.t(names[pid])[:28])
        pdf.set_x(x0)
    pdf.ln(6)
    for dim in stats.DIMENSIONS:
        if pdf.get_y() > pdf.h - 40:
            pdf.add_page()
        top = pdf.get_y()
        pdf.use_font(8, True)
        pdf.set_xy(x0, top)
        pdf.cell(label_w, 4, pdf.t(label(dim)))
        for i, pid in enumerate(panelists):
            value = per[dim].get(pid) if dim in per else None
            y = top + i * (bar_h + 0.8)
            pdf.set_draw_color(200, 200, 200)
            pdf.rect(x0 + label_w, y, bar_w, bar_h)
            if value is not None and not pd.isna(value):
                share = (float(value) - lo) / max(1, hi - lo)
                pdf.set_fill_color(*PANELIST_COLOURS[i % len(PANELIST_COLOURS)])
                pdf.rect(x0 + label_w, y, max(0.8, bar_w * share), bar_h, style="F")
                pdf.set_xy(x0 + label_w + bar_w + 2, y - 0.4)
                pdf.use_font(7)
                pdf.cell(12, bar_h, f"{value:.2f}")
        pdf.set_y(top + len(panelists) * (bar_h + 0.8) + 2.5)
    pdf.set_draw_color(0, 0, 0)


def _grid(pdf: _Pack, scores: pd.DataFrame, panelists: list[int], names: dict,
          crit_names: dict, lo: int, hi: int) -> None:
    """A criterion × panelist grid, each cell coloured by its score."""
    crit_w, cell_w, h = 80, min(27, (PAGE_W - 80) / max(1, len(panelists))), 5.5
    pdf.use_font(7, True)
    pdf.cell(crit_w, h, "")
    for pid in panelists:
        pdf.cell(cell_w, h, pdf.t(names[pid])[:18], border=1, align="C")
    pdf.ln(h)
    values = {(r.criterion_id, r.panelist_id): r.value for r in scores.itertuples(index=False)}
    order = [c for c in crit_names if c in set(scores["criterion_id"])]
    order += [c for c in dict.fromkeys(scores["criterion_id"]) if c not in crit_names]
    for cid in order:
        if pdf.get_y() > pdf.h - 24:
            pdf.add_page()
        pdf.use_font(7)
        name = pdf.t(crit_names.get(cid, "(older criterion)"))
        while name and pdf.get_string_width(name) > crit_w - 2:
            name = name[:-1]
        pdf.cell(crit_w, h, name, border=1)
        for pid in panelists:
            value = values.get((cid, pid))
            pdf.set_fill_color(*_colour(value, lo, hi))
            text = "" if (cid, pid) not in values else (
                "n/a" if value is None or pd.isna(value) else f"{value:g}")
            pdf.cell(cell_w, h, text, border=1, align="C", fill=True)
        pdf.ln(h)
    pdf.use_font(7)
    pdf.line_text(f"Colours run from red ({lo}) through yellow to green ({hi}); grey: not "
                  "assessed or not scored.", 7)


def _salary(pdf: _Pack, board: Board, cand, cards: pd.DataFrame) -> None:
    """The band as a bar, with the stated expectation and what panelists heard as marks."""
    position = board.position
    lo, hi = position.salary_min, position.salary_max
    expectation = cand["salary_expectation"]
    expectation = None if expectation is None or pd.isna(expectation) else int(expectation)
    heard = [int(v) for v in cards["salary_heard"] if v is not None and not pd.isna(v)]
    pdf.line_text(f"Band {_money(lo, position.currency)} - {_money(hi, position.currency)}; "
                  f"stated expectation {_money(expectation, position.currency)}"
                  + ("; heard by the panel: "
                     + ", ".join(_money(v, position.currency) for v in heard) if heard else ""))
    points = [v for v in (lo, hi, expectation, *heard) if v is not None]
    if lo is None or hi is None or not points:
        return
    start, end = min(points) * 0.9, max(points) * 1.1
    span = max(1.0, end - start)
    x0, w, y = pdf.l_margin + 10, 160, pdf.get_y() + 2

    def at(v: float) -> float:
        return x0 + w * (v - start) / span

    pdf.set_fill_color(225, 235, 250)
    pdf.rect(x0, y, w, 6, style="F")
    pdf.set_fill_color(120, 160, 220)
    pdf.rect(at(lo), y, max(0.8, at(hi) - at(lo)), 6, style="F")
    marks = [(expectation, (200, 40, 40))] + [(v, (60, 60, 60)) for v in heard]
    for value, colour in marks:
        if value is None:
            continue
        pdf.set_fill_color(*colour)
        pdf.rect(at(value) - 0.6, y - 1.5, 1.2, 9, style="F")
    pdf.set_y(y + 10)
    if expectation is not None and expectation > hi:
        pdf.line_text("The stated expectation is above the band's maximum.", 9, True)


def _decision(pdf: _Pack, cand) -> None:
    pdf.heading("Decision", 11)
    decision = cand.get("decision")
    if isinstance(decision, str) and decision:
        pdf.line_text(f"{label(decision)} by {cand['decided_by']}: {cand['decision_rationale']}")
    else:
        pdf.line_text("No decision recorded yet.")
