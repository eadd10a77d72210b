"""Exports: who may export, the CSV round trip through `manage.py export`, Excel, the PDF pack."""

import dataclasses
import io
import logging
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

import manage
from services import exports, i18n, settings
from services.board import load_board
from services.errors import NotAllowed
from services.pdf_pack import TRANSLITERATED_NOTE, debrief_pack
from tests.apptest import all_text, app_as
from tests.conftest import require_tool, world_fixture
from tests.services.test_scores_io import GOOD, run_import, write

runner = CliRunner()


@world_fixture
def world(make):
    manager = make.user("hiring_manager", name="Hana")
    panel = [make.user(name=n) for n in ("Tomás Ruiz", "Łukasz Nowak", "Olusegun Adeyemi")]
    position = make.position(manager=manager, title="Backend Engineer")
    cara = make.candidate(position, name="Cara")
    dan = make.candidate(position, name="Dan")
    iv_cara = make.interview(cara, panel[:2])
    iv_dan = make.interview(dan, [panel[0], panel[2]])
    make.scorecard(iv_cara, panel[0], [2, 2, 3, 3], "no", evidence="=HYPERLINK(\"x\")")
    make.scorecard(iv_cara, panel[1], [5, 4, 4, 4], "yes")
    make.scorecard(iv_dan, panel[0], [3, 3, 3, 3], "yes")
    return {"manager": manager, "panel": panel, "position": position, "cara": cara,
            "dan": dan}


def test_only_the_positions_manager_and_admins_may_export(session, make, world):
    pid = world["position"].id
    for who in (make.user("recruiter"), make.user("hiring_manager"), world["panel"][0]):
        with pytest.raises(NotAllowed):
            exports.scores_csv(session, make.viewer(who), pid)
    assert exports.scores_csv(session, make.admin, pid)
    assert exports.scores_csv(session, make.viewer(world["manager"]), pid)


def test_scores_csv_is_in_the_import_format_and_neutralises_formulas(session, make, world):
    data = exports.scores_csv(session, make.viewer(world["manager"]), world["position"].id)
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert list(frame.columns)[:5] == ["position", "candidate", "panelist", "criterion", "score"]
    assert len(frame) == 12
    comments = set(frame["comment"])
    assert "'=HYPERLINK(\"x\")" in comments and "=HYPERLINK(\"x\")" not in comments


def test_blind_scoring_holds_in_exports(session, make, world):
    """A manager who sits on Dan's panel and has not scored sees none of Dan's scores."""
    iv = make.interview(world["dan"], [world["manager"], world["panel"][1]])
    make.scorecard(iv, world["panel"][1], [4, 4, 4, 4])
    frame = exports.scores_frame(session, make.viewer(world["manager"]), world["position"].id)
    assert set(frame["candidate"]) == {"Cara"}
    assert set(exports.scores_frame(session, make.admin, world["position"].id)["candidate"]) == {
        "Cara", "Dan"}


def test_excel_has_one_row_per_score_and_a_summary(session, make, world):
    data = exports.scores_xlsx(session, make.viewer(world["manager"]), world["position"].id)
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(sheets) == ["Scores", "Summary"]
    assert len(sheets["Scores"]) == 12 and sheets["Scores"]["score"].dtype.kind in "if"
    table = sheets["Summary"].dropna(subset=["Candidate"])
    assert set(table["Candidate"]) == {"Cara", "Dan"}
    # The ranking sentence sits two rows below the table, in the first column.
    statement = sheets["Summary"].iloc[len(table) + 1, 0]
    assert statement == "The scores do not separate any of the 2 candidates: their order is not "\
        "settled."


def test_comparison_table_matches_the_dashboard(session, make, world):
    frame = exports.comparison_frame(session, make.viewer(world["manager"]),
                                     world["position"].id)
    assert {"Rank", "Candidate", "Overall", "95% interval"} <= set(frame.columns)
    assert "candidate_id" not in frame.columns


def test_pdf_pack_is_a_pdf_with_unicode_names(session, make, world):
    data = debrief_pack(session, make.viewer(world["manager"]), world["position"].id)
    assert data.startswith(b"%PDF") and len(data) > 5000


def test_pdf_pack_without_dejavu_transliterates_with_a_note(session, make, world, tmp_path):
    data = debrief_pack(session, make.admin, world["position"].id, font_dir=tmp_path)
    assert data.startswith(b"%PDF")
    text = _pdf_text(data, tmp_path)
    if text is not None:
        assert TRANSLITERATED_NOTE.split(",")[0] in " ".join(text.split())
        assert "Lukasz Nowak" in text


def _pdf_text(data: bytes, tmp_path) -> str | None:
    """The PDF's text through pdftotext (poppler-utils), when it is installed."""
    import subprocess

    if shutil.which("pdftotext") is None:
        return None
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_export_command_round_trips_through_an_empty_database(
        db_url, tmp_path, monkeypatch, migrated_template):
    assert run_import(write(tmp_path, GOOD)).exit_code == 0
    original = runner.invoke(manage.app, ["report", "--position", "Analyst"]).output
    out = tmp_path / "analyst.csv"
    result = runner.invoke(manage.app, ["export", "--position", "Analyst", "--format", "csv",
                                        "--out", str(out)])
    assert result.exit_code == 0, result.output
    other = tmp_path / "other.db"
    shutil.copy(migrated_template, other)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{other}")
    assert run_import(out).exit_code == 0
    assert runner.invoke(manage.app, ["report", "--position", "Analyst"]).output == original


def test_export_command_writes_excel_and_pdf_and_refuses_bad_options(db_url, tmp_path):
    assert run_import(write(tmp_path, GOOD)).exit_code == 0
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        out = tmp_path / f"a.{fmt}"
        result = runner.invoke(manage.app, ["export", "--position", "Analyst", "--format", fmt,
                                            "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)
    bad = runner.invoke(manage.app, ["export", "--position", "Analyst", "--format", "doc",
                                     "--out", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "--format: 'doc' is not one of csv, xlsx, pdf" in bad.output
    missing = runner.invoke(manage.app, ["export", "--position", "Nope", "--out",
                                         str(tmp_path / "y.csv")])
    assert missing.exit_code == 1 and "no position titled 'Nope'" in missing.output
    assert not (tmp_path / "y.csv").exists()


def test_exports_page_offers_every_file_and_builds_none_per_rerun(world, monkeypatch):
    import services.exports
    import services.pdf_pack

    builds = []
    for module in (services.exports, services.pdf_pack):
        real = module.load_board
        monkeypatch.setattr(module, "load_board",
                            lambda *a, _real=real, **k: builds.append(1) or _real(*a, **k))
    at = app_as(world["manager"].id, "pages/exports.py")
    at.run()  # a second run, as a click elsewhere on the page makes
    assert not at.exception
    keys = {b.key for b in at.get("download_button")}
    assert keys == {"exp_csv", "exp_xlsx", "exp_table", "exp_pdf_download"}
    # Files are made when their button is clicked (deferred downloads), not on every run.
    assert builds == []


def test_exports_page_refuses_a_recruiter(make, world):
    from tests.apptest import page_alone

    at = page_alone(make.user("recruiter").id, "pages/exports.py")
    assert [e.value for e in at.error] == ["You do not have access to this page."]
    assert "Cara" not in all_text(at)


def _flat(text: str) -> str:
    """pdftotext's text on one line, every kind of space a plain space."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def test_pdf_pack_is_written_in_the_readers_language(session, make, world, tmp_path, caplog):
    require_tool("pdftotext", "poppler-utils")
    pid = world["position"].id
    french = dataclasses.replace(make.viewer(world["manager"]), language="fr")
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        data = debrief_pack(session, french, pid)
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]
    text = _flat(_pdf_text(data, tmp_path))
    assert "Dossier du compte rendu : Backend Engineer" in text
    assert "fourchette salariale de 50 000 € à 70 000 €" in text
    assert "Notes par critère et par membre du comité" in text and "Debrief pack" not in text
    overall = load_board(session, pid, french).summary.set_index("candidate_id").at[
        world["cara"].id, "overall"]
    with i18n.language("fr"):
        assert "," in i18n.decimal(overall, 2)
        assert f"Note globale {i18n.decimal(overall, 2)}" in text
    english = _flat(_pdf_text(debrief_pack(session, make.viewer(world["manager"]), pid),
                              tmp_path))
    assert "Debrief pack: Backend Engineer" in english and "salary band €50,000" in english


def test_pdf_pack_follows_the_organisation_language_unless_told(session, make, world, tmp_path):
    require_tool("pdftotext", "poppler-utils")
    settings.set_setting(session, "language", "fr")
    pid = world["position"].id
    viewer = make.viewer(world["manager"])
    assert viewer.language is None
    assert "Dossier du compte rendu" in _flat(_pdf_text(debrief_pack(session, viewer, pid),
                                                        tmp_path))
    told = debrief_pack(session, viewer, pid, language="en")
    assert "Debrief pack: Backend Engineer" in _flat(_pdf_text(told, tmp_path))


def test_pdf_pack_in_french_with_the_core_font_keeps_accents(session, make, world, tmp_path):
    require_tool("pdftotext", "poppler-utils")
    data = debrief_pack(session, make.admin, world["position"].id, font_dir=tmp_path,
                        language="fr")
    text = _flat(_pdf_text(data, tmp_path))
    assert "Équipe : Platform" in text and "Lukasz Nowak" in text
    # The core font has no € and no narrow no-break space: "50 000 EUR", never a "?".
    assert "fourchette salariale de 50 000 EUR à 70 000 EUR" in text
    assert "?" not in text.split("Classement")[0]


def test_excel_keeps_its_import_columns_and_sheet_names_in_french(session, make, world):
    pid = world["position"].id
    english = pd.read_excel(io.BytesIO(exports.scores_xlsx(session, make.admin, pid)),
                            sheet_name=None)
    french = pd.read_excel(io.BytesIO(exports.scores_xlsx(session, make.admin, pid,
                                                          language="fr")), sheet_name=None)
    assert list(french) == list(english) == ["Scores", "Summary"]
    assert list(french["Scores"].columns) == list(english["Scores"].columns)
    pd.testing.assert_frame_equal(french["Scores"], english["Scores"])
