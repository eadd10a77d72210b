"""import-scores and report: every bad input refused with row and column, round trips hold."""

import json

import pytest
from sqlmodel import select
from typer.testing import CliRunner

import manage
from models import AuditEvent, Candidate, Criterion, Position, Score, Scorecard, User
from services import score_pairs
from services.access import OPERATOR
from services.errors import InvalidInput, NotAllowed
from services.scores_io import export_scores, import_scores
from tests.conftest import count

runner = CliRunner()
HEADER = "position,candidate,panelist,criterion,score,dimension,weight,comment,recommendation\n"
GOOD = HEADER + (
    "Analyst,Ann,Pat,SQL,4,technical,2,Knows joins,yes\n"
    "Analyst,Ann,Pat,Talk,3,Social qualities,1,,yes\n"
    "Analyst,Ann,Quinn,SQL,2,technical,2,Weak on windows,no\n"
    "Analyst,Ann,Quinn,Talk,,social,1,,no\n"
    "Analyst,Bob,Pat,SQL,5,technical,2,,yes\n"
    "Analyst,Bob,Pat,Talk,4,social,1,,yes\n"
    "Analyst,Bob,Quinn,SQL,4,TECHNICAL,2,,strong_yes\n"
    "Analyst,Bob,Quinn,Talk,4,social,1,,strong_yes\n"
)
TABLES = (Position, Candidate, User, Criterion, Scorecard, Score)


def write(tmp_path, text: str, name: str = "scores.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(session):
    return [count(session, t) for t in TABLES]


def run_import(path, *extra):
    return runner.invoke(manage.app, ["import-scores", str(path), *extra])


def test_import_creates_everything_and_submits(db_url, session, tmp_path):
    result = run_import(write(tmp_path, GOOD))
    assert result.exit_code == 0, result.output
    assert snapshot(session) == [1, 2, 2, 2, 4, 8]
    assert {c.status for c in session.exec(Scorecard.__table__.select())} == {"submitted"}
    na = session.exec(Score.__table__.select().where(Score.value.is_(None))).all()
    assert len(na) == 1 and na[0].not_assessed


def test_importing_the_same_file_twice_changes_nothing(db_url, session, tmp_path):
    path = write(tmp_path, GOOD)
    assert run_import(path).exit_code == 0
    before = snapshot(session)
    report_before = runner.invoke(manage.app, ["report", "--position", "Analyst"]).output
    second = run_import(path)
    assert second.exit_code == 0
    assert "0 scores added or changed" in second.output
    assert snapshot(session) == before
    assert runner.invoke(manage.app, ["report", "--position", "Analyst"]).output == report_before


def test_byte_order_mark_is_fine(db_url, session, tmp_path):
    assert run_import(write(tmp_path, GOOD, encoding="utf-8-sig")).exit_code == 0
    assert count(session, Score) == 8


@pytest.mark.parametrize(("row", "expected"), [
    ("Analyst,Ann,Pat,SQL,6,technical,2,,yes", "row 2, column score: 6 is outside the scale 1-5"),
    ("Analyst,Ann,Pat,SQL,4.5,technical,2,,yes", "row 2, column score: '4.5' is not a whole"),
    ("Analyst,Ann,Pat,SQL,x,technical,2,,yes", "row 2, column score: 'x' is not a whole"),
    ("Analyst,Ann,Pat,SQL,4,creative,2,,yes", "row 2, column dimension: 'creative' is not"),
    ("Analyst,Ann,Pat,SQL,4,technical,-1,,yes", "row 2, column weight: '-1' is not a positive"),
    ("Analyst,Ann,Pat,SQL,4,technical,0,,yes", "row 2, column weight: '0' is not a positive"),
    ("Analyst,Ann,Pat,SQL,4,technical,heavy,,yes", "row 2, column weight: 'heavy'"),
    ("Analyst,Ann,Pat,SQL,4,technical,2,,maybe", "row 2, column recommendation: 'maybe'"),
    (",Ann,Pat,SQL,4,technical,2,,yes", "row 2, column position: empty"),
    ("Analyst,,Pat,SQL,4,technical,2,,yes", "row 2, column candidate: empty"),
    ("Analyst,Ann,,SQL,4,technical,2,,yes", "row 2, column panelist: empty"),
    ("Analyst,Ann,Pat,,4,technical,2,,yes", "row 2, column criterion: empty"),
])
def test_a_bad_row_is_named_and_nothing_is_imported(db_url, session, tmp_path, row, expected):
    text = HEADER + row + "\n" + GOOD.split("\n", 1)[1]
    result = run_import(write(tmp_path, text))
    assert result.exit_code == 1
    assert expected in result.output
    assert "nothing imported" in result.output
    assert snapshot(session) == [0] * len(TABLES)


def test_bad_emails_and_dates_are_named(db_url, session, tmp_path):
    text = ("position,candidate,panelist,criterion,score,candidate_email,panelist_email,"
            "interview_date\n"
            "A,Ann,Pat,SQL,3,ann-at-x,pat@example.com,2026-13-01\n"
            "A,Ann,Quinn,SQL,3,ann@example.com,quinn@,2026-01-01\n")
    result = run_import(write(tmp_path, text))
    assert result.exit_code == 1
    assert "row 2, column candidate_email: 'ann-at-x' is not a valid email" in result.output
    assert "row 2, column interview_date: '2026-13-01' is not a YYYY-MM-DD" in result.output
    assert "row 3, column panelist_email: 'quinn@' is not a valid email" in result.output
    assert "row 3, column candidate_email: 'ann@example.com' differs from row 2" in result.output
    assert snapshot(session) == [0] * len(TABLES)


def test_missing_and_unknown_columns_are_named(db_url, session, tmp_path):
    result = run_import(write(tmp_path, "position,candidate,panelist,criterion,scroe\nA,B,C,D,1\n"))
    assert result.exit_code == 1
    assert "column score: missing (required)" in result.output
    assert "column scroe: unknown column" in result.output
    assert snapshot(session) == [0] * len(TABLES)


def test_duplicate_and_inconsistent_rows_are_named(db_url, session, tmp_path):
    text = HEADER + ("A,Ann,Pat,SQL,4,technical,2,,yes\n"
                     "A,Ann,Pat,SQL,3,technical,2,,yes\n"
                     "A,Bob,Pat,SQL,3,technical,1,,yes\n"
                     "A,Bob,Pat,Talk,3,social,1,,no\n")
    result = run_import(write(tmp_path, text))
    assert result.exit_code == 1
    assert "row 3, column criterion: the same score appears already in row 2" in result.output
    assert "row 4, column weight: '1' differs from row 2" in result.output
    assert "row 5, column recommendation: 'no' differs from row 4" in result.output
    assert snapshot(session) == [0] * len(TABLES)


def test_not_utf8_empty_and_missing_files_are_refused(db_url, session, tmp_path):
    latin = run_import(write(tmp_path, GOOD.replace("Ann", "Änn"), encoding="latin-1"))
    assert latin.exit_code == 1 and "not UTF-8" in latin.output
    empty = run_import(write(tmp_path, "", name="empty.csv"))
    assert empty.exit_code == 1 and "empty.csv: empty" in empty.output
    header_only = run_import(write(tmp_path, HEADER, name="h.csv"))
    assert header_only.exit_code == 1 and "no rows" in header_only.output
    missing = run_import(tmp_path / "nope.csv")
    assert missing.exit_code == 1 and "no such file" in missing.output
    folder = run_import(tmp_path)
    assert folder.exit_code == 1
    assert folder.output.strip() == (f"error: {tmp_path}: a folder; give a file, not a folder; "
                                     "nothing imported")
    assert snapshot(session) == [0] * len(TABLES)


def test_scale_option_sets_new_positions_scale_and_bounds_scores(db_url, session, tmp_path):
    text = HEADER + "P,Ann,Pat,SQL,7,technical,1,,yes\nP,Ann,Quinn,SQL,1,technical,1,,no\n"
    assert run_import(write(tmp_path, text)).exit_code == 1
    assert run_import(write(tmp_path, text), "--scale", "1-7").exit_code == 0
    bad = run_import(write(tmp_path, text), "--scale", "0-3")
    assert bad.exit_code == 1 and "--scale" in bad.output


def test_scores_on_an_existing_positions_scale_are_checked(db_url, session, make, tmp_path):
    make.position(title="Existing", scale=(1, 4))
    text = HEADER + "Existing,Ann,Pat,Depth on the position's tasks,5,technical,2,,yes\n"
    result = run_import(write(tmp_path, text), "--scale", "1-10")
    assert result.exit_code == 1
    assert "5 is outside the scale 1-4" in result.output


def test_report_json_has_the_documented_keys(db_url, tmp_path):
    assert run_import(write(tmp_path, GOOD)).exit_code == 0
    result = runner.invoke(manage.app, ["report", "--position", "Analyst"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    cand = report["candidates"][0]
    assert set(cand) >= {"candidate", "overall", "ci", "dimensions", "n_panelists",
                         "recommendations", "disagreements", "rank", "could_rank", "letters",
                         "p_best", "band"}
    assert set(report["reliability"]) >= {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k",
                                          "alpha_interval", "alpha_ordinal", "n_candidates",
                                          "n_panelists"}
    assert {p["name"] for p in report["panelists"]} == {"Pat", "Quinn"}
    assert all(set(p) >= {"name", "leniency", "n_shared"} for p in report["panelists"])
    by_name = {c["candidate"]: c for c in report["candidates"]}
    # Ann: Pat (4*2+3)/3 = 3.667, Quinn only SQL assessed = 2 -> mean 2.833
    assert by_name["Ann"]["overall"] == pytest.approx((11 / 3 + 2) / 2, abs=1e-6)
    assert by_name["Ann"]["recommendations"] == {"strong_no": 0, "no": 1, "yes": 1,
                                                 "strong_yes": 0}
    assert by_name["Bob"]["rank"] == 1
    kinds = {d["kind"] for d in by_name["Ann"]["disagreements"]}
    assert kinds == {"criterion", "recommendation"}


def test_report_csv_and_unknown_position(db_url, tmp_path):
    assert run_import(write(tmp_path, GOOD)).exit_code == 0
    out = tmp_path / "r.csv"
    result = runner.invoke(manage.app, ["report", "--position", "Analyst", "--format", "csv",
                                        "--out", str(out)])
    assert result.exit_code == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("position,rank,could_rank,letters,p_best,candidate,overall")
    assert len(lines) == 3
    missing = runner.invoke(manage.app, ["report", "--position", "Nope"])
    assert missing.exit_code == 1 and "no position titled 'Nope'" in missing.output


def test_export_imports_into_an_empty_database_with_the_same_report(
        db_url, session, tmp_path, monkeypatch, migrated_template):
    import shutil

    assert run_import(write(tmp_path, GOOD)).exit_code == 0
    original = runner.invoke(manage.app, ["report", "--position", "Analyst"]).output
    from services.report import position_by_title

    exported = export_scores(session, position_by_title(session, "Analyst").id)
    path = tmp_path / "export.csv"
    exported.to_csv(path, index=False)
    other = tmp_path / "other.db"
    shutil.copy(migrated_template, other)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{other}")
    assert run_import(path).exit_code == 0
    assert runner.invoke(manage.app, ["report", "--position", "Analyst"]).output == original


def test_import_service_is_all_or_nothing(session, tmp_path):
    from services.errors import InvalidInput

    with pytest.raises(InvalidInput):
        import_scores(session, write(tmp_path, GOOD + "Analyst,Cy,Pat,SQL,9,technical,2,,yes\n"),
                      viewer=OPERATOR)
    assert snapshot(session) == [0] * len(TABLES)


def test_one_bulk_insert_leaves_every_cards_score_pairs_as_its_rows(db_url, session, tmp_path):
    # The import writes all scores of several cards in one statement (migration 0006's
    # statement-level trigger on PostgreSQL, 0003's row triggers on SQLite).
    assert run_import(write(tmp_path, GOOD)).exit_code == 0
    session.expire_all()
    for card in session.exec(Scorecard.__table__.select()).all():
        rows = session.exec(Score.__table__.select().where(Score.scorecard_id == card.id)).all()
        pairs = score_pairs.pairs(card.score_pairs)
        assert set(pairs) == {(r.criterion_id, r.value) for r in rows}
        assert len(pairs) == len(rows)


def test_a_candidate_with_an_email_on_one_date_only_is_one_candidate(db_url, session, tmp_path):
    text = ("position,candidate,panelist,criterion,score,candidate_email,interview_date\n"
            "A,Ann,Pat,SQL,3,ann@example.com,2026-01-01\n"
            "A,Ann,Pat,SQL,4,,2026-02-01\n")
    assert run_import(write(tmp_path, text)).exit_code == 0
    assert count(session, Candidate) == 1
    assert count(session, Scorecard) == 2


def test_only_an_admin_may_import_scores(session, make, tmp_path):
    recruiter = make.viewer(make.user("recruiter", "hiring_manager"))
    before = snapshot(session)
    with pytest.raises(NotAllowed, match="Only admins import scores"):
        import_scores(session, write(tmp_path, GOOD), viewer=recruiter)
    assert snapshot(session) == before


def _app_cards(make):
    """A position scored in the app: Pat's card a draft, Quinn's submitted (4 criteria)."""
    position = make.position(title="Platform Lead")
    pat, quinn = make.user(name="Pat App"), make.user(name="Quinn App")
    cand = make.candidate(position, name="Ann App")
    iv = make.interview(cand, [pat, quinn])
    draft = make.scorecard(iv, pat, [3, 3, None, None], submit=False)
    done = make.scorecard(iv, quinn, 4, recommendation="yes")
    criteria = [c.name for c in make.s.exec(
        Criterion.__table__.select().where(Criterion.template_id == done.template_id)
        .order_by(Criterion.id))]
    return draft, done, criteria


def test_an_import_never_changes_or_submits_a_draft_made_in_the_app(session, make, tmp_path):
    draft, _done, criteria = _app_cards(make)
    rows = "".join(f"Platform Lead,Ann App,Pat App,{c},5,,,,yes\n" for c in criteria)
    before = snapshot(session)
    with pytest.raises(InvalidInput) as err:
        import_scores(session, write(tmp_path, HEADER + rows), viewer=OPERATOR)
    assert err.value.problems == [
        "rows 2–5: Pat App's scorecard for Ann App (Platform Lead) is a draft in Second "
        "Look; an import does not change or submit a draft (the panelist submits it in the app)"]
    session.expire_all()
    assert snapshot(session) == before
    card = session.get(Scorecard, draft.id)
    assert card.status == "draft" and card.recommendation == "yes"
    assert sorted(s.value for s in session.exec(
        Score.__table__.select().where(Score.scorecard_id == draft.id)) if s.value) == [3, 3]


def test_an_import_that_changes_a_submitted_card_is_audited_with_old_and_new(session, make,
                                                                              tmp_path):
    _draft, done, criteria = _app_cards(make)
    changed = HEADER + f"Platform Lead,Ann App,Quinn App,{criteria[0]},2,,,rewritten,no\n"
    audits = len(session.exec(select(AuditEvent)).all())
    import_scores(session, write(tmp_path, changed), viewer=OPERATOR)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "scorecard_amended")
                          ).all()
    assert len(events) == 1
    event = events[0]
    assert event.entity_id == done.id and event.actor == OPERATOR.name
    detail = event.detail
    assert detail["source"] == "import-scores"
    assert detail["old"]["recommendation"] == "yes" and detail["new"]["recommendation"] == "no"
    (crit, old), = [(k, v) for k, v in detail["old"].items() if k.startswith("criterion")]
    assert old["value"] == 4 and detail["new"][crit] == {"value": 2, "not_assessed": False,
                                                         "evidence": "rewritten"}
    # The same file again changes nothing and audits nothing.
    import_scores(session, write(tmp_path, changed), viewer=OPERATOR)
    assert len(session.exec(select(AuditEvent)).all()) == audits + 1
