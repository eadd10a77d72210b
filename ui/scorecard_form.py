"""The panelist's scorecard widgets: every field saves itself to the draft when it is left.

Widget values live in st.session_state under keys made from the scorecard id; they are seeded
from the database once per browser session, so a reload (a new session) shows what was saved.
"""

import streamlit as st

from models import Recommendation, ScoreInput, label
from services.coverage import save_tasks_covered
from services.errors import Conflict, InvalidInput, NotAllowed
from services.scorecards import Kit, save_fields, save_score
from ui import db

NOT_ASSESSED = "Not assessed"
RECOMMENDATIONS = [r.value for r in Recommendation]
TEXT_FIELDS = {
    "candidate_questions": "The candidate's own questions",
    "interest": "The candidate's interest in the role",
    "concerns": "Concerns",
}


def key(kind: str, card_id: int, item: int | str = "") -> str:
    """The session-state key of one scorecard widget."""
    return f"sc_{kind}_{card_id}_{item}"


def seed_state(kit: Kit) -> None:
    """Put the saved draft into session state once, before the widgets are drawn."""
    card = kit.scorecard
    marker = key("loaded", card.id)
    if st.session_state.get(marker):
        return
    for c in kit.criteria:
        s = kit.scores.get(c.id)
        choice = None
        if s is not None:
            choice = NOT_ASSESSED if s.not_assessed else (str(s.value) if s.value else None)
        st.session_state[key("score", card.id, c.id)] = choice
        st.session_state[key("evidence", card.id, c.id)] = s.evidence if s else ""
    st.session_state[key("recommendation", card.id)] = card.recommendation
    for name in TEXT_FIELDS:
        st.session_state[key(name, card.id)] = getattr(card, name) or ""
    st.session_state[key("salary_heard", card.id)] = card.salary_heard
    st.session_state[key("tasks", card.id)] = [
        t for t in (card.tasks_covered or []) if t in kit.position.tasks]
    st.session_state[key("version", card.id)] = card.version
    st.session_state[marker] = True


def forget_state(card_id: int) -> None:
    """Drop this card's widget state so the next run reloads it from the database."""
    prefix = f"_{card_id}_"
    for k in [k for k in st.session_state if str(k).startswith("sc_") and prefix in str(k)]:
        del st.session_state[k]


def _report(card_id: int, exc: Exception) -> None:
    message = "; ".join(exc.problems) if isinstance(exc, InvalidInput) else str(exc)
    st.session_state[key("error", card_id)] = message


def amending(card_id: int) -> bool:
    """True while the panelist changes their submitted scorecard (every change is audited)."""
    return bool(st.session_state.get(key("amend", card_id)))


def locked(kit: Kit) -> bool:
    """Whether the widgets are read-only: a submitted card, unless the panelist amends it."""
    return kit.submitted and not amending(kit.scorecard.id)


def _save_score_cb(card_id: int, panelist_id: int, criterion_id: int) -> None:
    choice = st.session_state.get(key("score", card_id, criterion_id))
    item = ScoreInput(
        criterion_id=criterion_id,
        value=None if choice in (None, NOT_ASSESSED) else int(choice),
        not_assessed=choice == NOT_ASSESSED,
        evidence=st.session_state.get(key("evidence", card_id, criterion_id)) or "",
    )
    _persist(card_id, lambda s, v: save_score(s, card_id, panelist_id, item, v,
                                              amend=amending(card_id)))


def _save_field_cb(card_id: int, panelist_id: int, name: str) -> None:
    value = st.session_state.get(key(name, card_id))
    if name == "salary_heard" and value is not None:
        value = int(value)
    _persist(card_id, lambda s, v: save_fields(s, card_id, panelist_id, {name: value}, v,
                                               amend=amending(card_id)))


def _save_tasks_cb(card_id: int, panelist_id: int) -> None:
    tasks = list(st.session_state.get(key("tasks", card_id)) or [])
    _persist(card_id, lambda s, v: save_tasks_covered(s, card_id, panelist_id, tasks, v))


def tasks_widget(kit: Kit, panelist_id: int) -> None:
    """Which of the position's tasks the panelist probed (saved when changed)."""
    if not kit.position.tasks:
        return
    st.subheader("Tasks you probed")
    st.multiselect(
        "Tick the position's tasks you asked about", kit.position.tasks,
        key=key("tasks", kit.scorecard.id), on_change=_save_tasks_cb,
        args=(kit.scorecard.id, panelist_id), disabled=kit.submitted,
        help="Before the debrief, tasks no panelist probed are flagged.",
    )


def _persist(card_id: int, action) -> None:
    version_key = key("version", card_id)
    try:
        with db.session() as s:
            st.session_state[version_key] = action(s, st.session_state.get(version_key))
        st.session_state.pop(key("error", card_id), None)
        st.session_state[key("saved", card_id)] = True
    except (InvalidInput, Conflict, NotAllowed) as exc:
        _report(card_id, exc)


def scale_options(kit: Kit) -> list[str]:
    """The choices of the rating scale, then 'not assessed'."""
    lo, hi = kit.template.scale_min, kit.template.scale_max
    return [str(v) for v in range(lo, hi + 1)] + [NOT_ASSESSED]


def criterion_widgets(kit: Kit, panelist_id: int) -> None:
    """One block per criterion: description, anchors, score, evidence."""
    from ui.text import md_escape

    card_id = kit.scorecard.id
    lo, hi = kit.template.scale_min, kit.template.scale_max
    mid = (lo + hi) / 2
    options = scale_options(kit)
    for dimension in ("technical", "social", "company"):
        criteria = [c for c in kit.criteria if c.dimension == dimension]
        if not criteria:
            continue
        st.subheader(label(dimension))
        for c in criteria:
            with st.container(border=True):
                st.markdown(f"**{md_escape(c.name)}**")
                if c.description:
                    st.text(c.description)
                anchors = [(lo, c.anchor_low), (mid, c.anchor_mid), (hi, c.anchor_high)]
                for point, text in anchors:
                    if text:
                        st.caption(f"{point:g} — {md_escape(text)}")
                st.radio(
                    "Score", options, index=None, horizontal=True,
                    key=key("score", card_id, c.id),
                    on_change=_save_score_cb, args=(card_id, panelist_id, c.id),
                    disabled=locked(kit),
                )
                choice = st.session_state.get(key("score", card_id, c.id))
                extreme = choice in (str(lo), str(hi))
                st.text_area(
                    "Evidence" + (" (required for a score at the end of the scale)"
                                  if extreme else ""),
                    key=key("evidence", card_id, c.id), height=80,
                    placeholder="What did the candidate say or do that supports this score?",
                    on_change=_save_score_cb, args=(card_id, panelist_id, c.id),
                    disabled=locked(kit),
                )


def overall_widgets(kit: Kit, panelist_id: int) -> None:
    """Recommendation, the candidate's questions, salary heard, interest and concerns."""
    card_id = kit.scorecard.id
    st.subheader("Overall")
    st.radio(
        "Recommendation", RECOMMENDATIONS, index=None, horizontal=True, format_func=label,
        key=key("recommendation", card_id), on_change=_save_field_cb,
        args=(card_id, panelist_id, "recommendation"), disabled=locked(kit),
    )
    for name, title in TEXT_FIELDS.items():
        st.text_area(title, key=key(name, card_id), height=80, on_change=_save_field_cb,
                     args=(card_id, panelist_id, name), disabled=locked(kit))
    st.number_input(
        f"Salary expectation heard ({kit.position.currency} per year)", min_value=0,
        step=1000, value=None, key=key("salary_heard", card_id), on_change=_save_field_cb,
        args=(card_id, panelist_id, "salary_heard"), disabled=locked(kit),
    )
