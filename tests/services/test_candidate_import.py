"""Bulk import of candidates: preview, mapping, all-or-nothing validation, duplicates, limits."""

import io

import pandas as pd
import pytest

from models import Candidate
from services import candidate_import
from services.candidate_import import guess_mapping, import_candidates, read_table
from services.errors import InvalidInput
from tests.apptest import all_text, app_as
from tests.conftest import count

GOOD = ("Full name,E-mail,Salary,Notes\n"
        "Tomás García,tomas@example.com,55 000,Strong SQL\n"
        "Olusegun Adeyemi,OLUSEGUN@example.com,,\n"
        "Zoë Ünal,,61000,Knows the market\n")


def frame_of(text: str, name: str = "c.csv") -> pd.DataFrame:
    return read_table(text.encode(), name)


def problems_of(session, make, text: str, position=None) -> list[str]:
    position = position or make.position()
    frame = frame_of(text)
    with pytest.raises(InvalidInput) as err:
        import_candidates(session, make.admin, position.id, frame, guess_mapping(frame.columns))
    return err.value.problems


def test_mapping_is_guessed_from_column_names():
    frame = frame_of(GOOD)
    assert guess_mapping(list(frame.columns)) == {
        "name": "Full name", "email": "E-mail", "salary_expectation": "Salary",
        "stage": None, "first_interview_notes": "Notes", "revisit_questions": None}


def test_good_csv_imports_every_row(session, make):
    position = make.position()
    frame = frame_of(GOOD)
    calls = []
    n = import_candidates(session, make.admin, position.id, frame, guess_mapping(frame.columns),
                          lambda done, total: calls.append((done, total)))
    assert n == 3 and calls[-1] == (3, 3)
    rows = {c.name: c for c in session.exec(Candidate.__table__.select())}
    assert rows["Tomás García"].salary_expectation == 55000
    assert rows["Olusegun Adeyemi"].email == "olusegun@example.com"
    assert rows["Zoë Ünal"].email is None


def test_excel_file_imports(session, make):
    position = make.position()
    buffer = io.BytesIO()
    pd.DataFrame({"Name": ["Ann", "Bob"], "Email": ["ann@example.com", "bob@example.com"],
                  "Stage": ["On hold", "second_interview"]}).to_excel(buffer, index=False)
    frame = read_table(buffer.getvalue(), "people.xlsx")
    assert import_candidates(session, make.admin, position.id, frame,
                             guess_mapping(frame.columns)) == 2
    stages = {c.name: c.stage for c in session.exec(Candidate.__table__.select())}
    assert stages == {"Ann": "on_hold", "Bob": "second_interview"}


@pytest.mark.parametrize("name,data,message", [
    ("people.pdf", b"%PDF-1.4", "people.pdf: not a CSV or Excel (.xlsx) file"),
    ("people.xlsx", b"name,email\n", "people.xlsx: not a readable Excel (.xlsx) file"),
    ("people.csv", b"", "people.csv: empty"),
    ("people.csv", b"name,email\n", "people.csv: has a header but no rows"),
    ("people.csv", "name\nAnn\n".encode("utf-16"), "people.csv: not UTF-8 text"),
])
def test_unreadable_files_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(InvalidInput) as err:
        read_table(data, name)
    assert err.value.problems[0].startswith(message)


def test_file_over_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(candidate_import, "MAX_BYTES", 100)
    with pytest.raises(InvalidInput) as err:
        read_table(b"name\n" + b"Ann\n" * 50, "big.csv")
    assert "over the limit of" in err.value.problems[0]


def test_missing_name_column_is_refused_and_nothing_written(session, make):
    problems = problems_of(session, make, "email\nann@example.com\n")
    assert problems == ["column for Name: missing (required)"]
    assert count(session, Candidate) == 0


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(session, make):
    text = ("name,email,salary,stage\n"
            "Ann,ann@example.com,50000,offer\n"
            ",bob@example.com,,\n"
            "Cy,not-an-email,lots,hired\n"
            "Di,di@example.com,,maybe\n")
    problems = problems_of(session, make, text)
    assert "row 3, column name: must not be empty" in problems
    assert "row 4, column salary: 'lots' is not a whole amount of money" in problems
    assert "row 5, column stage: 'maybe' is not a stage" in problems[-1]
    assert any(p.startswith("row 4, column email:") for p in problems)
    assert count(session, Candidate) == 0


def test_duplicate_emails_in_the_file_and_in_the_position_are_refused(session, make):
    position = make.position()
    make.candidate(position, name="Existing", email="old@example.com")
    text = ("name,email\n"
            "Ann,ann@example.com\n"
            "Ann again,ANN@example.com\n"
            "Old,old@example.com\n")
    problems = problems_of(session, make, text, position)
    assert problems == ["row 3, column email: ann@example.com appears already in row 2",
                        "row 4, column email: old@example.com is already a candidate for this "
                        "position"]
    assert count(session, Candidate) == 1


def test_same_email_for_another_position_is_fine(session, make):
    other = make.position()
    make.candidate(other, email="ann@example.com")
    position = make.position()
    frame = frame_of("name,email\nAnn,ann@example.com\n")
    assert import_candidates(session, make.admin, position.id, frame,
                             guess_mapping(frame.columns)) == 1


# ---------------------------------------------------------------- in the app


@pytest.fixture
def recruiter(make):
    return make.user("recruiter")


def upload(at, data: bytes, name: str, key: str = "imp_file"):
    at.file_uploader(key=key).set_value((name, data, "text/csv"))
    return at.run()


def test_recruiter_previews_maps_and_imports_in_the_app(session, make, recruiter):
    position = make.position(title="Analyst")
    at = app_as(recruiter.id, "pages/import_candidates.py")
    upload(at, GOOD.encode(), "people.csv")
    assert not at.exception
    assert at.dataframe[0].value["Full name"].tolist()[0] == "Tomás García"
    assert at.selectbox(key="imp_map_email").value == "E-mail"
    at.selectbox(key="imp_map_first_interview_notes").select_index(0).run()
    at.button(key="imp_submit").click().run()
    assert not at.exception
    assert "Imported 3 candidates." in [s.value for s in at.success]
    assert count(session, Candidate) == 3
    assert {c.first_interview_notes for c in session.exec(Candidate.__table__.select())} == {""}
    assert position.id


def test_bad_rows_in_the_app_show_problems_and_change_nothing(session, make, recruiter):
    position = make.position()
    make.candidate(position, email="old@example.com")
    at = app_as(recruiter.id, "pages/import_candidates.py")
    upload(at, b"name,email\nAnn,old@example.com\n,x@example.com\n", "people.csv")
    at.button(key="imp_submit").click().run()
    text = all_text(at)
    assert "Nothing imported" in text
    assert "row 2, column email: old@example.com is already a candidate" in text
    assert "row 3, column name: must not be empty" in text
    assert count(session, Candidate) == 1


@pytest.mark.parametrize("name,data,message", [
    ("people.pdf", b"%PDF", "people.pdf: not a CSV or Excel (.xlsx) file"),
    ("people.csv", b"email\nann@example.com\n", "column for Name: missing (required)"),
])
def test_wrong_type_and_missing_column_in_the_app(session, make, recruiter, name, data,
                                                  message):
    make.position()
    at = app_as(recruiter.id, "pages/import_candidates.py")
    upload(at, data, name)
    if any(b.key == "imp_submit" for b in at.button):
        at.button(key="imp_submit").click().run()
    assert message in all_text(at)
    assert count(session, Candidate) == 0


def test_file_over_the_limit_in_the_app(session, make, recruiter, monkeypatch):
    monkeypatch.setattr(candidate_import, "MAX_BYTES", 50)
    make.position()
    at = app_as(recruiter.id, "pages/import_candidates.py")
    upload(at, b"name\n" + b"Ann\n" * 30, "people.csv")
    assert "over the limit of" in all_text(at)
    assert not [b for b in at.button if b.key == "imp_submit"]
    assert count(session, Candidate) == 0


SCORES = ("position,candidate,panelist,criterion,score\n"
          "Analyst,Ann,Pat,SQL,4\nAnalyst,Ann,Quinn,SQL,2\n")


def test_admin_imports_scores_in_the_app_through_the_same_validation(session, make):
    from models import Score

    admin = make.user("admin")
    at = app_as(admin.id, "pages/import_candidates.py")
    upload(at, (SCORES + "Analyst,Bob,Pat,SQL,9\n").encode(), "s.csv", "imp_scores_file")
    at.button(key="imp_scores_submit").click().run()
    assert "row 4, column score: 9 is outside the scale 1-5" in all_text(at)
    assert count(session, Score) == 0
    upload(at, SCORES.encode(), "s.csv", "imp_scores_file")
    at.button(key="imp_scores_submit").click().run()
    assert not at.exception
    assert count(session, Score) == 2


def test_recruiter_cannot_import_scores(make, recruiter):
    at = app_as(recruiter.id, "pages/import_candidates.py")
    assert not [u for u in at.file_uploader if u.key == "imp_scores_file"]
    assert "for admins" in all_text(at)


def test_stages_in_french_and_english_both_import(session, make):
    position = make.position()
    frame = frame_of("name,stage\nAnn,En attente\nBob,on hold\nCléo,Deuxième entrevue\n"
                     "Dev,REJECTED\n")
    assert import_candidates(session, make.admin, position.id, frame,
                             guess_mapping(frame.columns)) == 4
    stages = {c.name: c.stage for c in session.exec(Candidate.__table__.select())}
    assert stages == {"Ann": "on_hold", "Bob": "on_hold", "Cléo": "second_interview",
                      "Dev": "rejected"}


def test_problems_come_in_the_current_language_with_the_column_names_unchanged(session, make):
    from services.i18n import language

    text = "name,email\nAnn,ann@example.com\nBob,ann@example.com\n"
    with language("fr"):
        problems = problems_of(session, make, text)
    # The row and column words belong to services.tables; this import's own sentence is French.
    assert len(problems) == 1 and problems[0].endswith(
        "email : ann@example.com figure déjà à la ligne 2")
    assert count(session, Candidate) == 0


def test_french_headings_are_guessed_too():
    frame = frame_of("Nom,Courriel,Salaire,Étape\nAnn,ann@example.com,50000,En attente\n")
    assert guess_mapping(list(frame.columns)) == {
        "name": "Nom", "email": "Courriel", "salary_expectation": "Salaire", "stage": "Étape",
        "first_interview_notes": None, "revisit_questions": None}


def test_clicking_import_again_on_the_same_file_adds_nothing(session, make, recruiter):
    make.position(title="Analyst")
    at = app_as(recruiter.id, "pages/import_candidates.py")
    upload(at, b"name\nNo Email One\nNo Email Two\n", "people.csv")
    at.button(key="imp_submit").click().run()
    assert "Imported 2 candidates." in [s.value for s in at.success]
    at.button(key="imp_submit").click().run()  # rows without email would all be added again
    assert not at.exception
    assert "This file was just imported (2 candidates); nothing more was added." in [
        i.value for i in at.info]
    assert count(session, Candidate) == 2
