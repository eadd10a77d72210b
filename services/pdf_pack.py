"""The debrief pack of a position as a PDF (fpdf2): per candidate the scores, charts drawn with
fpdf2's own shapes (no image renderer), who said what, disagreements, tasks no one probed, salary
against the band and the decision.

Text is set in DejaVu Sans when the font is installed (Debian: fonts-dejavu-core), which covers
names such as "Tomás" or "Łukasz". Without it the core Helvetica font is used, which only knows
Latin-1: other characters are transliterated (Ł -> L, € -> EUR, the narrow no-break space
of French numbers -> a plain space) and the cover page says so.

The pack is written in its reader's language (issue 13): the language passed in, else the
viewer's chosen language, else the organisation default (setting `language`); dates in the
viewer's time zone, else the organisation's. Numbers, money and dates go through services.i18n
("3,50", "62 000 €" in French). Names, notes and criteria are printed as they were entered.
"""

import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from sqlmodel import Session

from models import label
from services import i18n, stats
from services.access import position_for_export
from services.auth import Viewer
from services.board import (
    Board,
    band_text,
    chance_text,
    interval_text,
    load_board,
    rank_range,
    ranking_statement,
    ranking_table,
)
from services.coverage import uncovered_tasks
from services.first_interview import change_per_criterion, first_scores
from services.i18n import N_, _
from services.preferences import reader_language

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
PAGE_W = 190  # A4 width less 10 mm margins
PANELIST_COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (148, 103, 189)]
TRANSLITERATED_NOTE = N_("Note: the DejaVu font is not installed, so characters outside "
                         "Latin-1 are shown in a simplified (transliterated) form.")
# What the core font cannot show, and what it shows instead (before the accents are dropped).
_CORE_FONT_SUBSTITUTES = {"\u2013": "-", "\u2014": "-", "\u2022": "*", "\u2212": "-",
                          "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                          "\u202f": " ", "\u2009": " ", "\u2026": "...", "€": "EUR",
                          "\u00a0": " "}


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
        text = "".join(_CORE_FONT_SUBSTITUTES.get(ch, ch) for ch in text)
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
        self.cell(0, 5, self.t(_("{footer} · page {page}").format(
            footer=self.footer_text, page=i18n.number(self.page_no()))), align="C")
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
        self.set_fill_color(235, 235, 235)
        h = size * 0.6
        # Headers wrap inside their column (French ones are longer), all as tall as the tallest,
        # in a font small enough that no word is cut.
        heads = [self.t(col) for col in frame.columns]
        head_size = size
        while head_size > 5.5:
            self.use_font(head_size, bold=True)
            if all(self.get_string_width(word) <= w - 2 * self.c_margin - 1.2
                   for text, w in zip(heads, widths, strict=True) for word in text.split()):
                break
            head_size -= 0.5
        lines = max(len(self.multi_cell(w - 1, h, text, dry_run=True, output="LINES"))
                    for text, w in zip(heads, widths, strict=True))
        x, y = self.get_x(), self.get_y()
        for text, w in zip(heads, widths, strict=True):
            self.rect(x, y, w, h * lines, style="DF")
            self.set_xy(x + 0.5, y)
            self.multi_cell(w - 1, h, text, new_x="RIGHT", new_y="TOP")
            x += w
        self.set_xy(self.l_margin, y + h * lines)
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
        return i18n.decimal(value, 2)
    return str(value)


def _score(value: float | None) -> str:
    """One panelist's score as entered: "4", or "3,5" for a half point."""
    if value is None or pd.isna(value):
        return _("not assessed")
    value = float(value)
    return i18n.number(value) if value == int(value) else i18n.number(value, 1)


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
        return "—"
    return i18n.money(int(amount), currency)


def _of(submitted, expected) -> str:
    return _("{submitted} of {expected}").format(submitted=i18n.number(int(submitted)),
                                                 expected=i18n.number(int(expected)))


# The ranking table's columns (header, width in mm), in the order printed.
RANKING_COLUMNS = [(N_("Rank"), 10), (N_("Could rank"), 16), (N_("Letters"), 12),
                   (N_("Chance best"), 18), (N_("Candidate"), 35), (N_("Overall"), 14),
                   (N_("95% interval"), 21), (N_("Band"), 27), (N_("Scorecards"), 16),
                   (N_("Decision"), 21)]


def _ranking_rows(board: Board) -> pd.DataFrame:
    """The ranking table as printed, in the reader's language: the dashboard's rows and order
    (services.board.ranking_table), the figures formatted from the board's summary."""
    order = ranking_table(board)["candidate_id"].tolist()
    cands = board.candidates.set_index("candidate_id")
    summary = board.summary.set_index("candidate_id")
    rows = []
    for cid in order:
        cand = cands.loc[cid]
        row = dict.fromkeys((h for h, _w in RANKING_COLUMNS), "")
        row.update({"Candidate": str(cand["name"]),
                    "Scorecards": _of(cand["submitted"], cand["expected"]),
                    "Decision": label_or_blank(cand.get("decision"))})
        scored = (cand["visible"] and cid in summary.index
                  and not pd.isna(summary.at[cid, "overall"]))
        if scored:
            s = summary.loc[cid]
            row.update({"Rank": i18n.number(int(s["rank"])),
                        "Could rank": rank_range(s["rank_best"], s["rank_worst"]),
                        "Letters": str(s["letters"]), "Chance best": chance_text(s["p_best"]),
                        "Overall": i18n.decimal(s["overall"], 2),
                        "95% interval": interval_text(s["ci_low"], s["ci_high"]),
                        "Band": band_text(s["history_share"], int(s["n_panelists"]))})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[h for h, _w in RANKING_COLUMNS])
    return frame.rename(columns={h: _(h) for h, _w in RANKING_COLUMNS})


def debrief_pack(session: Session, viewer: Viewer, position_id: int, *,
                 font_dir: Path | None = FONT_DIR, language: str | None = None) -> bytes:
    """The position's debrief pack as PDF bytes, for who may see its dashboard, written in the
    reader's language (`language`, else the viewer's, else the organisation's)."""
    position_for_export(session, viewer, position_id)
    lang, zone = reader_language(session, viewer, language)
    with i18n.language(lang, zone):
        return _build_pack(session, viewer, position_id, font_dir)


def _build_pack(session: Session, viewer: Viewer, position_id: int,
                font_dir: Path | None) -> bytes:
    board = load_board(session, position_id, viewer)
    pdf = _Pack(font_dir)
    position = board.position
    pdf.footer_text = _("Second Look · debrief pack · {title}").format(title=position.title)
    pdf.set_title(pdf.t(_("Debrief pack: {title}").format(title=position.title)))
    pdf.set_lang(i18n.babel_locale().language)
    pdf.add_page()
    pdf.heading(_("Debrief pack: {title}").format(title=position.title), 16)
    pdf.line_text(_("Team: {team} · salary band {low} to {high} · rating scale {min} to {max} "
                    "· made {when} for {name}").format(
        team=position.team or "—", low=_money(position.salary_min, position.currency),
        high=_money(position.salary_max, position.currency), min=board.scale_min,
        max=board.scale_max, when=i18n.datetime_(datetime.now(UTC), "long"),
        name=viewer.name))
    if not pdf.has_unicode:
        pdf.line_text(_(TRANSLITERATED_NOTE), 8)
    pdf.heading(_("Ranking"))
    pdf.line_text(ranking_statement(board), 10, True)
    pdf.frame_table(_ranking_rows(board), [w for _h, w in RANKING_COLUMNS])
    pdf.line_text(_("Letters: candidates sharing a letter are not separated by the scores "
                    "(pairwise tests with the 5% error shared over every pair), so their order "
                    "is not settled; Could rank: the ranks this leaves open. Chance best: how "
                    "likely each of the top three is truly the strongest. Band: where the "
                    "interval's width comes from (a band that leans on history borrows the "
                    "organisation's typical panel spread because this panel is small or happens "
                    "to agree)."), 7)

    order = ranking_table(board)["candidate_id"].tolist()
    for cid in order:
        _candidate_pages(pdf, session, board, int(cid), viewer)
    return bytes(pdf.output())


def label_or_blank(value: object) -> str:
    return "" if value is None or value == "" or (isinstance(value, float) and pd.isna(value)) \
        else label(str(value))


def _candidate_pages(pdf: _Pack, session: Session, board: Board, cid: int,
                     viewer: Viewer) -> None:
    part = board.candidate(cid)
    cand, scores, cards, row = part.row, part.scores, part.cards, part.summary
    lo, hi = board.scale_min, board.scale_max
    pdf.add_page()
    pdf.heading(str(cand["name"]), 15)
    pdf.line_text(_("Stage: {stage} · scorecards {of}").format(
        stage=label(cand["stage"]), of=_of(cand["submitted"], cand["expected"])))
    if not part.visible:
        pdf.line_text(_("Hidden: you sit on this candidate's panel; the panel's scores show "
                        "once you have submitted your own scorecard."))
        return
    if row is None:
        pdf.line_text(_("No submitted scorecards yet."))
        _decision(pdf, cand)
        return
    ci = ("" if pd.isna(row["ci_low"]) else
          _(" (95% interval {low} to {high})").format(low=i18n.decimal(row["ci_low"], 2),
                                                      high=i18n.decimal(row["ci_high"], 2)))
    chance = chance_text(row["p_best"])
    tally = ", ".join(f"{i18n.number(int(row[f'rec_{r}']))} {label(r).lower()}"
                      for r in reversed(stats.RECOMMENDATIONS) if int(row[f"rec_{r}"]))
    pdf.line_text(_("Overall {overall}{interval} · rank {rank} (could rank {could}), letters "
                    "{letters}").format(
        overall=i18n.decimal(row["overall"], 2), interval=ci, rank=i18n.number(int(row["rank"])),
        could=rank_range(row["rank_best"], row["rank_worst"]), letters=row["letters"])
        + (_(", chance best {chance}").format(chance=chance) if chance else "")
        + _(" · recommendations: {tally}").format(tally=tally), 10, True)

    names = dict(zip(cards["panelist_id"], cards["panelist"], strict=True))
    panelists = list(names)
    per = stats.panelist_scores(scores).set_index("panelist_id")
    pdf.heading(_("Dimensions by panelist"), 11)
    _dimension_bars(pdf, per, panelists, names, lo, hi)

    crit_names = dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))
    pdf.heading(_("Scores by criterion and panelist"), 11)
    _grid(pdf, scores, panelists, names, crit_names, lo, hi)

    agenda = board.agenda[board.agenda["candidate_id"] == cid]
    pdf.heading(_("Disagreements to discuss"), 11)
    if agenda.empty:
        pdf.line_text(_("None: no criterion differs by the threshold, and recommendations "
                        "agree."))
    for a in agenda.itertuples(index=False):
        topic = _("Recommendation") if pd.isna(a.criterion) else a.criterion
        pdf.line_text(f"• {topic}: {a.detail}")

    missing = uncovered_tasks(session, viewer, cid)
    pdf.heading(_("Tasks no panelist probed"), 11)
    pdf.line_text(", ".join(missing) if missing else _("Every task of the position was probed."))

    first = first_scores(session, viewer, cid)
    change = change_per_criterion(first, scores, crit_names)
    if not change.empty:
        pdf.heading(_("First versus second interview"), 11)
        pdf.frame_table(change.rename(columns={
            "criterion": _("Criterion"), "first": _("First"),
            "second": _("Second (panel mean)"), "change": _("Change")}), [90, 30, 40, 30])

    pdf.heading(_("Who said what"), 11)
    for criterion_id, rows in scores.groupby("criterion_id", sort=False):
        pdf.line_text(crit_names.get(criterion_id, _("(older criterion)")), 9, True)
        for r in rows.itertuples(index=False):
            pdf.line_text(_("{panelist} ({score}): {evidence}").format(
                panelist=names.get(r.panelist_id, "?"), score=_score(r.value),
                evidence=r.evidence or "—"), 8)
    for card in cards.itertuples(index=False):
        pdf.line_text(_("{panelist} ({role}): recommends {recommendation}").format(
            panelist=card.panelist, role=label(card.panel_role),
            recommendation=label(card.recommendation).lower()), 9, True)
        for title, value in ((N_("Interest"), card.interest), (N_("Concerns"), card.concerns),
                             (N_("Candidate's questions"), card.candidate_questions)):
            if value:
                pdf.line_text(_("{title}: {text}").format(title=_(title), text=value), 8)

    pdf.heading(_("Salary"), 11)
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
                pdf.cell(12, bar_h, i18n.decimal(value, 2))
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
        name = pdf.t(crit_names.get(cid, _("(older criterion)")))
        while name and pdf.get_string_width(name) > crit_w - 2:
            name = name[:-1]
        pdf.cell(crit_w, h, name, border=1)
        for pid in panelists:
            value = values.get((cid, pid))
            pdf.set_fill_color(*_colour(value, lo, hi))
            text = "" if (cid, pid) not in values else (
                _("n/a") if value is None or pd.isna(value) else _score(value))
            pdf.cell(cell_w, h, text, border=1, align="C", fill=True)
        pdf.ln(h)
    pdf.use_font(7)
    pdf.line_text(_("Colours run from red ({low}) through yellow to green ({high}); grey: not "
                    "assessed or not scored.").format(low=lo, high=hi), 7)


def _salary(pdf: _Pack, board: Board, cand, cards: pd.DataFrame) -> None:
    """The band as a bar, with the stated expectation and what panelists heard as marks."""
    position = board.position
    lo, hi = position.salary_min, position.salary_max
    expectation = cand["salary_expectation"]
    expectation = None if expectation is None or pd.isna(expectation) else int(expectation)
    heard = [int(v) for v in cards["salary_heard"] if v is not None and not pd.isna(v)]
    pdf.line_text(_("Band {low} to {high}; stated expectation {expectation}").format(
        low=_money(lo, position.currency), high=_money(hi, position.currency),
        expectation=_money(expectation, position.currency))
        + (_("; heard by the panel: {amounts}").format(
            amounts=", ".join(_money(v, position.currency) for v in heard)) if heard else ""))
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
        pdf.line_text(_("The stated expectation is above the band's maximum."), 9, True)


def _decision(pdf: _Pack, cand) -> None:
    pdf.heading(_("Decision"), 11)
    decision = cand.get("decision")
    if isinstance(decision, str) and decision:
        pdf.line_text(_("{decision} by {name}: {rationale}").format(
            decision=label(decision), name=cand["decided_by"],
            rationale=cand["decision_rationale"]))
    else:
        pdf.line_text(_("No decision recorded yet."))
