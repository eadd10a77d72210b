"""ui.charts builds its figures from plain dicts without plotly's validation (for speed): every
builder's figure must be one plotly accepts as it is, and keep what the dashboard relies on."""

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from services.i18n import language
from tests.apptest import _Tables
from ui import charts
from ui.text import Strip, html_table

SUMMARY = pd.DataFrame({
    "candidate_id": [1, 2, 3], "name": ["Ann <b>", "Bob", "Cy"], "letters": ["a", "ab", "b"],
    "overall": [4.2, 3.5, np.nan], "ci_low": [3.9, np.nan, np.nan], "ci_high": [4.5, 3.9, np.nan],
    "rank": [1, 2, None], "technical": [4.0, 3.0, 2.0], "social": [4.5, 3.2, np.nan],
    "company": [4.1, 3.3, 2.0]})
PROFILES = pd.DataFrame({"panelist": ["P1", "P2"], "technical": [4.0, 3.0],
                         "social": [np.nan, 2.5], "company": [3.0, 4.0]})
MATRIX = pd.DataFrame({"P1": [4, np.nan], "P2": [3, 5]},
                      index=["A criterion with a long name", "Short"])
HEARD = pd.DataFrame({"panelist": ["P1", "P2"], "salary_heard": [70000, np.nan]})
LENIENCY = pd.DataFrame({"panelist": ["A", "B"], "leniency": [0.3, -0.2], "ci_low": [0.1, np.nan],
                         "ci_high": [0.5, 0.1], "enough_data": [True, False]})
BUILT = {
    "salary": lambda: charts.salary((60000, 80000), 72000, HEARD, "EUR"),
    "salary without band": lambda: charts.salary((None, None), None, HEARD.iloc[1:], "EUR"),
    "leniency": lambda: charts.leniency(LENIENCY),
}


def spec(fig: go.Figure) -> dict:
    """What st.plotly_chart sends to the browser."""
    return json.loads(pio.to_json(fig, validate=False))


@pytest.mark.parametrize("name", sorted(BUILT))
def test_every_figure_is_one_plotly_validates_unchanged(name):
    fig = BUILT[name]()
    assert spec(go.Figure(fig.to_dict())) == spec(fig)  # raises on an unknown property


@pytest.mark.parametrize("name", sorted(BUILT))
def test_every_figure_has_the_house_layout(name):
    layout = spec(BUILT[name]())["layout"]
    assert layout["title"]["x"] == 0 and layout["title"]["text"]
    assert layout["legend"]["orientation"] == "h" and layout["legend"]["y"] < 0
    assert layout["xaxis"]["automargin"] and layout["yaxis"]["automargin"]


def test_missing_values_reach_the_browser_as_nulls_and_names_as_text():
    lenient = spec(BUILT["leniency"]())
    assert lenient["data"][0]["y"] == ["B", "A"]  # most severe first
    assert all(isinstance(x, float) for x in lenient["data"][0]["error_x"]["array"])
    gaps = spec(charts.leniency(LENIENCY.assign(leniency=[0.3, np.nan])))
    assert gaps["data"][0]["y"] == ["A"]  # no leniency figure: not plotted as zero
    named = spec(charts.leniency(LENIENCY.assign(panelist=["<b>A</b>", "B"])))
    assert named["data"][0]["y"][1] == "&lt;b&gt;A&lt;/b&gt;"


TEXTS = pd.DataFrame({"Letters": ["a", "b"], "Recommendations": ["2 yes", "1 no"],
                      "Discuss": ["", "Discuss: Social"], "Decision": ["Offer", None]})


def test_compare_puts_the_chosen_side_by_side_with_the_ranking_texts():
    page = charts.compare(SUMMARY.iloc[[0, 2]], TEXTS, ["Ann <b>", "Cy"], (1, 5))
    head, *rows = _rows(page)
    assert head == ["", "Ann <b>", "Cy"] and "Ann &lt;b&gt;" in page
    table = {r[0]: r[1:] for r in rows}
    assert list(table) == ["Technical skills", "Social qualities", "Company knowledge",
                           "Overall", "95% interval", "Letters", "Recommendations", "Discuss",
                           "Decision"]
    assert table["Social qualities"] == ["4.50", "—"]  # Cy's social: missing, not 0
    assert table["Overall"] == ["4.20", "—"] and table["95% interval"] == ["3.90–4.50", "—"]
    assert table["Decision"] == ["Offer", ""] and table["Discuss"][1] == "Discuss: Social"
    assert page.count('<tr class="mean">') == 1  # the overall, in bold
    assert page.count("background-color") == 6  # a tint on every score, none on a blank
    with language("fr"):
        french = {r[0]: r[1:] for r in _rows(charts.compare(
            SUMMARY.iloc[[0, 2]], TEXTS, ["Ann", "Cy"], (1, 5)))[1:]}
    assert french["Note globale"] == ["4,20", "—"]



def test_french_figures_use_a_decimal_comma():
    with language("fr"):
        assert spec(BUILT["leniency"]())["layout"]["separators"].startswith(",")
    assert spec(BUILT["leniency"]())["layout"]["separators"] == ".,"


# --- the score grid -------------------------------------------------------------------------

DIMENSION_OF = {"A criterion with a long name": "technical", "Short": "company"}


def _contrast(background: str, text: str = "#31333f") -> float:
    """WCAG 2.2 contrast ratio of two #rrggbb colours (Streamlit's light theme text)."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(background), luminance(text)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_score_grid_gives_each_dimension_its_mean_then_its_criteria():
    text, tints, means = charts.score_grid(PROFILES, MATRIX, DIMENSION_OF, (1, 5))
    assert list(text.columns) == ["P1", "P2"]
    assert list(text.index) == ["Technical skills: mean", "A criterion with a long name",
                                "Company knowledge: mean", "Short"]  # no social criterion
    assert means == [True, False, True, False]
    assert text.loc["Technical skills: mean"].tolist() == ["4.00", "3.00"]
    assert text.loc["A criterion with a long name"].tolist() == ["4", "3"]
    assert text.loc["Short"].tolist() == ["n/a", "5"]  # not assessed is written, not blank
    assert tints.loc["Short", "P1"] == ""  # nothing to tint
    five, four = tints.loc["Short", "P2"], tints.loc["A criterion with a long name", "P1"]
    assert five.startswith("#") and four.startswith("#") and five != four


def test_a_criterion_of_an_older_template_comes_last_and_a_missing_mean_is_a_dash():
    matrix = pd.concat([MATRIX, pd.DataFrame({"P1": [2], "P2": [np.nan]}, index=["Gone"])])
    profiles = PROFILES.assign(technical=[np.nan, 3.0])
    grid = charts.score_grid(profiles, matrix, DIMENSION_OF, (1, 5))
    assert list(grid.text.index)[-2:] == ["Other criteria", "Gone"]
    assert grid.means[-2:] == [True, False]
    assert grid.text.loc["Technical skills: mean", "P1"] == "—"


def test_score_grid_tints_follow_the_score_and_keep_the_text_readable():
    scores = pd.DataFrame({"P": [1, 2, 3, 4, 5]}, index=list("abcde"))
    profiles = pd.DataFrame({"panelist": ["P"], "technical": [3.0], "social": [np.nan],
                             "company": [np.nan]})
    grid = charts.score_grid(profiles, scores, dict.fromkeys("abcde", "technical"), (1, 5))
    tints = [grid.tints.loc[k, "P"] for k in "abcde"]
    assert len(set(tints)) == 5  # every score its own tint
    assert all(_contrast(t) >= 4.5 for t in tints), [(t, _contrast(t)) for t in tints]
    with language("fr"):
        french = charts.score_grid(profiles, scores, dict.fromkeys("abcde", "technical"),
                                   (1, 5))
    assert french.text.iloc[0, 0] == "3,00"


def test_the_grid_is_one_html_table_with_headers_and_every_name_escaped():
    """Names are user text: in st.html an unescaped one would be markup."""
    matrix = pd.DataFrame({"<b>Bo</b>": [3]}, index=['<img src="http://evil.example/x.png">'])
    profiles = pd.DataFrame({"panelist": ["<b>Bo</b>"], "technical": [3.0], "social": [np.nan],
                             "company": [np.nan]})
    grid = charts.score_grid(profiles, matrix,
                             {'<img src="http://evil.example/x.png">': "technical"}, (1, 5))
    page = charts.grid_html(grid, "Caption & more")
    assert "<img" not in page and "<b>" not in page
    assert '<th scope="col">&lt;b&gt;Bo&lt;/b&gt;</th>' in page
    assert '<th scope="row">&lt;img src=&quot;http://evil.example/x.png&quot;&gt;</th>' in page
    assert page.count("<tr") == 3 and page.count('<tr class="mean">') == 1
    assert "<caption>Caption &amp; more</caption>" in page
    assert f'style="background-color: {grid.tints.iloc[0, 0]}"' in page


def _rows(page: str) -> list[list[str]]:
    """The cells' text of the first table in `page` (th and td alike), row by row."""
    parser = _Tables()
    parser.feed(page)
    return parser.tables[0][1]


def test_the_ranking_chart_lists_the_best_ranked_and_says_how_many_of_all():
    n = 30
    many = pd.DataFrame({
        "candidate_id": range(n), "name": [f"C{i}" for i in range(n)], "letters": ["a"] * n,
        "overall": np.linspace(4.5, 2.0, n), "ci_low": np.linspace(4.0, 1.5, n),
        "ci_high": np.linspace(5.0, 2.5, n), "rank": range(1, n + 1)})
    page = charts.ranking(many.sample(frac=1, random_state=1), (1, 5))
    head, *rows = _rows(page)
    assert head == ["", "Overall", "95% interval", "On the scale"]
    assert [r[0] for r in rows] == [f"C{i} (a)" for i in range(charts.RANKING_TOP)]  # rank order
    assert rows[0][1:3] == ["4.50", "4.00–5.00"]
    assert "<caption>Overall score, 95% interval: the top 20 of 30." in page
    assert "<caption>Overall score, 95% interval. " in charts.ranking(many.head(5), (1, 5))


def test_the_ranking_chart_draws_each_interval_where_it_lies_on_the_scale():
    page = charts.ranking(SUMMARY, (1, 5))
    head, *rows = _rows(page)
    assert [r[0] for r in rows] == ["Ann <b> (a)", "Bob (ab)"]  # Cy has no overall: not listed
    assert "Ann &lt;b&gt; (a)" in page and "<b>" not in page  # names are text
    assert rows[1][1:3] == ["3.50", "—"]  # an overall without an interval
    ann, bob = page.split("<tr>")[2:4]
    # Ann: 4.2 on 1..5 is 80%; her interval 3.9..4.5 starts at 72.5% and spans 15%.
    assert 'class="sl-point" style="left: 80.00%"' in ann
    assert 'class="sl-interval" style="left: 72.50%; width: 15.00%"' in ann
    assert "sl-interval" not in bob and 'class="sl-point" style="left: 62.50%"' in bob
    assert ann.count('class="sl-tick"') == 5  # one per scale point, 1 to 5
    assert 'aria-hidden="true"' in ann  # the bar repeats the row's numbers: not read twice
    with language("fr"):
        french = _rows(charts.ranking(SUMMARY, (1, 5)))
    assert french[0][1:] == ["Note globale", "Intervalle à 95 %", "Sur l’échelle"]
    assert french[1][1:3] == ["4,20", "3,90–4,50"]


def test_a_strip_outside_its_scale_stays_inside_its_cell():
    page = html_table(["x", "bar"], [("r", ["1"])], kind="k",
                      strips=[Strip(-0.5, 1.7, 2.0, (0.0, 1.0))])
    assert 'class="sl-point" style="left: 100.00%"' in page
    assert 'class="sl-interval" style="left: 0.00%; width: 100.00%"' in page
    empty = html_table(["x", "bar"], [("r", ["1"])], kind="k", strips=[None])
    assert '<td class="sl-strip" aria-hidden="true"></td>' in empty
