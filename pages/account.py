"""My account: my language and time zone, and my password."""

import streamlit as st

from models import PASSWORD_MIN
from services import i18n
from services.auth import change_password, password_help
from services.errors import InvalidInput
from services.i18n import _
from services.preferences import set_preferences, time_zone_choices
from services.settings import get_setting
from ui import db, flash
from ui.guard import require
from ui.session import keep_session
from ui.text import md_escape
from ui.widgets import show_problems

viewer = require()

st.title(_("My account"))
flash.show()
st.markdown(f"**{md_escape(viewer.name)}** · {md_escape(viewer.email)}")

# None: "not chosen", the language follows the browser (then the organisation default).
languages = [None, *i18n.LANGUAGES]
zones = [None, *time_zone_choices()]
with db.session() as s:
    organisation_zone = get_setting(s, "time_zone")
if viewer.time_zone not in zones:
    zones.insert(1, viewer.time_zone)
with st.form("preferences"):
    st.subheader(_("Language and time zone"))
    language = st.selectbox(
        _("Language"), languages, key="pref_language",
        index=languages.index(viewer.language) if viewer.language in languages else 0,
        format_func=lambda v: _("Follow my browser") if v is None else i18n.LANGUAGES[v])
    time_zone = st.selectbox(
        _("Time zone"), zones, key="pref_time_zone", index=zones.index(viewer.time_zone),
        format_func=lambda v: v or _("The organisation's ({zone})").format(
            zone=organisation_zone),
        help=_("Dates and times are shown in this time zone."))
    if st.form_submit_button(_("Save"), type="primary", key="pref_submit"):
        try:
            with db.session() as s:
                changed = set_preferences(s, viewer, language, time_zone)
            if changed:
                # The next run reads the new choice (app.py): the page comes back in it.
                with i18n.language(language or None):
                    flash.later(_("Language and time zone saved."))
                st.rerun()
            st.success(_("Nothing changed."))
        except InvalidInput as exc:
            show_problems(exc.problems, _("Not saved"))

with st.form("password", clear_on_submit=True):
    st.subheader(_("Change password"))
    current = st.text_input(_("Current password"), type="password", key="pw_current",
                            autocomplete="current-password")
    new = st.text_input(_("New password (at least {n} characters)").format(n=PASSWORD_MIN),
                        type="password", key="pw_new", help=password_help(),
                        autocomplete="new-password")
    again = st.text_input(_("New password again"), type="password", key="pw_again",
                          autocomplete="new-password")
    if st.form_submit_button(_("Change password"), key="pw_submit"):
        if new != again:
            show_problems([_("New password: the two entries differ")], _("Password not changed"))
        else:
            try:
                with db.session() as s:
                    generation = change_password(s, viewer, current, new)
                # This session goes on; every other session of this account has ended.
                keep_session(generation)
                st.success(_("Password changed. You were logged out everywhere else."))
            except InvalidInput as exc:
                show_problems(exc.problems, _("Password not changed"))
