"""Helpers for AppTest: run the real app.py with a user logged in."""

import json
import re
from html.parser import HTMLParser

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.dashboard_tabs import TAB_KEY, TABS


def app_as(user_id: int | None, page: str | None = None, *, query: dict | None = None,
           timeout: float = 30, generation: int = 0) -> AppTest:
    """The app, logged in as the user (None: logged out), on a page (None: the default one).

    The page is asked for in the first run, as a browser opening its URL does (app.py registers
    every page under its file name, the name AppTest matches before a first run): running the
    role's start page first would only double the time."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if user_id is not None:
        at.session_state["user_id"] = user_id
        at.session_state["session_generation"] = generation
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if page is not None:
        at.switch_page(page)
    return at.run()


def page_alone(user_id: int | None, page: str, *, query: dict | None = None,
               timeout: float = 30, generation: int = 0) -> AppTest:
    """A page file run on its own, as Streamlit serves a pages/ file opened by its URL even
    when navigation does not list it (AppTest cannot switch to an unlisted page)."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    if user_id is not None:
        at.session_state["user_id"] = user_id
        at.session_state["session_generation"] = generation
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def answer(widget, *, status: bool = True) -> AppTest:
    """Give a scorecard answer as a tap does (`widget` with its value set), then the whole page.

    A saved answer reruns only its own part of the form and the status bar (keyed fragments,
    ui.scorecard_form), and AppTest's tree then holds only what was rerun, where the browser
    keeps the rest of the page. So the tap's run is checked here (no exception, the answered
    widget redrawn, and with it the status bar's Submit unless `status` is False: a submitted
    card being changed has no bar), then a plain run draws the page."""
    at = widget.run()
    assert not at.exception, at.exception
    drawn = {getattr(e, "key", None) for e in at.get(widget.type)}
    assert widget.key in drawn, drawn
    assert bool([b for b in at.button if b.key == "submit_card"]) == status
    return at.run()


def toasts(at: AppTest) -> list[str]:
    """The toasts' texts as a person reads them (ui.flash.toast escapes their Markdown)."""
    return [re.sub(r"\\(.)", r"\1", t.value).replace("\u2060", "") for t in at.toast]


def figures(at: AppTest) -> list[dict]:
    """The plotly figures on the page, as dicts."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def all_text(at: AppTest) -> str:
    """Every piece of text the page shows (markdown, text, captions, alerts, tables, labels)."""
    parts = []
    for kind in ("markdown", "text", "caption", "title", "header", "subheader", "error",
                 "warning", "info", "success", "metric"):
        for el in at.get(kind):
            parts.append(str(getattr(el, "value", "")))
            parts.append(str(getattr(el, "label", "")))
    for df in at.dataframe:
        parts.append(df.value.to_string())
    for table in at.get("table"):
        parts.append(table.value.to_string())
    for table in html_tables(at, ""):  # the score grid, a submitted card
        parts.extend(" ".join(row) for row in table)
    for label, (value, note) in html_figures(at).items():  # rows of figures
        parts.extend((label, value, note))
    for kind in ("selectbox", "radio", "multiselect"):
        for el in at.get(kind):
            parts.append(str(el.label))
            parts.extend(str(o) for o in el.options)
    # Markdown escapes (see ui.text.md_escape) are not part of what a person reads.
    return "\n".join(parts).replace("\\", "").replace("\u2060", "")


def open_tab(at: AppTest, tab: str) -> AppTest:
    """Open a tab of the dashboard by its English name (ui.dashboard_tabs draws only the open
    one), as a click on it does: the tabs' state is set to the label shown, in the page's
    language, and the app reruns."""
    at.session_state[TAB_KEY] = at.tabs[TABS.index(tab)].label
    return at.run()


def open_expander(at: AppTest, *keys: str) -> AppTest:
    """Open stateful expanders (ui.widgets.lazy_expander draws its content only when open), as
    clicks on them do, and rerun."""
    for key in keys:
        at.session_state[key] = True
    return at.run()


def choice_box(at: AppTest, key: str):
    """The selectbox a ui.widgets.current_choice keyed `key` draws (its widget key carries a
    digest of its labels)."""
    return next(box for box in at.selectbox if str(box.key).startswith(f"{key}__"))


class _Tables(HTMLParser):
    """Every ui.text.html_table in a piece of HTML: (its kind classes, its rows), each row a
    list of its cells' text (th and td alike). A table's kind is the class list of the
    `sl-table` box around it."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[set[str], list[list[str]]]] = []
        self._boxes: list[set[str] | None] = []  # the open divs' classes, when sl-table
        self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "div":
            classes = set((dict(attrs).get("class") or "").split())
            self._boxes.append(classes if "sl-table" in classes else None)
        elif tag == "table":
            kind = next((b for b in reversed(self._boxes) if b is not None), set())
            self.tables.append((kind, []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("th", "td"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "div" and self._boxes:
            self._boxes.pop()
        elif tag in ("th", "td") and self._cell is not None and self.tables:
            self.tables[-1][1][-1].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


class _Texts(HTMLParser):
    """Each text node of a piece of HTML, stripped (styles and scripts left out)."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script") and self._skip > 0

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data.strip())


def html_texts(body: str) -> list[str]:
    """The texts an st.html body shows, one per text node."""
    parser = _Texts()
    parser.feed(body)
    parser.close()
    return parser.texts


class _Figures(HTMLParser):
    """Every figure of ui.text.html_stats in a piece of HTML: (its row's kind classes, label,
    value, note)."""

    def __init__(self):
        super().__init__()
        self.figures: list[tuple[set[str], str, str, str]] = []
        self._rows: list[set[str] | None] = []  # the open divs' classes, when sl-stats
        self._part = None  # "label", "value" or "note" while inside one

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "div":
            self._rows.append(classes if "sl-stats" in classes else None)
            if "sl-stat" in classes:
                kind = next((r for r in reversed(self._rows) if r is not None), set())
                self.figures.append((kind, "", "", ""))
        elif tag == "dt" and self.figures and not self.figures[-1][1]:
            self._part = 1
        elif tag == "dd" and self.figures and classes & {"sl-value", "sl-note"}:
            self._part = 2 if "sl-value" in classes else 3

    def handle_endtag(self, tag):
        if tag == "div" and self._rows:
            self._rows.pop()
        elif tag in ("dt", "dd"):
            self._part = None

    def handle_data(self, data):
        if self._part is not None:
            figure = list(self.figures[-1])
            figure[self._part] += data
            self.figures[-1] = tuple(figure)


def html_figures(at: AppTest, kind: str = "") -> dict[str, tuple[str, str]]:
    """label -> (value, note) of every ui.text.html_stats figure of this kind (its class;
    "": every kind) on the page."""
    out = {}
    for h in at.get("html"):
        parser = _Figures()
        parser.feed(h.proto.body)
        parser.close()
        out.update({label: (value, note) for classes, label, value, note in parser.figures
                    if not kind or kind in classes})
    return out


def html_tables(at: AppTest, kind: str) -> list[list[list[str]]]:
    """The rows (each a list of its cells' text, header cells included) of every table of
    this kind (ui.text.html_table's class; "": every kind) on the page."""
    tables = []
    for h in at.get("html"):
        parser = _Tables()
        parser.feed(h.proto.body)
        parser.close()
        tables += [rows for classes, rows in parser.tables
                   if "sl-table" in classes and (not kind or kind in classes)]
    return tables


def ranking_chart(at: AppTest) -> pd.DataFrame | None:
    """The ranking tab's chart (ui.charts.ranking) as the page shows it: one row per candidate
    ("Name (letters)"), its overall and interval as written; None when the page has none."""
    tables = html_tables(at, "sl-ranking-chart")
    if not tables:
        return None
    head, *rows = tables[0]
    return pd.DataFrame([r[1:3] for r in rows], index=[r[0] for r in rows], columns=head[1:3])


def score_grid(at: AppTest) -> pd.DataFrame | None:
    """The candidate view's score grid (ui.charts.grid_html) as the page shows it: criteria and
    means down, panelists across, the cells' text; None when the page has none."""
    tables = html_tables(at, "sl-score-grid")
    if not tables:
        return None
    head, *rows = tables[0]
    return pd.DataFrame([r[1:] for r in rows], index=[r[0] for r in rows], columns=head[1:])
