"""A position's data for taking away: scores (CSV, Excel), the comparison table, the PDF pack.

Only who may see the position's dashboard may export it (admin, or the position's hiring
manager; services.access.manages_position); the command line acts as the admin operator
(services.access.OPERATOR). Candidates whose panel the viewer may not see yet (blind scoring:
they sit on it and have not submitted) are left out of score exports, as they are left out of
the dashboard. Cells that a spreadsheet would run as a formula are neutralised.

Languages (issue 13). What a program reads back stays fixed whatever the reader's language: the
scores CSV and the workbook's sheet "Scores" keep the documented `import-scores` column names
(position, candidate, panelist, criterion, score, ...) with machine values (ISO dates, "." as
the decimal point), and the sheet names stay "Scores" and "Summary" so scripts can find them.
What people read is in the reader's language (services.preferences.reader_language: the one
asked for, else the viewer's chosen language, else the organisation default), as in the PDF pack:
the "Summary" sheet (the dashboard's comparison table, its headers and words as services.board
gives them in that language) and the ranking sentence below it.
"""

import io

import pandas as pd
from sqlmodel import Session, select

from models import Candidate
from services import i18n
from services.access import position_for_export, visible_candidates
from services.auth import Viewer
from services.board import load_board, ranking_statement, ranking_table
from services.exports_safety import csv_bytes, neutralise_cell, neutralise_frame
from services.pdf_pack import debrief_pack
from services.preferences import reader_language
from services.scores_io import export_scores

FORMATS = ("csv", "xlsx", "pdf")


def scores_frame(session: Session, viewer: Viewer, position_id: int) -> pd.DataFrame:
    """All submitted scores the viewer may see, in the import-scores format."""
    position = position_for_export(session, viewer, position_id)
    frame = export_scores(session, position_id)
    cands = session.exec(select(Candidate.id, Candidate.name, Candidate.email)
                         .where(Candidate.position_id == position_id)).all()
    seen = visible_candidates(session, viewer, position, [c[0] for c in cands])
    hidden = {(name, email or "") for cid, name, email in cands if cid not in seen}
    if hidden:
        keys = list(zip(frame["candidate"], frame["candidate_email"], strict=True))
        frame = frame[[k not in hidden for k in keys]].reset_index(drop=True)
    return frame


def scores_csv(session: Session, viewer: Viewer, position_id: int) -> bytes:
    """The scores as UTF-8 CSV that `manage.py import-scores` reads unchanged."""
    return csv_bytes(scores_frame(session, viewer, position_id))


def comparison_frame(session: Session, viewer: Viewer, position_id: int) -> pd.DataFrame:
    """The candidate comparison table as the dashboard shows it."""
    position_for_export(session, viewer, position_id)
    board = load_board(session, position_id, viewer)
    return ranking_table(board).drop(columns="candidate_id")


def comparison_csv(session: Session, viewer: Viewer, position_id: int) -> bytes:
    """The comparison table as CSV."""
    return csv_bytes(comparison_frame(session, viewer, position_id))


def scores_xlsx(session: Session, viewer: Viewer, position_id: int, *,
                language: str | None = None) -> bytes:
    """An Excel workbook: sheet Scores (one row per score, the import format), sheet Summary
    (the comparison, in the reader's language)."""
    scores = scores_frame(session, viewer, position_id)
    scores = scores.assign(score=pd.to_numeric(scores["score"], errors="coerce"),
                           weight=pd.to_numeric(scores["weight"], errors="coerce"))
    with i18n.language(*reader_language(session, viewer, language)):
        summary = comparison_frame(session, viewer, position_id)
        statement = ranking_statement(load_board(session, position_id, viewer))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_frame(scores).to_excel(writer, sheet_name="Scores", index=False)
        neutralise_frame(summary).to_excel(writer, sheet_name="Summary", index=False)
        # The one sentence on what the scores settle, two rows below the table.
        sheet = writer.book["Summary"]
        sheet.cell(row=len(summary) + 3, column=1, value=neutralise_cell(statement))
        for sheet in writer.book.worksheets:
            sheet.freeze_panes = "A2"
            for column in sheet.columns:
                width = max(len(str(c.value or "")) for c in column[:200])
                sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
    return buffer.getvalue()


def file_stem(title: str) -> str:
    """A file name made from a position's title (letters and digits, dashes between)."""
    stem = "".join(ch if ch.isalnum() else "-" for ch in title.lower())
    return "-".join(p for p in stem.split("-") if p) or "position"


def export(session: Session, viewer: Viewer, position_id: int, fmt: str) -> bytes:
    """The position's export in one of FORMATS."""
    if fmt == "csv":
        return scores_csv(session, viewer, position_id)
    if fmt == "xlsx":
        return scores_xlsx(session, viewer, position_id)
    if fmt == "pdf":
        return debrief_pack(session, viewer, position_id)
    raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
