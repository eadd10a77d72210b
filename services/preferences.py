"""A person's own preferences: the interface language and the time zone dates are shown in.

Anyone logged in sets their own (no role needed, nobody else's). None means "not chosen": the
language then follows the browser, then the organisation default; the time zone the
organisation's (services.i18n). The app reads them again on its next run, so a change applies
without logging out.
"""

from zoneinfo import available_timezones

from sqlmodel import Session

from models import User
from services import audit, i18n
from services.auth import Viewer
from services.errors import InvalidInput, NotFound
from services.i18n import _
from services.settings import get_setting

# Offered first, before every other IANA name: the zones of the people this app serves.
COMMON_TIME_ZONES = ("America/Toronto", "America/Montreal", "America/Vancouver",
                     "America/Edmonton", "America/Winnipeg", "America/Halifax",
                     "America/St_Johns", "America/New_York", "Europe/Paris", "Europe/London",
                     "Europe/Brussels", "Europe/Zurich", "Africa/Casablanca", "UTC")


def time_zone_choices() -> list[str]:
    """Every time zone this machine knows, the common ones first, then the rest A to Z."""
    known = available_timezones()
    first = [z for z in COMMON_TIME_ZONES if z in known or z == "UTC"]
    return first + sorted(known - set(first) - {"localtime", "Factory"})


def _clean_language(value: str | None) -> str | None:
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    if i18n.normalise(value) != value:
        raise InvalidInput(_("Language: must be one of {choices}").format(
            choices=", ".join(i18n.LANGUAGES)))
    return value


def _clean_time_zone(value: str | None) -> str | None:
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    if not i18n.valid_time_zone(value):
        raise InvalidInput(_("Time zone: {name} is not a known time zone such as Europe/Paris "
                             "or America/Toronto").format(name=repr(value)))
    return value


def set_preferences(session: Session, viewer: Viewer, language: str | None,
                    time_zone: str | None) -> dict:
    """Store the viewer's own language and time zone (None: follow the defaults), audited;
    returns what changed as {field: {"old": ..., "new": ...}} (empty: nothing)."""
    clean = {"language": _clean_language(language), "time_zone": _clean_time_zone(time_zone)}
    user = session.get(User, viewer.id)
    if user is None:
        raise NotFound(_("No such user."))
    changes = {key: {"old": getattr(user, key), "new": value}
               for key, value in clean.items() if getattr(user, key) != value}
    if not changes:
        return {}
    for key, value in clean.items():
        setattr(user, key, value)
    session.add(user)
    audit.record(session, "user_changed", actor=viewer, entity="user", entity_id=user.id,
                 detail={"preferences": changes})
    session.commit()
    return changes


def reader_language(session: Session, viewer: Viewer,
                    language: str | None = None) -> tuple[str, str | None]:
    """(language, time zone) a file (an export, the PDF pack) is written in for its reader: the
    language asked for, else the viewer's chosen one, else the organisation default."""
    lang = (i18n.normalise(language) or i18n.normalise(viewer.language)
            or i18n.normalise(get_setting(session, "language"))
            or i18n.DEFAULT_LANGUAGE)
    return lang, viewer.time_zone or get_setting(session, "time_zone")
