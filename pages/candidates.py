"""Recruiter: candidates, their first-interview notes and what to revisit."""

import pandas as pd
import streamlit as st

from models import Candidate, Role, Stage, label
from services.candidates import create_candidate, update_candidate
from services.errors import InvalidInput
from services.first_interview import first_score_form, save_first_scores
from services.i18n import _, money, ngettext
from ui import db, flash
from ui.guard import require
from ui.pickers import labels_for
from ui.text import md_escape
from ui.widgets import current_choice, money_input, pick_candidates, save_record, show_problems

viewer = require(Role.recruiter)

st.title(_("Candidates"))
flash.show()
positions, position, candidates = pick_candidates(viewer)
st.dataframe(
    pd.DataFrame([(c.name, c.email, label(c.stage), money(c.salary_expectation, position.currency))
                  for c in candidates],
                 columns=[_("Name"), _("Email"), _("Stage"), _("Salary expectation")]),
    hide_index=True, width="stretch",
)

NEW = 0
by_id = {c.id: c for c in candidates}
labels = labels_for(candidates, [position])
# After a save the saved candidate is selected (see pages/positions.py for why this also
# makes a double-click on "Save candidate" create one candidate, whatever the browser sends).
choice = current_choice(_("Edit"), [NEW, *by_id], key="candidate_edit",
                        format_func=lambda i: _("New candidate") if i == NEW else labels[i])
current = by_id.get(choice) or Candidate(name="", email="", position_id=position.id)
stages = [st_.value for st_ in Stage]
with st.form(f"candidate_form_{choice}"):
    name = st.text_input(_("Name"), value=current.name, key=f"cand_name_{choice}")
    email = st.text_input(_("Email"), value=current.email or "", key=f"cand_email_{choice}")
    stage = st.selectbox(_("Stage"), stages, index=stages.index(current.stage),
                         format_func=label, key=f"cand_stage_{choice}")
    salary = money_input(
        _("Stated salary expectation ({currency} per year)").format(currency=position.currency),
        current.salary_expectation, key=f"cand_salary_{choice}")
    notes = st.text_area(_("First-interview notes"), value=current.first_interview_notes,
                         key=f"cand_notes_{choice}")
    revisit = st.text_area(_("Questions to revisit at the second interview"),
                           value=current.revisit_questions, key=f"cand_revisit_{choice}")
    if st.form_submit_button(_("Save candidate"), type="primary", key=f"cand_submit_{choice}"):
        payload = {"name": name, "email": email, "position_id": position.id, "stage": stage,
                   "salary_expectation": salary, "first_interview_notes": notes,
                   "revisit_questions": revisit}
        save_record(create_candidate, update_candidate, viewer, None if choice == NEW else choice,
                    payload, key="candidate_edit", not_saved=_("Candidate not saved"),
                    done=(_("Candidate {name} added."), _("Candidate {name} saved.")))

if choice != NEW:
    st.subheader(_("First-interview scores"))
    st.caption(_("Optional: the first interview's scores on this position's criteria, so the "
                 "dashboard can show what changed at the second interview."))
    with db.session() as s:
        (lo, hi), criteria, given = first_score_form(s, viewer, choice)
    options = [None, *range(lo, hi + 1)]
    with st.form(f"first_scores_{choice}"):
        values = {}
        for c in criteria:
            values[c.id] = st.selectbox(
                md_escape(c.name), options, index=options.index(given.get(c.id)),
                format_func=lambda v: _("— not scored") if v is None else str(v),
                key=f"first_{choice}_{c.id}")
        if st.form_submit_button(_("Save first-interview scores"),
                                 key=f"first_submit_{choice}"):
            try:
                with db.session() as s:
                    n = save_first_scores(s, viewer, choice, values)
                st.success(ngettext("Saved {n} first-interview score.",
                                    "Saved {n} first-interview scores.", n).format(n=n))
            except InvalidInput as exc:
                show_problems(exc.problems, _("First-interview scores not saved"))
