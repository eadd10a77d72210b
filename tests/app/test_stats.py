"""AppTest: the dashboard's intervals, ties, agreement, weight sensitivity and consensus, and
the calibration page, read from the plotted figures and tables."""

import json
import re

from models import ConsensusScore
from services import stats
from services.auth import get_viewer
from services.board import load_board
from services.i18n import decimal
from tests.apptest import (
    all_text,
    app_as,
    figures,
    html_figures,
    html_texts,
    open_expander,
    open_tab,
    ranking_chart,
    score_grid,
    toasts,
)
from tests.conftest import count, world_fixture

# Three panelists score six candidates on four criteria; Lenny is a point more lenient.
TRUE = [4, 4, 3, 3, 2, 2]


@world_fixture
def crossed(session, make):
    manager = make.user("hiring_manager", name="Hana Manager")
    position = make.position(manager=manager, title="Data Engineer")
    panel = [make.user(name="Lenny Lenient"), make.user(name="Sam Steady"),
             make.user(name="Tess Tough")]
    offsets = [1, 0, -1]
    cands = []
    for i, level in enumerate(TRUE):
        cand = make.candidate(position, name=f"Cand {i + 1}")
        iv = make.interview(cand, panel)
        for p, off in zip(panel, offsets, strict=True):
            value = max(1, min(5, level + off))
            make.scorecard(iv, p, value, "yes" if value >= 3 else "no")
        cands.append(cand)
    return {"manager": manager, "position": position, "panel": panel, "cands": cands}


def number(text: str) -> float:
    """A number as the page shows it (a true minus sign, a decimal comma in French)."""
    return float(str(text).replace("\u2212", "-").replace(",", "."))


def frame_with(at, column):
    """The first table on the page that has this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_ranking_chart_has_intervals_and_letters(crossed):
    at = app_as(crossed["manager"].id, "pages/dashboard.py")
    assert not at.exception
    chart = ranking_chart(at)
    table = at.dataframe[0].value
    letters = dict(zip(table["Candidate"], table["Letters"], strict=True))
    # Letters are written beside each name: never colour alone.
    assert sorted(chart.index) == sorted(f"{c.name} ({letters[c.name]})"
                                         for c in crossed["cands"])
    # The grid writes each overall as the chart does, to the last digit ("4.20", not "4.2").
    overall = table.set_index("Candidate")["Overall"]
    written = {name.rsplit(" (", 1)[0]: x for name, x in chart["Overall"].items()}
    assert written == {n: overall[n] for n in written}
    assert all(re.fullmatch(r"\d\.\d\d", x) for x in written.values())
    shown = {n: float(x) for n, x in written.items()}
    assert list(shown.values()) == sorted(shown.values(), reverse=True)  # best first
    assert all(re.fullmatch(r"\d\.\d\d–\d\.\d\d", iv) for iv in chart["95% interval"])
    assert not figures(at)  # no plotly figure left on the ranking tab
    # Cand 1 and Cand 2 have identical scores: they must share a letter.
    assert set(letters["Cand 1"]) & set(letters["Cand 2"])


def test_agreement_reading_and_weight_sensitivity_are_shown(crossed):
    at = app_as(crossed["manager"].id, "pages/dashboard.py")
    text = all_text(at)
    assert "Panel agreement" in text
    assert "Panel agreement is" in text
    assert "alpha_interval" not in text and "n_candidates" not in text
    metrics = html_figures(at, "sl-agreement-figures")
    assert metrics["Alpha, interval"][0] != "—"
    assert metrics["ICC(2,1)"][0] != "—"  # fully crossed design
    # What each figure means, beside the figures (a folded list, not a hover tooltip).
    assert any(t.startswith("Krippendorff's alpha: 1 = perfect agreement")
               for h in at.html for t in html_texts(h.proto.body))
    assert "Weight sensitivity" in text


# Three panelists who agree on no one: each row is one candidate's scores by panelist, the
# same on every criterion but the last, which each panelist reads their own way.
DISCORD = [[5, 1, 3], [1, 5, 3], [3, 3, 1], [2, 4, 5], [4, 2, 2], [3, 1, 5]]


@world_fixture
def discordant(session, make):
    manager = make.user("hiring_manager", name="Dora Manager")
    position = make.position(manager=manager, title="Field Engineer")
    panel = [make.user(name=f"Panelist {k}") for k in "ABC"]
    for i, row in enumerate(DISCORD):
        iv = make.interview(make.candidate(position, name=f"Disc {i + 1}"), panel)
        for p, value in enumerate(row):
            last = DISCORD[(i + p + 2) % len(DISCORD)][p]
            make.scorecard(iv, panel[p], [value, value, value, last], "yes")
    return {"manager": manager, "position": position}


def test_low_agreement_names_the_criteria_to_discuss_and_folds_the_table(discordant, session):
    """The advice names the least agreed criteria (lowest alpha first, as the table orders
    them); the table itself is drawn only when its expander is opened."""
    at = app_as(discordant["manager"].id, "pages/dashboard.py")
    assert not at.exception
    warning = next(w.value for w in at.warning if "Panel agreement is" in w.value)
    assert re.match(r"Panel agreement is (low|moderate)", warning), warning
    board = load_board(session, discordant["position"].id,
                       get_viewer(session, discordant["manager"].id))
    alpha = stats.reliability_by_criterion(board.scores).dropna(subset=["alpha_interval"])
    names = dict(zip(board.criteria["criterion_id"], board.criteria["name"], strict=True))
    alpha = alpha.assign(name=alpha["criterion_id"].map(names)).sort_values(
        ["alpha_interval", "name"])
    lowest = alpha.head(3)
    expected = ", ".join(f"{n} (alpha {decimal(a, 2)})" for n, a in
                         zip(lowest["name"], lowest["alpha_interval"], strict=True))
    assert f"Lowest agreement: {expected}." in warning
    assert not any("Candidates compared" in d.value.columns for d in at.dataframe)
    open_expander(at, "criterion_agreement_open")
    table = frame_with(at, "Candidates compared")
    assert table["Criterion"].tolist() == alpha["name"].tolist()


def test_consensus_is_recorded_and_shown_beside_independent(crossed, session):
    cand = crossed["cands"][4]
    at = app_as(crossed["manager"].id, "pages/dashboard.py")
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(cand.id).run()
    assert not at.get("number_input")  # the consensus form is drawn when opened
    open_expander(at, "consensus_open").number_input(key="consensus_value").set_value(3)
    at.button(key="consensus_submit").click().run()
    assert not at.exception
    assert count(session, ConsensusScore) == 1
    table = frame_with(at, "Consensus")
    first = table.iloc[0]
    assert (first["Consensus"], first["Independent mean"], first["Change"]) == (
        "3.00", "2.00", "1.00")
    # Criteria without a consensus read empty, not "None".
    assert set(table.iloc[1:][["Consensus", "Change", "Note"]].stack()) == {""}
    # A double-click's second click lands on the emptied form: it confirms, records nothing.
    at.button(key="consensus_submit").click().run()
    assert not at.exception and not at.error
    assert count(session, ConsensusScore) == 1
    assert any("Consensus on" in t for t in toasts(at))


def test_a_refused_consensus_keeps_its_note(crossed, session):
    cand = crossed["cands"][4]
    at = app_as(crossed["manager"].id, "pages/dashboard.py")
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(cand.id).run()
    open_expander(at, "consensus_open").text_input(key="consensus_note").input("Agreed at lunch")
    at.button(key="consensus_submit").click().run()
    assert "Agreed score: type the score the panel agreed" in all_text(at)
    assert at.text_input(key="consensus_note").value == "Agreed at lunch"
    assert count(session, ConsensusScore) == 0


def test_calibration_page_shows_leniency_and_adjusted_ranking(crossed):
    at = app_as(crossed["manager"].id, "pages/calibration.py")
    assert not at.exception
    table = frame_with(at, "Shared candidates").set_index("Panelist")
    assert table.at["Lenny Lenient", "Shared candidates"] == 6
    assert number(table.at["Lenny Lenient", "Leniency"]) > 0.3
    assert number(table.at["Tess Tough", "Leniency"]) < -0.3
    fig = next(f for f in figures(at) if "leniency" in f["layout"]["title"]["text"].lower())
    assert set(fig["data"][0]["y"]) == {"Lenny Lenient", "Sam Steady", "Tess Tough"}
    adjusted = frame_with(at, "Adjusted rank")
    assert {"Raw overall", "Adjusted overall", "Raw rank", "Adjusted rank"} <= set(
        adjusted.columns)


def test_calibration_says_not_enough_data_below_the_minimum(session, make):
    manager = make.user("hiring_manager")
    position = make.position(manager=manager)
    panel = [make.user(name="New One"), make.user(name="New Two")]
    iv = make.interview(make.candidate(position), panel)
    make.scorecard(iv, panel[0], 4)
    make.scorecard(iv, panel[1], 2)
    at = app_as(manager.id, "pages/calibration.py")
    table = frame_with(at, "Shared candidates").set_index("Panelist")
    assert table.at["New One", "Leniency"] == "not enough data"


# --- charts on a phone, their text alternatives, French numbers (issues 12 and 13) ----------


def charts_and_alternatives(at):
    """Every plotly chart of the page with its proto (config, alt)."""
    return list(at.get("plotly_chart"))


def speak_french(session, user):
    user.language = "fr"
    session.add(user)
    session.commit()


def test_every_dashboard_chart_has_a_name_a_text_alternative_and_no_toolbar(crossed):
    at = app_as(crossed["manager"].id, "pages/dashboard.py")
    ranking = charts_and_alternatives(at)
    ranking_chart_rows = ranking_chart(at)
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(crossed["cands"][0].id).run()
    assert not at.exception
    cid = crossed["cands"][0].id
    open_expander(at, "salary_chart", f"salary_{cid}_data")
    candidate = charts_and_alternatives(at)
    expanders = [e for e in at.expander if e.label == "Data behind this chart"]
    grid = score_grid(at)  # the panel's scores: a table, not a chart
    compare = charts_and_alternatives(open_tab(at, "Compare"))
    # Each tab draws only its own charts: the ranking, the panel's scores and the comparison
    # are tables; the candidate's salary is a chart.
    assert (len(ranking), len(candidate), len(compare)) == (0, 1, 0)
    charts = candidate
    for chart in charts:
        assert chart.proto.alt, chart.proto.id
        assert json.loads(chart.proto.config)["displayModeBar"] is False
        layout = json.loads(chart.proto.spec)["layout"]
        legend = layout.get("legend", {})
        assert legend.get("orientation") == "h" and legend.get("y", 0) < 0  # below the plot
        assert layout["title"]["x"] == 0  # left, clear of the element toolbar (top right)
    # The salary chart's figures as a table a screen reader reads; the panel's scores are one.
    assert expanders and "| Amount |" in "\n".join(m.value for e in expanders for m in e.markdown)
    assert {p.name for p in crossed["panel"]} <= set(grid.columns)
    # The ranking chart is a table itself: every bar's figures written beside it.
    assert len(ranking_chart_rows) == len(crossed["cands"])
    assert ranking_chart_rows["95% interval"].str.contains("–").all()


def test_score_grid_spells_out_not_assessed(session, make):
    manager = make.user("hiring_manager")
    position = make.position(manager=manager)
    panel = [make.user(name="Ann"), make.user(name="Bo")]
    cand = make.candidate(position, name="Cleo")
    iv = make.interview(cand, panel)
    make.scorecard(iv, panel[0], [None, 4, 4, 4])
    make.scorecard(iv, panel[1], 3)
    at = open_tab(app_as(manager.id, "pages/dashboard.py"), "Candidate")
    grid = score_grid(at)
    assert "n/a" in set(grid["Ann"]) and "n/a" not in set(grid["Bo"])  # not a blank cell


def test_dashboard_in_french_uses_decimal_commas_and_french_words(session, crossed):
    speak_french(session, crossed["manager"])
    at = app_as(crossed["manager"].id, "pages/dashboard.py")
    assert at.title[0].value == "Tableau de bord"
    assert [t.label for t in at.tabs] == ["Classement", "Candidat", "Comparer",
                                          "Ordre du jour du compte rendu"]
    columns = list(at.dataframe[0].value.columns)
    assert columns[:4] == ["Rang", "Lettres", "Candidat", "Note globale"]
    chart = ranking_chart(at)
    assert "," in html_figures(at, "sl-agreement-figures")["Alpha, intervalle"][0]
    open_tab(at, "Candidate").selectbox(key="dash_candidate").select(crossed["cands"][0].id).run()
    assert not at.exception
    metrics = html_figures(at, "sl-candidate-figures")
    overall, interval = metrics["Note globale"]
    assert re.search(r"intervalle à 95 % \d,\d\d–\d,\d\d", interval), interval
    grid = score_grid(at)
    means = [r for r in grid.index if r.endswith(" : moyenne")]
    assert means and re.fullmatch(r"\d,\d\d", grid.loc[means[0]].iloc[0])
    assert re.fullmatch(r"\d,\d\d", overall)
    assert list(chart.columns) == ["Note globale", "Intervalle à 95 %"]
    assert all(re.fullmatch(r"\d,\d\d", x) for x in chart["Note globale"])
    assert all(re.fullmatch(r"\d,\d\d–\d,\d\d", x) for x in chart["Intervalle à 95 %"])


def test_a_cached_board_is_not_served_in_another_language(session, crossed):
    english = app_as(crossed["manager"].id, "pages/dashboard.py")
    assert "Panel agreement" in all_text(english)
    speak_french(session, crossed["manager"])
    french = app_as(crossed["manager"].id, "pages/dashboard.py")
    text = all_text(french)
    assert "Accord du comité" in text and "Panel agreement" not in text


def test_calibration_in_french_signs_leniency_with_a_comma(session, crossed):
    speak_french(session, crossed["manager"])
    at = app_as(crossed["manager"].id, "pages/calibration.py")
    assert not at.exception
    table = frame_with(at, "Candidats partagés").set_index("Membre du comité")
    assert re.fullmatch(r"[+\u2212]\d,\d\d", table.at["Lenny Lenient", "Indulgence"])
    [chart] = charts_and_alternatives(at)
    assert chart.proto.alt and json.loads(chart.proto.config)["displayModeBar"] is False
