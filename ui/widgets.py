"""Small widgets and formats shared by pages."""

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st
from sqlmodel import Session, SQLModel

from models import Candidate, Position, label
from services import i18n
from services.auth import Viewer
from services.candidates import list_candidates
from services.errors import InvalidInput
from services.i18n import _
from services.positions import visible_positions
from ui import db, flash
from ui.text import md_escape

# A weekday helps when scheduling ("Tue 1 Dec 2026, 09:00" / "mar. 1 déc. 2026, 09:00").
WHEN_FORMAT = "EEE d MMM y, HH:mm"


def display_zone() -> ZoneInfo:
    """The time zone dates are shown and entered in: the user's, else the organisation's
    (services.i18n.current_time_zone; the app sets it each run)."""
    return i18n.current_time_zone()


def when(value: datetime | pd.Timestamp | None) -> str:
    """A date and time for people, in their language and time zone."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or pd.isna(value):
        return "—"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return i18n.datetime_(value, WHEN_FORMAT)


def money(amount: float | int | None, currency: str) -> str:
    """An amount with its currency the language's way ("€62,000" / "62 000 €"), or a dash."""
    if amount is None or pd.isna(amount):
        return "—"
    return i18n.money(int(amount), currency)


def place(setting: str, location: str | None) -> str:
    """Where an interview is, markdown-escaped: "Office (meeting room 3)", or the location alone
    when it already starts with the setting's word in any language ("Video call (Teams),
    candidate at home", not "Video call (Video call (Teams) …)")."""
    if not location or not location.strip():
        return md_escape(label(setting))
    words = set()
    for lang in i18n.LANGUAGES:
        with i18n.language(lang):
            words.add(label(setting).casefold())
    if any(location.strip().casefold().startswith(w) for w in words):
        return md_escape(location.strip())
    return f"{md_escape(label(setting))} ({md_escape(location.strip())})"


def pick_position(positions: list[Position], *, key: str = "position") -> Position | None:
    """A position chooser; the choice survives page switches through the query string."""
    if not positions:
        st.info(_("No positions to show."))
        return None
    ids = [p.id for p in positions]
    wanted = st.query_params.get("position")
    if key not in st.session_state and wanted:
        if wanted.isdigit() and int(wanted) in ids:
            st.session_state[key] = int(wanted)
        else:  # a link to a position this person may not see, or to none: said, not hidden
            st.info(_("The link you followed is for a position you cannot see here (or that "
                      "does not exist). Below is one of your own positions."),
                    icon=":material/link_off:")
    by_id = {p.id: p for p in positions}
    chosen = st.selectbox(_("Position"), ids, key=key, format_func=lambda i: by_id[i].title)
    st.query_params["position"] = str(chosen)
    return by_id[chosen]


def pick_candidates(viewer: Viewer) -> tuple[list[Position], Position, list[Candidate]]:
    """The positions the viewer works with, the one picked, and its candidates; the page stops
    there when there is no position."""
    with db.session() as s:
        positions = visible_positions(s, viewer)
    position = pick_position(positions)
    if position is None:
        st.stop()
    with db.session() as s:
        return positions, position, list_candidates(s, viewer, position.id)


def rows_or_stop(read: Callable[[Session], pd.DataFrame], empty: str,
                 say: Callable[[str], object] = st.info) -> pd.DataFrame:
    """`read(session)`'s rows; with none, `say(empty)` and the page stops there."""
    with db.session() as s:
        rows = read(s)
    if rows.empty:
        say(empty)
        st.stop()
    return rows


def money_input(label: str, value: int | None, *, key: str, container=None, **kw) -> str:
    """A money amount typed as text ("65000", "65 000", "65,000"), read by the schema it is
    saved through (models.common.typed_amount, as an import's cells are). Not st.number_input:
    that box silently drops what it cannot hold (a 400-digit number empties it, "1e308" is
    read as 1, "-5" stays shown but is never sent), where a refusal must say what is wrong."""
    return (container or st).text_input(label, value="" if value is None else str(value),
                                        key=key, **kw)


# Widget values to set at the next run, before the widgets are drawn (reset_later).
_RESETS = "_widget_resets"


def reset_later(values: dict) -> None:
    """Give these widgets (by key) these values at the next run (apply_resets, called before
    they are drawn). Popping a form widget's key is not enough: the browser keeps showing what
    was typed; a value set through session state before the widget is drawn is sent to it."""
    st.session_state.setdefault(_RESETS, {}).update(values)


def apply_resets() -> None:
    """Set the values reset_later queued (call before the widgets are drawn)."""
    for key, value in st.session_state.pop(_RESETS, {}).items():
        st.session_state[key] = value


def show_problems(problems: list[str], heading: str | None = None) -> None:
    """An error box listing what to fix, each line as plain text (heading: "Not saved")."""
    heading = _("Not saved") if heading is None else heading
    st.error(_("{heading}:").format(heading=heading) + "\n\n"
             + "\n".join(f"- {md_escape(p)}" for p in problems))


def save_record(create: Callable[..., SQLModel], update: Callable[..., SQLModel], viewer: Viewer,
                record_id: int | None, payload: dict, *, key: str, done: tuple[str, str],
                not_saved: str) -> None:
    """Save a form: `create(session, viewer, payload)` when `record_id` is None, else
    `update(session, viewer, record_id, payload)`. Then the record is selected in the page's
    current_choice picker `key` (after the rerun, so a second click edits it rather than
    creating another), done[0] (created) or done[1] (saved), formatted with the record's fields,
    is shown after the rerun, and the page reruns. A refusal (InvalidInput) lists what to fix
    under the heading `not_saved`; nothing is saved.

    The same payload saved again by this session within seconds, as a new record or on the
    record it just saved (the second click of a double-click, before or after the first click's
    rerun) is that first save: its confirmation is shown again, the record it made is selected,
    and nothing is written (ui.flash.again).

    From the write to st.rerun() nothing goes through st.session_state: each access there is a
    point where Streamlit may end this run for a newer request (that second click), and the
    record would then be written but unknown to the session (the picker back on "New", the
    second click a second create). The ledger and the picker's choice are taken before the
    write and changed in place after it.
    """
    ledger, pick = flash.ledger(), _pick(key)
    repeat = ledger.again(f"{key} {'new' if record_id is None else record_id}", payload)
    if repeat is not None:
        pick["select"] = repeat.record
        st.rerun()
    try:
        with db.session() as s:
            saved = (create(s, viewer, payload) if record_id is None
                     else update(s, viewer, record_id, payload))
    except InvalidInput as exc:
        show_problems(exc.problems, not_saved)
        return
    message = done[record_id is not None].format(**saved.model_dump())
    pick["select"] = saved.id
    for about in [f"{key} {saved.id}", *([f"{key} new"] if record_id is None else [])]:
        ledger.done(message, about=about, payload=payload, record=saved.id)
    st.rerun()


# Each current_choice picker's state, by key, in one plain dict kept in session state:
# "chosen" (the id shown), "select" (an id to show at the next drawing: a saved record, a
# link), "from_url" (sync_query_choice). Changed in place, never through st.session_state:
# every access there is a point where Streamlit may end the run for a newer request (a
# double-click's second click), and a choice handed over through it (read, then stored) could
# be lost in between, the next run showing the first option ("New") instead.
_PICKS = "_current_choice_picks"


def _pick(key: str) -> dict:
    return st.session_state.setdefault(_PICKS, {}).setdefault(key, {})


def current_choice(label: str, options: list[int], *, key: str, format_func,
                   on_change: Callable[[], object] | None = None,
                   select: int | None = None) -> int:
    """A selectbox of ids whose labels are always the current ones.

    Streamlit keeps a keyed selectbox's identity when only its labels change, and the browser
    then keeps showing the old ones ("Not started" after a submit, the old date after a
    reschedule). So the widget's key carries a digest of the labels: new labels, a new widget.
    The chosen id is kept (see _PICKS) and carried over to the new widget (an id no longer
    offered falls back to the first); `select` (or save_record) chooses an id: it is shown
    from the next run that draws the box to its end, whatever the browser sends, however many
    runs a double-click interrupts before. The box sits in st.container(key=key), so
    `.st-key-<key>` finds it whatever its labels (bench/browser.py, browser tests).
    """
    labels = "\x1f".join(str(format_func(o)) for o in options)
    widget = f"{key}__{hashlib.sha256(labels.encode('utf-8')).hexdigest()[:12]}"
    pick = _pick(key)
    if select is not None:
        pick["select"] = select
    if pick.get("select") not in options:
        pick.pop("select", None)
    known = widget in st.session_state  # a box this session has drawn with these labels
    current = st.session_state[widget] if known else None
    wanted = pick.get("select")
    if wanted is None and not known and pick.get("chosen") in options:
        wanted = pick["chosen"]
    # The browser shows a box it has not drawn before at the proto's default (`index`) unless
    # this very run moved it through session state: a run that moved it and was then ended
    # by a newer request (a double-click's second click) left the next run's box, new to the
    # browser, showing "New" while the server had the saved record. So the default is always
    # the id shown, and session state moves only a box the browser already has.
    if known and wanted is not None and wanted != current:
        st.session_state[widget] = wanted
        index = 0  # moved through session state (a default besides would warn in the page)
    else:
        shown = current if wanted is None else wanted
        index = options.index(shown) if shown in options else 0

    def chosen() -> None:
        pick["chosen"] = st.session_state[widget]
        pick.pop("select", None)
        if on_change is not None:
            on_change()

    with st.container(key=key):
        value = st.selectbox(label, options, index=index, key=widget, format_func=format_func,
                             on_change=chosen)
    pick["chosen"] = value
    pick.pop("select", None)
    return value


def sync_query_choice(label: str, options: list[int], *, key: str, param: str,
                      format_func, unknown: str | None = None) -> int:
    """A selectbox of ids (current_choice: labels always current) kept in step with one query
    parameter, both ways.

    The URL's value is taken when it is new (a link or a reload); a choice made in the box
    (click or keyboard) is written back to the URL at once, so the next run does not put the
    URL's old value back. A URL value that is not among the options (someone else's link, an
    interview since removed) shows `unknown` above the box until another choice is made.
    """
    wanted = st.query_params.get(param)
    stray = f"{key}__unknown"
    pick = _pick(key)
    if wanted is not None and ("chosen" not in pick or pick.get("from_url") != wanted):
        if wanted.isdigit() and int(wanted) in options:
            # Together, in place: the link is taken and will be shown (current_choice).
            pick["select"], pick["from_url"] = int(wanted), wanted
            st.session_state.pop(stray, None)
        else:  # a forwarded or stale link: say so (below), never switch silently
            st.session_state[stray] = wanted
    if unknown is not None and stray in st.session_state:
        st.warning(unknown, icon=":material/link_off:")

    def chosen() -> None:
        value = str(pick["chosen"])
        st.query_params[param] = value
        pick["from_url"] = value
        st.session_state.pop(stray, None)

    value = current_choice(label, options, key=key, format_func=format_func, on_change=chosen)
    st.query_params[param] = str(value)
    pick["from_url"] = str(value)
    return value


def while_building(key: str, message: str) -> None:
    """`message` under the deferred download button `key` (st.download_button with a callable
    `data`) while the server builds its file. No script runs then, so st.spinner cannot show;
    Streamlit only swaps the button's icon for a small spinner and disables the button, and
    this note (CSS, in the reader's language) follows that state."""
    text = json.dumps(message, ensure_ascii=False)
    st.html(f"<style>.st-key-{key}:has(button:disabled)::after {{ content: {text};"
            " display: block; margin-top: 0.5rem; font-size: 0.875rem; }}</style>")


def scroll_to(container_key: str) -> None:
    """Scroll the browser to a keyed container once (e.g. a confirmation after a submit)."""

    selector = json.dumps(f".st-key-{container_key}")
    st.html(f"<script>/* {uuid.uuid4().hex} */ setTimeout(() => {{"
            f" const el = document.querySelector({selector});"
            " if (el) el.scrollIntoView({block: 'center'}); }, 150);</script>",
            unsafe_allow_javascript=True)


def lazy_expander(label: str, draw: Callable[[], None], *, key: str, expanded: bool = False,
                  **kw) -> None:
    """An expander whose content is drawn only while it is open (Streamlit's stateful
    expander, `on_change="rerun"`): a closed one costs the server and the browser nothing.
    Opening it reruns the enclosing fragment (or the page), which then draws `draw()` inside.
    Its open state lives under `key` in session state (tests open it by setting True)."""
    box = st.expander(label, expanded=expanded, key=key, on_change="rerun", **kw)
    if box.open:
        with box:
            draw()
