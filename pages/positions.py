"""Recruiter: positions, their task lists, salary bands and scorecard criteria."""

import pandas as pd
import streamlit as st

from models import SCALES, Dimension, Role
from services.auth import list_users
from services.errors import InvalidInput
from services.positions import (
    DEFAULT_CRITERIA,
    create_position,
    granted_users,
    position_form_data,
    set_position_access,
    update_position,
    visible_positions,
)
from services.templates import copy_template, template_criteria, template_history
from ui import db, flash
from ui.guard import require
from ui.widgets import money, show_problems

viewer = require(Role.recruiter)

st.title("Positions")
flash.show()
with db.session() as s:
    positions = visible_positions(s, viewer)
    managers = [u for u in list_users(s, viewer) if Role.hiring_manager in u["roles"]]
manager_names = {u["id"]: u["name"] for u in managers}
st.dataframe(
    pd.DataFrame([{"Title": p.title, "Team": p.team, "Tasks": len(p.tasks),
                   "Salary band": f"{money(p.salary_min, p.currency)} – "
                                  f"{money(p.salary_max, p.currency)}",
                   "Hiring manager": manager_names.get(p.hiring_manager_id, "—")}
                  for p in positions]),
    hide_index=True, width="stretch",
)

NEW = 0
by_id = {p.id: p for p in positions}
# After a save the saved position is selected (set before the picker exists, as Streamlit
# requires); this is also what stops a double-click on "Save position" from creating twice:
# the second click arrives on the saved position's form, not on "New position".
if (saved := st.session_state.pop("position_saved", None)) in by_id:
    st.session_state["position_edit"] = saved
choice = st.selectbox("Edit", [NEW, *by_id], key="position_edit",
                      format_func=lambda i: "New position" if i == NEW else by_id[i].title)
if choice == NEW:
    data = {"title": "", "team": "", "tasks": [], "salary_min": None, "salary_max": None,
            "currency": "EUR", "hiring_manager_id": None, "scale_min": 1, "scale_max": 5,
            "criteria": DEFAULT_CRITERIA}
    start = st.selectbox("Start the criteria from", [NEW, *by_id], key="pos_start_from",
                         format_func=lambda i: "The default template (three dimensions)"
                         if i == NEW else f"A copy of {by_id[i].title}")
    if start != NEW:
        with db.session() as s:
            data.update(template_criteria(s, start))
else:
    with db.session() as s:
        data = position_form_data(s, choice)
        history = template_history(s, choice)
    st.caption(f"Scorecard template version {data['template_version']}. Changing criteria after "
               "scorecards exist starts a new version; submitted scores keep theirs.")
    others = {i: p.title for i, p in by_id.items() if i != choice}
    with st.expander("Copy criteria from another position, template versions"):
        if others:
            source = st.selectbox("Copy from", list(others), format_func=others.get,
                                  key=f"pos_copy_from_{choice}")
            if st.button("Copy its criteria and rating scale", key=f"pos_copy_{choice}"):
                try:
                    with db.session() as s:
                        copy_template(s, viewer, source, choice)
                    st.session_state.pop(f"pos_criteria_{choice}", None)
                    st.rerun()
                except InvalidInput as exc:
                    show_problems(exc.problems, "Criteria not copied")
        st.dataframe(pd.DataFrame([{
            "Version": h["version"], "Scale": f"{h['scale'][0]} to {h['scale'][1]}",
            "Criteria": ", ".join(h["criteria"]), "Scorecards": h["scorecards"]}
            for h in history]), hide_index=True, width="stretch")

CRITERIA_COLUMNS = ["name", "dimension", "weight", "description", "anchor_low", "anchor_mid",
                    "anchor_high"]
with st.form(f"position_form_{choice}"):
    title = st.text_input("Title", value=data["title"], key=f"pos_title_{choice}")
    team = st.text_input("Team", value=data["team"], key=f"pos_team_{choice}")
    tasks = st.text_area("Tasks of the position (one per line)", value="\n".join(data["tasks"]),
                         key=f"pos_tasks_{choice}")
    c1, c2, c3 = st.columns(3)
    salary_min = c1.number_input("Salary band minimum", min_value=0, step=1000,
                                 value=data["salary_min"], key=f"pos_smin_{choice}")
    salary_max = c2.number_input("Salary band maximum", min_value=0, step=1000,
                                 value=data["salary_max"], key=f"pos_smax_{choice}")
    currency = c3.text_input("Currency", value=data["currency"], max_chars=3,
                             key=f"pos_currency_{choice}")
    manager_ids = [None, *manager_names]
    manager = st.selectbox("Hiring manager", manager_ids,
                           index=manager_ids.index(data["hiring_manager_id"])
                           if data["hiring_manager_id"] in manager_ids else 0,
                           format_func=lambda i: "—" if i is None else manager_names[i],
                           key=f"pos_manager_{choice}")
    scale_labels = [f"{a} to {b}" for a, b in SCALES]
    scale = st.selectbox("Rating scale", range(len(SCALES)), format_func=lambda i: scale_labels[i],
                         index=SCALES.index((data["scale_min"], data["scale_max"])),
                         key=f"pos_scale_{choice}")
    st.markdown("**Criteria** — add, remove or reorder rows; anchors describe low, middle and "
                "high scores.")
    criteria = st.data_editor(
        pd.DataFrame(data["criteria"], columns=CRITERIA_COLUMNS), num_rows="dynamic",
        width="stretch", hide_index=True, key=f"pos_criteria_{choice}",
        column_config={
            "name": st.column_config.TextColumn("Criterion", required=True),
            "dimension": st.column_config.SelectboxColumn(
                "Dimension", options=[d.value for d in Dimension], required=True),
            "weight": st.column_config.NumberColumn("Weight", min_value=0.1, step=0.5,
                                                    default=1.0, required=True),
            "description": st.column_config.TextColumn("Description"),
            "anchor_low": st.column_config.TextColumn("Low anchor"),
            "anchor_mid": st.column_config.TextColumn("Middle anchor"),
            "anchor_high": st.column_config.TextColumn("High anchor"),
        },
    )
    if st.form_submit_button("Save position", type="primary", key=f"pos_submit_{choice}"):
        rows = criteria.dropna(how="all").fillna({"description": "", "anchor_low": "",
                                                   "anchor_mid": "", "anchor_high": ""})
        payload = {
            "title": title, "team": team, "tasks": tasks.splitlines(),
            "salary_min": salary_min, "salary_max": salary_max, "currency": currency,
            "hiring_manager_id": manager, "scale_min": SCALES[scale][0],
            "scale_max": SCALES[scale][1], "criteria": rows.to_dict("records"),
        }
        try:
            with db.session() as s:
                if choice == NEW:
                    saved = create_position(s, viewer, payload)
                else:
                    saved = update_position(s, viewer, choice, payload)
                st.session_state["position_saved"] = saved.id
            flash.later(f"Position {saved.title!r} {'created' if choice == NEW else 'saved'}.")
            st.rerun()
        except InvalidInput as exc:
            show_problems(exc.problems, "Position not saved")

if choice != NEW:
    with st.expander("Dashboard access for other hiring managers", icon=":material/key:"):
        with db.session() as s:
            given = granted_users(s, viewer, choice)
        others = {i: n for i, n in manager_names.items() if i != data["hiring_manager_id"]}
        grant = st.multiselect("Also see this position's dashboard and record decisions",
                               list(others), default=[i for i in given if i in others],
                               format_func=others.get, key=f"pos_access_{choice}")
        if st.button("Save access", key=f"pos_access_save_{choice}"):
            try:
                with db.session() as s:
                    set_position_access(s, viewer, choice, grant)
                st.success("Access saved.")
            except InvalidInput as exc:
                show_problems(exc.problems, "Access not saved")
