"""Settings stored with the data, so every app server and the command line agree."""

from sqlmodel import Session

from models import AppSetting

DEFAULTS = {
    # Whether demo accounts and the demo banner exist (set by seed-demo).
    "demo_mode": "false",
    # When a panelist sees co-panelists' scores: after_submit (default), always, never.
    "panel_visibility": "after_submit",
    # Disagreement threshold as a fraction of the rating scale's span.
    "disagreement_fraction": "0.5",
    # Candidates a panelist must share with colleagues before their leniency is trusted.
    "calibration_min_shared": "5",
}
PANEL_VISIBILITY = ("after_submit", "always", "never")


def get_setting(session: Session, key: str) -> str:
    """The stored value of a setting, or its default."""
    row = session.get(AppSetting, key)
    return row.value if row is not None else DEFAULTS.get(key, "")


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
