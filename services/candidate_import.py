"""Bulk import of candidates for one position from CSV or Excel (.xlsx).

The file is read into strings, its columns are mapped onto candidate fields (guessed, then
adjustable), every row is validated before anything is written, and then all rows are written in
one transaction — or none. Rows are numbered as a spreadsheet shows them: the header is row 1.
Emails are compared case-insensitively, within the file and against the position's candidates.
"""

import io
import re
import zipfile
from collections.abc import Callable

import pandas as pd
from pydantic import ValidationError
from sqlmodel import Session, select

from models import LABELS, Candidate, CandidateCreate, Position, Role, Stage
from services.auth import Viewer
from services.errors import InvalidInput, NotAllowed, NotFound, explain

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
FIELDS = {
    "name": "Name",
    "email": "Email",
    "salary_expectation": "Salary expectation",
    "stage": "Stage",
    "first_interview_notes": "First-interview notes",
    "revisit_questions": "Questions to revisit",
}
REQUIRED = ("name",)
ALIASES = {
    "name": ("name", "full name", "candidate", "candidate name"),
    "email": ("email", "e-mail", "email address", "mail"),
    "salary_expectation": ("salary_expectation", "salary expectation", "salary", "expected salary"),
    "stage": ("stage", "status"),
    "first_interview_notes": ("first_interview_notes", "first-interview notes", "notes",
                              "first interview notes"),
    "revisit_questions": ("revisit_questions", "questions to revisit", "revisit", "questions"),
}
Progress = Callable[[int, int], None]


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def read_table(data: bytes, filename: str, *, max_bytes: int | None = None) -> pd.DataFrame:
    """The file's rows as stripped strings; refuses other file types, oversize and empty files."""
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    name = filename or "file"
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in ("csv", "xlsx"):
        raise InvalidInput(f"{name}: not a CSV or Excel (.xlsx) file")
    if len(data) > max_bytes:
        raise InvalidInput(f"{name}: {_mb(len(data))} is over the limit of {_mb(max_bytes)}; "
                           "split the file and import the parts")
    if suffix == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{name}: not UTF-8 text (byte {exc.start} cannot be read); "
                               "save it as CSV UTF-8") from None
        if not text.strip():
            raise InvalidInput(f"{name}: empty")
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InvalidInput(f"{name}: not readable as CSV ({str(exc).splitlines()[0]})") \
                from None
    else:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise InvalidInput(f"{name}: not a readable Excel (.xlsx) file")
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
            raise InvalidInput(f"{name}: not a readable Excel (.xlsx) file ({exc})") from None
        frame = frame.fillna("")
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(set(frame.columns)) != len(frame.columns):
        raise InvalidInput(f"{name}: a column name appears twice")
    frame = frame.map(lambda v: str(v).strip())
    frame = frame[(frame != "").any(axis=1)] if len(frame.columns) else frame
    if frame.empty:
        raise InvalidInput(f"{name}: has a header but no rows")
    if len(frame) > MAX_ROWS:
        raise InvalidInput(f"{name}: {len(frame)} rows is over the limit of {MAX_ROWS}")
    frame.index = range(2, len(frame) + 2)  # spreadsheet row numbers
    return frame


def guess_mapping(columns: list[str]) -> dict[str, str | None]:
    """For each candidate field, the file's column that looks like it (or None)."""
    lower = {c.lower().strip(): c for c in columns}
    return {f: next((lower[a] for a in ALIASES[f] if a in lower), None) for f in FIELDS}


def _stage(value: str) -> str | None:
    words = {v.lower(): k for k, v in LABELS.items() if k in Stage.__members__}
    key = value.strip().lower()
    if key in Stage.__members__:
        return key
    return words.get(key)


def _salary(value: str) -> int | None:
    text = re.sub(r"[\s,'_]", "", value)
    if not re.fullmatch(r"\d+(\.0+)?", text):
        raise ValueError
    return int(float(text))


def validate_rows(session: Session, position_id: int, frame: pd.DataFrame,
                  mapping: dict[str, str | None],
                  progress: Progress | None = None) -> tuple[list[CandidateCreate], list[str]]:
    """Every row as a CandidateCreate, and every problem named by row and column."""
    problems: list[str] = []
    for f in REQUIRED:
        if not mapping.get(f):
            problems.append(f"column for {FIELDS[f]}: missing (required)")
    chosen = [c for c in mapping.values() if c]
    for c in chosen:
        if c not in frame.columns:
            problems.append(f"column {c}: not in the file")
    for c in sorted({c for c in chosen if chosen.count(c) > 1}):
        problems.append(f"column {c}: chosen for more than one field")
    if problems:
        return [], problems

    existing = set(session.exec(
        select(Candidate.email).where(Candidate.position_id == position_id,
                                      Candidate.email.is_not(None))).all())
    seen: dict[str, int] = {}
    rows: list[CandidateCreate] = []
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
                    problems.append(f"row {row}, column {col}: {value!r} is not a whole "
                                    "amount of money")
                    bad_here = True
            elif f == "stage":
                if value and _stage(value) is None:
                    problems.append(f"row {row}, column {col}: {value!r} is not a stage "
                                    f"({', '.join(s.value for s in Stage)})")
                    bad_here = True
                elif value:
                    data[f] = _stage(value)
            else:
                data[f] = value
        try:
            item = CandidateCreate.model_validate(data)
        except ValidationError as exc:
            for p in explain(exc).problems:
                field, _, message = p.partition(": ")
                key = next((k for k, v in FIELDS.items() if v == field), None)
                col = mapping.get(key) if key else field
                problems.append(f"row {row}, column {col}: {message or p}")
            continue
        if bad_here:
            continue
        if item.email:
            col = mapping["email"]
            if item.email in seen:
                problems.append(f"row {row}, column {col}: {item.email} appears already in "
                                f"row {seen[item.email]}")
            elif item.email in existing:
                problems.append(f"row {row}, column {col}: {item.email} is already a "
                                "candidate for this position")
            seen.setdefault(item.email, row)
        rows.append(item)
    return rows, problems


def import_candidates(session: Session, actor: Viewer, position_id: int, frame: pd.DataFrame,
                      mapping: dict[str, str | None],
                      progress: Progress | None = None) -> int:
    """Validate every row, then add all candidates in one transaction (or none); the count."""
    if not actor.has(Role.recruiter):
        raise NotAllowed("Only recruiters and admins can import candidates.")
    if session.get(Position, position_id) is None:
        raise NotFound("No such position.")
    rows, problems = validate_rows(session, position_id, frame, mapping, progress)
    if problems:
        raise InvalidInput(problems)
    try:
        for item in rows:
            session.add(Candidate.model_validate(item))
        session.commit()
    except Exception:
        session.rollback()
        raise
    return len(rows)

