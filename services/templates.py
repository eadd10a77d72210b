"""Scorecard templates: the default template in each language, copying one position's criteria
to another, and the version history.

The default template of each language lives in services.default_criteria and is chosen by the
position's language: `default_criteria(position.language)`.

Editing goes through services.positions.update_position, which starts a new template version once
scorecards exist, so a copy into a position that has been scored never rewrites history either.
"""

from sqlmodel import Session, func, select

from models import Position, Scorecard, ScorecardTemplate
from services.access import is_recruiter
from services.auth import Viewer
from services.default_criteria import DEFAULT_CRITERIA, default_criteria  # noqa: F401 (re-export)
from services.errors import InvalidInput, NotAllowed, NotFound
from services.i18n import _
from services.positions import (
    criteria_of,
    current_template,
    position_form_data,
    update_position,
)


def template_criteria(session: Session, position_id: int) -> dict:
    """The current scale and criteria of a position, shaped for PositionCreate."""
    data = position_form_data(session, position_id)
    return {"scale_min": data["scale_min"], "scale_max": data["scale_max"],
            "criteria": data["criteria"]}


def copy_template(session: Session, viewer: Viewer, source_id: int, target_id: int) -> Position:
    """Give the target position the source position's current criteria and rating scale."""
    if not is_recruiter(viewer):
        raise NotAllowed(_("Only recruiters and admins can change positions."))
    if source_id == target_id:
        raise InvalidInput(_("Copy from: choose another position than the one being edited"))
    if session.get(Position, source_id) is None:
        raise NotFound(_("No such position to copy from."))
    data = position_form_data(session, target_id)
    data.pop("template_version", None)
    data.update(template_criteria(session, source_id))
    return update_position(session, viewer, target_id, data)


def template_history(session: Session, position_id: int) -> list[dict]:
    """Every template version of a position with its criteria and how many scorecards use it."""
    templates = session.exec(
        select(ScorecardTemplate).where(ScorecardTemplate.position_id == position_id)
        .order_by(ScorecardTemplate.version)
    ).all()
    used = dict(session.exec(
        select(Scorecard.template_id, func.count(Scorecard.id))
        .where(Scorecard.template_id.in_([t.id for t in templates]))
        .group_by(Scorecard.template_id)
    ).all())
    return [{"version": t.version, "template_id": t.id, "scale": (t.scale_min, t.scale_max),
             "criteria": [c.name for c in criteria_of(session, t.id)],
             "scorecards": int(used.get(t.id, 0)), "created_at": t.created_at}
            for t in templates]


def current_version(session: Session, position_id: int) -> int:
    """The version number of the position's current template."""
    return current_template(session, position_id).version
