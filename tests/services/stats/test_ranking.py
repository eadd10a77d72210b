"""The demo set: the dashboard, the panel view, the report (JSON and CSV), the xlsx Summary
sheet and the PDF pack show the same intervals, letters, chances of being best and sentence,
and the organisation-wide batch (make bench's pipeline) computes the same figures."""

import io
import subprocess

import numpy as np
import pandas as pd
import pytest
from sqlmodel import select

from models import Candidate, Interview, Position, Scorecard, ScorecardStatus, User
from services import board as boards
from services import exports, pdf_pack, report
from services.auth import user_by_email, viewer_for
from services.history import submitted_scores
from services.i18n import language
from services.report import OPERATOR
from tests.apptest import all_text, app_as, ranking_chart


@pytest.fixture
def demo(demo_session):
    return demo_session


def positions(session) -> list[Position]:
    return session.exec(select(Position).order_by(Position.id)).all()


def scored_table(session, position_id: int) -> pd.DataFrame:
    table = boards.ranking_table(boards.load_board(session, position_id, OPERATOR))
    return table.dropna(subset=["Rank"]).set_index("Candidate")


def test_report_json_and_csv_carry_the_dashboards_ranking(demo):
    for position in positions(demo):
        board = boards.load_board(demo, position.id, OPERATOR)
        table = boards.ranking_table(board).dropna(subset=["Rank"]).set_index("Candidate")
        data = report.position_report(demo, position.id)
        assert data["ranking_statement"] == boards.ranking_statement(board)
        csv = report.report_csv(data)
        for c in data["candidates"]:
            if c["overall"] is None:
                continue
            row = table.loc[c["candidate"]]
            assert c["letters"] == row["Letters"]
            assert boards.chance_text(c["p_best"]) == row["Chance best"]
            assert f"{c['ci'][0]:.2f}–{c['ci'][1]:.2f}" == row["95% interval"]
            assert c["band"] == row["Band"]
            flat = csv.loc[csv["candidate"] == c["candidate"]].iloc[0]
            assert flat["letters"] == c["letters"]
            assert flat["ranking_statement"] == data["ranking_statement"]
            assert flat["could_rank"] == row["Could rank"].replace("–", "-")


def test_xlsx_summary_carries_the_letters_and_the_sentence(demo):
    for position in positions(demo):
        table = scored_table(demo, position.id)
        data = exports.scores_xlsx(demo, OPERATOR, position.id)
        sheet = pd.read_excel(io.BytesIO(data), sheet_name="Summary")
        rows = sheet.dropna(subset=["Candidate"])
        ranked = rows.dropna(subset=["Rank"]).set_index("Candidate")
        assert ranked["Letters"].to_dict() == table["Letters"].to_dict()
        assert ranked["Chance best"].fillna("").to_dict() == table["Chance best"].to_dict()
        statement = boards.ranking_statement(boards.load_board(demo, position.id, OPERATOR))
        assert sheet.iloc[len(rows) + 1, 0] == statement


def test_pdf_pack_prints_the_letters_and_the_sentence(demo, tmp_path):
    position = positions(demo)[0]
    board = boards.load_board(demo, position.id, OPERATOR)
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf_pack.debrief_pack(demo, OPERATOR, position.id))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    assert " ".join(boards.ranking_statement(board).split()) in flat
    table = scored_table(demo, position.id)
    for name, row in table.iterrows():
        chance = f", chance best {row['Chance best']}" if row["Chance best"] else ""
        assert (f"(could rank {row['Could rank']}), letters {row['Letters']}{chance}"
                in flat), name


def test_batch_pipeline_gives_the_boards_figures(demo):
    scores, cards = submitted_scores(demo)
    batch = boards.organisation_boards(demo, scores, cards)["summary"]
    for position in positions(demo):
        board = boards.load_board(demo, position.id, OPERATOR)
        mine = board.summary.dropna(subset=["overall"]).set_index("candidate_id").sort_index()
        theirs = batch.loc[batch["position_id"] == position.id].dropna(
            subset=["overall"]).set_index("candidate_id").sort_index()
        assert mine.index.tolist() == theirs.index.tolist()
        for col in ("overall", "ci_low", "ci_high", "p_best", "spread_df", "history_share"):
            np.testing.assert_allclose(mine[col].to_numpy(float), theirs[col].to_numpy(float),
                                       atol=1e-9, equal_nan=True, err_msg=col)
        for col in ("rank", "letters", "tie_group", "rank_best", "rank_worst"):
            assert mine[col].tolist() == theirs[col].tolist(), col


def test_panel_view_shows_the_dashboards_interval_for_every_demo_candidate(demo):
    rows = demo.exec(
        select(Interview.candidate_id, Scorecard.panelist_id)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .where(Scorecard.status == ScorecardStatus.submitted)).all()
    dashboards = {}
    checked = set()
    for cand_id, panelist_id in rows:
        cand = demo.get(Candidate, cand_id)
        if cand.position_id not in dashboards:
            dashboards[cand.position_id] = boards.load_board(
                demo, cand.position_id, OPERATOR).summary.set_index("candidate_id")
        want = dashboards[cand.position_id].loc[cand_id]
        viewer = viewer_for(demo, demo.get(User, panelist_id))
        got = boards.load_candidate_panel(demo, cand_id, viewer).summary.set_index(
            "candidate_id").loc[cand_id]
        for col in ("overall", "ci_low", "ci_high", "history_share"):
            assert got[col] == pytest.approx(want[col], abs=1e-12), (cand.name, col)
        checked.add(cand_id)
    assert len(checked) >= 15


def test_panel_view_and_dashboard_print_the_same_interval(demo):
    aiko = user_by_email(demo, "aiko.tanaka@example.com")
    nora = demo.exec(select(Candidate).where(Candidate.name == "Nora Vasquez")).one()
    iv = demo.exec(select(Interview.id).where(Interview.candidate_id == nora.id)).first()
    card = app_as(aiko.id, "pages/scorecard.py", query={"interview": str(iv)})
    assert not card.exception
    table = scored_table(demo, nora.position_id)
    assert table.at["Nora Vasquez", "95% interval"] in all_text(card)


def test_dashboard_reads_letters_chances_and_sentence(demo):
    daniel = user_by_email(demo, "daniel.okafor@example.com")
    at = app_as(daniel.id, "pages/dashboard.py")
    assert not at.exception
    shown = at.dataframe[0].value.set_index("Candidate")
    position = next(p for p in positions(demo)
                    if set(scored_table(demo, p.id).index) == set(shown.index))
    board = boards.load_board(demo, position.id, OPERATOR)
    table = scored_table(demo, position.id)
    assert shown["Letters"].to_dict() == table["Letters"].to_dict()
    assert shown["Chance best"].to_dict() == table["Chance best"].to_dict()
    assert boards.ranking_statement(board) in all_text(at)
    charted = ranking_chart(at)
    assert sorted(charted.index) == sorted(f"{n} ({x})" for n, x in table["Letters"].items())
    # The chart's figures are the board's, as the table prints them.
    intervals = {f"{n} ({x})": iv for n, x, iv in zip(
        table.index, table["Letters"], table["95% interval"], strict=True)}
    assert charted["95% interval"].to_dict() == intervals


def test_ranking_table_and_sentence_read_in_french(demo):
    position = positions(demo)[0]
    board = boards.load_board(demo, position.id, OPERATOR)
    english = boards.ranking_table(board).dropna(subset=["Rank"]).set_index("Candidate")
    with language("fr"):
        french = boards.ranking_table(board).dropna(subset=["Rank"]).set_index("Candidate")
        sentence = boards.ranking_statement(board)
    assert sentence.startswith(("Les notes", "Aucun groupe"))
    assert boards.ranking_statement(board).startswith(("The scores", "No group"))
    for name, row in french.iterrows():
        low, high = english.at[name, "95% interval"].split("–")
        assert row["95% interval"] == f"{low.replace('.', ',')}–{high.replace('.', ',')}"
        assert row["Band"] in {"propre comité", "s’appuie sur l’historique",
                               "un membre du comité : largeur tirée de l’historique"}
        assert " sur " in row["Scorecards"]
        if english.at[name, "Chance best"]:
            assert row["Chance best"].endswith("\u00a0%")
