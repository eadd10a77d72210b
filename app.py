"""Second Look: page config, who is logged in, and the pages their roles open."""

import streamlit as st

from services.db import DatabaseUnavailable, check_reachable
from services.settings import demo_mode
from ui import db
from ui.guard import current_viewer, log_out, pages_for
from ui.login import login_page
from ui.sso import no_access_page, refused_email
from ui.text import md_escape

st.set_page_config(page_title="Second Look", page_icon=":material/groups:", layout="wide")

try:
    check_reachable(db.url())
except DatabaseUnavailable as exc:
    st.error(str(exc))
    st.stop()

viewer = current_viewer()
if viewer is None and refused_email() is not None:
    st.navigation([st.Page(no_access_page, title="No access", icon=":material/block:")]).run()
    st.stop()
if viewer is None:
    st.navigation([st.Page(login_page, title="Log in", icon=":material/login:")]).run()
    st.stop()

with db.session() as s:
    demo = demo_mode(s)
with st.sidebar:
    st.markdown(f"**{md_escape(viewer.name)}**")
    st.caption(", ".join(sorted(r.replace("_", " ") for r in viewer.roles)))
    if demo:
        st.info("Demo mode: sample data, shared demo passwords.", icon=":material/science:")
    if st.button("Log out everywhere", key="logout", icon=":material/logout:",
                 help="Ends this account's sessions in every tab and browser."):
        log_out()
        st.rerun()

pages = [st.Page(p.path, title=p.title, icon=p.icon) for p in pages_for(viewer)]
st.navigation(pages).run()
