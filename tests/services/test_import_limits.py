"""Imports refuse what the forms refuse: the models' limits, finite numbers, bounded files.

Every bad input is named by row and column (or the file) and the database is left as it was.
"""

import io
import zipfile

import pandas as pd
import pytest
from sqlmodel import select

from models import Candidate, Criterion, Interview, Position, Score, Scorecard, User
from services import candidates, positions, tables
from services.access import OPERATOR
from services.candidate_import import guess_mapping, import_candidates, read_table
from services.errors import InvalidInput
from services.i18n import language
from services.scores_io import import_scores
from tests.conftest import count

HEADER = "position,candidate,panelist,criterion,score,weight,comment\n"
GOOD_ROW = "Analyst,Ann,Pat,SQL,4,2,fine\n"
TABLES = (Position, Candidate, User, Criterion, Scorecard, Score)


def snapshot(session) -> list[int]:
    return [count(session, t) for t in TABLES]


def scores_problems(session, data: bytes, filename: str = "scores.csv") -> list[str]:
    before = snapshot(session)
    with pytest.raises(InvalidInput) as err:
        import_scores(session, data, viewer=OPERATOR, filename=filename)
    assert snapshot(session) == before
    return err.value.problems


def candidate_problems(session, make, data: bytes, name: str = "people.csv") -> list[str]:
    position = make.position()
    before = count(session, Candidate)
    with pytest.raises(InvalidInput) as err:
        frame = read_table(data, name)
        import_candidates(session, make.admin, position.id, frame, guess_mapping(frame.columns))
    assert count(session, Candidate) == before
    return err.value.problems


# --- import-scores ---------------------------------------------------------------------------

def test_a_20001_character_candidate_name_is_refused(session):
    data = (HEADER + GOOD_ROW + f"Analyst,{'N' * 20001},Pat,SQL,4,2,\n").encode()
    assert scores_problems(session, data) == [
        "row 3, column candidate: must be at most 200 characters"]


def test_a_10_mb_comment_is_refused(session):
    data = (HEADER + GOOD_ROW + f"Analyst,Ann,Quinn,SQL,4,2,{'c' * 10_000_000}\n").encode()
    assert scores_problems(session, data) == [
        "row 3, column comment: must be at most 10,000 characters"]


@pytest.mark.parametrize("weight", ["1e308", "nan", "inf", "-inf", "1" * 400, "101", "0"])
def test_a_weight_that_is_not_finite_or_out_of_range_is_refused(session, weight):
    problems = scores_problems(session, (HEADER + f"Analyst,Ann,Pat,SQL,4,{weight},\n").encode())
    assert len(problems) == 1
    assert problems[0].startswith("row 2, column weight: ")
    assert problems[0].endswith("is not a positive number of at most 100")


def test_a_400_digit_score_is_refused_with_one_line(session):
    problems = scores_problems(session, (HEADER + f"Analyst,Ann,Pat,SQL,{'9' * 400},2,\n"
                                         + f"Analyst,Ann,Quinn,SQL,-{'9' * 400},2,\n").encode())
    assert problems == [
        "row 2, column score: '99999999999999999999'... (400 characters) is outside the scale 1-5",
        "row 3, column score: '-9999999999999999999'... (401 characters) is outside the scale 1-5"]


def test_a_line_break_inside_a_name_cell_is_refused(session):
    data = (HEADER + 'Analyst,"Robert\r+cmd|\' /C calc\'!A0",Pat,SQL,4,2,\n'
            + 'Analyst,Ann,"Pat\nSmith",SQL,4,2,\n').encode()
    message = "must be one line of text (no line breaks or control characters)"
    assert scores_problems(session, data) == [f"row 2, column candidate: {message}",
                                              f"row 3, column panelist: {message}"]


def test_a_line_break_inside_a_comment_is_kept(session):
    data = (HEADER + 'Analyst,Ann,Pat,SQL,4,2,"first line\nsecond line"\n').encode()
    import_scores(session, data, viewer=OPERATOR)
    assert session.exec(Score.__table__.select()).one().evidence == "first line\nsecond line"


@pytest.mark.parametrize(("data", "message"), [
    ("position,candidate\nÄnn,x\n".encode("latin-1"), "scores.csv: not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "scores.csv: not UTF-8 text"),
    (b"position,candidate\x00,panelist\n", "scores.csv: not a text file"),
    (b"", "scores.csv: empty"),
    (b"\n \n", "scores.csv: empty"),
    (HEADER.encode(), "scores.csv: has a header but no rows"),
])
def test_unreadable_score_files_are_refused(session, data, message):
    problems = scores_problems(session, data)
    assert problems[0].startswith(message)


def test_forty_thousand_identical_rows_are_one_problem_line(session):
    data = (HEADER + GOOD_ROW * 40_000).encode()
    assert scores_problems(session, data) == [
        "rows 3–40,001, column criterion: the same score appears already in row 2"]


def test_an_xlsx_scores_file_imports(session):
    buffer = io.BytesIO()
    pd.DataFrame({"position": ["Analyst"] * 2, "candidate": ["Ann"] * 2,
                  "panelist": ["Pat", "Quinn"], "criterion": ["SQL"] * 2,
                  "score": ["4", "2"]}).to_excel(buffer, index=False)
    result = import_scores(session, buffer.getvalue(), viewer=OPERATOR, filename="scores.xlsx")
    assert result.scores_changed == 2
    assert snapshot(session) == [1, 1, 2, 1, 2, 2]


@pytest.mark.parametrize("score", ["\u0663", "\uff13", "3\u0663"])
def test_a_score_in_other_than_ascii_digits_is_refused(session, score):
    problems = scores_problems(session, (HEADER + f"Analyst,Ann,Pat,SQL,{score},2,fine\n"
                                         ).encode())
    assert problems == [f"row 2, column score: {score!r} is not a whole number"]


@pytest.mark.parametrize("weight", ["1_5", "\u0661", "infinity", "0x10", "1,5"])
def test_a_weight_python_would_read_but_a_person_would_not_write_is_refused(session, weight):
    problems = scores_problems(session, (HEADER + f'Analyst,Ann,Pat,SQL,4,"{weight}",fine\n'
                                         ).encode())
    assert problems == [f"row 2, column weight: {weight!r} is not a positive number of at "
                        "most 100"]


def test_a_formula_cell_with_no_saved_value_is_refused_not_read_as_empty(session):
    """A workbook written by a program has formulas and no results: "=2+1" in a score cell
    was imported as "not assessed"."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["position", "candidate", "panelist", "criterion", "score"])
    sheet.append(["Analyst", "Ann", "Pat", "SQL", "4"])
    sheet.append(["Analyst", "Ann", "Quinn", "SQL", "=2+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    problems = scores_problems(session, buffer.getvalue(), "scores.xlsx")
    assert problems == ["row 3, column score: a formula with no saved value; open the file in "
                        "a spreadsheet and save it, or type the value"]


def test_an_excel_date_cell_is_the_interview_date(session):
    buffer = io.BytesIO()
    pd.DataFrame({"position": ["Analyst"], "candidate": ["Ann"], "panelist": ["Pat"],
                  "criterion": ["SQL"], "score": ["4"],
                  "interview_date": [pd.Timestamp("2026-01-05")]}).to_excel(buffer, index=False)
    import_scores(session, buffer.getvalue(), viewer=OPERATOR, filename="scores.xlsx")
    (when,) = session.exec(select(Interview.scheduled_at)).all()
    assert when.date().isoformat() == "2026-01-05"


# --- the table reader: xlsx bounded by its unpacked size ---------------------------------------

def _workbook_with_one_huge_cell(size: int) -> bytes:
    """A real workbook whose one cell is `size` characters: small zipped, huge unzipped."""
    buffer = io.BytesIO()
    pd.DataFrame({"name": ["placeholder"], "email": ["a@example.com"]}).to_excel(
        buffer, index=False)
    src = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            body = body.replace(b"placeholder", b"A" * size)  # in whichever part holds it
            dst.writestr(item.filename, body)
    return out.getvalue()


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fail the test if the workbook reaches the parser."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(tables.pd, "read_excel", refuse)


def test_a_workbook_unpacking_to_50_mb_is_refused_before_parsing(no_openpyxl):
    data = _workbook_with_one_huge_cell(50 * 1024 * 1024)
    assert len(data) < 1_000_000
    with pytest.raises(InvalidInput) as err:
        read_table(data, "people.xlsx")
    assert err.value.problems[0].startswith("people.xlsx: unpacks to 50 MB, over the limit of")


def test_a_scores_workbook_unpacking_to_60_mb_is_refused(session, no_openpyxl):
    problems = scores_problems(session, _workbook_with_one_huge_cell(60 * 1024 * 1024), "s.xlsx")
    assert problems[0].startswith("s.xlsx: unpacks to 60 MB, over the limit of 50 MB")


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InvalidInput) as err:
        read_table(out.getvalue(), "people.xlsx")
    assert err.value.problems[0].startswith("people.xlsx: not a readable Excel (.xlsx) file")


def test_rows_keep_their_spreadsheet_numbers_across_blank_lines():
    frame = tables.read_table(b"name\nAnn\n\nBob\n", "p.csv", max_bytes=100, max_rows=10)
    assert list(frame.index) == [2, 4]


@pytest.mark.parametrize("header", ["score,score", "score,Score", "Score ,SCORE"])
def test_a_column_given_twice_in_any_letter_case_is_refused_by_name(session, header):
    data = f"position,candidate,panelist,criterion,{header}\nAnalyst,Ann,Pat,SQL,4,5\n"
    problems = scores_problems(session, data.encode())
    twice = ", ".join(dict.fromkeys(c.strip() for c in header.split(",")))
    assert problems == [f"scores.csv: the column {twice} appears twice"]
    with pytest.raises(InvalidInput):  # the candidate import reads tables the same way
        read_table(b"Name,name\nAnn,Ann\n", "people.csv")


def test_more_rows_than_the_limit_are_refused():
    with pytest.raises(InvalidInput) as err:
        tables.read_table(b"name\n" + b"Ann\n" * 11, "p.csv", max_bytes=1000, max_rows=10)
    assert err.value.problems == ["p.csv: 11 rows is over the limit of 10; split the file and "
                                  "import the parts"]


def test_problems_are_grouped_by_column_and_message():
    assert tables.grouped([(2, "score", "bad"), (3, "score", "bad"), (4, "score", "bad"),
                           (9, "score", "bad"), (5, "name", "empty")]) == [
        "rows 2–4, 9, column score: bad", "row 5, column name: empty"]


# --- candidate import and the forms --------------------------------------------------------------

def test_candidate_import_refuses_a_20001_character_name(session, make):
    problems = candidate_problems(session, make, f"name\nAnn\n{'N' * 20001}\n".encode())
    assert problems == ["row 3, column name: must be at most 200 characters"]


def test_candidate_import_refuses_a_400_digit_salary(session, make):
    problems = candidate_problems(session, make, f"name,salary\nAnn,{'9' * 400}\n".encode())
    assert problems == [
        "row 2, column salary: must be at most 2,000,000,000"]


@pytest.mark.parametrize("salary", ["1'0'0", "5_0000", "\u0665\u0660\u0660\u0660\u0660",
                                    "50.5", "5e4"])
def test_candidate_import_refuses_a_salary_no_one_writes(session, make, salary):
    problems = candidate_problems(session, make, f'name,salary\nAnn,"{salary}"\n'.encode())
    assert len(problems) == 1 and problems[0].startswith("row 2, column salary:")


@pytest.mark.parametrize("salary", ["50000", "50 000", "50,000", "50'000", "50000.00"])
def test_candidate_import_takes_a_salary_with_thousands_separators(session, make, salary):
    position = make.position()
    frame = read_table(f'name,salary\nAnn,"{salary}"\n'.encode(), "people.csv")
    import_candidates(session, make.admin, position.id, frame, guess_mapping(frame.columns))
    (cand,) = session.exec(select(Candidate).where(Candidate.position_id == position.id)).all()
    assert cand.salary_expectation == 50000


def test_candidate_import_refuses_a_line_break_in_a_name(session, make):
    problems = candidate_problems(session, make, b'name\n"Robert\r+cmd"\n')
    assert problems == ["row 2, column name: must be one line of text (no line breaks or "
                        "control characters)"]


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfe\x00n\x00a", "people.csv: not UTF-8 text"),
    (b"name\nAnn\x00\n", "people.csv: not a text file"),
    (b"", "people.csv: empty"),
])
def test_candidate_import_refuses_binary_and_empty_files(session, make, data, message):
    assert candidate_problems(session, make, data)[0].startswith(message)


def test_candidate_form_refuses_a_400_digit_salary(session, make):
    position = make.position()
    with pytest.raises(InvalidInput, match="Salary expectation"):
        candidates.create_candidate(session, make.admin, {
            "name": "Ann", "position_id": position.id, "salary_expectation": int("9" * 400)})
    assert count(session, Candidate) == 0


def test_position_form_refuses_a_weight_of_1e308(session, make):
    with pytest.raises(InvalidInput, match="Weight"):
        positions.create_position(session, make.admin, {
            "title": "Analyst", "criteria": [{"name": "SQL", "dimension": "technical",
                                              "weight": 1e308}]})
    assert count(session, Position) == 0


def test_import_problems_read_in_french_with_the_files_column_names(session):
    data = (HEADER + GOOD_ROW + f"Analyst,{'N' * 201},Pat,SQL,4,1e308,\n"
            + "Analyst,Bob,Pat,SQL,x,2,\n").encode()
    before = snapshot(session)
    with language("fr"):
        problems = scores_problems(session, data)
    assert problems == [
        "ligne 3, colonne weight : '1e308' n’est pas un nombre positif d’au plus 100",
        "ligne 3, colonne candidate : doit comporter au plus 200 caractères",
        "ligne 3, colonne weight : '1e308' diffère de la ligne 2 pour les mêmes position et "
        "criterion",
        "ligne 4, colonne score : 'x' n’est pas un nombre entier"]
    assert snapshot(session) == before


def test_a_table_over_the_byte_limit_is_refused_in_french():
    with language("fr"), pytest.raises(InvalidInput) as refused:
        tables.read_table(b"a,b\n" + b"1,2\n" * 300_000, "gros.csv", max_bytes=1024 * 1024,
                          max_rows=10)
    assert refused.value.problems == [
        "gros.csv : 1,14 Mo dépasse la limite de 1 Mo; divisez le fichier et importez les "
        "parties"]
