"""Settings stored with the data, so every app server and the command line agree."""


from sqlmodel import Session

from models import AppSetting, PanelVisibility
from services import config, i18n
from services.i18n import N_, _

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
# What an admin may change on the Settings page (demo_mode is set by seed-demo only).
EDITABLE = ("panel_visibility", "disagreement_fraction", "calibration_min_shared",
            "retention_days", "language", "time_zone")


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


_WHOLE_NUMBERS = {"calibration_min_shared": (N_("Calibration minimum"), 1, 100),
                  "retention_days": (N_("Retention"), 0, 36500)}


def _check(key: str, value: str) -> str:
    """The value as stored, or InvalidInput naming the setting."""
    from services.errors import InvalidInput

    value = str(value).strip()
    if key == "panel_visibility":
        if value not in PANEL_VISIBILITY:
            raise InvalidInput(_("Panel visibility: must be one of {choices}").format(
                choices=", ".join(PANEL_VISIBILITY)))
    elif key == "disagreement_fraction":
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not 0 < number <= 1:
            raise InvalidInput(_("Disagreement threshold: must be a fraction above 0 and at "
                                 "most 1"))
        value = f"{number:g}"
    elif key == "language":
        if i18n.normalise(value) != value:
            raise InvalidInput(_("Language: must be one of {choices}").format(
                choices=", ".join(i18n.LANGUAGES)))
    elif key == "time_zone":
        if not i18n.valid_time_zone(value):
            raise InvalidInput(_("Time zone: {name} is not a known time zone such as "
                                 "Europe/Paris or America/Toronto").format(name=repr(value)))
    elif key in _WHOLE_NUMBERS:
        name, low, high = _WHOLE_NUMBERS[key]
        if not value.isdigit() or not low <= int(value) <= high:
            raise InvalidInput(_("{name}: must be a whole number from {low} to {high}").format(
                name=_(name), low=low, high=high))
        value = str(int(value))
    else:
        raise InvalidInput(_("Setting {key}: cannot be changed here").format(key=key))
    return value


def editable_settings(session: Session, actor) -> dict[str, str]:
    """The settings an admin may change, with their current values (admins only)."""
    from models import Role
    from services.errors import NotAllowed

    if Role.admin not in actor.roles:
        raise NotAllowed(_("Only admins change settings."))
    return {key: get_setting(session, key) for key in EDITABLE}


def update_settings(session: Session, actor, changes: dict[str, str]) -> dict[str, str]:
    """Change settings (admins only), all or nothing, each change audited; returns what changed."""
    from services import audit

    current = editable_settings(session, actor)
    clean = {key: _check(key, value) for key, value in changes.items()}
    changed = {k: v for k, v in clean.items() if v != current[k]}
    for key, value in changed.items():
        row = session.get(AppSetting, key) or AppSetting(key=key)
        row.value = value
        session.add(row)
        audit.record(session, "settings_changed", actor=actor, entity="setting",
                     detail={"key": key, "old": current[key], "new": value})
    session.commit()
    return changed
