"""A confirmation that survives the rerun after a successful action.

A page that saves something calls `later(...)` and then `st.rerun()`; the next run of any page
calls `show()` near its top and the message appears as a toast. (A toast raised right before
st.rerun() may never reach the browser.)

A message is shown by every run in the KEEP_SECONDS after its first showing, not only by the
first: a double-click interrupts the run that showed it, and the browser then drops that run's
toast. Showing the same toast again from the same place updates it; it does not add a second.

A double-click's second click can also reach the server while the first one's rerun is
under way (the browser still shows the form as filled: the same "create" again) or after it, on
the form that rerun drew (the saved record's edit form, an emptied schedule form), and send the
same thing again. `done(...)` queues a confirmation and remembers what it confirmed (an action,
its payload, the record); `again(...)` tells the page that this session confirmed that very
action with that very payload in the last REPEAT_SECONDS, and queues the same confirmation
again, so the second click says what the first did ("created") instead of "saved", "already
exists" or a second record, and the page writes nothing.

Every st.session_state access is a point where Streamlit may end the run for a newer request
(that second click). A page that writes something therefore takes its `ledger()` before the
write and records into it after the write: the ledger's queue and memory are plain objects kept
in session state and changed in place, so nothing between the write and st.rerun() can stop
the run with the write done and unrecorded (the second click would then be taken for a first).
"""

import hashlib
import json
import time
from typing import NamedTuple

import streamlit as st

from ui.text import md_escape

_KEY = "_flash_messages"
_DONE = "_flash_done"
KEEP_SECONDS = 3.0
# How long a confirmation stays up: Streamlit's "long" (10 s), not its 4 s. The browser adds a
# toast when it is first drawn; the same toast shown again by a later run from the same place
# is not raised again once closed. So what a late second click repeats (again) is the first
# click's toast, still up (a late click on "Save position" under load came after the 4 s).
TOAST_SECONDS = 10
# A repeat this soon after is the same click again (a busy server can take seconds to rerun).
REPEAT_SECONDS = 10.0


# A confirmation's icon; a message that asks the reader to act says so with NOTICE.
CONFIRMED = ":material/check_circle:"
NOTICE = ":material/info:"


def toast(message: str, *, icon: str = CONFIRMED) -> None:
    """Raise a toast with `message` shown as plain text. Every toast of the app goes through
    here: st.toast renders Markdown, and a confirmation names what was saved (a candidate's,
    a user's, a position's name, as typed), so a name like `![x](http://…)` would load an
    image from that host and `[Reset password](https://…)` would be a link (ui.text.md_escape)."""
    st.toast(md_escape(message), icon=icon, duration=TOAST_SECONDS)


def later(message: str, *, icon: str = CONFIRMED) -> None:
    """Queue a confirmation for the next run (once: the same message pending is refreshed)."""
    ledger().later(message, icon=icon)


def show(now: float | None = None) -> list[str]:
    """Show (as toasts) the recent confirmations; returns them."""
    now = time.monotonic() if now is None else now
    queue = st.session_state.setdefault(_KEY, [])
    # In place: a ledger taken earlier in this run (ledger()) still records into this queue.
    queue[:] = [[message, now if first is None else first, icon]
                for message, first, icon in queue if first is None or now - first <= KEEP_SECONDS]
    for message, _first, icon in queue:
        toast(message, icon=icon)
    return [message for message, _first, _icon in queue]


def _digest(payload: object) -> str:
    """The same digest for payloads a form sends twice (numbers of any type compared as numbers)."""
    def plain(value):
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if hasattr(value, "item") and not isinstance(value, (str, bytes)):
            value = value.item()  # numpy scalars from a data editor
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    text = json.dumps(plain(payload), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Done(NamedTuple):
    """A confirmation this session gave, and the record it was about (if any)."""

    message: str
    record: int | None


class Ledger(NamedTuple):
    """This session's pending confirmations and remembered actions, as the plain objects kept
    in session state: recording into them does not go through st.session_state."""

    queue: list
    remembered: dict

    def later(self, message: str, *, icon: str = CONFIRMED) -> None:
        """Queue a confirmation for the next run (module `later`)."""
        self.queue[:] = [item for item in self.queue if item[0] != message]
        self.queue.append([message, None, icon])

    def done(self, message: str, *, about: str, payload: object, record: int | None = None,
             now: float | None = None) -> None:
        """Queue `message` and remember it as this session's confirmation of the action
        `about` (e.g. "position 12", "position_edit new") done with `payload`, on `record`."""
        self.later(message)
        now = time.monotonic() if now is None else now
        self.remembered[about] = (_digest(payload), now, Done(message, record))

    def again(self, about: str, payload: object, now: float | None = None) -> Done | None:
        """What this session confirmed for `about` with an identical payload in the last
        REPEAT_SECONDS, with that confirmation queued again (the caller then writes nothing);
        None when this is not such a repeat."""
        now = time.monotonic() if now is None else now
        remembered = self.remembered.get(about)
        if remembered is None or now - remembered[1] > REPEAT_SECONDS \
                or remembered[0] != _digest(payload):
            return None
        self.later(remembered[2].message)
        return remembered[2]


def ledger() -> Ledger:
    """This session's ledger; take it before the write it will record (see the module's note)."""
    return Ledger(st.session_state.setdefault(_KEY, []), st.session_state.setdefault(_DONE, {}))


def done(message: str, *, about: str, payload: object, record: int | None = None,
         now: float | None = None) -> None:
    """Queue `message` (as `later`) and remember it as this session's confirmation of the
    action `about` done with `payload`, on `record` (Ledger.done)."""
    ledger().done(message, about=about, payload=payload, record=record, now=now)


def again(about: str, payload: object, now: float | None = None) -> Done | None:
    """What this session confirmed for `about` with an identical payload in the last
    REPEAT_SECONDS, queued again; None when this is not such a repeat (Ledger.again)."""
    return ledger().again(about, payload, now=now)
