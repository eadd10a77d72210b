"""Scores in and out as CSV, one row per score (the `import-scores` format).

Columns (case-insensitive; order free):
  required: position, candidate, panelist, criterion, score
  optional: dimension, weight, comment, recommendation, candidate_email, panelist_email,
            interview_date (YYYY-MM-DD)
An empty score means "not assessed". Rows are numbered as a spreadsheet shows them: the header is
row 1, the first score row 2. Every row is checked before anything is written; one bad row and
nothing is imported. Importing the same file again changes nothing: rows are matched to what
exists (position by title, candidate by email or name, panelist by email or name, criterion by
name) and only missing things are created.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, select

from models import (
    SCALES,
    Candidate,
    Criterion,
    Interview,
    PanelMember,
    Position,
    Role,
    Score,
    Scorecard,
    ScorecardStatus,
    ScorecardTemplate,
    User,
    UserRole,
    utcnow,
)
from services.errors import InvalidInput
from services.positions import criteria_of, current_template

REQUIRED = ["position", "candidate", "panelist", "criterion", "score"]
OPTIONAL = ["dimension", "weight", "comment", "recommendation", "candidate_email",
            "panelist_email", "interview_date"]
COLUMNS = REQUIRED + OPTIONAL
DIMENSION_NAMES = {
    "technical": "technical", "technical skills": "technical",
    "social": "social", "social qualities": "social",
    "company": "company", "company knowledge": "company",
    "knowledge of the company": "company",
}
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")
MAX_BYTES = 20 * 1024 * 1024
# Imported panelists without an email get an address that can never receive mail (RFC 2606),
# and a password hash that never verifies: an admin gives them a real login if they need one.
PLACEHOLDER_DOMAIN = "imported.invalid"
NO_LOGIN = "!imported-no-login"


def parse_scale(text: str | None) -> tuple[int, int]:
    """'1-5' -> (1, 5); one of the supported rating scales."""
    if not text:
        return (1, 5)
    m = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", text)
    scale = (int(m.group(1)), int(m.group(2))) if m else None
    if scale not in SCALES:
        allowed = ", ".join(f"{a}-{b}" for a, b in SCALES)
        raise InvalidInput(f"--scale: {text!r} is not one of {allowed}")
    return scale


@dataclass
class ImportResult:
    """What an import did."""

    rows: int = 0
    created: dict[str, int] = field(default_factory=dict)
    scores_changed: int = 0

    def summary(self) -> str:
        made = ", ".join(f"{n} {k}" for k, n in self.created.items() if n) or "nothing new"
        return (f"{self.rows} rows read; created {made}; "
                f"{self.scores_changed} scores added or changed")


def read_rows(data: bytes | str | Path) -> pd.DataFrame:
    """The file's rows as strings with normalised column names; refuses what is not CSV text."""
    if isinstance(data, Path | str) and not isinstance(data, bytes):
        path = Path(data)
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file")
        if path.stat().st_size > MAX_BYTES:
            raise InvalidInput(f"{path.name}: larger than {MAX_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"file: larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"file: not UTF-8 text (byte {exc.start} cannot be read)") from None
    if not text.strip():
        raise InvalidInput("file: empty")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidInput(f"file: not readable as CSV ({str(exc).splitlines()[0]})") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    problems = [f"column {c}: missing (required)" for c in REQUIRED if c not in frame.columns]
    problems += [f"column {c}: unknown column" for c in frame.columns if c not in COLUMNS]
    if len(set(frame.columns)) != len(frame.columns):
        problems.append("columns: a column name appears twice")
    if problems:
        raise InvalidInput(problems)
    for c in OPTIONAL:
        if c not in frame.columns:
            frame[c] = ""
    frame = frame[COLUMNS].map(lambda v: v.strip() if isinstance(v, str) else v)
    frame.index = range(2, len(frame) + 2)  # spreadsheet row numbers
    if frame.empty:
        raise InvalidInput("file: has a header but no rows")
    return frame


def _email(value: str) -> str | None:
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def _validate(session: Session, frame: pd.DataFrame, scale: tuple[int, int]) -> list[str]:
    """Every problem of every row, and across rows; empty when the file can be imported."""
    problems: list[str] = []

    def bad(row: int, column: str, message: str) -> None:
        problems.append(f"row {row}, column {column}: {message}")

    existing_scale: dict[str, tuple[int, int]] = {}
    existing_dims: dict[tuple[str, str], str] = {}
    for title in sorted(set(frame["position"]) - {""}):
        position = session.exec(select(Position).where(Position.title == title)).first()
        if position is not None:
            t = current_template(session, position.id)
            existing_scale[title] = (t.scale_min, t.scale_max)
            for c in criteria_of(session, t.id):
                existing_dims[(title, c.name.lower())] = c.dimension

    for row, r in frame.iterrows():
        for column in ("position", "candidate", "panelist", "criterion"):
            if not r[column]:
                bad(row, column, "empty")
        lo, hi = existing_scale.get(r["position"], scale)
        if r["score"]:
            if not re.fullmatch(r"-?\d+(\.0+)?", r["score"]):
                bad(row, "score", f"{r['score']!r} is not a whole number")
            elif not lo <= int(float(r["score"])) <= hi:
                bad(row, "score", f"{r['score']} is outside the scale {lo}-{hi}")
        if r["dimension"]:
            dim = DIMENSION_NAMES.get(r["dimension"].lower())
            if dim is None:
                bad(row, "dimension", f"{r['dimension']!r} is not technical, social or company")
            else:
                known = existing_dims.get((r["position"], r["criterion"].lower()))
                if known is not None and known != dim:
                    bad(row, "dimension",
                        f"criterion {r['criterion']!r} already exists with dimension {known}")
        if r["weight"]:
            try:
                w = float(r["weight"])
                if not w > 0 or w != w or w == float("inf"):
                    raise ValueError
            except ValueError:
                bad(row, "weight", f"{r['weight']!r} is not a positive number")
        if r["recommendation"] and r["recommendation"].lower() not in RECOMMENDATIONS:
            bad(row, "recommendation",
                f"{r['recommendation']!r} is not one of {', '.join(RECOMMENDATIONS)}")
        for column in ("candidate_email", "panelist_email"):
            if r[column] and _email(r[column]) is None:
                bad(row, column, f"{r[column]!r} is not a valid email address")
        if r["interview_date"]:
            try:
                date.fromisoformat(r["interview_date"])
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["interview_date"]):
                    raise ValueError
            except ValueError:
                bad(row, "interview_date", f"{r['interview_date']!r} is not a YYYY-MM-DD date")

    keys = ["position", "candidate", "panelist", "criterion", "interview_date"]
    dup = frame.duplicated(subset=keys, keep="first")
    for row in frame.index[dup]:
        first = frame.index[(frame[keys] == frame.loc[row, keys]).all(axis=1)][0]
        bad(row, "criterion", f"the same score appears already in row {first}")
    _consistent(frame, ["position", "criterion"], "dimension", bad,
                lambda v: DIMENSION_NAMES.get(v.lower(), v))
    _consistent(frame, ["position", "criterion"], "weight", bad, _float_or_text)
    _consistent(frame, ["position", "candidate", "panelist", "interview_date"],
                "recommendation", bad, str.lower)
    _consistent(frame, ["position", "candidate"], "candidate_email", bad, str.lower)
    _consistent(frame, ["panelist"], "panelist_email", bad, str.lower)
    return problems


def _float_or_text(value: str) -> object:
    try:
        return float(value)
    except ValueError:
        return value


def _consistent(frame, keys, column, bad, norm) -> None:
    """A value that belongs to a group (a criterion's weight) must not differ between rows."""
    seen: dict[tuple, tuple[object, int]] = {}
    for row, r in frame.iterrows():
        if not r[column]:
            continue
        k = tuple(r[c].lower() if c != "interview_date" else r[c] for c in keys)
        value = norm(r[column])
        if k in seen and seen[k][0] != value:
            bad(row, column, f"{r[column]!r} differs from row {seen[k][1]} for the same "
                             f"{' and '.join(keys)}")
        seen.setdefault(k, (value, row))


def import_scores(session: Session, data: bytes | str | Path, *,
                  scale: tuple[int, int] = (1, 5)) -> ImportResult:
    """Validate every row, then import all of them in one transaction (or none)."""
    frame = read_rows(data)
    problems = _validate(session, frame, scale)
    if problems:
        raise InvalidInput(problems)
    result = ImportResult(rows=len(frame), created={
        "positions": 0, "criteria": 0, "candidates": 0, "panelists": 0, "interviews": 0,
        "scorecards": 0})
    try:
        _write(session, frame, scale, result)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return result


def _write(session: Session, frame: pd.DataFrame, scale, result: ImportResult) -> None:
    now = utcnow()
    positions: dict[str, Position] = {}
    templates: dict[int, ScorecardTemplate] = {}
    criteria: dict[tuple[int, str], Criterion] = {}
    for title in dict.fromkeys(frame["position"]):
        position = session.exec(select(Position).where(Position.title == title)).first()
        if position is None:
            position = Position(title=title, currency="EUR")
            session.add(position)
            session.flush()
            session.add(ScorecardTemplate(position_id=position.id, version=1,
                                          scale_min=scale[0], scale_max=scale[1]))
            session.flush()
            result.created["positions"] += 1
        positions[title] = position
        template = current_template(session, position.id)
        templates[position.id] = template
        for c in criteria_of(session, template.id):
            criteria[(position.id, c.name.lower())] = c

    crit_rows = frame.drop_duplicates(["position", "criterion"])
    for _, r in crit_rows.iterrows():
        position = positions[r["position"]]
        k = (position.id, r["criterion"].lower())
        if k in criteria:
            continue
        template = templates[position.id]
        order = sum(1 for (pid, _n) in criteria if pid == position.id)
        # Added to the current version in place: a new criterion does not change the meaning
        # of scores already given against the others.
        c = Criterion(template_id=template.id, name=r["criterion"], position_order=order,
                      dimension=DIMENSION_NAMES.get(r["dimension"].lower(), "technical"),
                      weight=float(r["weight"]) if r["weight"] else 1.0)
        session.add(c)
        session.flush()
        criteria[k] = c
        result.created["criteria"] += 1

    users: dict[str, User] = {}
    for name, rows in frame.groupby("panelist", sort=False):
        email = next((_email(e) for e in rows["panelist_email"] if e), None)
        users[name] = _panelist(session, name, email, result)

    cards: dict[tuple[int, int], Scorecard] = {}
    for (title, cand_name, iv_date), rows in frame.groupby(
            ["position", "candidate", "interview_date"], sort=False):
        position = positions[title]
        email = next((_email(e) for e in rows["candidate_email"] if e), None)
        candidate = _candidate(session, position, cand_name, email, result)
        interview = _interview(session, candidate, iv_date, result)
        for pname, prow in rows.groupby("panelist", sort=False):
            user = users[pname]
            if session.exec(select(PanelMember.id).where(
                    PanelMember.interview_id == interview.id,
                    PanelMember.user_id == user.id)).first() is None:
                session.add(PanelMember(interview_id=interview.id, user_id=user.id,
                                        panel_role="other"))
            card = session.exec(select(Scorecard).where(
                Scorecard.interview_id == interview.id,
                Scorecard.panelist_id == user.id)).first()
            if card is None:
                card = Scorecard(interview_id=interview.id, panelist_id=user.id,
                                 template_id=templates[position.id].id)
                session.add(card)
                session.flush()
                result.created["scorecards"] += 1
            rec = next((v.lower() for v in prow["recommendation"] if v), None)
            if rec and card.recommendation != rec:
                card.recommendation = rec
            if card.status != ScorecardStatus.submitted:
                card.status = ScorecardStatus.submitted
                card.submitted_at = now
            session.add(card)
            cards[(interview.id, user.id)] = card
            for _, r in prow.iterrows():
                crit = criteria[(position.id, r["criterion"].lower())]
                value = int(float(r["score"])) if r["score"] else None
                score = session.exec(select(Score).where(
                    Score.scorecard_id == card.id, Score.criterion_id == crit.id)).first()
                new = (value, value is None, r["comment"])
                if score is not None and (score.value, score.not_assessed, score.evidence) == new:
                    continue
                score = score or Score(scorecard_id=card.id, criterion_id=crit.id)
                score.value, score.not_assessed, score.evidence = new
                session.add(score)
                result.scores_changed += 1


def _panelist(session: Session, name: str, email: str | None, result: ImportResult) -> User:
    if email:
        user = session.exec(select(User).where(User.email == email)).first()
    else:
        matches = session.exec(select(User).where(User.name == name)).all()
        user = matches[0] if matches else None
    if user is None:
        slug = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".") or "panelist"
        address = email or f"{slug}@{PLACEHOLDER_DOMAIN}"
        n = 1
        while session.exec(select(User.id).where(User.email == address)).first() is not None:
            n += 1
            address = f"{slug}.{n}@{PLACEHOLDER_DOMAIN}"
        user = User(name=name, email=address, password_hash=NO_LOGIN)
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role=Role.panelist))
        result.created["panelists"] += 1
    return user


def _candidate(session: Session, position: Position, name: str, email: str | None,
               result: ImportResult) -> Candidate:
    query = select(Candidate).where(Candidate.position_id == position.id)
    query = query.where(Candidate.email == email) if email else query.where(
        Candidate.name == name)
    candidate = session.exec(query).first()
    if candidate is None:
        candidate = Candidate(name=name, email=email, position_id=position.id)
        session.add(candidate)
        session.flush()
        result.created["candidates"] += 1
    return candidate


def _interview(session: Session, candidate: Candidate, iv_date: str,
               result: ImportResult) -> Interview:
    interviews = session.exec(select(Interview).where(Interview.candidate_id == candidate.id)
                              .order_by(Interview.scheduled_at, Interview.id)).all()
    if iv_date:
        day = date.fromisoformat(iv_date)
        match = [i for i in interviews if i.scheduled_at.astimezone(UTC).date() == day]
    else:
        match = list(interviews)
    if match:
        return match[0]
    when = (datetime.combine(date.fromisoformat(iv_date), datetime.min.time(), tzinfo=UTC)
            if iv_date else utcnow())
    interview = Interview(candidate_id=candidate.id, scheduled_at=when, setting="other")
    session.add(interview)
    session.flush()
    result.created["interviews"] += 1
    return interview


def export_scores(session: Session, position_id: int) -> pd.DataFrame:
    """All submitted scores of a position in the import-scores format (it imports unchanged)."""
    rows = session.exec(
        select(Position.title, Candidate.name, User.name, Criterion.name, Score.value,
               Criterion.dimension, Criterion.weight, Score.evidence, Scorecard.recommendation,
               Candidate.email, User.email, Interview.scheduled_at, Criterion.position_order)
        .join(Candidate, Candidate.position_id == Position.id)
        .join(Interview, Interview.candidate_id == Candidate.id)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .join(User, User.id == Scorecard.panelist_id)
        .join(Score, Score.scorecard_id == Scorecard.id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Position.id == position_id, Scorecard.status == ScorecardStatus.submitted)
        .order_by(Candidate.name, Interview.scheduled_at, User.name, Criterion.position_order)
    ).all()
    out = pd.DataFrame([tuple(r) for r in rows], columns=[
        "position", "candidate", "panelist", "criterion", "score", "dimension", "weight",
        "comment", "recommendation", "candidate_email", "panelist_email", "interview_date",
        "_order"]).drop(columns="_order")
    out["score"] = out["score"].map(lambda v: "" if v is None or pd.isna(v) else str(int(v)))
    out["weight"] = out["weight"].map(lambda w: f"{float(w):g}")
    out["interview_date"] = out["interview_date"].map(
        lambda d: d.astimezone(UTC).date().isoformat() if d is not None else "")
    out["panelist_email"] = out["panelist_email"].map(
        lambda e: "" if str(e).endswith("@" + PLACEHOLDER_DOMAIN) else e)
    return out.fillna("")[COLUMNS]
