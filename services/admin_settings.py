"""The settings an admin changes on the Settings page: which ones, the check of each value (a
clear message naming the setting), and the change itself, all or nothing and audited."""

from sqlmodel import Session

from models import AppSetting
from services import audit, i18n
from services.access import require_admin
from services.auth import Viewer
from services.errors import InvalidInput
from services.i18n import N_, _
from services.settings import PANEL_VISIBILITY, get_setting

# What an admin may change (demo_mode is set by seed-demo only).
EDITABLE = ("panel_visibility", "disagreement_fraction", "calibration_min_shared",
            "retention_days", "language", "time_zone")

_WHOLE_NUMBERS = {"calibration_min_shared": (N_("Calibration minimum"), 1, 100),
                  "retention_days": (N_("Retention"), 0, 36500)}


def _check(key: str, value: str) -> str:
    """The value as stored, or InvalidInput naming the setting."""
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


def editable_settings(session: Session, viewer: Viewer) -> dict[str, str]:
    """The settings an admin may change, with their current values (admins only)."""
    require_admin(viewer, N_("change settings"))
    return {key: get_setting(session, key) for key in EDITABLE}


def update_settings(session: Session, viewer: Viewer, changes: dict[str, str]) -> dict[str, str]:
    """Change settings (admins only), all or nothing, each change audited; returns what changed."""
    current = editable_settings(session, viewer)
    clean = {key: _check(key, value) for key, value in changes.items()}
    changed = {k: v for k, v in clean.items() if v != current[k]}
    for key, value in changed.items():
        row = session.get(AppSetting, key) or AppSetting(key=key)
        row.value = value
        session.add(row)
        audit.record(session, "settings_changed", actor=viewer, entity="setting",
                     detail={"key": key, "old": current[key], "new": value})
    session.commit()
    return changed
