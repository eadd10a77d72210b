"""AppTest: every page for every role; refused roles get no data."""

import pytest

from tests.apptest import (
    all_text,
    answer,
    app_as,
    figures,
    html_tables,
    open_expander,
    open_tab,
    page_alone,
    score_grid,
    toasts,
)
from tests.conftest import world_fixture

PAGES = ["pages/my_interviews.py", "pages/scorecard.py", "pages/dashboard.py",
         "pages/calibration.py",
         "pages/positions.py", "pages/candidates.py", "pages/interviews.py", "pages/users.py",
         "pages/account.py"]
ALLOWED = {
    "admin": set(PAGES),
    "recruiter": {"pages/positions.py", "pages/candidates.py", "pages/interviews.py",
                  "pages/account.py"},
    "hiring_manager": {"pages/dashboard.py", "pages/calibration.py", "pages/account.py"},
    "panelist": {"pages/my_interviews.py", "pages/scorecard.py", "pages/account.py"},
}
SECRET = "Zanzibar-evidence-note"


@world_fixture
def world(session, make):
    """A position with a hiring manager, two candidates and a 3-person panel, partly scored."""
    manager = make.user("hiring_manager", name="Hana Manager")
    recruiter = make.user("recruiter", name="Rita Recruiter")
    panel = [make.user("panelist", name=n) for n in ("Pia Panel", "Paul Panel", "Petra Panel")]
    position = make.position(manager=manager, title="Backend Engineer")
    cara = make.candidate(position, name="Cara Candidate")
    dan = make.candidate(position, name="Dan Candidate")
    iv_cara = make.interview(cara, panel)
    iv_dan = make.interview(dan, panel[:2])
    make.scorecard(iv_cara, panel[1], [2, 2, 3, 3], "no", evidence=SECRET)
    make.scorecard(iv_cara, panel[2], [5, 4, 4, 4], "yes")
    make.scorecard(iv_dan, panel[0], [3, 3, 3, 3], "yes")
    make.scorecard(iv_dan, panel[1], [4, 3, 4, 3], "yes")
    return {"manager": manager, "recruiter": recruiter, "panel": panel, "position": position,
            "cara": cara, "dan": dan, "iv_cara": iv_cara, "iv_dan": iv_dan,
            "admin": make.user("admin", name="Ada Admin")}


def role_user(world, role):
    return {"admin": world["admin"], "recruiter": world["recruiter"],
            "hiring_manager": world["manager"], "panelist": world["panel"][0]}[role]


@pytest.mark.parametrize("role", sorted(ALLOWED))
@pytest.mark.parametrize("page", PAGES)
def test_each_page_opens_for_its_roles_and_refuses_others_by_url(world, role, page):
    user_id = role_user(world, role).id
    if page in ALLOWED[role]:
        at = app_as(user_id, page)
        assert not at.exception
        assert not any("do not have access" in e.value for e in at.error)
    else:
        at = page_alone(user_id, page)
        assert not at.exception
        assert [e.value for e in at.error] == ["You do not have access to this page."]
        text = all_text(at)
        assert "Cara Candidate" not in text and SECRET not in text
        assert not at.get("plotly_chart") and score_grid(at) is None


@pytest.mark.parametrize("page", PAGES)
def test_logged_out_visitor_gets_no_page_data(world, page):
    at = page_alone(None, page)
    assert not at.exception
    assert any("log in" in w.value for w in at.warning)
    text = all_text(at)
    assert "Cara Candidate" not in text and "Backend Engineer" not in text


def test_navigation_lists_only_the_roles_pages(world):
    at = app_as(world["panel"][0].id)
    assert at.title[0].value == "My interviews"
    assert not at.exception


def _radio(at, key_):
    return at.radio(key=key_)


def test_the_interview_kit_is_open_until_the_first_answer_then_folded_and_not_drawn(
        world, session):
    world["cara"].revisit_questions = "Ask about the ledger migration"
    session.add(world["cara"])
    session.commit()
    pia, iv = world["panel"][0], world["iv_cara"]
    at = app_as(pia.id, "pages/scorecard.py", query={"interview": str(iv.id)})
    kit = next(e for e in at.expander if e.label == "Interview kit")
    assert kit.proto.expanded and "Ask about the ledger migration" in all_text(at)
    first = next(r for r in at.radio if r.key and r.key.startswith(f"sc_score_{iv.id}_"))
    first.set_value("3").run()  # the first answer starts the card
    assert not at.exception
    kit = next(e for e in at.expander if e.label == "Interview kit")
    assert not kit.proto.expanded
    assert "Ask about the ledger migration" not in all_text(at)  # folded: not drawn
    open_expander(at, f"sc_kit_{iv.id}_started")
    assert "Ask about the ledger migration" in all_text(at)


def test_panelist_scores_saves_draft_and_submits_in_the_app(world, session, make):
    from services.scorecards import find_scorecard, scorecard_kit

    pia = make.viewer(world["panel"][0])
    kit = scorecard_kit(session, pia, world["iv_cara"].id)
    card = world["iv_cara"].id  # the widgets' keys name the interview
    at = app_as(pia.id, "pages/scorecard.py", query={"interview": str(world["iv_cara"].id)})
    assert not at.exception
    # Opening the scorecard starts nothing; the first answer creates the card.
    assert find_scorecard(session, pia, world["iv_cara"].id) is None
    # Blind: nothing of Paul's or Petra's scorecards reaches Pia before she submits.
    assert SECRET not in all_text(at)
    assert not at.get("plotly_chart") and score_grid(at) is None
    for i, c in enumerate(kit.criteria):
        answer(at.radio(key=f"sc_score_{card}_{c.id}").set_value("Not assessed" if i == 3
                                                                 else "4"))
    answer(at.text_area(key=f"sc_concerns_{card}_").input("Long notice period"))
    # A salary typed wrong is refused beside the field, kept in the box, and saves nothing.
    answer(at.text_input(key=f"sc_salary_heard_{card}_").input("70000"))
    answer(at.text_input(key=f"sc_salary_heard_{card}_").input("1e308"))
    assert "Salary heard: '1e308' is not a whole amount of money" in all_text(at)
    assert at.text_input(key=f"sc_salary_heard_{card}_").value == "1e308"
    session.expire_all()
    assert find_scorecard(session, pia, world["iv_cara"].id).salary_heard == 70000
    answer(at.text_input(key=f"sc_salary_heard_{card}_").input("72 000"))
    session.expire_all()
    assert find_scorecard(session, pia, world["iv_cara"].id).salary_heard == 72000
    # A new session (a reload) finds the draft as it was left.
    again = app_as(pia.id, "pages/scorecard.py", query={"interview": str(world["iv_cara"].id)})
    assert again.radio(key=f"sc_score_{card}_{kit.criteria[0].id}").value == "4"
    assert again.radio(key=f"sc_score_{card}_{kit.criteria[3].id}").value == "Not assessed"
    assert again.text_area(key=f"sc_concerns_{card}_").value == "Long notice period"
    again.button(key="submit_card").click().run()
    assert "Overall recommendation: choose one" in all_text(again)
    answer(again.radio(key=f"sc_recommendation_{card}_").set_value("yes"))
    again.button(key="submit_card").click().run()
    assert not again.exception
    assert any("Submitted" in s.value for s in again.success)
    # Her submitted card is shown read-only, as text: no score widget is left to tap.
    assert not [r for r in again.radio if r.key and r.key.startswith(f"sc_score_{card}_")]
    mine = {row[0]: row[1:] for t in html_tables(again, "sl-my-card") for row in t}
    assert mine[kit.criteria[0].name][0] == "4"
    assert mine[kit.criteria[3].name][0] == "Not assessed"
    assert mine["Recommendation"] == ["Yes"] and mine["Concerns"] == ["Long notice period"]
    # Now the panel's view appears, with the colleague's evidence (when opened).
    assert SECRET in all_text(open_expander(again, "who_said_what"))
    assert {p.name for p in world["panel"]} <= set(score_grid(again).columns)


def test_extreme_score_without_evidence_blocks_submission(world, session, make):
    from services.scorecards import scorecard_kit

    pia = make.viewer(world["panel"][0])
    kit = scorecard_kit(session, pia, world["iv_cara"].id)
    card = world["iv_cara"].id  # the widgets' keys name the interview
    at = app_as(pia.id, "pages/scorecard.py", query={"interview": str(world["iv_cara"].id)})
    for c in kit.criteria:
        answer(at.radio(key=f"sc_score_{card}_{c.id}").set_value("5"))
    answer(at.radio(key=f"sc_recommendation_{card}_").set_value("strong_yes"))
    at.button(key="submit_card").click().run()
    assert "needs an evidence note" in all_text(at)


def test_submit_in_a_tab_opened_before_another_saved_is_refused_in_words(world, session, make):
    """Two tabs on one draft: tab B saves after tab A loaded it, then A submits. A is told the
    card changed elsewhere, at the top of the form, without a traceback; nothing is submitted
    until the panelist works on the latest version."""
    from services.scorecards import find_scorecard, scorecard_kit

    pia = make.viewer(world["panel"][0])
    iid = world["iv_cara"].id
    kit = scorecard_kit(session, pia, iid)
    query = {"interview": str(iid)}
    tab_a = app_as(pia.id, "pages/scorecard.py", query=query)
    for c in kit.criteria:
        answer(tab_a.radio(key=f"sc_score_{iid}_{c.id}").set_value("3"))
    answer(tab_a.radio(key=f"sc_recommendation_{iid}_").set_value("yes"))
    tab_b = app_as(pia.id, "pages/scorecard.py", query=query)
    answer(tab_b.text_area(key=f"sc_concerns_{iid}_").input("Seen in tab B"))
    tab_a.button(key="submit_card").click().run()
    assert not tab_a.exception
    assert any("changed in another window or device" in e.value for e in tab_a.error)
    session.expire_all()
    assert find_scorecard(session, pia, iid).status == "draft"
    tab_b.button(key="submit_card").click().run()
    assert not tab_b.exception and any("Submitted" in x.value for x in tab_b.success)


def test_submitted_scorecard_changes_the_dashboard(world, make):
    manager = world["manager"].id
    before = app_as(manager, "pages/dashboard.py")
    table = before.dataframe[0].value
    open_tab(before, "Candidate").selectbox(key="dash_candidate").select(world["cara"].id).run()
    cara_before = table.loc[table["Candidate"] == "Cara Candidate"].iloc[0]
    assert cara_before["Scorecards"] == "2 of 3"
    make.scorecard(world["iv_cara"], world["panel"][0], [1, 1, 1, 1], "strong_no",
                   evidence="Could not explain the basics.")
    after = app_as(manager, "pages/dashboard.py")
    table = after.dataframe[0].value
    cara_after = table.loc[table["Candidate"] == "Cara Candidate"].iloc[0]
    assert cara_after["Scorecards"] == "3 of 3"
    assert cara_after["Overall"] < cara_before["Overall"]


def test_dashboard_draws_the_score_grid_and_flags_disagreement(world):
    at = app_as(world["manager"].id, "pages/dashboard.py")
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(world["cara"].id).run()
    assert not at.exception
    grid = score_grid(at)
    assert list(grid.columns) == ["Paul Panel", "Petra Panel"]
    first = grid.index[1]  # after the first dimension's mean row: its first criterion
    assert grid.loc[first].tolist() == ["2", "5"]  # Paul 2, Petra 5 -> a 3-point spread
    table = open_tab(at, "Ranking").dataframe[0].value
    flag = table.loc[table["Candidate"] == "Cara Candidate", "Discuss"].iloc[0]
    assert "split recommendation" in flag and "criteria" in flag


def test_candidate_view_lists_debrief_points_and_first_interview_change_as_tables(
        world, session, make):
    from services.first_interview import save_first_scores
    from services.positions import criteria_of, current_template

    criteria = criteria_of(session, current_template(session, world["position"].id).id)
    save_first_scores(session, make.viewer(world["recruiter"]), world["cara"].id,
                      {criteria[0].id: 4})
    at = app_as(world["manager"].id, "pages/dashboard.py")
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(world["cara"].id).run()
    assert not at.exception
    (head, *rows), = html_tables(at, "sl-agenda")
    assert head == ["Topic", "What differs"]
    discuss = {r[0]: r[1] for r in rows}
    assert criteria[0].name in discuss  # Paul 2, Petra 5: written as text, not Markdown
    assert discuss[criteria[0].name].startswith("scores range 2 to 5")
    (head, *rows), = html_tables(at, "sl-first-change")
    assert head == ["Criterion", "First interview", "Second interview (panel mean)", "Change"]
    change = {r[0]: r[1:] for r in rows}[criteria[0].name]
    # First interview 4; the panel's mean 3.5 (Paul 2, Petra 5): a change of -0.50.
    assert change == ["4.00", "3.50", "\u22120.50"]


def test_hiring_manager_records_a_decision(world, session):
    from models import Candidate, Decision
    from tests.conftest import count

    at = app_as(world["manager"].id, "pages/dashboard.py")
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(world["dan"].id).run()
    at.text_area(key="decision_rationale").input("")
    at.radio(key="decision_outcome").set_value("offer")
    at.button(key="decision_submit").click().run()
    assert "a decision needs its rationale" in all_text(at)
    assert count(session, Decision) == 0
    assert at.radio(key="decision_outcome").value == "offer"  # kept after the refusal
    at.text_area(key="decision_rationale").input("Consistent panel, strong on tasks.")
    at.radio(key="decision_outcome").set_value("offer")
    at.button(key="decision_submit").click().run()
    assert not at.exception
    assert count(session, Decision) == 1
    session.expire_all()
    assert session.get(Candidate, world["dan"].id).stage == "offer"


def test_a_double_clicked_decision_is_recorded_once_without_an_error(world, session,
                                                                      monkeypatch):
    from models import Decision
    from tests.conftest import count
    from ui import flash

    def decide():
        at.text_area(key="decision_rationale").input("Consistent panel, strong on tasks.")
        at.radio(key="decision_outcome").set_value("hold")
        at.button(key="decision_submit").click().run()

    at = app_as(world["manager"].id, "pages/dashboard.py")
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(world["dan"].id).run()
    decide()
    # The second click lands on the form the first one cleared ...
    at.button(key="decision_submit").click().run()
    assert not at.exception and not at.error
    assert count(session, Decision) == 1
    assert any("Decision recorded" in t for t in toasts(at))
    # ... or reaches the server with the same decision, before the first one's rerun.
    decide()
    assert not at.exception and not at.error
    assert count(session, Decision) == 1
    # Later, the same empty form is a mistake again, and says so.
    monkeypatch.setattr(flash, "REPEAT_SECONDS", -1.0)
    at.button(key="decision_submit").click().run()
    assert "choose advance, offer, hold or reject" in all_text(at)
    assert count(session, Decision) == 1


def test_compare_tab_puts_the_chosen_candidates_side_by_side(world):
    at = app_as(world["manager"].id, "pages/dashboard.py")
    open_tab(at, "Compare").multiselect(key="compare_ids").set_value(
        [world["dan"].id, world["cara"].id]).run()
    assert not at.exception
    head, *rows = html_tables(at, "sl-compare")[0]
    assert head[1:] == ["Dan Candidate", "Cara Candidate"]  # in the order chosen
    table = {r[0]: r[1:] for r in rows}
    ranked = open_tab(at, "Ranking").dataframe[0].value.set_index("Candidate")
    for column, name in ((1, "Dan Candidate"), (2, "Cara Candidate")):
        assert table["Overall"][column - 1] == ranked.at[name, "Overall"]  # digit for digit
        assert table["Letters"][column - 1] == ranked.at[name, "Letters"]
    assert not figures(open_tab(at, "Compare"))  # a table, not a bar chart beside a grid


def test_dashboard_lists_unranked_candidates_apart_with_the_reason(world, make):
    make.candidate(world["position"], name="Nina Notyet")  # no second interview yet
    at = app_as(world["manager"].id, "pages/dashboard.py")
    assert not at.exception
    ranked = at.dataframe[0].value
    assert ranked["Rank"].notna().all()
    assert "Nina Notyet" not in set(ranked["Candidate"])
    others = next(d.value for d in at.dataframe if "Why" in d.value.columns)
    row = others.loc[others["Candidate"] == "Nina Notyet"].iloc[0]
    assert row["Why"] == "no second interview scheduled" and row["Scorecards"] == "0 of 0"


def test_my_interviews_shows_not_started_for_a_card_without_answers(world, session, make):
    from services.scorecards import ensure_scorecard

    pia = make.viewer(world["panel"][0])
    ensure_scorecard(session, pia, world["iv_cara"].id)  # opened or reminded, no answer
    at = app_as(pia.id)
    links = [el.proto.label for el in at.get("page_link")]
    assert any(text.startswith("Open scorecard — Not started") for text in links), links
    assert not any("Draft" in text for text in links), links
    assert not at.exception


def test_scorecard_speaks_french_to_a_french_panelist(world, session):
    from models import User

    pia = session.get(User, world["panel"][0].id)
    pia.language, pia.time_zone = "fr", "America/Montreal"
    session.add(pia)
    session.commit()
    iv = world["iv_cara"]
    at = app_as(pia.id, "pages/scorecard.py", query={"interview": str(iv.id)})
    assert not at.exception
    assert at.header[0].value.startswith("Fiche d’évaluation : ")
    assert at.button(key="submit_card").label == "Soumettre la fiche"
    status = next(c.value for c in at.caption if "avant de pouvoir soumettre" in c.value)
    assert status.startswith("Il reste 5 éléments") and "Pas encore commencée." in status
    score = at.radio(key=f"sc_score_{iv.id}_{at.radio[0].key.rsplit('_', 1)[1]}")
    assert score.label == "Note" and "Non évalué" in score.options
    assert at.radio(key=f"sc_recommendation_{iv.id}_").label == "Recommandation"
    # The interview's date in French, in Pia's time zone: "dimanche 29 novembre 2026, 09 h 00".
    from services import i18n

    with i18n.language("fr", "America/Montreal"):
        french_date = i18n.datetime_(iv.scheduled_at, "long")
    assert french_date in " ".join(c.value for c in at.caption)
    assert any(m in french_date for m in ("janv", "févr", "mars", "avr", "mai", "juin", "juil",
                                          "août", "sept", "oct", "nov", "déc"))
    # A first saved answer: the status says so in French. (AppTest formats the picker's
    # options again in the test process: in the same language and zone as the page.)
    with i18n.language("fr", "America/Montreal"):
        at.radio(key=score.key).set_value("3").run()
    assert any("Brouillon enregistré." in c.value for c in at.caption)
