"""Recruiter: import candidates from CSV or Excel; admin: import historic scores."""

import hashlib

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
from services.i18n import _, ngettext
from services.positions import visible_positions
from services.scores_io import import_scores
from ui import db
from ui.guard import require
from ui.widgets import pick_position, show_problems

viewer = require(Role.recruiter)

SHOWN_PROBLEMS = 50


def problems(items: list[str], heading: str) -> None:
    """The first problems as a list, and how many more there are."""
    extra = len(items) - SHOWN_PROBLEMS
    more = [_("… and {n} more").format(n=extra)] if extra > 0 else []
    show_problems(items[:SHOWN_PROBLEMS] + more, heading)


st.title(_("Import"))
candidates_tab, scores_tab = st.tabs([_("Candidates"), _("Scores")])

with candidates_tab:
    st.caption(_("A CSV (UTF-8) or Excel (.xlsx) file of at most {size} MB, one candidate per "
                 "row with a header row. Every row is checked first: if any row has a problem, "
                 "nothing is imported. Column names stay in English (see README); stages may "
                 "be written in English or French.").format(size=MAX_BYTES // (1024 * 1024)))
    with db.session() as s:
        positions = visible_positions(s, viewer)
    position = pick_position(positions, key="imp_position")
    uploaded = st.file_uploader(_("Candidates file"), key="imp_file")
    if position is not None and uploaded is not None:
        try:
            frame = read_table(uploaded.getvalue(), uploaded.name)
        except InvalidInput as exc:
            problems(exc.problems, _("File not read, nothing imported"))
            frame = None
        if frame is not None:
            st.caption(ngettext("Preview: {n} row; the first 20 are shown.",
                                "Preview: {n} rows; the first 20 are shown.",
                                len(frame)).format(n=len(frame)))
            st.dataframe(frame.head(20), width="stretch")
            st.markdown(_("**Columns** — which column of the file holds each field"))
            guess = guess_mapping(list(frame.columns))
            options = [None, *frame.columns]
            mapping = {}
            cols = st.columns(3)
            for i, (field, title) in enumerate(FIELDS.items()):
                mapping[field] = cols[i % 3].selectbox(
                    _("{field} (required)").format(field=_(title)) if field == "name"
                    else _(title), options,
                    index=options.index(guess[field]), key=f"imp_map_{field}",
                    format_func=lambda c: _("— not in the file —") if c is None else str(c))
            # A double-click runs the button twice: the second run finds this file, position and
            # mapping already imported by this session and adds nothing.
            fingerprint = hashlib.sha256(uploaded.getvalue() + repr(
                (position.id, sorted(mapping.items(), key=str))).encode()).hexdigest()
            done = st.session_state.get("imp_done")
            clicked = st.button(_("Import candidates"), type="primary", key="imp_submit")
            if clicked and done and done[0] == fingerprint:
                st.info(ngettext("This file was just imported ({n} candidate); nothing more "
                                 "was added.", "This file was just imported ({n} candidates); "
                                 "nothing more was added.", done[1]).format(n=done[1]))
            elif clicked:
                bar = st.progress(0.0, text=_("Checking rows…"))

                def progress(done: int, total: int) -> None:
                    bar.progress(done / total, text=ngettext(
                        "Checked {done} of {total} row", "Checked {done} of {total} rows",
                        total).format(done=done, total=total))

                try:
                    with db.session() as s:
                        n = import_candidates(s, viewer, position.id, frame, mapping, progress)
                    # Recorded before any other Streamlit call, where a second click could
                    # interrupt this run after the import committed.
                    st.session_state["imp_done"] = (fingerprint, n)
                    bar.progress(1.0, text=_("Done"))
                    st.success(ngettext("Imported {n} candidate.", "Imported {n} candidates.",
                                        n).format(n=n))
                except InvalidInput as exc:
                    bar.empty()
                    problems(exc.problems, _("Nothing imported"))

with scores_tab:
    if not is_admin(viewer):
        st.info(_("Importing scores creates panelists' accounts, so it is for admins."))
    else:
        st.caption(_("Scores in the `import-scores` format (see README): one row per score. The "
                     "same checks as `manage.py import-scores`; one bad row and nothing is "
                     "imported."))
        scores_file = st.file_uploader(_("Scores file (CSV or xlsx)"), type=["csv", "xlsx"],
                                       key="imp_scores_file")
        labels = [f"{a}-{b}" for a, b in SCALES]
        scale = st.selectbox(_("Rating scale of positions the import creates"), labels, index=1,
                             key="imp_scores_scale")
        if scores_file is not None and st.button(_("Import scores"), type="primary",
                                                 key="imp_scores_submit"):
            try:
                with db.session() as s:
                    result = import_scores(s, scores_file.getvalue(), viewer=viewer,
                                           filename=scores_file.name,
                                           scale=SCALES[labels.index(scale)])
                st.success(result.summary())
            except InvalidInput as exc:
                problems(exc.problems, _("Nothing imported"))
            except NotAllowed as exc:
                st.error(str(exc))
