"""A panelist's scorecard: the interview kit, draft saving field by field, and submission."""

from dataclasses import dataclass, field, replace

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select, update

from models import (
    Candidate,
    Criterion,
    Interview,
    Position,
    Score,
    Scorecard,
    ScorecardStatus,
    ScorecardTemplate,
    ScorecardUpdate,
    ScoreInput,
    SeatStatus,
    label,
    utcnow,
)
from services import audit
from services.access import may_see_panel, require_own_card, require_seat
from services.auth import Viewer
from services.errors import Conflict, InvalidInput, validated
from services.i18n import _
from services.interviews import panel_of
from services.positions import criteria_of, current_template


@dataclass
class Kit:
    """Everything a panelist needs on the scorecard screen (their own data only)."""

    scorecard: Scorecard
    interview: Interview
    candidate: Candidate
    position: Position
    template: ScorecardTemplate
    criteria: list[Criterion]
    scores: dict[int, Score] = field(default_factory=dict)
    panel: list[tuple[str, str]] = field(default_factory=list)

    @property
    def submitted(self) -> bool:
        return self.scorecard.status == ScorecardStatus.submitted


def find_scorecard(session: Session, viewer: Viewer, interview_id: int) -> Scorecard | None:
    """The viewer's own scorecard for an interview, if one was started."""
    return session.exec(
        select(Scorecard).where(
            Scorecard.interview_id == interview_id, Scorecard.panelist_id == viewer.id
        )
    ).first()


def _seat(session: Session, viewer: Viewer, interview_id: int) -> tuple[Interview, Candidate]:
    """The interview and its candidate, once the viewer is known to sit on its panel."""
    interview = require_seat(session, viewer, interview_id)
    return interview, session.get(Candidate, interview.candidate_id)


def scorecard_kit(session: Session, viewer: Viewer, interview_id: int) -> Kit:
    """What the scorecard screen shows the seated viewer; writes nothing.

    Before the panelist's first saved answer there is no card: the kit then holds an unsaved
    one (id None) on the position's current template, and the seat stays "not started".
    """
    interview, candidate = _seat(session, viewer, interview_id)
    card = find_scorecard(session, viewer, interview_id)
    if card is None:
        card = Scorecard(interview_id=interview_id, panelist_id=viewer.id,
                         template_id=current_template(session, candidate.position_id).id)
    return _kit(session, card, interview, candidate)


def ensure_scorecard(session: Session, viewer: Viewer, interview_id: int) -> Scorecard:
    """The viewer's card for the interview, created now if there is none.

    Race-free: two tabs or a double click saving a first answer at once meet the unique
    (interview, panelist) constraint; the loser reads the winner's card.
    """
    card = find_scorecard(session, viewer, interview_id)
    if card is not None:
        return card
    _interview, candidate = _seat(session, viewer, interview_id)
    template_id = current_template(session, candidate.position_id).id
    # End the reading transaction first: on SQLite a write after a stale read fails with
    # "database is locked" instead of waiting, and the INSERT below then starts a fresh one.
    session.commit()
    try:
        card = Scorecard(interview_id=interview_id, panelist_id=viewer.id,
                         template_id=template_id)
        session.add(card)
        session.flush()
        audit.record(session, "scorecard_created", actor=viewer, entity="scorecard",
                     entity_id=card.id, candidate_id=candidate.id)
        session.commit()
    except IntegrityError:
        session.rollback()
        card = find_scorecard(session, viewer, interview_id)
        if card is None:
            raise
        return card
    session.refresh(card)
    return card


def open_scorecard(session: Session, viewer: Viewer, interview_id: int) -> Kit:
    """The viewer's scorecard for an interview, created as a draft if missing (scripts and
    tests; the scorecard page uses scorecard_kit and creates the card on the first answer)."""
    interview, candidate = _seat(session, viewer, interview_id)
    card = ensure_scorecard(session, viewer, interview_id)
    return _kit(session, card, interview, candidate)


def saved_answers(session: Session, viewer: Viewer, kit: Kit) -> Kit:
    """`kit` with the viewer's own card and scores as saved now: what the scorecard's status bar
    is redrawn from after each answer (the rest of a kit stays while the card is open)."""
    card = find_scorecard(session, viewer, kit.interview.id)
    return kit if card is None else replace(kit, scorecard=card, scores=_scores_of(session, card))


def _scores_of(session: Session, card: Scorecard) -> dict[int, Score]:
    """A card's scores by criterion id (none for a card not created yet)."""
    scores = [] if card.id is None else \
        session.exec(select(Score).where(Score.scorecard_id == card.id)).all()
    return {s.criterion_id: s for s in scores}


def _kit(session: Session, card: Scorecard, interview: Interview, candidate: Candidate) -> Kit:
    template = session.get(ScorecardTemplate, card.template_id)
    return Kit(
        scorecard=card,
        interview=interview,
        candidate=candidate,
        position=session.get(Position, candidate.position_id),
        template=template,
        criteria=criteria_of(session, template.id),
        scores=_scores_of(session, card),
        panel=[(u.name, m.panel_role) for m, u in panel_of(session, interview.id)],
    )


def _own_draft(session: Session, viewer: Viewer, scorecard_id: int,
               amend: bool = False) -> Scorecard:
    """The viewer's own card; a submitted one only when they chose to amend it."""
    card = require_own_card(session, viewer, scorecard_id)
    if card.status == ScorecardStatus.submitted and not amend:
        raise InvalidInput(_("This scorecard is already submitted and can no longer be edited."))
    return card


def _candidate_of(session: Session, card: Scorecard) -> int:
    return session.get(Interview, card.interview_id).candidate_id


def _audit_change(session: Session, viewer: Viewer, card: Scorecard, what: dict,
                  before: dict, after: dict) -> None:
    """A draft save names what was saved; a change after submission keeps old and new values.

    A changed submitted card must still be complete: otherwise nothing is changed.
    """
    submitted = card.status == ScorecardStatus.submitted
    if submitted:
        if before == after:
            return
        session.flush()
        interview = session.get(Interview, card.interview_id)
        problems = missing_items(_kit(session, card, interview,
                                      session.get(Candidate, interview.candidate_id)))
        if problems:
            session.rollback()
            raise InvalidInput(problems)
        detail = {**what, "old": before, "new": after}
    else:
        detail = {**what}
    audit.record(session, "scorecard_amended" if submitted else "scorecard_saved",
                 actor=viewer, entity="scorecard", entity_id=card.id,
                 candidate_id=_candidate_of(session, card), detail=detail)


def _bump(session: Session, card: Scorecard, expected_version: int | None) -> None:
    """Advance the card's version, refusing when another session saved since it was loaded."""
    version = card.version if expected_version is None else expected_version
    result = session.execute(
        update(Scorecard)
        .where(Scorecard.id == card.id, Scorecard.version == version)
        .values(version=version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:
        session.rollback()
        raise Conflict(_(
            "This scorecard was changed in another window or device since you opened it; "
            "nothing was overwritten. Load the latest version to see it."
        ))


def save_fields(
    session: Session, viewer: Viewer, scorecard_id: int, changes: dict,
    expected_version: int | None = None, *, amend: bool = False,
) -> int:
    """Save some of the scorecard's own fields; returns the new version.

    With `amend`, the panelist changes their submitted card: it stays submitted, and the change
    is audited with old and new values.
    """
    card = _own_draft(session, viewer, scorecard_id, amend)
    clean = validated(ScorecardUpdate, changes).model_dump(include=set(changes))
    before = {k: getattr(card, k) for k in clean}
    _bump(session, card, expected_version)
    session.execute(update(Scorecard).where(Scorecard.id == card.id).values(**clean))
    session.refresh(card)
    _audit_change(session, viewer, card, {"fields": sorted(clean)}, before,
                  {k: getattr(card, k) for k in clean})
    session.commit()
    session.refresh(card)
    return card.version


def check_score(item: ScoreInput, criterion: Criterion, template: ScorecardTemplate) -> None:
    """Refuse a score outside the template's scale or both scored and 'not assessed'."""
    if item.not_assessed and item.value is not None:
        raise InvalidInput(_("{criterion}: a score cannot be both given and not assessed")
                           .format(criterion=criterion.name))
    if item.value is not None and not template.scale_min <= item.value <= template.scale_max:
        raise InvalidInput(
            _("{criterion}: score {value} is outside the scale {low} to {high}").format(
                criterion=criterion.name, value=item.value, low=template.scale_min,
                high=template.scale_max))


def save_score(
    session: Session, viewer: Viewer, scorecard_id: int, item: ScoreInput | dict,
    expected_version: int | None = None, *, amend: bool = False,
) -> int:
    """Save one criterion's score, 'not assessed' flag and evidence; returns the new version.

    With `amend`, as for save_fields: a submitted card changed, audited with old and new values.
    """
    card = _own_draft(session, viewer, scorecard_id, amend)
    item = validated(ScoreInput, item)
    criterion = session.get(Criterion, item.criterion_id)
    if criterion is None or criterion.template_id != card.template_id:
        raise InvalidInput(_("Criterion: not part of this scorecard"))
    check_score(item, criterion, session.get(ScorecardTemplate, card.template_id))
    _bump(session, card, expected_version)
    score = session.exec(
        select(Score).where(Score.scorecard_id == card.id,
                            Score.criterion_id == item.criterion_id)
    ).first() or Score(scorecard_id=card.id, criterion_id=item.criterion_id)
    fields = ("value", "not_assessed", "evidence")
    before = {f: getattr(score, f) for f in fields}
    score.value, score.not_assessed, score.evidence = item.value, item.not_assessed, item.evidence
    session.add(score)
    _audit_change(session, viewer, card,
                  {"criterion_id": criterion.id, "criterion": criterion.name}, before,
                  {f: getattr(score, f) for f in fields})
    session.commit()
    session.refresh(card)
    return card.version


def missing_items(kit: Kit) -> list[str]:
    """What still stops submission, one plain sentence each; empty when complete."""
    problems = []
    lo, hi = kit.template.scale_min, kit.template.scale_max
    assessed = 0
    for c in kit.criteria:
        s = kit.scores.get(c.id)
        if s is None or (s.value is None and not s.not_assessed):
            problems.append(_("{criterion}: give a score or mark it not assessed")
                            .format(criterion=c.name))
            continue
        if s.value is not None:
            assessed += 1
            if s.value in (lo, hi) and not (s.evidence or "").strip():
                problems.append(
                    _("{criterion}: a score of {value} is at the end of the scale, "
                      "so it needs an evidence note").format(criterion=c.name, value=s.value))
    if kit.criteria and assessed == 0 and not problems:
        problems.append(_("Score at least one criterion; all are marked not assessed"))
    if not kit.scorecard.recommendation:
        problems.append(_("Overall recommendation: choose one"))
    return problems


def submit(session: Session, viewer: Viewer, scorecard_id: int,
           expected_version: int | None = None) -> Scorecard:
    """Submit the viewer's complete draft; refuses with the list of what is missing."""
    card = _own_draft(session, viewer, scorecard_id)
    interview = session.get(Interview, card.interview_id)
    kit = _kit(session, card, interview, session.get(Candidate, interview.candidate_id))
    problems = missing_items(kit)
    if problems:
        raise InvalidInput(problems)
    _bump(session, card, expected_version)
    session.execute(
        update(Scorecard).where(Scorecard.id == card.id)
        .values(status=ScorecardStatus.submitted, submitted_at=utcnow())
    )
    audit.record(session, "scorecard_submitted", actor=viewer, entity="scorecard",
                 entity_id=card.id, candidate_id=interview.candidate_id,
                 detail={"recommendation": card.recommendation})
    session.commit()
    session.refresh(card)
    return card


def describe_status(status: str | None) -> str:
    """A word for a scorecard status, including one not started yet."""
    return _("Not started") if status in (None, SeatStatus.not_started) else label(status)


def amendments(session: Session, viewer: Viewer,
               candidate_id: int) -> dict[int, tuple[str, object]]:
    """Per panelist, who last changed their submitted card and when, for a viewer who may see
    the candidate's panel (else nothing)."""
    if not may_see_panel(session, viewer, candidate_id):
        return {}
    out: dict[int, tuple[str, object]] = {}
    for row in audit.events_for_candidate(session, candidate_id, ("scorecard_amended",)):
        card = session.get(Scorecard, row.entity_id)
        if card is not None:
            out[card.panelist_id] = (row.actor, row.at)
    return out


def save_and_submit(
    session: Session, viewer: Viewer, interview_id: int, fields: dict,
    scores: list[ScoreInput | dict], expected_version: int | None = None,
) -> Scorecard:
    """Write the viewer's whole scorecard (fields, every score, submitted) in one transaction,
    or nothing."""
    try:
        # Everything is read and checked first, so the transaction that writes is short: on
        # SQLite other writers wait for it.
        with session.no_autoflush:
            interview, candidate = _seat(session, viewer, interview_id)
            card = find_scorecard(session, viewer, interview_id)
            if card is not None:
                card = _own_draft(session, viewer, card.id)
            template_id = card.template_id if card else \
                current_template(session, candidate.position_id).id
            template = session.get(ScorecardTemplate, template_id)
            criteria = criteria_of(session, template_id)
            by_id = {c.id: c for c in criteria}
            clean = validated(ScorecardUpdate, fields).model_dump(include=set(fields))
            items = [validated(ScoreInput, raw) for raw in scores]
            for item in items:
                if item.criterion_id not in by_id:
                    raise InvalidInput(_("Criterion: not part of this scorecard"))
                check_score(item, by_id[item.criterion_id], template)
            stored = {} if card is None else {
                x.criterion_id: x
                for x in session.exec(select(Score).where(Score.scorecard_id == card.id))}
            preview = Scorecard.model_validate(
                {**(card.model_dump() if card else {}), **clean,
                 "interview_id": interview_id, "panelist_id": viewer.id,
                 "template_id": template_id})
            merged = {**stored, **{i.criterion_id: Score(
                criterion_id=i.criterion_id, value=i.value, not_assessed=i.not_assessed,
                evidence=i.evidence) for i in items}}  # as it will be, not added to the session
            problems = missing_items(Kit(
                scorecard=preview, interview=interview, candidate=candidate,
                position=session.get(Position, candidate.position_id), template=template,
                criteria=criteria, scores=merged))
            if problems:
                raise InvalidInput(problems)

        if card is None:
            card = Scorecard(interview_id=interview_id, panelist_id=viewer.id,
                             template_id=template_id)
            session.add(card)
            try:
                session.flush()
            except IntegrityError as exc:  # the same panelist submitting twice at one moment
                raise Conflict(_("This scorecard was just created in another window or "
                                 "device; nothing was overwritten. Load the latest version to "
                                 "see it.")) from exc
            audit.record(session, "scorecard_created", actor=viewer, entity="scorecard",
                         entity_id=card.id, candidate_id=candidate.id)
        else:
            _bump(session, card, expected_version)
        for name, value in clean.items():
            setattr(card, name, value)
        session.flush()
        for item in items:
            score = stored.get(item.criterion_id) or Score(scorecard_id=card.id,
                                                          criterion_id=item.criterion_id)
            score.value, score.not_assessed = item.value, item.not_assessed
            score.evidence = item.evidence
            session.add(score)
            session.flush()  # row by row, so a failure can come after some rows were written
        card.status, card.submitted_at = ScorecardStatus.submitted, utcnow()
        card.updated_at = card.submitted_at
        audit.record(session, "scorecard_submitted", actor=viewer, entity="scorecard",
                     entity_id=card.id, candidate_id=candidate.id,
                     detail={"recommendation": card.recommendation})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(card)
    return card
