"""Bulk import of candidates for one position from CSV or Excel (.xlsx).

The file is read into strings, its columns are mapped onto candidate fields (guessed, then
adjustable), every row is validated before anything is written, and then all rows are written in
one transaction — or none. Rows are numbered as a spreadsheet shows them: the header is row 1.
Emails are compared case-insensitively, within the file and against the position's candidates.
"""

from collections.abc import Callable

import pandas as pd
from pydantic import ValidationError
from sqlmodel import Session, select

from models import LABELS, Candidate, CandidateCreate, Position, Stage
from models.common import parse_amount
from services import tables
from services.access import is_recruiter
from services.auth import Viewer
from services.db import serialised
from services.errors import InvalidInput, NotAllowed, NotFound, explain
from services.i18n import LANGUAGES, N_, _, language

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# The candidate fields an import fills, with their names as people read them (translate with
# `_` where shown; the English ones are also what services.errors names a field with).
FIELDS = {
    "name": N_("Name"),
    "email": N_("Email"),
    "salary_expectation": N_("Salary expectation"),
    "stage": N_("Stage"),
    "first_interview_notes": N_("First-interview notes"),
    "revisit_questions": N_("Questions to revisit"),
}
REQUIRED = ("name",)
ALIASES = {
    # The documented names first, then common English and French headings.
    "name": ("name", "full name", "candidate", "candidate name", "nom", "nom complet",
             "candidat"),
    "email": ("email", "e-mail", "email address", "mail", "courriel", "adresse courriel"),
    "salary_expectation": ("salary_expectation", "salary expectation", "salary", "expected salary",
                           "attentes salariales", "salaire"),
    "stage": ("stage", "status", "étape", "statut"),
    "first_interview_notes": ("first_interview_notes", "first-interview notes", "notes",
                              "first interview notes", "notes de la première entrevue"),
    "revisit_questions": ("revisit_questions", "questions to revisit", "revisit", "questions",
                          "questions à reprendre"),
}
Progress = Callable[[int, int], None]


def read_table(data: bytes, filename: str, *, max_bytes: int | None = None) -> pd.DataFrame:
    """The file's rows as stripped strings, through the one table reader with this import's
    limits (MAX_BYTES, for an .xlsx file unpacked; MAX_ROWS)."""
    return tables.read_table(data, filename, max_bytes=MAX_BYTES if max_bytes is None
                             else max_bytes, max_rows=MAX_ROWS)


def _show(value: str) -> str:
    """A cell as a message quotes it, cut short when long."""
    if len(value) <= 40:
        return repr(value)
    return _("{start}... ({n} characters)").format(start=repr(value[:20]),
                                                   n=f"{len(value):,}")


def guess_mapping(columns: list[str]) -> dict[str, str | None]:
    """For each candidate field, the file's column that looks like it (or None)."""
    lower = {c.lower().strip(): c for c in columns}
    return {f: next((lower[a] for a in ALIASES[f] if a in lower), None) for f in FIELDS}


def _stage_words() -> dict[str, str]:
    """Every word a stage cell may hold: its stored value, and its label in each language."""
    words = {}
    for lang in LANGUAGES:
        with language(lang):
            words.update({_(v).lower(): k for k, v in LABELS.items() if k in Stage.__members__})
    return words | {k: k for k in Stage.__members__}


def _stage(value: str, words: dict[str, str] | None = None) -> str | None:
    """The stored stage for a cell: "on_hold", "On hold" or "En attente" -> "on_hold"."""
    return (words or _stage_words()).get(value.strip().lower())


def _salary(value: str) -> int | None:
    # CandidateCreate then refuses what is above its limit (400 digits included).
    return parse_amount(value)


def validate_rows(session: Session, position_id: int, frame: pd.DataFrame,
                  mapping: dict[str, str | None],
                  progress: Progress | None = None) -> tuple[list[CandidateCreate], list[str]]:
    """Every row as a CandidateCreate, and every problem named by row and column."""
    problems: list[str] = []
    for f in REQUIRED:
        if not mapping.get(f):
            problems.append(_("column for {field}: missing (required)").format(
                field=_(FIELDS[f])))
    chosen = [c for c in mapping.values() if c]
    for c in chosen:
        if c not in frame.columns:
            problems.append(_("column {column}: not in the file").format(column=c))
    for c in sorted({c for c in chosen if chosen.count(c) > 1}):
        problems.append(_("column {column}: chosen for more than one field").format(column=c))
    if problems:
        return [], problems

    existing = set(session.exec(
        select(Candidate.email).where(Candidate.position_id == position_id,
                                      Candidate.email.is_not(None))).all())
    seen: dict[str, int] = {}
    stage_words = _stage_words()
    rows: list[CandidateCreate] = []
    bad: list[tuple[int, str, str]] = []  # (row, column, message), grouped at the end
    total = len(frame)
    for i, (row, r) in enumerate(frame.iterrows(), start=1):
        if progress is not None and (i % 100 == 0 or i == total):
            progress(i, total)
        data = {"position_id": position_id}
        bad_here = False
        for f, col in mapping.items():
            if not col:
                continue
            value = r[col]
            if f == "salary_expectation":
                try:
                    data[f] = _salary(value) if value else None
                except ValueError:
                    bad.append((row, col, _("{value} is not a whole amount of money").format(
                        value=_show(value))))
                    bad_here = True
            elif f == "stage":
                if value and _stage(value, stage_words) is None:
                    bad.append((row, col, _("{value} is not a stage ({stages})").format(
                        value=_show(value), stages=", ".join(s.value for s in Stage))))
                    bad_here = True
                elif value:
                    data[f] = _stage(value, stage_words)
            else:
                data[f] = value
        try:
            item = CandidateCreate.model_validate(data)
        except ValidationError as exc:
            for p in explain(exc).problems:
                field, _sep, message = p.partition(": ")
                key = next((k for k, v in FIELDS.items() if field in (v, _(v))), None)
                col = mapping.get(key) if key else field
                bad.append((row, col, message or p))
            continue
        if bad_here:
            continue
        if item.email:
            col = mapping["email"]
            if item.email in seen:
                bad.append((row, col, _("{email} appears already in row {row}").format(
                    email=item.email, row=seen[item.email])))
            elif item.email in existing:
                bad.append((row, col, _("{email} is already a candidate for this position")
                            .format(email=item.email)))
            seen.setdefault(item.email, row)
        rows.append(item)
    return rows, problems + tables.grouped(bad)


def import_candidates(session: Session, viewer: Viewer, position_id: int, frame: pd.DataFrame,
                      mapping: dict[str, str | None],
                      progress: Progress | None = None) -> int:
    """Validate every row, then add all candidates in one transaction (or none); the count."""
    if not is_recruiter(viewer):
        raise NotAllowed(_("Only recruiters and admins can import candidates."))
    if session.get(Position, position_id) is None:
        raise NotFound(_("No such position."))

    def create() -> int:
        # Validated inside the lock: an email another session added meanwhile is named, not a
        # unique-key error.
        rows, problems = validate_rows(session, position_id, frame, mapping, progress)
        if problems:
            raise InvalidInput(problems)
        for item in rows:
            session.add(Candidate.model_validate(item))
        session.flush()
        return len(rows)

    return serialised(session, create)

