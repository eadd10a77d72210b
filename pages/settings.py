"""Admin: settings stored with the data (blind-scoring visibility, thresholds, retention, the
organisation's default language and time zone)."""

import streamlit as st

from models import PanelVisibility, Role
from services import i18n
from services.admin_settings import editable_settings, update_settings
from services.errors import InvalidInput
from services.i18n import N_, _, ngettext
from services.preferences import time_zone_choices
from services.settings import PANEL_VISIBILITY
from ui import db
from ui.guard import require
from ui.widgets import show_problems

viewer = require(Role.admin)

VISIBILITY = {PanelVisibility.after_submit:
              N_("After they submitted their own scorecard (recommended)"),
              PanelVisibility.always: N_("Always, even before they submit"),
              PanelVisibility.never: N_("Never")}

st.title(_("Settings"))
with db.session() as s:
    current = editable_settings(s, viewer)
languages = list(i18n.LANGUAGES)
zones = time_zone_choices()
if current["time_zone"] not in zones:
    zones.insert(0, current["time_zone"])
with st.form("settings"):
    visibility = st.radio(_("When panelists see their colleagues' scores for a candidate"),
                          PANEL_VISIBILITY, format_func=lambda v: _(VISIBILITY[v]),
                          key="set_visibility",
                          index=PANEL_VISIBILITY.index(current["panel_visibility"]))
    fraction = st.text_input(_("Disagreement threshold (fraction of the scale's span)"),
                             value=current["disagreement_fraction"], key="set_fraction")
    shared = st.text_input(_("Shared candidates before a panelist's leniency is used"),
                           value=current["calibration_min_shared"], key="set_min_shared")
    retention = st.text_input(_("Keep candidate data for (days after last activity; 0: no "
                                "limit)"), value=current["retention_days"], key="set_retention")
    language = st.selectbox(
        _("Default language"), languages, format_func=i18n.LANGUAGES.get, key="set_language",
        index=languages.index(current["language"]) if current["language"] in languages else 0,
        help=_("For people who chose no language on My account and whose browser asks for "
               "none that Second Look has."))
    time_zone = st.selectbox(
        _("Default time zone"), zones, index=zones.index(current["time_zone"]),
        key="set_time_zone",
        help=_("Dates and times are shown in it for people who chose no time zone."))
    if st.form_submit_button(_("Save settings"), type="primary", key="set_submit"):
        try:
            with db.session() as s:
                changed = update_settings(s, viewer, {
                    "panel_visibility": visibility, "disagreement_fraction": fraction,
                    "calibration_min_shared": shared, "retention_days": retention,
                    "language": language, "time_zone": time_zone})
            if changed:
                st.success(ngettext("Saved: {n} setting changed.", "Saved: {n} settings changed.",
                                    len(changed)).format(n=len(changed)))
            else:
                st.success(_("Nothing changed."))
        except InvalidInput as exc:
            show_problems(exc.problems, _("Settings not saved"))
