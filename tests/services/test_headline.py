"""The dashboard that speaks to the decision: headline, no defaulted decision or consensus
score, candidates named with their position, saves that confirm."""


from models import ConsensusScore, Decision, Position
from services.board import load_board
from services.headline import candidate_headline, position_agenda, salary_reading
from services.scorecards import open_scorecard, save_fields
from tests.apptest import all_text, app_as, choice_box, open_expander, open_tab, toasts
from tests.conftest import count, world_fixture
from ui.pickers import candidate_labels


@world_fixture
def world(session, make):
    manager = make.user("hiring_manager", name="Hana Manager")
    pia, paul = make.user(name="Pia"), make.user(name="Paul")
    position = make.position(manager=manager, title="Backend Engineer")
    cara = make.candidate(position, name="Cara", salary_expectation=75000)
    dan = make.candidate(position, name="Dan", salary_expectation=60000)
    iv = make.interview(cara, [pia, paul])
    iv_dan = make.interview(dan, [pia, paul])
    for who, values, rec in ((pia, [1, 1, 2, 2], "no"), (paul, [5, 5, 4, 4], "strong_yes")):
        kit = open_scorecard(session, make.viewer(who), iv.id)
        save_fields(session, make.viewer(who), kit.scorecard.id, {
            "candidate_questions": f"Asked about on-call ({who.name})",
            "interest": "Cares about mentoring" if who is pia else "",
            "concerns": "Relocation" if who is paul else ""})
        make.scorecard(iv, who, values, rec)
    make.scorecard(iv_dan, pia, [3, 3, 3, 3], "yes")
    make.scorecard(iv_dan, paul, [3, 3, 3, 3], "yes")
    return {"manager": manager, "position": position, "cara": cara, "dan": dan}


def test_salary_reading_against_the_band():
    assert salary_reading(75000, 50000, 70000, "EUR").reading == "above"
    assert salary_reading(75000, 50000, 70000, "EUR").gap == 5000
    assert salary_reading(40000, 50000, 70000, "EUR").gap == 10000
    assert salary_reading(60000, 50000, 70000, "EUR").reading == "within"
    assert salary_reading(None, 50000, 70000, "EUR").reading == "unknown"
    assert salary_reading(60000, None, None, "EUR").reading == "unknown"


def test_candidate_headline_gathers_discussion_tally_salary_and_notes(session, make, world):
    board = load_board(session, world["position"].id, make.viewer(world["manager"]))
    h = candidate_headline(board, world["cara"].id)
    assert h.tally == "1 strong yes, 1 no"
    assert len(h.discuss) >= 2 and any(line.startswith("Recommendation") for line in h.discuss)
    assert h.salary.reading == "above" and h.salary.gap == 5000
    assert sorted(h.asked) == [("Paul", "Asked about on-call (Paul)"),
                               ("Pia", "Asked about on-call (Pia)")]
    assert h.cares == [("Pia", "Cares about mentoring")]
    assert h.concerns == [("Paul", "Relocation")]
    assert candidate_headline(board, world["dan"].id).discuss == []
    assert [name for name, _ in position_agenda(board)] == ["Cara"]


def test_dashboard_headline_speaks_in_plain_words(world):
    at = app_as(world["manager"].id, "pages/dashboard.py")
    position = all_text(at).replace("*", "")  # bold markers are not read
    assert "Left to discuss at the debrief: Cara (5 points)." in position
    assert "Awaiting your decision: 2 scored candidates" in position
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(world["cara"].id).run()
    assert not at.exception
    text = all_text(at).replace("*", "")
    assert "Recommendations: 1 strong yes, 1 no (from 2 scorecards)" in text
    assert "above the band" in text and "by €5,000" in text
    assert "Asked about on-call (Pia) — Pia" in text
    assert "Cares about mentoring" in text and "Relocation" in text


def test_ranking_table_puts_discuss_and_decision_before_the_details(world):
    at = app_as(world["manager"].id, "pages/dashboard.py")
    columns = list(at.dataframe[0].value.columns)
    assert columns[:6] == ["Rank", "Letters", "Candidate", "Overall", "Discuss", "Decision"]


def test_ranks_the_scores_do_not_separate_are_shown_as_shared(world):
    at = app_as(world["manager"].id, "pages/dashboard.py")
    ranking = at.dataframe[0].value
    # Cara (scores 1-2 and 4-5) and Dan (all 3s) share letter "a": neither is 1st or 2nd.
    assert list(ranking["Letters"]) == ["a", "a"]
    assert list(ranking["Rank"]) == ["1–2", "1–2"]


def test_the_ranking_legend_explains_only_the_columns_its_table_shows(world):
    at = app_as(world["manager"].id, "pages/dashboard.py")
    columns = set(at.dataframe[0].value.columns)
    legend = next(c.value for c in at.caption if c.value.startswith("Rank: "))
    explained = {part.split(":")[0].strip() for part in legend.split(". ") if ":" in part}
    assert explained == {"Rank", "Letters", "Chance best"} and explained <= columns
    assert "Could rank" not in legend and "Band" not in legend
    open_expander(at, "dimension_details")  # the details table, drawn when opened
    details = next(d.value for d in at.dataframe if "Band" in d.value.columns)
    assert "Could rank" not in details.columns
    assert any(c.value.startswith("95% interval: ") and "Band: " in c.value for c in at.caption)


def test_each_headline_shows_once(world):
    at = app_as(world["manager"].id, "pages/dashboard.py")
    ranking = [m.value.replace("*", "") for m in at.markdown]
    sentence = "The scores do not separate any of the 2 candidates"
    assert sum("Left to discuss at the debrief:" in t for t in ranking) == 1
    assert sum(sentence in t for t in [*ranking, *(c.value for c in at.caption)]) == 1
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(world["cara"].id).run()
    texts = [m.value.replace("*", "") for m in at.markdown]
    lines = [line for t in texts for line in t.splitlines()]  # the headline: one element
    assert sum(line.startswith("Recommendations:") for line in lines) == 1
    # The position's headline is not repeated above the candidate's own.
    assert not any("Left to discuss at the debrief:" in t for t in texts)


def test_no_decision_is_preselected_and_none_is_recorded_without_a_choice(session, world):
    at = app_as(world["manager"].id, "pages/dashboard.py")
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(world["cara"].id).run()
    assert at.radio(key="decision_outcome").value is None
    at.text_area(key="decision_rationale").input("Strong on design, the panel agrees.")
    at.button(key="decision_submit").click().run()
    assert not at.exception
    assert "Decision: choose advance, offer, hold or reject" in all_text(at)
    assert count(session, Decision) == 0
    # Refused, the form keeps what was typed ...
    assert at.text_area(key="decision_rationale").value == "Strong on design, the panel agrees."
    # ... for this candidate only: another one picked gets an empty form.
    box = at.selectbox(key="dash_candidate")
    other = next(o for o in box.options if o != box.format_func(box.value))
    box.select_index(box.options.index(other)).run()
    assert not at.text_area(key="decision_rationale").value
    at.selectbox(key="dash_candidate").select(world["cara"].id).run()
    at.radio(key="decision_outcome").set_value("hold")
    at.text_area(key="decision_rationale").input("Waiting for the second candidate.")
    at.button(key="decision_submit").click().run()
    assert count(session, Decision) == 1
    text = all_text(at).replace("*", "")
    assert "In force: Hold by Hana Manager" in text
    # The form after a decision asks for a new one, with nothing chosen.
    assert at.radio(key="decision_outcome").value is None
    assert at.radio(key="decision_outcome").label == "New decision"
    ranking = open_tab(at, "Ranking").dataframe[0].value.set_index("Candidate")
    assert ranking.at["Cara", "Decision"] == "Hold"


def test_consensus_score_has_no_default(session, world):
    at = app_as(world["manager"].id, "pages/dashboard.py")
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(world["cara"].id).run()
    open_expander(at, "consensus_open")
    assert at.number_input(key="consensus_value").value is None
    at.button(key="consensus_submit").click().run()
    assert not at.exception
    assert "Agreed score: type the score the panel agreed" in all_text(at)
    assert count(session, ConsensusScore) == 0


def test_candidates_of_the_same_name_are_told_apart_by_position_then_email():
    labels = candidate_labels([(1, "Ingrid Solberg", "Backend Engineer", "i@a.no"),
                               (2, "Ingrid Solberg", "Data Analyst", "i@b.no"),
                               (3, "Ola", "Data Analyst", "o1@x.no"),
                               (4, "Ola", "Data Analyst", None)])
    assert labels[1] == "Ingrid Solberg · Backend Engineer"
    assert labels[2] == "Ingrid Solberg · Data Analyst"
    assert labels[3] == "Ola · Data Analyst · o1@x.no" and labels[4] == "Ola · Data Analyst · #4"


def test_interview_picker_names_candidates_with_their_position(session, make):
    recruiter = make.user("recruiter")
    for title in ("Backend Engineer", "Data Analyst"):
        make.candidate(make.position(title=title), name="Ingrid Solberg")
    at = app_as(recruiter.id, "pages/interviews.py")
    options = at.selectbox(key="iv_candidate").options
    assert sorted(options) == ["Ingrid Solberg · Backend Engineer",
                               "Ingrid Solberg · Data Analyst"]


def test_saving_a_new_position_confirms_and_selects_it(session, make):
    recruiter = make.user("recruiter")
    at = app_as(recruiter.id, "pages/positions.py")
    at.text_input(key="pos_title_0").input("Site Reliability Engineer")
    at.text_input(key="pos_team_0").input("Platform")
    at.button(key="pos_submit_0").click().run()
    assert not at.exception
    assert "Position 'Site Reliability Engineer' created." in toasts(at)
    [saved] = session.exec(__import__("sqlmodel").select(Position)).all()
    assert choice_box(at, "position_edit").value == saved.id


def test_saving_a_new_candidate_confirms_and_selects_it(session, make):
    recruiter = make.user("recruiter")
    make.position(title="Backend Engineer")
    at = app_as(recruiter.id, "pages/candidates.py")
    at.text_input(key="cand_name_0").input("Ingrid Solberg")
    at.button(key="cand_submit_0").click().run()
    assert not at.exception
    assert "Candidate Ingrid Solberg added." in toasts(at)
    assert choice_box(at, "candidate_edit").value != 0
    assert at.text_input(key=f"cand_name_{choice_box(at, 'candidate_edit').value}").value \
        == "Ingrid Solberg"
