"""Candidates: who is applying for which position."""

from datetime import timedelta

from sqlmodel import Session, select

from models import Candidate, CandidateCreate, Position, utcnow
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
        return _just_added(session, data) or Candidate.model_validate(data)

    return insert_serialised(session, build)


# The same candidate added again this soon is the same save again: a double-clicked "Save
# candidate" whose second click a busy server took for a new form (seen under load in the
# browser tests), or a form sent twice. With an e-mail the e-mail rule refuses the second;
# without one, the first is returned instead of a second, identical row. (Two different people
# of the same name, without e-mail, for the same position, added within these seconds: the
# second needs a distinguishing detail, an e-mail or a note.)
SAME_SAVE = timedelta(seconds=30)


def _just_added(session: Session, data: CandidateCreate) -> Candidate | None:
    if data.email is not None:
        return None
    fields = data.model_dump()
    recent = session.exec(select(Candidate).where(
        Candidate.position_id == data.position_id, Candidate.name == data.name,
        Candidate.email.is_(None), Candidate.created_at >= utcnow() - SAME_SAVE)).all()
    return next((c for c in recent if all(getattr(c, k) == v for k, v in fields.items())),
                None)


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
