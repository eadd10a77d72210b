"""Plotly figures for the dashboard, and how they are shown.

The builders are pure (data in, figure out, easy to test). `show` puts a figure on the page the
way every chart is shown: no plotly toolbar (on a phone it covers the title), a short accessible
name (`alt`), and right after it a text alternative a screen reader reaches: a caption saying
what the chart shows, and an expander "Data behind this chart" with the figures as a Markdown
table (a real HTML table, read cell by cell). Colour never carries information alone: tie groups
are written as letters, panelists and series by name in the legend and the table.
"""

from functools import cache
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import (
    get_colorscale,
    sample_colorscale,
    unconvert_from_RGB_255,
    unlabel_rgb,
)

from models import DIMENSIONS, label
from services.board import interval_text
from services.i18n import N_, _, current_language, decimal, money, signed
from ui.text import Strip, chart_text, html_table, md_escape
from ui.widgets import lazy_expander

# Red (low) to green (high), as explicit stops: unvalidated figures reach plotly.js as they are,
# and plotly.js knows no "RdYlGn" by name.
SCORE_COLOURS = get_colorscale("RdYlGn")
# No mode bar: on a 390 px screen it sits over the title; zooming is not what people do here.
CONFIG = {"displayModeBar": False, "responsive": True, "scrollZoom": False}
DATA_BEHIND = N_("Data behind this chart")
# The ranking chart lists this many of the best-ranked candidates; the table lists them all.
RANKING_TOP = 20


def _separators() -> str:
    """Plotly's decimal and thousands separators for the current language."""
    return ",\u202f" if current_language() == "fr" else ".,"


def _figure(traces: list[dict], *, title: str, height: int = 360, xaxis: dict | None = None,
            yaxis: dict | None = None, **layout) -> go.Figure:
    """A figure from plain trace and layout dicts, the way every chart here is laid out: title
    on the left (Streamlit's own element toolbar appears top right on hover), legend horizontal
    under the plot, margins that grow with the labels instead of clipping them.

    Built unvalidated (`_validate=False`): plotly's property validation took about 40 ms a
    figure, most of a candidate switch on the dashboard (issue 12). The dicts use plotly's own
    property names; tests/ui/test_charts.py rebuilds every builder's figure with validation and
    checks plotly accepts it unchanged.
    """
    layout = {
        "height": height, "margin": {"l": 10, "r": 10, "t": 48, "b": 10, "autoexpand": True},
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0, "xanchor": "left"},
        "separators": _separators(),
        "xaxis": {**(xaxis or {}), "automargin": True},
        "yaxis": {**(yaxis or {}), "automargin": True},
        **layout,
    }
    return go.Figure(data=traces, layout=layout, _validate=False)


def _values(column) -> list:
    """A column as plain numbers for a trace, missing values as None (JSON null)."""
    return [None if pd.isna(v) else float(v) for v in column]


def markdown_table(table: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table, every cell escaped (names and notes are user text)."""
    if table.empty:
        return _("No data.")
    head = "| " + " | ".join(md_escape(c) for c in table.columns) + " |"
    rule = "|" + "---|" * len(table.columns)
    rows = ["| " + " | ".join(md_escape("" if pd.isna(v) else v) for v in row) + " |"
            for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


def show(fig: go.Figure, *, key: str, alt: str, summary: str | None = None,
         data: pd.DataFrame | None = None) -> None:
    """The figure, then its text alternative: a summary caption and the data as a table."""
    st.plotly_chart(fig, key=key, config=CONFIG, alt=alt, width="stretch")
    if summary:
        st.caption(summary)
    if data is not None:  # drawn when opened (a closed expander costs nothing)
        lazy_expander(_(DATA_BEHIND), lambda: st.markdown(markdown_table(data)),
                      key=f"{key}_data")


# --- ranking ----------------------------------------------------------------------------------


def ranking(summary: pd.DataFrame, scale: tuple[int, int], top: int = RANKING_TOP) -> str:
    """Overall score per candidate with its 95% interval, for the `top` best-ranked candidates
    (the ranking table lists every one), as one HTML table (ui.text.html_table, class
    `sl-ranking-chart`): each row the candidate and their letters, the overall, the interval,
    and the interval drawn as a bar on the scale with the overall as a dot.

    A table, not a plotly figure: the numbers are written out (a phone has no hover), a screen
    reader reads it row by row (the bars are decorative), and the dashboard's opening no longer
    waits about 80 ms for plotly to mount a chart (issue 12, measured: 3.4x the floor with the
    plotly chart, 2.7x without). Tie groups are the letters, in text: never colour alone.
    """
    ranked = summary.dropna(subset=["overall"])
    data = ranked.sort_values("rank").head(top)
    title = _("Overall score, 95% interval")
    if len(data) < len(ranked):
        title = _("Overall score, 95% interval: the top {n} of {total}").format(
            n=len(data), total=len(ranked))
    lo, hi = scale
    span = hi - lo

    def at(value) -> float | None:
        return None if pd.isna(value) or span <= 0 else (float(value) - lo) / span

    ticks = tuple(at(v) for v in range(lo, hi + 1)) if span > 0 else ()
    rows, strips = [], []
    for row in data.itertuples(index=False):
        interval = interval_text(row.ci_low, row.ci_high) or "—"
        rows.append((f"{row.name} ({row.letters})", [decimal(row.overall), interval]))
        strips.append(Strip(at(row.ci_low), at(row.overall), at(row.ci_high), ticks))
    caption = title + ". " + _(
        "Candidates who share a letter are not separated by the scores. The bar runs from "
        "{low} (left) to {high} (right) on the scale.").format(low=lo, high=hi)
    return html_table([_("Overall"), _("95% interval"), _("On the scale")], rows,
                      kind="sl-ranking-chart", caption=caption, strips=strips)


# --- one candidate ----------------------------------------------------------------------------


class Grid(NamedTuple):
    """The score grid: cells as written (rows and columns named as given), each cell's
    background ("#rrggbb", "" for none) and, per row, whether it is a dimension's mean."""
    text: pd.DataFrame
    tints: pd.DataFrame
    means: list[bool]


def score_grid(profiles: pd.DataFrame, matrix: pd.DataFrame, dimension_of: dict[str, str],
               scale: tuple[int, int]) -> Grid:
    """The candidate's panel in one table: for each dimension, each panelist's mean on it
    (bold), then that dimension's criteria, one column per panelist, every cell written out
    ("n/a": not assessed) and tinted by its score on the scale.

    A table, not a chart: the numbers are read, not hovered (a phone has no hover), a screen
    reader reads it cell by cell, and a candidate switch redraws one element where the radar
    and heatmap it replaces cost the browser about 75 ms each (issue 12, measured).
    `matrix`: criterion names down, panelist names across (a criterion of an older template,
    not in `dimension_of`, comes last under "Other criteria"). `profiles`: one row per panelist
    with a column per dimension.
    """
    panelists = [str(c) for c in matrix.columns]
    means = profiles.set_index(profiles["panelist"].astype(str))
    rows, values, bold = [], [], []
    groups = [(d, label(d)) for d in DIMENSIONS] + [(None, _("Other criteria"))]
    for dimension, title in groups:
        names = [n for n in matrix.index if dimension_of.get(n) == dimension]
        if not names:
            continue
        if dimension is None:
            rows.append(title)
            values.append([float("nan")] * len(panelists))
        else:
            rows.append(_("{dimension}: mean").format(dimension=title))
            values.append([float(means.at[p, dimension]) if p in means.index else float("nan")
                           for p in panelists])
        bold.append(True)
        for name in names:
            rows.append(str(name))
            values.append([float(v) for v in matrix.loc[name].to_numpy(dtype=float)])
            bold.append(False)
    text = pd.DataFrame(
        [[(decimal(v) if is_mean else f"{v:g}") if pd.notna(v) else
          ("—" if is_mean else _("n/a")) for v in row] for row, is_mean in zip(
            values, bold, strict=True)], index=rows, columns=panelists)
    lo, hi = scale
    tints = pd.DataFrame([[_tint(v, lo, hi) for v in row] for row in values],
                         index=rows, columns=panelists)
    return Grid(text, tints, bold)


def grid_html(grid: Grid, caption: str) -> str:
    """The grid as one HTML table (ui.text.html_table, class `sl-score-grid`): dimension means
    in bold rows, each cell on its tint."""
    return html_table(
        [str(c) for c in grid.text.columns],
        [(str(name), [str(v) for v in cells]) for name, cells in grid.text.iterrows()],
        kind="sl-score-grid", caption=caption,
        styles=[[f"background-color: {t}" if t else "" for t in row]
                for row in grid.tints.to_numpy().tolist()],
        row_classes=["mean" if m else "" for m in grid.means])


def _tint(value: float, lo: int, hi: int) -> str:
    """A light background on the red-to-green score scale: 65% towards white, so the theme's
    dark text keeps at least 4.5:1 on every tint (WCAG AA; tests/ui/test_charts.py)."""
    if pd.isna(value) or hi <= lo:
        return ""
    return _tint_at(round(min(1.0, max(0.0, (value - lo) / (hi - lo))), 3))


@cache
def _tint_at(t: float) -> str:
    """The tint at `t` (0 to 1) along the scale, sampled once per value (plotly's sampling was
    a third of a score grid's build; issue 12)."""
    rgb = unconvert_from_RGB_255(unlabel_rgb(sample_colorscale(SCORE_COLOURS, [t])[0]))
    r, g, b = (round(255 * (0.65 + 0.35 * c)) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


# The ranking table's text columns the comparison repeats under the scores (board names them
# in English; the row names are translated where shown).
COMPARE_TEXTS = (N_("Letters"), N_("Recommendations"), N_("Discuss"), N_("Decision"))


def compare(summary: pd.DataFrame, texts: pd.DataFrame, names: list[str],
            scale: tuple[int, int]) -> str:
    """Chosen candidates side by side, one column each (headed by `names`, in order): each
    dimension's mean and the overall (bold), tinted on the score scale like the score grid,
    the interval, then the ranking table's letters, recommendations, what to discuss and the
    decision (`texts`: those columns, one row per candidate, in the same order).

    One HTML table (ui.text.html_table, class `sl-compare`), not a plotly bar chart and a data
    grid saying the same thing: the numbers are read, a screen reader reads them cell by cell,
    and a switch to this tab draws one element (issue 12).
    """
    lo, hi = scale
    rows, tints, classes = [], [], []
    for key, title in [(d, label(d)) for d in DIMENSIONS] + [("overall", _("Overall"))]:
        values = summary[key].tolist()
        rows.append((title, ["—" if pd.isna(v) else decimal(v) for v in values]))
        tints.append([f"background-color: {t}" if (t := _tint(v, lo, hi)) else ""
                      for v in values])
        classes.append("mean" if key == "overall" else "")
    rows.append((_("95% interval"), [interval_text(a, b) or "—" for a, b in zip(
        summary["ci_low"], summary["ci_high"], strict=True)]))
    for column in COMPARE_TEXTS:
        rows.append((_(column), ["" if pd.isna(v) else str(v) for v in texts[column]]))
    tints += [[""] * len(names)] * (len(rows) - len(tints))
    classes += [""] * (len(rows) - len(classes))
    return html_table(names, rows, kind="sl-compare", styles=tints, row_classes=classes,
                      caption=_("Each dimension's mean over the panel and the overall, tinted "
                                "from red (low) to green (high); candidates who share a letter "
                                "are not separated by the scores."))


def salary(band: tuple[int | None, int | None], expectation: int | None,
           heard: pd.DataFrame, currency: str) -> go.Figure:
    """The position's salary band with the candidate's stated and heard expectations."""
    traces, shapes = [], []
    lo, hi = band
    if lo is not None and hi is not None:
        shapes.append({"type": "rect", "x0": lo, "x1": hi, "y0": -0.4, "y1": 0.4,
                       "fillcolor": "#cfe3f2", "line": {"width": 0}, "layer": "below"})
        traces.append({
            "type": "scatter", "x": [lo, hi], "y": [0, 0], "mode": "markers+text",
            "text": [_("min"), _("max")], "textposition": "top center",
            "marker": {"symbol": "line-ns-open", "size": 18}, "name": _("Salary band"),
            "customdata": [money(lo, currency), money(hi, currency)],
            "hovertemplate": "%{customdata}<extra></extra>"})
    if expectation is not None:
        traces.append({
            "type": "scatter", "x": [expectation], "y": [0], "mode": "markers",
            "name": _("Stated"), "marker": {"symbol": "diamond", "size": 14, "color": "#d1495b"},
            "customdata": [money(expectation, currency)],
            "hovertemplate": "%{customdata}<extra></extra>"})
    heard = heard.dropna(subset=["salary_heard"])
    if len(heard):
        traces.append({
            "type": "scatter", "x": _values(heard["salary_heard"]), "y": [0] * len(heard),
            "mode": "markers", "name": _("Heard"),
            "customdata": [f"{chart_text(p)}: {money(v, currency)}"
                           for p, v in zip(heard["panelist"], heard["salary_heard"],
                                           strict=True)],
            "marker": {"symbol": "circle-open", "size": 12, "color": "#00798c"},
            "hovertemplate": "%{customdata}<extra></extra>"})
    fig = _figure(traces, height=280, title=_("Salary against the band"),
                  **({"shapes": shapes} if shapes else {}),
                  yaxis={"visible": False, "range": [-1, 1]},
                  xaxis={"title": {"text": _("{currency} per year").format(currency=currency)},
                         "nticks": 5})
    # The legend goes below the axis title, never over the axis.
    fig.layout.legend.y = -0.45
    return fig


def salary_data(band: tuple[int | None, int | None], expectation: int | None,
                heard: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The salary chart's figures, one row per point."""
    rows = [(_("Salary band, minimum"), money(band[0], currency)),
            (_("Salary band, maximum"), money(band[1], currency)),
            (_("Stated by the candidate"), money(expectation, currency))]
    for p, v in zip(heard.get("panelist", []), heard.get("salary_heard", []), strict=True):
        if not pd.isna(v):
            rows.append((_("Heard by {panelist}").format(panelist=p), money(v, currency)))
    return pd.DataFrame(rows, columns=[_("What"), _("Amount")])


# --- calibration ------------------------------------------------------------------------------


def leniency(table: pd.DataFrame) -> go.Figure:
    """Each panelist's leniency with its 95% interval; grey where there is not enough data."""
    data = table.dropna(subset=["leniency"]).sort_values("leniency")
    colours = ["#2f5d8a" if ok else "#b0b0b0" for ok in data["enough_data"]]
    symbols = ["circle" if ok else "circle-open" for ok in data["enough_data"]]
    trace = {
        "type": "scatter", "x": _values(data["leniency"]),
        "y": [chart_text(n) for n in data["panelist"]], "mode": "markers",
        "marker": {"size": 12, "color": colours, "symbol": symbols},
        "error_x": {"type": "data", "symmetric": False,
                    "array": _values((data["ci_high"] - data["leniency"]).fillna(0)),
                    "arrayminus": _values((data["leniency"] - data["ci_low"]).fillna(0))},
        "customdata": [signed(v) for v in data["leniency"]],
        "hovertemplate": "%{y}: %{customdata}<extra></extra>", "name": _("Leniency")}
    zero = {"type": "line", "x0": 0, "x1": 0, "xref": "x", "y0": 0, "y1": 1,
            "yref": "y domain", "line": {"dash": "dot", "color": "#888"}}
    return _figure([trace], height=max(280, 36 * len(data) + 140),
                   title=_("Panelist leniency, 95% interval"), shapes=[zero],
                   xaxis={"title": {"text": _(
                       "Points above (+) or below (−) colleagues, 1–5 footing")}})
