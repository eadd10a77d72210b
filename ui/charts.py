"""Plotly figures for the dashboard. Pure builders: data in, figure out (easy to test)."""

import pandas as pd
import plotly.graph_objects as go

from models import label
from ui.text import chart_text

DIMENSIONS = ("technical", "social", "company")
PALETTE = ["#2f5d8a", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x"]
TIE_COLOURS = ["#2f5d8a", "#00798c", "#8d6a9f", "#d1495b", "#edae49", "#66a182"]


def _layout(fig: go.Figure, height: int = 360, **kw) -> go.Figure:
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      legend={"orientation": "h", "y": -0.15}, **kw)
    return fig


def ranking(summary: pd.DataFrame, scale: tuple[int, int]) -> go.Figure:
    """Overall score per candidate with its 95% interval, labelled with its letters.

    One trace per distinct letters text, named "Letters ab"; the letters are also written
    beside each point and in the axis label, so the grouping never rests on colour alone.
    """
    data = summary.dropna(subset=["overall"]).sort_values("rank", ascending=False)
    fig = go.Figure()
    labels = [chart_text(f"{n} ({x})") for n, x in zip(data["name"], data["letters"],
                                                      strict=True)]
    data = data.assign(_label=labels)
    for k, (letters, rows) in enumerate(data.groupby("letters", sort=True)):
        upper = (rows["ci_high"] - rows["overall"]).fillna(0)
        lower = (rows["overall"] - rows["ci_low"]).fillna(0)
        fig.add_trace(go.Scatter(
            x=rows["overall"], y=rows["_label"].tolist(), mode="markers+text",
            name=f"Letters {letters}", text=[letters] * len(rows), textposition="top center",
            marker={"size": 12, "color": TIE_COLOURS[k % len(TIE_COLOURS)],
                    "symbol": SYMBOLS[k % len(SYMBOLS)]},
            error_x={"type": "data", "symmetric": False, "array": upper, "arrayminus": lower,
                     "thickness": 2, "width": 6},
            customdata=rows[["ci_low", "ci_high"]].to_numpy(),
            hovertemplate="%{y}: %{x:.2f} (95% interval %{customdata[0]:.2f}–"
                          "%{customdata[1]:.2f})<extra></extra>",
        ))
    fig.update_xaxes(range=[scale[0] - 0.2, scale[1] + 0.2], title="Weighted overall score")
    fig.update_yaxes(categoryorder="array", categoryarray=data["_label"].tolist())
    return _layout(fig, height=max(260, 40 * len(data) + 100),
                   title="Overall score with 95% interval (sharing a letter = not separated)")


def radar(profiles: pd.DataFrame, scale: tuple[int, int]) -> go.Figure:
    """Each panelist's dimension profile for one candidate, overlaid."""
    fig = go.Figure()
    theta = [label(d) for d in DIMENSIONS]
    for i, row in enumerate(profiles.itertuples(index=False)):
        values = [getattr(row, d) for d in DIMENSIONS]
        fig.add_trace(go.Scatterpolar(
            r=values + values[:1], theta=theta + theta[:1], fill="toself", opacity=0.55,
            name=chart_text(row.panelist), line={"color": PALETTE[i % len(PALETTE)]},
        ))
    fig.update_layout(polar={"radialaxis": {"range": [scale[0], scale[1]], "dtick": 1}})
    return _layout(fig, title="Dimension profile by panelist")


def heatmap(matrix: pd.DataFrame, scale: tuple[int, int]) -> go.Figure:
    """Criterion (rows) by panelist (columns); blank cells were not assessed."""
    text = matrix.map(lambda v: "n/a" if pd.isna(v) else f"{v:g}")
    fig = go.Figure(go.Heatmap(
        z=matrix.astype(float).astype(object).where(matrix.notna(), None).to_numpy().tolist(),
        x=[chart_text(c) for c in matrix.columns],
        y=[chart_text(r) for r in matrix.index], zmin=scale[0], zmax=scale[1],
        colorscale="RdYlGn", text=text.to_numpy().tolist(), texttemplate="%{text}",
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>", colorbar={"title": "Score"},
    ))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, height=max(300, 34 * len(matrix) + 120), title="Scores by criterion")


def compare(summary: pd.DataFrame, scale: tuple[int, int]) -> go.Figure:
    """Chosen candidates side by side on each dimension and overall."""
    fig = go.Figure()
    cats = [label(d) for d in DIMENSIONS] + ["Overall"]
    for i, row in enumerate(summary.itertuples(index=False)):
        fig.add_trace(go.Bar(
            x=cats, y=[getattr(row, d) for d in DIMENSIONS] + [row.overall],
            name=chart_text(row.name), marker_color=PALETTE[i % len(PALETTE)],
        ))
    fig.update_yaxes(range=[scale[0] - 0.5 if scale[0] > 0 else 0, scale[1]])
    return _layout(fig, barmode="group", title="Side by side")


def salary(band: tuple[int | None, int | None], expectation: int | None,
           heard: pd.DataFrame, currency: str) -> go.Figure:
    """The position's salary band with the candidate's stated and heard expectations."""
    fig = go.Figure()
    lo, hi = band
    if lo is not None and hi is not None:
        fig.add_shape(type="rect", x0=lo, x1=hi, y0=-0.4, y1=0.4, fillcolor="#cfe3f2",
                      line={"width": 0}, layer="below")
        fig.add_trace(go.Scatter(x=[lo, hi], y=[0, 0], mode="markers+text",
                                 text=["band min", "band max"], textposition="top center",
                                 marker={"symbol": "line-ns-open", "size": 18},
                                 name="Salary band"))
    if expectation is not None:
        fig.add_trace(go.Scatter(x=[expectation], y=[0], mode="markers", name="Stated",
                                 marker={"symbol": "diamond", "size": 14, "color": "#d1495b"}))
    heard = heard.dropna(subset=["salary_heard"])
    if len(heard):
        fig.add_trace(go.Scatter(
            x=heard["salary_heard"], y=[0] * len(heard), mode="markers", name="Heard",
            text=[chart_text(p) for p in heard["panelist"]],
            marker={"symbol": "circle-open", "size": 12, "color": "#00798c"},
            hovertemplate="%{text}: %{x:,}<extra></extra>",
        ))
    fig.update_yaxes(visible=False, range=[-1, 1])
    fig.update_xaxes(title=f"{currency} per year")
    return _layout(fig, height=200, title="Salary expectation against the band")


def leniency(table: pd.DataFrame) -> go.Figure:
    """Each panelist's leniency with its 95% interval; grey where there is not enough data."""
    data = table.dropna(subset=["leniency"]).sort_values("leniency")
    colours = ["#2f5d8a" if ok else "#b0b0b0" for ok in data["enough_data"]]
    fig = go.Figure(go.Scatter(
        x=data["leniency"], y=[chart_text(n) for n in data["panelist"]], mode="markers",
        marker={"size": 12, "color": colours},
        error_x={"type": "data", "symmetric": False,
                 "array": (data["ci_high"] - data["leniency"]).fillna(0),
                 "arrayminus": (data["leniency"] - data["ci_low"]).fillna(0)},
        hovertemplate="%{y}: %{x:+.2f}<extra></extra>", name="Leniency",
    ))
    fig.add_vline(x=0, line_dash="dot", line_color="#888")
    fig.update_xaxes(title="Points above (+) or below (−) colleagues, on a 1–5 scale")
    return _layout(fig, height=max(260, 36 * len(data) + 120),
                   title="Panelist leniency with 95% interval")
