"""Recruiter: positions, their task lists, salary bands and scorecard criteria."""

import pandas as pd
import streamlit as st

from models import SCALES, Dimension, Role, label
from services.auth import list_users
from services.errors import InvalidInput
from services.i18n import LANGUAGES, _, elide, money
from services.positions import (
    create_position,
    default_language,
    default_template,
    granted_users,
    position_form_data,
    set_position_access,
    update_position,
    visible_positions,
)
from services.templates import copy_template, template_criteria, template_history
from ui import db, flash
from ui.guard import require
from ui.widgets import current_choice, money_input, save_record, show_problems

viewer = require(Role.recruiter)


def band(low: int | None, high: int | None, currency: str) -> str:
    """A salary band as people read it: "55 000 € – 70 000 €" in French."""
    if low is None and high is None:
        return "—"
    return f"{money(low, currency)} – {money(high, currency)}"


st.title(_("Positions"))
flash.show()
with db.session() as s:
    positions = visible_positions(s, viewer)
    managers = [u for u in list_users(s, viewer) if Role.hiring_manager in u["roles"]]
    house_language = default_language(s)
manager_names = {u["id"]: u["name"] for u in managers}
columns = [_("Title"), _("Team"), _("Tasks"), _("Salary band"), _("Language of the scorecard"),
           _("Hiring manager")]
st.dataframe(
    pd.DataFrame([(p.title, p.team, len(p.tasks), band(p.salary_min, p.salary_max, p.currency),
                   LANGUAGES.get(p.language, p.language),
                   manager_names.get(p.hiring_manager_id, "—")) for p in positions],
                 columns=columns),
    hide_index=True, width="stretch",
)

NEW = 0
by_id = {p.id: p for p in positions}
# After a save the saved position is selected (save_record chooses it in this picker); this is
# also what stops a double-click on "Save position" from creating twice: the second click
# arrives on the saved position's form, not on "New position", and save_record takes it for the
# first click again. The picker is a current_choice: the new position's label makes it a new
# widget, so a browser that has not yet drawn the saved position's form cannot put "New
# position" back with the state it sends.
choice = current_choice(_("Edit"), [NEW, *by_id], key="position_edit",
                        format_func=lambda i: _("New position") if i == NEW else by_id[i].title)
start = None
if choice == NEW:
    data = {"title": "", "team": "", "tasks": [], "salary_min": None, "salary_max": None,
            "currency": "EUR", "language": house_language, "hiring_manager_id": None,
            "scale_min": 1, "scale_max": 5, "criteria": default_template(house_language)}
    start = st.selectbox(_("Start the criteria from"), [NEW, *by_id], key="pos_start_from",
                         format_func=lambda i: _("The default template (three dimensions)")
                         if i == NEW else elide(_("A copy of {title}").format(
                             title=by_id[i].title)))
    if start != NEW:
        with db.session() as s:
            data.update(template_criteria(s, start))
else:
    with db.session() as s:
        data = position_form_data(s, choice)
        history = template_history(s, choice)
    st.caption(_("Scorecard template version {version}. Changing criteria after scorecards "
                 "exist starts a new version; submitted scores keep theirs.").format(
        version=data["template_version"]))
    others = {i: p.title for i, p in by_id.items() if i != choice}
    with st.expander(_("Copy criteria from another position, template versions")):
        if others:
            source = st.selectbox(_("Copy from"), list(others), format_func=others.get,
                                  key=f"pos_copy_from_{choice}")
            if st.button(_("Copy its criteria and rating scale"), key=f"pos_copy_{choice}"):
                try:
                    with db.session() as s:
                        copy_template(s, viewer, source, choice)
                    st.session_state.pop(f"pos_criteria_{choice}", None)
                    st.rerun()
                except InvalidInput as exc:
                    show_problems(exc.problems, _("Criteria not copied"))
        st.dataframe(pd.DataFrame([(
            h["version"], _("{low} to {high}").format(low=h["scale"][0], high=h["scale"][1]),
            ", ".join(h["criteria"]), h["scorecards"]) for h in history],
            columns=[_("Version"), _("Scale"), _("Criteria"), _("Scorecards")]),
            hide_index=True, width="stretch")

CRITERIA_COLUMNS = ["name", "dimension", "weight", "description", "anchor_low", "anchor_mid",
                    "anchor_high"]
with st.form(f"position_form_{choice}"):
    title = st.text_input(_("Title"), value=data["title"], key=f"pos_title_{choice}")
    team = st.text_input(_("Team"), value=data["team"], key=f"pos_team_{choice}")
    tasks = st.text_area(_("Tasks of the position (one per line)"),
                         value="\n".join(data["tasks"]), key=f"pos_tasks_{choice}")
    c1, c2, c3 = st.columns(3)
    salary_min = money_input(_("Salary band minimum"), data["salary_min"], container=c1,
                             key=f"pos_smin_{choice}")
    salary_max = money_input(_("Salary band maximum"), data["salary_max"], container=c2,
                             key=f"pos_smax_{choice}")
    currency = c3.text_input(_("Currency"), value=data["currency"], max_chars=3,
                             key=f"pos_currency_{choice}")
    languages = list(LANGUAGES)
    language = st.selectbox(
        _("Language of the scorecard"), languages, format_func=LANGUAGES.get,
        index=languages.index(data["language"]) if data["language"] in languages else 0,
        key=f"pos_language_{choice}",
        help=_("The language of the scorecard's criteria and of the default template a new "
               "position starts from."))
    manager_ids = [None, *manager_names]
    manager = st.selectbox(_("Hiring manager"), manager_ids,
                           index=manager_ids.index(data["hiring_manager_id"])
                           if data["hiring_manager_id"] in manager_ids else 0,
                           format_func=lambda i: "—" if i is None else manager_names[i],
                           key=f"pos_manager_{choice}")
    scale_labels = [_("{low} to {high}").format(low=a, high=b) for a, b in SCALES]
    scale = st.selectbox(_("Rating scale"), range(len(SCALES)),
                         format_func=lambda i: scale_labels[i],
                         index=SCALES.index((data["scale_min"], data["scale_max"])),
                         key=f"pos_scale_{choice}")
    st.markdown(_("**Criteria** — add, remove or reorder rows; anchors describe low, middle "
                  "and high scores."))
    shown_criteria = pd.DataFrame(data["criteria"], columns=CRITERIA_COLUMNS)
    criteria = st.data_editor(
        shown_criteria, num_rows="dynamic",
        width="stretch", hide_index=True, key=f"pos_criteria_{choice}",
        column_config={
            "name": st.column_config.TextColumn(_("Criterion"), required=True),
            "dimension": st.column_config.SelectboxColumn(
                _("Dimension"), options=[d.value for d in Dimension], format_func=label,
                required=True),
            "weight": st.column_config.NumberColumn(_("Weight"), min_value=0.1, step=0.5,
                                                    default=1.0, required=True),
            "description": st.column_config.TextColumn(_("Description")),
            "anchor_low": st.column_config.TextColumn(_("Low anchor")),
            "anchor_mid": st.column_config.TextColumn(_("Middle anchor")),
            "anchor_high": st.column_config.TextColumn(_("High anchor")),
        },
    )
    if st.form_submit_button(_("Save position"), type="primary", key=f"pos_submit_{choice}"):
        rows = criteria.dropna(how="all").fillna({"description": "", "anchor_low": "",
                                                   "anchor_mid": "", "anchor_high": ""})
        records = rows.to_dict("records")
        # The default template left as shown: sent in the chosen language, as it is saved (so
        # a second click, landing on the saved position's form, sends the same payload).
        untouched = (choice == NEW and start == NEW
                     and records == shown_criteria.to_dict("records"))
        payload = {
            "title": title, "team": team, "tasks": tasks.splitlines(),
            "salary_min": salary_min, "salary_max": salary_max, "currency": currency,
            "language": language, "hiring_manager_id": manager,
            "scale_min": SCALES[scale][0], "scale_max": SCALES[scale][1],
            "criteria": default_template(language) if untouched else records,
        }
        save_record(create_position, update_position, viewer, None if choice == NEW else choice,
                    payload, key="position_edit", not_saved=_("Position not saved"),
                    done=(_("Position '{title}' created."), _("Position '{title}' saved.")))

if choice != NEW:
    with st.expander(_("Dashboard access for other hiring managers"), icon=":material/key:"):
        with db.session() as s:
            given = granted_users(s, viewer, choice)
        others = {i: n for i, n in manager_names.items() if i != data["hiring_manager_id"]}
        grant = st.multiselect(_("Also see this position's dashboard and record decisions"),
                               list(others), default=[i for i in given if i in others],
                               format_func=others.get, key=f"pos_access_{choice}")
        if st.button(_("Save access"), key=f"pos_access_save_{choice}"):
            try:
                with db.session() as s:
                    set_position_access(s, viewer, choice, grant)
                st.success(_("Access saved."))
            except InvalidInput as exc:
                show_problems(exc.problems, _("Access not saved"))
