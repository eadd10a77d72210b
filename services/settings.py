"""Settings stored with the data, so every app server and the command line agree.

This module reads and stores them, and knows no access rule: services.access reads the panel
visibility here. What an admin changes on the Settings page, checked and audited, is
services.admin_settings.
"""

from sqlmodel import Session

from models import AppSetting, PanelVisibility
from services import config, i18n

DEFAULTS = {
    # Whether demo accounts and the demo banner exist (set by seed-demo).
    "demo_mode": "false",
    # When a panelist sees co-panelists' scores: after_submit (default), always, never.
    "panel_visibility": PanelVisibility.after_submit.value,
    # Disagreement threshold as a fraction of the rating scale's span.
    "disagreement_fraction": "0.5",
    # Candidates a panelist must share with colleagues before their leniency is trusted.
    "calibration_min_shared": "5",
    # Days after a candidate's last activity before they are listed for erasure (0: never).
    "retention_days": "365",
    # The interface language of users who chose none and whose browser asks for none we have.
    "language": "en",
    # The time zone dates and times are shown in for users who chose none (IANA name); until
    # an admin sets one, SECONDLOOK_TIMEZONE (the environment's older setting), else UTC.
    "time_zone": "UTC",
}
PANEL_VISIBILITY = tuple(v.value for v in PanelVisibility)


def get_setting(session: Session, key: str) -> str:
    """The stored value of a setting, or its default."""
    row = session.get(AppSetting, key)
    if row is not None:
        return row.value
    if key == "time_zone":
        from_env = config.time_zone()
        if from_env and from_env != DEFAULTS[key] and i18n.valid_time_zone(from_env):
            return from_env
    return DEFAULTS.get(key, "")


def set_setting(session: Session, key: str, value: str) -> None:
    """Store a setting."""
    if key == "panel_visibility" and value not in PANEL_VISIBILITY:
        raise ValueError(f"panel_visibility must be one of {', '.join(PANEL_VISIBILITY)}")
    row = session.get(AppSetting, key) or AppSetting(key=key)
    row.value = value
    session.add(row)
    session.commit()


def demo_mode(session: Session) -> bool:
    """True when this database holds the demo set."""
    return get_setting(session, "demo_mode") == "true"
