"""Candidates: who is applying for which position."""

from sqlmodel import Session, select

from models import Candidate, CandidateCreate, Position
from services.access import is_recruiter
from services.auth import Viewer
from services.db import insert_serialised
from services.errors import InvalidInput, NotAllowed, NotFound, validated
from services.i18n import _


def _require_recruiter(viewer: Viewer) -> None:
    if not is_recruiter(viewer):
        raise NotAllowed(_("Only recruiters and admins can change candidates."))


def _check(session: Session, data: CandidateCreate, candidate_id: int | None) -> None:
    if session.get(Position, data.position_id) is None:
        raise InvalidInput(_("Position: does not exist"))
    if data.email is None:
        return
    clash = session.exec(
        select(Candidate.id).where(
            Candidate.position_id == data.position_id, Candidate.email == data.email
        )
    ).first()
    if clash is not None and clash != candidate_id:
        raise InvalidInput(_("Email: {email} is already a candidate for this position").format(
            email=data.email))


def create_candidate(session: Session, viewer: Viewer, data: CandidateCreate | dict) -> Candidate:
    """Add a candidate to a position."""
    _require_recruiter(viewer)
    data = validated(CandidateCreate, data)

    def build() -> Candidate:
        # Checked inside the lock: of two sessions adding the same email, the second finds the
        # first's row here and gets the message, not a unique-key error.
        _check(session, data, None)
        return Candidate.model_validate(data)

    return insert_serialised(session, build)


def update_candidate(
    session: Session, viewer: Viewer, candidate_id: int, data: CandidateCreate | dict
) -> Candidate:
    """Edit a candidate."""
    _require_recruiter(viewer)
    data = validated(CandidateCreate, data)
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    _check(session, data, candidate_id)
    for key, value in data.model_dump().items():
        setattr(candidate, key, value)
    session.add(candidate)
    session.commit()
    session.refresh(candidate)
    return candidate


def list_candidates(
    session: Session, viewer: Viewer, position_id: int | None = None
) -> list[Candidate]:
    """Candidates the recruiter works with, optionally for one position."""
    _require_recruiter(viewer)
    query = select(Candidate).order_by(Candidate.name)
    if position_id is not None:
        query = query.where(Candidate.position_id == position_id)
    return list(session.exec(query).all())
