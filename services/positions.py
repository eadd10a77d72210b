"""Positions and their versioned scorecard templates."""

from sqlmodel import Session, func, select

from models import (
    Criterion,
    CriterionCreate,
    Position,
    PositionAccess,
    PositionCreate,
    Role,
    Scorecard,
    ScorecardTemplate,
    UserRole,
)
from services import audit
from services.access import is_recruiter, listed_positions_clause, managed_positions_clause
from services.auth import Viewer
from services.db import insert_serialised
from services.default_criteria import DEFAULT_CRITERIA, default_criteria  # noqa: F401 (re-export)
from services.errors import InvalidInput, NotAllowed, NotFound, validated
from services.i18n import _, normalise
from services.settings import get_setting


def _require_recruiter(viewer: Viewer) -> None:
    if not is_recruiter(viewer):
        raise NotAllowed(_("Only recruiters and admins can change positions."))


def visible_positions(session: Session, viewer: Viewer) -> list[Position]:
    """Positions the viewer may work with: all for admin and recruiter, managed ones otherwise."""
    query = select(Position).where(listed_positions_clause(viewer)).order_by(Position.title)
    return list(session.exec(query).all())


def dashboard_positions(session: Session, viewer: Viewer) -> list[Position]:
    """Positions whose dashboard the viewer may open (services.access.manages_position)."""
    query = select(Position).where(managed_positions_clause(viewer)).order_by(Position.title)
    return list(session.exec(query).all())


def granted_users(session: Session, viewer: Viewer, position_id: int) -> list[int]:
    """Users given this position's dashboard besides its hiring manager (admin, recruiter)."""
    _require_recruiter(viewer)
    return list(session.exec(select(PositionAccess.user_id)
                             .where(PositionAccess.position_id == position_id)).all())


def set_position_access(session: Session, viewer: Viewer, position_id: int,
                        user_ids: list[int]) -> None:
    """Give exactly these hiring managers the position's dashboard (admin, recruiter); audited."""
    _require_recruiter(viewer)
    if session.get(Position, position_id) is None:
        raise NotFound(_("No such position."))
    wanted = set(user_ids)
    managers = set(session.exec(select(UserRole.user_id).where(
        UserRole.role == Role.hiring_manager, UserRole.user_id.in_(sorted(wanted)))).all())
    if wanted - managers:
        raise InvalidInput(_("Dashboard access: only hiring managers can be given a dashboard"))
    rows = session.exec(select(PositionAccess)
                        .where(PositionAccess.position_id == position_id)).all()
    have = {r.user_id: r for r in rows}
    for user_id in sorted(set(have) - wanted):
        session.delete(have[user_id])
        audit.record(session, "access_revoked", actor=viewer, entity="position",
                     entity_id=position_id, detail={"user_id": user_id})
    for user_id in sorted(wanted - set(have)):
        session.add(PositionAccess(position_id=position_id, user_id=user_id))
        audit.record(session, "access_granted", actor=viewer, entity="position",
                     entity_id=position_id, detail={"user_id": user_id})
    session.commit()


def current_template(session: Session, position_id: int) -> ScorecardTemplate:
    """The newest template version of a position."""
    template = session.exec(
        select(ScorecardTemplate)
        .where(ScorecardTemplate.position_id == position_id)
        .order_by(ScorecardTemplate.version.desc())
    ).first()
    if template is None:
        raise NotFound(_("This position has no scorecard template."))
    return template


def criteria_of(session: Session, template_id: int) -> list[Criterion]:
    """A template's criteria in their display order."""
    return list(
        session.exec(
            select(Criterion)
            .where(Criterion.template_id == template_id)
            .order_by(Criterion.position_order, Criterion.id)
        ).all()
    )


def _add_template(
    session: Session, position_id: int, version: int, scale: tuple[int, int],
    criteria: list[CriterionCreate],
) -> ScorecardTemplate:
    template = ScorecardTemplate(
        position_id=position_id, version=version, scale_min=scale[0], scale_max=scale[1]
    )
    session.add(template)
    session.flush()
    for order, c in enumerate(criteria):
        session.add(Criterion.model_validate(c, update={"template_id": template.id,
                                                        "position_order": order}))
    return template


def default_language(session: Session) -> str:
    """The language a new position's scorecard is in unless chosen: the organisation's."""
    return normalise(get_setting(session, "language")) or "en"


def default_template(language: str) -> list[dict]:
    """The starting criteria of a new position whose scorecard is in `language`."""
    return default_criteria(language)


def create_position(session: Session, viewer: Viewer, data: PositionCreate | dict) -> Position:
    """Create a position with its first template, all or nothing.

    A dict without "language" takes the organisation's; one without "criteria" (or None) starts
    from the default template in the position's language.
    """
    _require_recruiter(viewer)
    if isinstance(data, dict):
        data = dict(data)
        if data.get("language") is None:
            data["language"] = default_language(session)
        if data.get("criteria") is None:
            data["criteria"] = default_template(normalise(data["language"]) or "en")
    data = validated(PositionCreate, data)

    def build() -> Position:
        if session.exec(select(Position).where(Position.title == data.title)).first():
            raise InvalidInput(_("Title: a position called '{title}' already exists").format(
                title=data.title))
        return Position.model_validate(data.model_dump(exclude={"criteria", "scale_min",
                                                                "scale_max"}))

    return insert_serialised(session, build, lambda position: _add_template(
        session, position.id, 1, (data.scale_min, data.scale_max), data.criteria))


def update_position(
    session: Session, viewer: Viewer, position_id: int, data: PositionCreate | dict
) -> Position:
    """Edit a position; changed criteria or scale become a new template version once scored.

    Scores keep pointing at the version they were given against, so history is never rewritten.
    """
    _require_recruiter(viewer)
    data = validated(PositionCreate, data)
    position = session.get(Position, position_id)
    if position is None:
        raise NotFound(_("No such position."))
    clash = session.exec(
        select(Position).where(Position.title == data.title, Position.id != position_id)
    ).first()
    if clash:
        raise InvalidInput(_("Title: a position called '{title}' already exists").format(
            title=data.title))
    for key, value in data.model_dump(exclude={"criteria", "scale_min", "scale_max"}).items():
        setattr(position, key, value)
    session.add(position)

    template = current_template(session, position_id)
    old = [_criterion_key(c) for c in criteria_of(session, template.id)]
    new = [_criterion_key(c) for c in data.criteria]
    same_scale = (template.scale_min, template.scale_max) == (data.scale_min, data.scale_max)
    if old != new or not same_scale:
        used = session.exec(
            select(func.count(Scorecard.id)).where(Scorecard.template_id == template.id)
        ).one()
        if used and not same_scale:
            raise InvalidInput(_(
                "Rating scale: cannot change once scorecards exist for this position; "
                "scores on different scales would not compare"))
        if used:
            _add_template(session, position_id, template.version + 1,
                          (data.scale_min, data.scale_max), data.criteria)
        else:
            for c in criteria_of(session, template.id):
                session.delete(c)
            session.flush()
            template.scale_min, template.scale_max = data.scale_min, data.scale_max
            session.add(template)
            for order, c in enumerate(data.criteria):
                session.add(Criterion.model_validate(
                    c, update={"template_id": template.id, "position_order": order}))
    session.commit()
    session.refresh(position)
    return position


def _criterion_key(c) -> tuple:
    return (c.name, str(c.dimension), float(c.weight), c.description, c.anchor_low,
            c.anchor_mid, c.anchor_high)


def position_form_data(session: Session, position_id: int) -> dict:
    """A position with its current criteria as a dict shaped like PositionCreate."""
    position = session.get(Position, position_id)
    if position is None:
        raise NotFound(_("No such position."))
    template = current_template(session, position_id)
    data = position.model_dump(exclude={"id", "created_at"})
    data["scale_min"], data["scale_max"] = template.scale_min, template.scale_max
    data["criteria"] = [
        c.model_dump(include=set(CriterionCreate.model_fields)) for c in
        criteria_of(session, template.id)
    ]
    data["template_version"] = template.version
    return data
