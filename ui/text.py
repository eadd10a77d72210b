"""Showing user text safely.

Streamlit renders Markdown in headers, captions, widget labels and expander titles — including
images, which every viewer's browser would fetch. User text (names, notes, criteria) goes through
`md_escape` before it reaches any of those, or is shown with st.text / st.dataframe.
"""

import html
import re
from typing import NamedTuple

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


# Streamlit's Markdown also turns bare URLs, www. names and emails into links, even when every
# character is backslash-escaped; an invisible word joiner (U+2060) breaks the pattern without
# changing what is shown (checked in Chromium).
_JOIN = "\u2060"
_AUTOLINK = re.compile(r"(://|@|(?i:www)\.)")


def _no_autolink(match: re.Match) -> str:
    found = match.group(0)
    if found == "@":
        return _JOIN + "@"
    return found[:-1] + _JOIN + found[-1] if found.endswith(".") else ":" + _JOIN + "//"


def md_escape(value: object) -> str:
    """Text that Markdown will show literally: no formatting, no images, no links."""
    text = _AUTOLINK.sub(_no_autolink, "" if value is None else str(value))
    # CR ends a line in Markdown as LF does: either would let the text start a new block.
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def chart_text(value: object) -> str:
    """Text for a plotly label: plotly renders a subset of HTML (links, styles), so escape it."""
    return html.escape("" if value is None else str(value), quote=True)


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 scorecard', '2 scorecards' (or the given plural: '2 things').

    English only: a translated count is `ngettext("{n} scorecard", "{n} scorecards", n)` at
    the caller, where the noun is known (languages differ in more than the ending).
    """
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


class Strip(NamedTuple):
    """An interval drawn in a table cell: `low`, `point` and `high` as fractions (0 to 1) of
    the cell's width (None: not drawn), `ticks` the scale's points as fractions too."""
    low: float | None
    point: float | None
    high: float | None
    ticks: tuple[float, ...] = ()


def _percent(x: float) -> str:
    return f"{100 * min(1.0, max(0.0, float(x))):.2f}%"


def _strip_cell(strip: Strip | None) -> str:
    """A strip's cell: scale ticks, the interval as a bar, the point as a dot. Decorative
    (aria-hidden): the row's text cells carry the same numbers."""
    if strip is None:
        return '<td class="sl-strip" aria-hidden="true"></td>'
    marks = "".join(f'<span class="sl-tick" style="left: {_percent(t)}"></span>'
                    for t in strip.ticks)
    if strip.low is not None and strip.high is not None:
        marks += (f'<span class="sl-interval" style="left: {_percent(strip.low)}; '
                  f'width: {_percent(max(0.0, strip.high - strip.low))}"></span>')
    if strip.point is not None:
        marks += f'<span class="sl-point" style="left: {_percent(strip.point)}"></span>'
    return f'<td class="sl-strip" aria-hidden="true"><div class="sl-track">{marks}</div></td>'


def html_table(columns: list[str], rows: list[tuple[str, list[str]]], *, kind: str,
               caption: str | None = None, styles: list[list[str]] | None = None,
               row_classes: list[str] | None = None,
               strips: list[Strip | None] | None = None, corner: str = "") -> str:
    """A plain HTML table for st.html, every text HTML-escaped (user text stays text; st.html
    renders no Markdown). Column headers, then one header cell per row, both with `scope`, so
    a screen reader names each cell by its row and column. `kind`: a class naming the table
    (ui/style.py draws every `.sl-table`); `styles`: an inline CSS declaration per data cell
    ("" for none); `row_classes`: a class per row ("" for none); `strips`: one Strip per row,
    drawn in a last column (its header is the last of `columns`); `corner`: the header of the
    row headers' column (none when empty). One element, however many
    cells: st.table draws each cell through Markdown, a cost on every redraw (issue 12)."""
    esc = html.escape
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    body = []
    for i, (name, cells) in enumerate(rows):
        css = styles[i] if styles else [""] * len(cells)
        tds = "".join(f'<td style="{esc(c)}">{esc(v)}</td>' if c else f"<td>{esc(v)}</td>"
                      for v, c in zip(cells, css, strict=True))
        if strips is not None:
            tds += _strip_cell(strips[i])
        row_class = f' class="{esc(row_classes[i])}"' if row_classes and row_classes[i] else ""
        body.append(f'<tr{row_class}><th scope="row">{esc(name)}</th>{tds}</tr>')
    caption_html = f"<caption>{esc(caption)}</caption>" if caption else ""
    corner_html = f'<th scope="col">{esc(corner)}</th>' if corner else "<td></td>"
    return (f'<div class="sl-table {esc(kind)}"><table>{caption_html}<thead><tr>{corner_html}'
            f'{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


class Stat(NamedTuple):
    """One figure of a row (ui.text.html_stats): its label, its value, a note under it."""
    label: str
    value: str
    note: str = ""


def html_stats(stats: list[Stat], *, kind: str, about: str = "",
               explained: list[tuple[str, str]] | None = None) -> str:
    """A row of figures for st.html, drawn as st.metric draws one (label, large value, a note
    under it), every text HTML-escaped, as a description list: a screen reader reads each
    label with its value. `explained`: (term, what it means) pairs, listed under the row in a
    folded <details> headed `about` (a click, Enter or a tap opens it, where a help icon's
    tooltip needs a pointer hovering).

    One element for the whole row: st.metric in st.columns is two elements a figure plus the
    columns, each a cost on every redraw (issue 12; about 3 ms each in Chromium here)."""
    esc = html.escape
    figures = "".join(
        f'<div class="sl-stat"><dt>{esc(s.label)}</dt><dd class="sl-value">{esc(s.value)}</dd>'
        + (f'<dd class="sl-note">{esc(s.note)}</dd>' if s.note else "") + "</div>"
        for s in stats)
    notes = ""
    if explained:
        terms = "".join(f"<dt>{esc(t)}</dt><dd>{esc(d)}</dd>" for t, d in explained)
        notes = f"<details><summary>{esc(about)}</summary><dl>{terms}</dl></details>"
    return f'<div class="sl-stats {esc(kind)}"><dl class="sl-figures">{figures}</dl>{notes}</div>'
