"""Recruiter: import candidates from CSV or Excel; admin: import historic scores."""

import streamlit as st

from models import SCALES, Role
from services.access import is_admin
from services.candidate_import import (
    FIELDS,
    MAX_BYTES,
    guess_mapping,
    import_candidates,
    read_table,
)
from services.errors import InvalidInput, NotAllowed
from services.positions import visible_positions
from services.scores_io import import_scores
from ui import db
from ui.guard import require
from ui.text import count
from ui.widgets import pick_position, show_problems

viewer = require(Role.recruiter)

SHOWN_PROBLEMS = 50


def problems(items: list[str], heading: str) -> None:
    """The first problems as a list, and how many more there are."""
    extra = len(items) - SHOWN_PROBLEMS
    show_problems(items[:SHOWN_PROBLEMS] + ([f"… and {extra} more"] if extra > 0 else []),
                  heading)


st.title("Import")
candidates_tab, scores_tab = st.tabs(["Candidates", "Scores"])

with candidates_tab:
    st.caption(f"A CSV (UTF-8) or Excel (.xlsx) file of at most {MAX_BYTES // (1024 * 1024)} MB, "
               "one candidate per row with a header row. Every row is checked first: if any "
               "row has a problem, nothing is imported.")
    with db.session() as s:
        positions = visible_positions(s, viewer)
    position = pick_position(positions, key="imp_position")
    uploaded = st.file_uploader("Candidates file", key="imp_file")
    if position is not None and uploaded is not None:
        try:
            frame = read_table(uploaded.getvalue(), uploaded.name)
        except InvalidInput as exc:
            problems(exc.problems, "File not read, nothing imported")
            frame = None
        if frame is not None:
            st.caption(f"Preview: {count(len(frame), 'row')}; the first 20 are shown.")
            st.dataframe(frame.head(20), width="stretch")
            st.markdown("**Columns** — which column of the file holds each field")
            guess = guess_mapping(list(frame.columns))
            options = [None, *frame.columns]
            mapping = {}
            cols = st.columns(3)
            for i, (field, title) in enumerate(FIELDS.items()):
                mapping[field] = cols[i % 3].selectbox(
                    title + (" (required)" if field == "name" else ""), options,
                    index=options.index(guess[field]), key=f"imp_map_{field}",
                    format_func=lambda c: "— not in the file —" if c is None else str(c))
            if st.button("Import candidates", type="primary", key="imp_submit"):
                bar = st.progress(0.0, text="Checking rows…")

                def progress(done: int, total: int) -> None:
                    bar.progress(done / total, text=f"Checked {done} of {total} rows")

                try:
                    with db.session() as s:
                        n = import_candidates(s, viewer, position.id, frame, mapping, progress)
                    bar.progress(1.0, text="Done")
                    st.success(f"Imported {count(n, 'candidate')}.")
                except InvalidInput as exc:
                    bar.empty()
                    problems(exc.problems, "Nothing imported")

with scores_tab:
    if not is_admin(viewer):
        st.info("Importing scores creates panelists' accounts, so it is for admins.")
    else:
        st.caption("Scores in the `import-scores` format (see README): one row per score. The "
                   "same checks as `manage.py import-scores`; one bad row and nothing is "
                   "imported.")
        scores_file = st.file_uploader("Scores file (CSV or xlsx)", type=["csv", "xlsx"],
                                       key="imp_scores_file")
        labels = [f"{a}-{b}" for a, b in SCALES]
        scale = st.selectbox("Rating scale of positions the import creates", labels, index=1,
                             key="imp_scores_scale")
        if scores_file is not None and st.button("Import scores", type="primary",
                                                 key="imp_scores_submit"):
            try:
                with db.session() as s:
                    result = import_scores(s, scores_file.getvalue(), viewer=viewer,
                                           filename=scores_file.name,
                                           scale=SCALES[labels.index(scale)])
                st.success(result.summary())
            except InvalidInput as exc:
                problems(exc.problems, "Nothing imported")
            except NotAllowed as exc:
                st.error(str(exc))
