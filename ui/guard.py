"""Who is logged in, and the access check every page starts with.

A file in pages/ is served by its URL even when navigation does not list it, so navigation only
decides what is listed; `require` at the top of each page decides what is shown.
"""

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from models import Role
from services.auth import Viewer, get_viewer
from services.i18n import N_, _
from ui import db, sso
from ui import i18n as ui_i18n
from ui.login import login_page
from ui.session import GENERATION_KEY, USER_KEY, forget_session


@dataclass(frozen=True)
class PageSpec:
    """A page of the app and the roles that may open it (admin opens all).

    `title` is the English msgid (marked with N_): app.py shows `_(title)`, the browser tab's
    title in the session's language.
    """

    path: str
    title: str
    icon: str
    roles: tuple[str, ...]


PAGES: list[PageSpec] = [
    PageSpec("pages/my_interviews.py", N_("My interviews"), ":material/event:",
             (Role.panelist,)),
    PageSpec("pages/scorecard.py", N_("Scorecard"), ":material/rate_review:",
             (Role.panelist,)),
    PageSpec("pages/dashboard.py", N_("Dashboard"), ":material/leaderboard:",
             (Role.hiring_manager,)),
    PageSpec("pages/calibration.py", N_("Calibration"), ":material/tune:",
             (Role.hiring_manager,)),
    PageSpec("pages/overview.py", N_("Overview"), ":material/monitoring:",
             (Role.recruiter, Role.hiring_manager)),
    PageSpec("pages/positions.py", N_("Positions"), ":material/work:", (Role.recruiter,)),
    PageSpec("pages/candidates.py", N_("Candidates"), ":material/person_search:",
             (Role.recruiter,)),
    PageSpec("pages/interviews.py", N_("Interviews"), ":material/groups:", (Role.recruiter,)),
    PageSpec("pages/import_candidates.py", N_("Import"), ":material/upload_file:",
             (Role.recruiter,)),
    PageSpec("pages/overdue.py", N_("Overdue scorecards"), ":material/schedule:",
             (Role.recruiter,)),
    PageSpec("pages/exports.py", N_("Exports"), ":material/download:", (Role.hiring_manager,)),
    PageSpec("pages/users.py", N_("Users"), ":material/manage_accounts:", (Role.admin,)),
    PageSpec("pages/settings.py", N_("Settings"), ":material/settings:", (Role.admin,)),
    PageSpec("pages/audit.py", N_("Audit trail"), ":material/history:", (Role.admin,)),
    PageSpec("pages/privacy.py", N_("Candidate data"), ":material/shield_person:",
             (Role.recruiter,)),
    PageSpec("pages/account.py", N_("My account"), ":material/account_circle:", ()),
]


def current_viewer() -> Viewer | None:
    """The logged-in user, re-read from the database on every run (roles may have changed).

    The session's generation must still be the user's: log out everywhere, a password change
    or reset, deactivation or a role taken away end every session on its next run. A session
    without a generation is not logged in. With single sign-on configured, the provider's
    verified email decides who it is.
    """
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return sso.viewer_from_identity() if sso.configured() else None
    generation = st.session_state.get(GENERATION_KEY)
    viewer = None
    if generation is not None:
        with db.session() as s:
            viewer = get_viewer(s, int(user_id), int(generation))
    if viewer is None:
        forget_session()
    return viewer


def pages_for(viewer: Viewer) -> list[PageSpec]:
    """The pages a viewer's roles open."""
    return [p for p in PAGES if not p.roles or viewer.has(*p.roles)]


# The menu groups pages by the task they serve; a page's first role names its task.
# Section names are msgids (N_): menu() returns them in English, app.py shows `_(section)`.
SECTIONS = {Role.panelist: N_("Scoring"), Role.hiring_manager: N_("Deciding"),
            Role.recruiter: N_("Recruiting"), Role.admin: N_("Administration")}
ACCOUNT_SECTION = N_("Your account")


def section_of(page: PageSpec) -> str:
    """The menu section a page is listed under."""
    return SECTIONS.get(page.roles[0], ACCOUNT_SECTION) if page.roles else ACCOUNT_SECTION


def menu(viewer: Viewer) -> dict[str, list[PageSpec]]:
    """The viewer's pages grouped by task, sections in a fixed order, account last."""
    grouped: dict[str, list[PageSpec]] = {s: [] for s in (*SECTIONS.values(), ACCOUNT_SECTION)}
    for page in pages_for(viewer):
        grouped[section_of(page)].append(page)
    return {section: pages for section, pages in grouped.items() if pages}


# Where each role starts, first match wins (a user with several roles starts on the page of
# the broadest one). Recruiters start on the organisation overview when the app has one.
START_PAGES = (
    (Role.admin, ("pages/users.py",)),
    (Role.hiring_manager, ("pages/dashboard.py",)),
    (Role.recruiter, ("pages/overview.py", "pages/interviews.py")),
    (Role.panelist, ("pages/my_interviews.py",)),
)


def start_page(viewer: Viewer) -> PageSpec:
    """The page a viewer lands on after logging in or opening the app's root URL."""
    mine = {p.path: p for p in pages_for(viewer)}
    for role, paths in START_PAGES:
        if role in viewer.roles:
            for path in paths:
                if path in mine:
                    return mine[path]
    return mine.get("pages/account.py") or next(iter(mine.values()))


def url_path(page: PageSpec) -> str:
    """The page's URL path, as Streamlit derives it from the file name (pages/x.py -> x)."""
    return page.path.rsplit("/", 1)[-1].removesuffix(".py")


def ensure_app_frame() -> None:
    """Run app.py around this page when Streamlit ran a pages/ file on its own.

    On a freshly started server, until app.py's first call to st.navigation, Streamlit treats
    the pages/ folder the old way: a page opened by its URL runs without app.py (no Log out
    button, every file listed in the sidebar). AppTest does the same on every run. Then
    app.py is run here, in this same script run (so a button click that started it is not
    lost); its navigation picks this page again and runs it inside the frame, and the outer
    run stops.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if not PagesManager.uses_pages_directory or ctx is None:
        return
    PagesManager.uses_pages_directory = False
    main = ctx.pages_manager.main_script_path
    code = compile(Path(main).read_text(encoding="utf-8"), main, "exec")
    exec(code, {"__name__": "__main__", "__file__": main})  # noqa: S102 (our own app.py)
    st.stop()


def require(*roles: str) -> Viewer:
    """Stop the page unless someone is logged in with one of the roles (none: any user)."""
    ensure_app_frame()
    viewer = current_viewer()
    if not ui_i18n.chosen():
        # A page run without app.py in this session (a pages/ file Streamlit served on its
        # own, or a session just cleared by a log-out) still speaks the person's language.
        ui_i18n.choose_for(viewer)
    if viewer is None and sso.refused_email() is not None:
        st.error(_("Your company account has no access to Second Look."))
        st.stop()
    if viewer is None:
        st.warning(_("Please log in to see this page."))
        # The form is drawn right here: Streamlit serves a pages/ file opened by its URL on its
        # own, so a reload of /scorecard?interview=7 logs in and returns to that scorecard.
        login_page()
        st.stop()
    if roles and not viewer.has(*roles):
        st.error(_("You do not have access to this page."))
        st.stop()
    return viewer
