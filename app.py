"""Second Look: page config, who is logged in, and the pages their roles open."""

import streamlit as st

from models import label
from services import config
from services.db import DatabaseUnavailable, check_reachable
from services.i18n import _
from services.settings import demo_mode
from ui import db, heap, secrets, style
from ui import i18n as ui_i18n
from ui.guard import PAGES, current_viewer, menu, start_page, url_path
from ui.login import login_page
from ui.session import log_out
from ui.sso import no_access_page, refused_email
from ui.text import md_escape

# Secrets reach services through services.config (services never import streamlit).
config.set_secrets_reader(secrets.section)
# An emoji favicon is drawn by the browser itself; a :material/...: one is fetched from
# fonts.gstatic.com on every page load, telling a third party who uses the app.
st.set_page_config(page_title="Second Look", page_icon="👥", layout="wide")
style.inject()

# Before the database is read, the browser's language is the best guess.
ui_i18n.install()
ui_i18n.choose(None, None, None, None)
try:
    check_reachable(db.url())
except DatabaseUnavailable as exc:
    # The error line is for whoever runs the server (a path, the driver's reason, kept as the
    # driver said it); the advice under it is for the person in front of the page.
    st.error(str(exc))
    st.caption(_("Second Look cannot open its database just now. Try again in a moment; if it "
                 "goes on, tell the person who runs Second Look."))
    st.stop()


def run(page) -> None:
    """Run the chosen page with the browser tab saying where you are, in your language."""
    st.set_page_config(page_title=f"{page.title} · Second Look")
    page.run()


def gate(page, title: str, slug: str) -> None:
    """Show one page (login or "no access") at every page's URL, so a deep link or a reload
    shows it in place, and after logging in the same URL, query included, opens that page."""
    hidden = [st.Page(page, title=_(p.title), url_path=url_path(p), visibility="hidden")
              for p in PAGES]
    run(st.navigation([st.Page(page, title=title, url_path=slug, default=True), *hidden]))
    st.stop()


heap.freeze_once()  # once per process, after the imports (ui/heap.py says why)

viewer = current_viewer()
ui_i18n.lang_attribute(ui_i18n.choose_for(viewer))
if viewer is None and refused_email() is not None:
    gate(no_access_page, _("No access"), "no_access")
if viewer is None:
    gate(login_page, _("Log in"), "login")

with db.session() as s:
    demo = demo_mode(s)
with st.sidebar:
    st.markdown(f"**{md_escape(viewer.name)}**")
    st.caption(", ".join(sorted(label(r) for r in viewer.roles)))
    if demo:
        st.info(_("Demo mode: sample data, shared demo passwords."), icon=":material/science:")
    if st.button(_("Log out everywhere"), key="logout", icon=":material/logout:",
                 help=_("Ends this account's sessions in every tab and browser.")):
        log_out()
        st.rerun()

# Titles and section names are msgids (ui.guard): shown, and the browser tab titled, in the
# session's language.
sections = {
    _(section): [st.Page(p.path, title=_(p.title), icon=p.icon, url_path=url_path(p))
                 for p in pages]
    for section, pages in menu(viewer).items()
}
# Pages outside the viewer's roles are registered too, unlisted: their address then shows the
# page's own "no access" message instead of Streamlit's "Page not found" over another page.
mine = {p.path for pages in menu(viewer).values() for p in pages}
hidden = [st.Page(p.path, title=_(p.title), url_path=url_path(p), visibility="hidden")
          for p in PAGES if p.path not in mine]
start = next(page for pages in sections.values() for page in pages
             if page.url_path == url_path(start_page(viewer)))


def home() -> None:
    """The root URL: the viewer's start page, under its own URL so it can be bookmarked."""
    st.switch_page(start)


# The root page is hidden and only forwards: a listed default page would own "/" instead of
# its own URL, and a bookmark of that URL would meet "Page not found".
next(iter(sections.values())).extend(
    [st.Page(home, title=_("Home"), url_path="home", default=True, visibility="hidden"), *hidden])
run(st.navigation(sections, expanded=True))
