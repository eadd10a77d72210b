"""services.candidates: adding a candidate."""

from datetime import timedelta

from models import Candidate
from services import candidates as service
from tests.conftest import count


def test_the_same_candidate_saved_again_within_seconds_is_the_first_one(session, make):
    """A double-clicked "Save candidate" that reaches the server as two new forms adds one
    candidate (services.candidates.SAME_SAVE); a real second person differs in a detail, and the
    same details later are a new candidate."""
    position = make.position()
    data = {"name": "Ingrid Solberg", "email": "", "position_id": position.id,
            "salary_expectation": None, "first_interview_notes": "", "revisit_questions": ""}
    first = service.create_candidate(session, make.admin, data)
    again = service.create_candidate(session, make.admin, dict(data))
    assert again.id == first.id and count(session, Candidate) == 1
    other = service.create_candidate(session, make.admin, {**data, "first_interview_notes": "B"})
    assert other.id != first.id
    first.created_at = first.created_at - service.SAME_SAVE - timedelta(seconds=1)
    session.add(first)
    session.commit()
    later = service.create_candidate(session, make.admin, dict(data))
    assert later.id not in (first.id, other.id) and count(session, Candidate) == 3
