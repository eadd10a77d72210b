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

import functools
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from email_validator import EmailNotValidError, validate_email
from pydantic import ValidationError
from sqlalchemy import bindparam
from sqlmodel import Session, select

from models import (
    RECOMMENDATIONS,
    SCALES,
    Candidate,
    CandidateCreate,
    Criterion,
    CriterionCreate,
    Interview,
    PanelMember,
    Position,
    PositionCreate,
    Role,
    Score,
    Scorecard,
    ScorecardStatus,
    ScorecardTemplate,
    ScoreInput,
    User,
    UserRole,
    aware,
    count_label,
    utcnow,
)
from models.positions import WEIGHT_MAX
from models.users import ImportedUserCreate
from services import audit, tables
from services.access import require_admin
from services.auth import Viewer
from services.db import serialised
from services.errors import InvalidInput, field_messages, validated
from services.i18n import N_, _, ngettext, number
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
MAX_BYTES = 50 * 1024 * 1024  # the file; an .xlsx file unpacked
MAX_ROWS = 500_000
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
        raise InvalidInput(_("--scale: {value} is not one of {allowed}").format(
            value=repr(text), allowed=allowed))
    return scale


@dataclass
class ImportResult:
    """What an import did."""

    rows: int = 0
    created: dict[str, int] = field(default_factory=dict)
    scores_changed: int = 0

    def summary(self) -> str:
        """One line for people, in the current language."""
        made = ", ".join(count_label(k, n) for k, n in self.created.items() if n) or _(
            "nothing new")
        return _("{rows}; created {made}; {scores}").format(
            rows=ngettext("{n} row read", "{n} rows read", self.rows).format(
                n=number(self.rows)),
            made=made,
            scores=ngettext("{n} score added or changed", "{n} scores added or changed",
                            self.scores_changed).format(n=number(self.scores_changed)))


def read_rows(data: bytes | str | Path, filename: str | None = None) -> pd.DataFrame:
    """The file's rows as strings with normalised column names; refuses what is not a table.

    CSV (UTF-8) or .xlsx, through the one table reader (services.tables) with MAX_BYTES and
    MAX_ROWS. Bytes without a file name are read as CSV.
    """
    if isinstance(data, Path | str) and not isinstance(data, bytes):
        path = Path(data)
        if path.is_dir():
            raise InvalidInput(_("{file}: a folder; give a file, not a folder").format(
                file=path))
        if not path.is_file():
            raise InvalidInput(_("{file}: no such file").format(file=path))
        if path.stat().st_size > MAX_BYTES:
            raise InvalidInput(_("{file}: larger than {size} MB; split the file and import the "
                                 "parts").format(file=path.name,
                                                 size=number(MAX_BYTES // (1024 * 1024))))
        filename = filename or path.name
        data = path.read_bytes()
    kind = tables.suffix(filename or "") or "csv"
    frame = tables.read_table(data, filename or "file", max_bytes=MAX_BYTES,
                              max_rows=MAX_ROWS, kind=kind)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    # The column names stay as in the file (the documented import-scores format).
    problems = [_("column {column}: missing (required)").format(column=c)
                for c in REQUIRED if c not in frame.columns]
    problems += [_("column {column}: unknown column").format(
                     column=c if len(c) <= 40 else _show(c))
                 for c in frame.columns if c not in COLUMNS]
    if problems:
        raise InvalidInput(problems)
    for c in OPTIONAL:
        if c not in frame.columns:
            frame[c] = ""
    # An Excel date cell reads as "2026-01-05 00:00:00": the date it holds.
    frame["interview_date"] = frame["interview_date"].str.replace(
        r"^([0-9]{4}-[0-9]{2}-[0-9]{2}) 00:00:00$", r"\1", regex=True)
    return frame[COLUMNS]


def _show(value: str) -> str:
    """A value as a message quotes it: a 400-digit number or a 10 MB comment is cut short."""
    if len(value) <= 40:
        return repr(value)
    return ngettext("{start}... ({n} character)", "{start}... ({n} characters)",
                    len(value)).format(start=repr(value[:20]), n=number(len(value)))


@functools.lru_cache(maxsize=65536)  # the same addresses come again on thousands of rows
def _email(value: str) -> str | None:
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


Problem = tuple[int, str, str]  # (spreadsheet row, column, message)


def _schema_problems(schema, data: dict, columns: dict[str, str]) -> list[tuple[str, str]]:
    """(column, message) for each field of `data` that `schema` refuses."""
    try:
        schema.model_validate(data)
        return []
    except ValidationError as exc:
        out = []
        for loc, message in field_messages(exc):
            field = str(loc[0]) if loc else ""
            out.append((columns.get(field, field or "row"), message))
        return out


def _by_group(frame: pd.DataFrame, keys: list[str]):
    """(key values, spreadsheet rows) per distinct combination of `keys`: one hash pass."""
    index = frame.index
    for key, positions in frame.groupby(keys, sort=False).indices.items():
        yield (key if isinstance(key, tuple) else (key,)), index[positions]


def _validate(session: Session, frame: pd.DataFrame, scale: tuple[int, int]) -> list[str]:
    """Every problem of every row, and across rows, grouped; empty when the file can be imported.

    Linear in the rows: column-wise checks, each distinct value validated once through the
    models' Create schemas (the forms' limits), duplicates found by hashing.
    """
    problems: list[Problem] = []

    def bad(mask: pd.Series, column: str, message) -> None:
        """Rows where `mask` holds; `message` a text or a function of the row's number."""
        mask = mask.to_numpy(dtype=bool)
        if not mask.any():
            return
        rows = frame.index[mask]
        if isinstance(message, str):
            problems.extend((int(r), column, message) for r in rows)
        else:
            problems.extend((int(r), column, message(r)) for r in rows)

    def bad_rows(rows, column: str, message: str) -> None:
        problems.extend((int(r), column, message) for r in rows)

    existing_scale: dict[str, tuple[int, int]] = {}
    existing_dims: dict[str, str] = {}
    titles = sorted(set(frame["position"]) - {""})
    for chunk in _chunks(titles):
        for position in session.exec(select(Position).where(Position.title.in_(chunk))).all():
            t = current_template(session, position.id)
            existing_scale[position.title] = (t.scale_min, t.scale_max)
            for c in criteria_of(session, t.id):
                existing_dims[position.title + "\x00" + c.name.lower()] = c.dimension

    for column in ("position", "candidate", "panelist", "criterion"):
        bad(frame[column] == "", column, _("empty"))

    score = frame["score"]
    has_score = score != ""
    whole = score.str.fullmatch(r"-?[0-9]+(\.0+)?").astype(bool)  # ASCII digits only
    not_whole = _("{value} is not a whole number")
    bad(has_score & ~whole, "score", lambda r: not_whole.format(value=_show(score[r])))
    lo = frame["position"].map(lambda t: existing_scale.get(t, scale)[0])
    hi = frame["position"].map(lambda t: existing_scale.get(t, scale)[1])
    value = _score_values(score.where(has_score & whole, ""))
    outside = has_score & whole & ((value < lo) | (value > hi))
    outside_scale = _("{value} is outside the scale {low}-{high}")
    bad(outside, "score", lambda r: outside_scale.format(
        value=score[r] if len(score[r]) <= 12 else _show(score[r]), low=lo[r], high=hi[r]))
    for (evidence,), rows in _by_group(frame, ["comment"]):
        for column, message in _schema_problems(
                ScoreInput, {"criterion_id": 0, "evidence": evidence}, {"evidence": "comment"}):
            bad_rows(rows, column, message)

    dimension = frame["dimension"].str.lower().map(DIMENSION_NAMES)
    not_dimension = _("{value} is not technical, social or company")
    bad((frame["dimension"] != "") & dimension.isna(), "dimension",
        lambda r: not_dimension.format(value=_show(frame.at[r, "dimension"])))
    known = (frame["position"] + "\x00" + frame["criterion"].str.lower()).map(existing_dims)
    clash = dimension.notna() & known.notna() & (known != dimension)
    exists = _("criterion {name} already exists with dimension {dimension}")
    bad(clash, "dimension", lambda r: exists.format(name=repr(frame.at[r, "criterion"]),
                                                    dimension=known[r]))

    # Criteria, candidates, panelists and new positions: each distinct one through its schema.
    crit = frame.assign(_dim=dimension.fillna("technical"))
    for (name, dim, weight), rows in _by_group(crit, ["criterion", "_dim", "weight"]):
        if not name:
            continue
        data = {"name": name, "dimension": dim, "weight": 1.0}
        weight_bad = False
        if weight:
            try:
                data["weight"] = tables.decimal_cell(weight)
            except ValueError:
                weight_bad = True
        found = _schema_problems(CriterionCreate, data,
                                 {"name": "criterion", "weight": "weight"})
        if weight_bad or any(column == "weight" for column, _ in found):
            bad_rows(rows, "weight", _("{value} is not a positive number of at most {max}")
                     .format(value=_show(weight), max=number(WEIGHT_MAX)))
        for column, message in found:
            if column != "weight":
                bad_rows(rows, column, message)
    for (name, email), rows in _by_group(frame, ["candidate", "candidate_email"]):
        for column, message in _schema_problems(
                CandidateCreate, {"name": name or "-", "email": email, "position_id": 0},
                {"name": "candidate", "email": "candidate_email"}):
            if column == "candidate_email":
                message = _("{value} is not a valid email address").format(value=_show(email))
            bad_rows(rows, column, message)
    for (name, email), rows in _by_group(frame, ["panelist", "panelist_email"]):
        for column, message in _schema_problems(
                ImportedUserCreate, {"name": name or "-", "email": email},
                {"name": "panelist", "email": "panelist_email"}):
            if column == "panelist_email":
                message = _("{value} is not a valid email address").format(value=_show(email))
            bad_rows(rows, column, message)
    for (title,), rows in _by_group(frame, ["position"]):
        if title and title not in existing_scale:
            for column, message in _schema_problems(
                    PositionCreate, {"title": title, "scale_min": scale[0],
                                     "scale_max": scale[1], "criteria": [
                                         {"name": "-", "dimension": "technical"}]},
                    {"title": "position"}):
                if column == "position":
                    bad_rows(rows, column, message)

    recommendation = frame["recommendation"].str.lower()
    not_recommendation = _("{value} is not one of {values}")
    bad((recommendation != "") & ~recommendation.isin(RECOMMENDATIONS), "recommendation",
        lambda r: not_recommendation.format(value=_show(frame.at[r, "recommendation"]),
                                            values=", ".join(RECOMMENDATIONS)))
    for (day,), rows in _by_group(frame, ["interview_date"]):
        if day and not _is_date(day):
            bad_rows(rows, "interview_date",
                     _("{value} is not a YYYY-MM-DD date").format(value=_show(day)))

    keys = ["position", "candidate", "panelist", "criterion", "interview_date"]
    first = _first_row(frame.assign(criterion=frame["criterion"].str.lower()), keys)
    again = _("the same score appears already in row {row}")
    bad(first != frame.index, "criterion", lambda r: again.format(row=number(first[r])))
    _consistent(frame, ["position", "criterion"], "dimension", bad,
                lambda v: DIMENSION_NAMES.get(v.lower(), v))
    _consistent(frame, ["position", "criterion"], "weight", bad, _float_or_text)
    _consistent(frame, ["position", "candidate", "panelist", "interview_date"],
                "recommendation", bad, str.lower)
    _consistent(frame, ["position", "candidate"], "candidate_email", bad, str.lower)
    _consistent(frame, ["panelist"], "panelist_email", bad, str.lower)
    return tables.grouped(problems)


def _score_values(score: pd.Series) -> pd.Series:
    """Whole-number strings as integers; longer than 9 digits as a value beyond every scale."""
    digits = score.str.split(".").str[0]
    long = digits.str.lstrip("-").str.len() > 9
    small = digits.where(~long & (digits != ""), "0").astype("int64")
    beyond = digits.str.startswith("-").map({True: -(10 ** 12), False: 10 ** 12})
    return small.where(~long, beyond)


def _is_date(value: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _first_row(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """For each row, the spreadsheet row where its combination of `keys` first appears."""
    group = frame.groupby(keys, sort=False).ngroup().to_numpy()
    rows = pd.Series(frame.index, index=frame.index)
    return rows.groupby(group).transform("min")


def _float_or_text(value: str) -> object:
    try:
        number = float(value)
    except ValueError:
        return value
    return number if number == number else value.lower()  # nan is not equal to itself


def _consistent(frame, keys, column, bad, norm) -> None:
    """A value that belongs to a group (a criterion's weight) must not differ between rows."""
    given = frame[frame[column] != ""]
    if given.empty:
        return
    lowered = given[keys].apply(
        lambda col: col if col.name == "interview_date" else col.str.lower())
    group = lowered.groupby(keys, sort=False).ngroup().to_numpy()
    values = given[column].map({v: norm(v) for v in given[column].unique()})
    first_value = values.groupby(group).transform("first")
    first_row = pd.Series(given.index, index=given.index).groupby(group).transform("first")
    differs = pd.Series(False, index=frame.index)
    differs[given.index] = (values != first_value).to_numpy()
    text = _("{value} differs from row {row} for the same {columns}")
    columns = _(" and ").join(keys)  # column names stay as in the file
    bad(differs, column, lambda r: text.format(value=_show(given.at[r, column]),
                                               row=number(first_row[r]), columns=columns))


def _chunks(values: list, size: int = 900):
    """Slices of `values` small enough for one IN (...) list on every database."""
    for i in range(0, len(values), size):
        yield values[i:i + size]


def import_scores(session: Session, data: bytes | str | Path, *, viewer: Viewer,
                  scale: tuple[int, int] = (1, 5), filename: str | None = None) -> ImportResult:
    """Validate every row, then import all of them in one transaction (or none). Admins only:
    an import creates panelist accounts and submitted scorecards (services.access owns the rule).

    The whole import runs in one serialised transaction (services.db.serialised): imports
    started at the same time for the same new position, candidates or panelists create each
    once, one after the other, and each finds what the others made.
    """
    require_admin(viewer, N_("import scores"))
    frame = read_rows(data, filename)

    def work() -> ImportResult:
        problems = _validate(session, frame, scale)
        if problems:
            raise InvalidInput(problems)
        result = ImportResult(rows=len(frame), created={
            "positions": 0, "criteria": 0, "candidates": 0, "panelists": 0, "interviews": 0,
            "scorecards": 0})
        _write(session, frame, scale, result, viewer)
        return result

    return serialised(session, work)


def _first_given(values) -> str:
    return next((v for v in values if v), "")


def _write(session: Session, frame: pd.DataFrame, scale, result: ImportResult,
           viewer: Viewer) -> None:
    """Create what is missing and write the scores: a query per table, not per row.

    A scorecard already in Second Look is the panelist's: a draft is never submitted or changed
    by an import (its rows are refused, naming them); a submitted one that the rows change is
    changed as an amendment is, with an audit row per card holding the old and new values
    (`scorecard_amended`, source "import-scores"), so re-importing an exported file changes
    nothing and audits nothing."""
    now = utcnow()
    frame = frame.assign(crit_key=frame["criterion"].str.lower())
    positions: dict[str, Position] = {}
    templates: dict[int, ScorecardTemplate] = {}
    criteria: dict[tuple[int, str], int] = {}
    next_order: dict[int, int] = {}
    for title in dict.fromkeys(frame["position"]):
        position = session.exec(select(Position).where(Position.title == title)).first()
        if position is None:
            data = validated(PositionCreate, {
                "title": title, "currency": "EUR", "scale_min": scale[0], "scale_max": scale[1],
                "criteria": [{"name": "-", "dimension": "technical"}]})
            position = Position.model_validate(data.model_dump(
                exclude={"criteria", "scale_min", "scale_max"}))
            session.add(position)
            session.flush()
            session.add(ScorecardTemplate(position_id=position.id, version=1,
                                          scale_min=scale[0], scale_max=scale[1]))
            session.flush()
            result.created["positions"] += 1
        positions[title] = position
        template = current_template(session, position.id)
        templates[position.id] = template
        existing = criteria_of(session, template.id)
        for c in existing:
            criteria[(position.id, c.name.lower())] = c.id
        next_order[position.id] = len(existing)

    for r in frame.drop_duplicates(["position", "crit_key"]).itertuples(index=False):
        position = positions[r.position]
        k = (position.id, r.crit_key)
        if k in criteria:
            continue
        # Added to the current version in place: a new criterion does not change the meaning
        # of scores already given against the others.
        item = validated(CriterionCreate, {
            "name": r.criterion, "dimension": DIMENSION_NAMES.get(r.dimension.lower(),
                                                                  "technical"),
            "weight": float(r.weight) if r.weight else 1.0})
        c = Criterion.model_validate(item, update={"template_id": templates[position.id].id,
                                                   "position_order": next_order[position.id]})
        next_order[position.id] += 1
        session.add(c)
        session.flush()
        criteria[k] = c.id
        result.created["criteria"] += 1

    users: dict[str, int] = {}
    for name, email in frame.groupby("panelist", sort=False)["panelist_email"].agg(
            _first_given).items():
        users[name] = _panelist(session, name, _email(email) if email else None, result)

    # Candidates: matched by email within the position, else by name; new ones in bulk.
    pids = sorted({p.id for p in positions.values()})
    by_key: dict[tuple, int] = {}
    for chunk in _chunks(pids):
        for cid, name, email, pid in session.exec(
                select(Candidate.id, Candidate.name, Candidate.email, Candidate.position_id)
                .where(Candidate.position_id.in_(chunk)).order_by(Candidate.id)).all():
            if email:
                by_key.setdefault((pid, email), cid)
            by_key.setdefault((pid, None, name), cid)
    visit = frame.groupby(["position", "candidate", "interview_date"], sort=False)
    visit_keys: list[tuple] = []
    new_candidates: dict[tuple, dict] = {}
    # A candidate's email is the first the file gives for them on any row, whatever the date.
    emails = frame.groupby(["position", "candidate"], sort=False)["candidate_email"].agg(
        _first_given).to_dict()
    for title, name, _day in visit.size().index:
        pid = positions[title].id
        email = emails[(title, name)]
        email = _email(email) if email else None
        key = (pid, email) if email else (pid, None, name)
        visit_keys.append(key)
        if key not in by_key and key not in new_candidates:
            item = validated(CandidateCreate, {"name": name, "email": email, "position_id": pid})
            new_candidates[key] = item.model_dump()
    for key, cid in zip(new_candidates, _insert(session, Candidate, list(
            new_candidates.values())), strict=True):
        by_key[key] = cid
    result.created["candidates"] += len(new_candidates)
    visit_candidate = [by_key[k] for k in visit_keys]  # per visit group, in group order

    # Interviews: the one on the file's date, else the candidate's first; made if missing.
    have: dict[int, list[tuple[int, datetime]]] = {}
    for chunk in _chunks(sorted(set(visit_candidate))):
        for iid, cid, when in session.exec(
                select(Interview.id, Interview.candidate_id, Interview.scheduled_at)
                .where(Interview.candidate_id.in_(chunk))
                .order_by(Interview.scheduled_at, Interview.id)).all():
            have.setdefault(cid, []).append((iid, when))
    visit_interview: list[int | tuple] = []
    new_interviews: dict[tuple[int, str], dict] = {}
    for (_title, _name, day), cid in zip(visit.size().index, visit_candidate,
                                         strict=True):
        if day:
            match = [i for i, w in have.get(cid, []) if aware(w).astimezone(UTC).date() ==
                     date.fromisoformat(day)]
        else:
            match = [i for i, _ in have.get(cid, [])]
        if match:
            visit_interview.append(match[0])
            continue
        visit_interview.append((cid, day))
        if (cid, day) not in new_interviews:
            when = (datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC)
                    if day else now)
            new_interviews[(cid, day)] = {"candidate_id": cid, "scheduled_at": when,
                                          "setting": "other", "location": "",
                                          "created_at": now}
    made = dict(zip(new_interviews, _insert(session, Interview, list(new_interviews.values())),
                    strict=True))
    result.created["interviews"] += len(new_interviews)
    visit_interview = [made[i] if isinstance(i, tuple) else i for i in visit_interview]

    # Panel seats and scorecards: one per (interview, panelist); new ones in bulk.
    iids = sorted(set(visit_interview))
    seats: set[tuple[int, int]] = set()
    cards: dict[tuple[int, int], Scorecard] = {}
    for chunk in _chunks(iids):
        seats.update(session.exec(select(PanelMember.interview_id, PanelMember.user_id)
                                  .where(PanelMember.interview_id.in_(chunk))).all())
        for card in session.exec(select(Scorecard)
                                 .where(Scorecard.interview_id.in_(chunk))).all():
            cards[(card.interview_id, card.panelist_id)] = card
    visit_of = dict(zip(visit.size().index, visit_interview, strict=True))
    seat = frame.groupby(["position", "candidate", "interview_date", "panelist"], sort=False)
    card_keys: list[tuple[int, int]] = []
    new_seats: list[dict] = []
    new_cards: dict[tuple[int, int], dict] = {}
    drafts: list[tuple[str, str, str, str]] = []
    amended: dict[int, dict] = {}  # card id -> {"old": {...}, "new": {...}} for the audit
    for (title, name, day, panelist), rec in seat["recommendation"].agg(_first_given).items():
        iid, uid = visit_of[(title, name, day)], users[panelist]
        card_keys.append((iid, uid))
        card = cards.get((iid, uid))
        if card is not None and card.status != ScorecardStatus.submitted:
            drafts.append((title, name, day, panelist))
            continue
        if (iid, uid) not in seats:
            new_seats.append({"interview_id": iid, "user_id": uid, "panel_role": "other"})
            seats.add((iid, uid))
        rec = rec.lower() or None
        if card is None:
            new_cards[(iid, uid)] = {
                "interview_id": iid, "panelist_id": uid, "recommendation": rec,
                "template_id": templates[positions[title].id].id,
                "status": ScorecardStatus.submitted.value, "submitted_at": now,
                "updated_at": now, "version": 1, "tasks_covered": [],
                "candidate_questions": "", "interest": "", "concerns": ""}
            continue
        if rec and card.recommendation != rec:
            change = amended.setdefault(card.id, {"old": {}, "new": {}})
            change["old"]["recommendation"], change["new"]["recommendation"] = (
                card.recommendation, rec)
            card.recommendation = rec
    if drafts:
        raise InvalidInput(_draft_problems(frame, drafts))
    session.flush()
    _insert(session, PanelMember, new_seats, returning=False)
    card_id = {k: c.id for k, c in cards.items()}
    card_id.update(zip(new_cards, _insert(session, Scorecard, list(new_cards.values())),
                       strict=True))
    result.created["scorecards"] += len(new_cards)

    # Scores: each row's card and criterion by its group number, then written in bulk.
    row_card = np.array([card_id[k] for k in card_keys], dtype=np.int64)[
        seat.ngroup().to_numpy()]
    crit_group = frame.groupby(["position", "crit_key"], sort=False)
    row_crit = np.array([criteria[(positions[t].id, c)] for t, c in crit_group.size().index],
                        dtype=np.int64)[crit_group.ngroup().to_numpy()]
    given = (frame["score"] != "").to_numpy()
    values = _score_values(frame["score"]).to_numpy()
    comments = frame["comment"]
    existing: dict[tuple[int, int], tuple] = {}
    for chunk in _chunks(sorted(c.id for c in cards.values())):  # new cards have none
        for sid, card, crit, value, na, evidence in session.exec(
                select(Score.id, Score.scorecard_id, Score.criterion_id, Score.value,
                       Score.not_assessed, Score.evidence)
                .where(Score.scorecard_id.in_(chunk))).all():
            existing[(card, crit)] = (sid, value, na, evidence)
    inserts, updates, inserted = [], [], 0
    by_id = {c.id: c for c in cards.values()}  # submitted: drafts were refused above
    for card, crit, has, value, comment in zip(row_card.tolist(), row_crit.tolist(),
                                                given.tolist(), values.tolist(),
                                                comments, strict=True):
        new = (value if has else None, not has, comment)
        old = existing.get((card, crit)) if existing else None
        if old is None and card in by_id:  # a score added to a submitted card
            change = amended.setdefault(card, {"old": {}, "new": {}})
            change["old"][f"criterion {crit}"] = None
            change["new"][f"criterion {crit}"] = _score_detail(*new)
        if old is None:
            inserts.append({"scorecard_id": card, "criterion_id": crit, "value": new[0],
                            "not_assessed": new[1], "evidence": comment})
            if len(inserts) == BATCH:  # written as they come: the rows are never all in memory
                _insert(session, Score, inserts, returning=False)
                inserted += len(inserts)
                inserts = []
        elif old[1:] != new:
            updates.append({"_id": old[0], "value": new[0], "not_assessed": new[1],
                            "evidence": comment})
            change = amended.setdefault(card, {"old": {}, "new": {}})
            change["old"][f"criterion {crit}"] = _score_detail(*old[1:])
            change["new"][f"criterion {crit}"] = _score_detail(*new)
    _insert(session, Score, inserts, returning=False)
    inserted += len(inserts)
    if updates:
        table = Score.__table__
        statement = table.update().where(table.c.id == bindparam("_id")).values(
            value=bindparam("value"), not_assessed=bindparam("not_assessed"),
            evidence=bindparam("evidence"))
        for i in range(0, len(updates), BATCH):
            session.execute(statement, updates[i:i + BATCH])
    result.scores_changed = inserted + len(updates)
    _audit_amendments(session, viewer, amended, by_id)


def _score_detail(value, not_assessed: bool, evidence: str) -> dict:
    return {"value": value, "not_assessed": bool(not_assessed), "evidence": evidence or ""}


def _draft_problems(frame: pd.DataFrame, drafts: list[tuple[str, str, str, str]]) -> list[str]:
    """One line per draft the rows would change, naming its rows."""
    keys = pd.MultiIndex.from_frame(frame[["position", "candidate", "interview_date",
                                           "panelist"]])
    problems = []
    for title, name, day, panelist in drafts:
        rows = frame.index[keys.isin([(title, name, day, panelist)])].tolist()
        problems.append(_("{rows}: {panelist}'s scorecard for {candidate} ({position}) is a "
                          "draft in Second Look; an import does not change or submit a draft "
                          "(the panelist submits it in the app)").format(
            rows=tables.row_ranges(sorted(set(rows))), panelist=panelist, candidate=name,
            position=title))
    return problems


def _audit_amendments(session: Session, viewer: Viewer, amended: dict[int, dict],
                      cards: dict[int, Scorecard]) -> None:
    """An audit row per submitted card the import changed (`amended` holds only cards that
    existed before it, by id), with its old and new values."""
    for card_id, change in amended.items():
        interview = session.get(Interview, cards[card_id].interview_id)
        audit.record(session, "scorecard_amended", actor=viewer, entity="scorecard",
                     entity_id=card_id, candidate_id=interview.candidate_id,
                     detail={"source": "import-scores", **change})


BATCH = 5000


def _insert(session: Session, model, rows: list[dict], *, returning: bool = True) -> list[int]:
    """Insert rows of a table in batches (one statement each); their ids in the rows' order."""
    table = model.__table__
    ids: list[int] = []
    for i in range(0, len(rows), BATCH):
        if returning:
            statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
            ids.extend(session.execute(statement, rows[i:i + BATCH]).scalars().all())
        else:
            session.execute(table.insert(), rows[i:i + BATCH])
    return ids




def _panelist(session: Session, name: str, email: str | None, result: ImportResult) -> int:
    if email:
        user = session.exec(select(User.id).where(User.email == email)).first()
    else:
        user = session.exec(select(User.id).where(User.name == name).order_by(User.id)).first()
    if user is not None:
        return user
    slug = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".")[:60] or "panelist"
    address = email or f"{slug}@{PLACEHOLDER_DOMAIN}"
    n = 1
    while session.exec(select(User.id).where(User.email == address)).first() is not None:
        n += 1
        address = f"{slug}.{n}@{PLACEHOLDER_DOMAIN}"
    item = validated(ImportedUserCreate, {"name": name, "email": email})
    user = User(name=item.name, email=address, password_hash=NO_LOGIN)
    session.add(user)
    session.flush()
    session.add(UserRole(user_id=user.id, role=Role.panelist))
    result.created["panelists"] += 1
    return user.id


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
