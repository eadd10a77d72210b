"""ui.charts builds its figures from plain dicts without plotly's validation (for speed): every
builder's figure must be one plotly accepts as it is, and keep what the dashboard relies on."""

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from services.i18n import language
from ui import charts

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
    "ranking": lambda: charts.ranking(SUMMARY, (1, 5)),
    "radar": lambda: charts.radar(PROFILES, (1, 5)),
    "heatmap": lambda: charts.heatmap(MATRIX, (1, 5)),
    "compare": lambda: charts.compare(SUMMARY.iloc[:2], (1, 5)),
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
    ranking = spec(BUILT["ranking"]())
    assert [t["name"] for t in ranking["data"]] == ["Letters a", "Letters ab"]  # Cy is unranked
    assert all(isinstance(x, float) for t in ranking["data"] for x in t["x"])
    heat = spec(BUILT["heatmap"]())["data"][0]
    assert heat["z"] == [[4.0, 3.0], [None, 5.0]] and heat["text"][1][0] == "n/a"
    assert heat["colorscale"][0][0] == 0 and heat["colorscale"][-1][0] == 1  # explicit stops
    radar = spec(BUILT["radar"]())["data"]
    assert radar[0]["r"] == [4.0, None, 3.0, 4.0]


def test_french_figures_use_a_decimal_comma():
    with language("fr"):
        assert spec(BUILT["ranking"]())["layout"]["separators"].startswith(",")
    assert spec(BUILT["ranking"]())["layout"]["separators"] == ".,"
