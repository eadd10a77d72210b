"""One number everywhere (issue 10, point 1; issue 11): for random positions, the dashboard's
board, the panel view, the report JSON and CSV, the xlsx Summary sheet and the PDF pack's ranking
table print the same overall score, 95% interval, rank, letters, possible ranks and chance of
being best for every candidate, to the last printed digit, and the dashboard, report (JSON and
CSV), xlsx and PDF the same sentence on what the scores settle.

Each example is a fresh SQLite database (a copy of the migrated template) filled through the
services, as the app fills it: 3-8 candidates, 2-4 panelists, scores on the position's scale,
some criteria not assessed, some panelists not started.
"""

import io
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlmodel import Session

from services import exports, i18n, report
from services.access import OPERATOR
from services.board import (
    chance_text,
    load_board,
    load_candidate_panel,
    rank_range,
    ranking_statement,
    ranking_table,
)
from services.db import get_engine
from services.pdf_pack import debrief_pack
from services.positions import DEFAULT_CRITERIA
from tests.conftest import Factory, require_tool

RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")
SCALES = ((1, 5), (1, 7), (1, 4))


@st.composite
def panels(draw) -> dict:
    """A position: its scale and criteria, and per candidate each panelist's card or None."""
    lo, hi = draw(st.sampled_from(SCALES))
    n_criteria = draw(st.integers(2, 5))
    n_panelists = draw(st.integers(2, 4))
    n_candidates = draw(st.integers(3, 8))
    value = st.one_of(st.none(), st.integers(lo, hi)) if draw(st.booleans()) else \
        st.integers(lo, hi)

    def card():
        values = draw(st.lists(value, min_size=n_criteria, max_size=n_criteria))
        if all(v is None for v in values):  # a card assesses at least one criterion
            values[0] = draw(st.integers(lo, hi))
        return {"values": values, "recommendation": draw(st.sampled_from(RECOMMENDATIONS))}

    candidates = []
    for _ in range(n_candidates):
        started = draw(st.lists(st.booleans(), min_size=n_panelists, max_size=n_panelists))
        candidates.append([card() if s else None for s in started])
    return {"scale": (lo, hi), "criteria": DEFAULT_CRITERIA[:n_criteria],
            "panelists": n_panelists, "candidates": candidates}


def _build(session: Session, spec: dict):
    make = Factory(session)
    manager = make.user("hiring_manager", name="Hana Manager")
    panel = [make.user(name=f"Panelist {i + 1}") for i in range(spec["panelists"])]
    position = make.position(manager=manager, title="Cross view", criteria=spec["criteria"],
                             scale=spec["scale"])
    seated = {}
    for i, cards in enumerate(spec["candidates"]):
        cand = make.candidate(position, name=f"Cand{i + 1:02d}")
        iv = make.interview(cand, panel)
        seated[cand.id] = []
        for panelist, card in zip(panel, cards, strict=True):
            if card is not None:
                make.scorecard(iv, panelist, card["values"], card["recommendation"])
                seated[cand.id].append(panelist)
    return make, manager, position, seated


def _dec(value) -> str:
    """A statistic as every view prints it (services.i18n, the current language)."""
    return "" if value is None or pd.isna(value) else i18n.decimal(value, 2)


def _interval(low, high) -> str:
    return "" if low is None or pd.isna(low) else f"{_dec(low)}–{_dec(high)}"


def _figures_of_summary(row) -> dict:
    return {"overall": _dec(row["overall"]), "interval": _interval(row["ci_low"], row["ci_high"]),
            "rank": "" if pd.isna(row["rank"]) else str(int(row["rank"])),
            "letters": row["letters"] or "", "chance": chance_text(row["p_best"]),
            "could": rank_range(row["rank_best"], row["rank_worst"])}


def _dashboard(board) -> dict[str, dict]:
    """What the dashboard's table prints (services.board.ranking_table of the board it loaded)."""
    table = ranking_table(board)
    out = {}
    for d in table.to_dict("records"):
        if pd.isna(d["Rank"]):
            continue
        out[d["Candidate"]] = {"overall": _dec(d["Overall"]), "interval": d["95% interval"] or "",
                               "rank": str(int(d["Rank"])), "letters": d["Letters"],
                               "chance": d["Chance best"] or "", "could": d["Could rank"]}
    return out


def _board(board) -> dict[str, dict]:
    names = dict(zip(board.candidates["candidate_id"], board.candidates["name"], strict=True))
    return {names[r["candidate_id"]]: _figures_of_summary(r)
            for _, r in board.summary.iterrows() if not pd.isna(r["overall"])}


def _panel_views(session, seated: dict, names: dict) -> dict[str, dict]:
    """Each candidate's figures in the panel view of every panelist who submitted."""
    out = {}
    for cid, panelists in seated.items():
        for panelist in panelists:
            viewer = Factory(session).viewer(panelist)
            board = load_candidate_panel(session, cid, viewer)
            row = board.summary.set_index("candidate_id").loc[cid]
            if pd.isna(row["overall"]):
                continue
            # The panel view prints the overall score and its interval (ui/candidate_view.py).
            figures = {"overall": _dec(row["overall"]),
                       "interval": _interval(row["ci_low"], row["ci_high"])}
            seen = out.setdefault(names[cid], figures)
            assert seen == figures, (names[cid], panelist.name, seen, figures)
    return out


def _report(data: dict) -> dict[str, dict]:
    """The figures of the report's JSON (report.position_report)."""
    out = {}
    for c in data["candidates"]:
        if c["overall"] is None:
            continue
        best, worst = c["could_rank"]
        out[c["candidate"]] = {
            "overall": _dec(c["overall"]), "interval": _interval(*c["ci"]),
            "rank": str(c["rank"]), "letters": c["letters"] or "",
            "chance": chance_text(c["p_best"]), "could": rank_range(best, worst)}
    return out


def _report_csv(data: dict) -> tuple[dict[str, dict], set[str]]:
    """The report's CSV file (written from the report's data, as `manage.py report` writes it)
    as a spreadsheet reads it: (figures, the sentence column's values)."""
    text = report.report_csv_text(data)
    if not text.strip():  # a position without scored candidates: no rows, nothing to compare
        return {}, set()
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    out = {}
    for row in table.to_dict("records"):
        if not row["overall"]:
            continue
        out[row["candidate"]] = {
            "overall": _dec(float(row["overall"])),
            "interval": _interval(float(row["ci_low"]), float(row["ci_high"])),
            "rank": row["rank"], "letters": row["letters"],
            "chance": chance_text(float(row["p_best"]) if row["p_best"] else float("nan")),
            "could": row["could_rank"].replace("-", "–")}
    return out, set(table["ranking_statement"])


def _xlsx(session, position, viewer) -> tuple[dict[str, dict], list[str]]:
    """(figures of the Summary sheet, its one-cell rows: the sentence sits below the table)."""
    book = load_workbook(io.BytesIO(exports.scores_xlsx(session, viewer, position.id)))
    rows = list(book["Summary"].iter_rows(values_only=True))
    head = list(rows[0])
    out = {}
    for values in rows[1:]:
        row = dict(zip(head, values, strict=False))
        if row.get("Candidate") is None or row.get("Rank") is None:
            continue
        out[row["Candidate"]] = {
            "overall": _dec(row["Overall"]), "interval": row["95% interval"] or "",
            "rank": str(int(row["Rank"])), "letters": row["Letters"] or "",
            "chance": row["Chance best"] or "", "could": str(row["Could rank"])}
    lone = [v[0] for v in rows[1:] if v and v[0] and not any(x is not None for x in v[1:])]
    return out, lone


ROW = re.compile(r"^\s*(?P<rank>\d+)\s+(?P<could>\d+(?:–\d+)?)\s+(?P<letters>[a-z]+)\s+"
                 r"(?:(?P<chance>(?:under |over )?\d+%)\s+)?(?P<name>Cand\d\d)\s+"
                 r"(?P<overall>\d+\.\d\d)(?:\s+(?P<interval>\d+\.\d\d–\d+\.\d\d))?")


def _pdf(session, position, viewer, tmp) -> tuple[dict[str, dict], str]:
    """(figures of the pack's ranking table, its first pages' text with spaces collapsed)."""
    path = tmp / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(debrief_pack(session, viewer, position.id))
    text = subprocess.run(["pdftotext", "-layout", "-l", "2", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    out = {}
    for line in text.splitlines():
        if m := ROW.match(line):
            out[m["name"]] = {"overall": m["overall"], "interval": m["interval"] or "",
                              "rank": m["rank"], "letters": m["letters"],
                              "chance": m["chance"] or "", "could": m["could"]}
    return out, " ".join(text.split())


@settings(max_examples=15, deadline=None, derandomize=True, print_blob=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=panels())
def test_every_view_prints_the_same_figures(spec, migrated_template, tmp_path_factory):
    require_tool("pdftotext", "poppler-utils")
    # Memory-backed when the machine has it: each example commits a few hundred times.
    shm = Path("/dev/shm")
    tmp = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path_factory.mktemp("cross")
    path = tmp / "t.db"
    shutil.copy(migrated_template, path)
    url = f"sqlite:///{path}"
    try:
        with Session(get_engine(url), expire_on_commit=False) as session, \
                i18n.language("en"):
            make, manager, position, seated = _build(session, spec)
            names = {cid: f"Cand{i + 1:02d}" for i, cid in enumerate(seated)}
            viewer = make.viewer(manager)
            # Loaded once each and read by every view that prints them (the dashboard prints
            # its table and its sentence from one board; the report's JSON and CSV come from
            # one position_report).
            dashboard_board = load_board(session, position.id, viewer)
            report_data = report.position_report(session, position.id)
            board = _board(dashboard_board)
            csv_figures, csv_sentences = _report_csv(report_data)
            xlsx_figures, xlsx_lone_cells = _xlsx(session, position, viewer)
            pdf_figures, pdf_text = _pdf(session, position, viewer, tmp)
            views = {
                "dashboard table": _dashboard(dashboard_board),
                "panel view": _panel_views(session, seated, names),
                "report": _report(report_data),
                "report CSV": csv_figures,
                "report as operator board": _board(load_board(session, position.id, OPERATOR)),
                "xlsx Summary": xlsx_figures,
                "pdf table": pdf_figures,
            }
            scored = {names[cid] for cid, p in seated.items() if p}
            assert set(board) == scored
            printed_by_panel_view = {"overall", "interval"}
            for view, figures in views.items():
                want = board
                if view == "panel view":
                    want = {n: {k: v for k, v in f.items() if k in printed_by_panel_view}
                            for n, f in board.items()}
                assert figures == want, view
            # The one sentence: the dashboard's, word for word in every other view.
            sentence = ranking_statement(dashboard_board)
            assert sentence, "no sentence"
            assert report_data["ranking_statement"] == sentence
            if csv_figures:
                assert csv_sentences == {sentence}
            assert sentence in xlsx_lone_cells
            assert " ".join(sentence.split()) in pdf_text
    finally:
        get_engine(url).dispose()
        shutil.rmtree(tmp, ignore_errors=True)
