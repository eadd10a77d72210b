"""The one reader of uploaded tables (CSV and Excel .xlsx) for every import.

It returns the rows as stripped strings, numbered as a spreadsheet shows them (the header is row
1), and refuses with one sentence what it cannot read safely: another file type, text that is not
UTF-8, a file over the byte limit, more rows than the row limit, an empty file. An .xlsx file is
a zip archive; its limit counts the *uncompressed* size of its members, read from the archive's
directory before openpyxl opens it, so a small workbook that unpacks into a huge sheet is refused
without being unpacked (Python's zipfile stops a member at its declared size, so the directory
cannot understate what is read).
"""

import io
import zipfile

import pandas as pd

from services.errors import InvalidInput

TYPES = ("csv", "xlsx")
XLSX_MEMBERS = 10_000  # a workbook of one sheet has about a dozen


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.3g} MB"


def suffix(filename: str) -> str:
    """'csv' or 'xlsx' (lower case) from a file name, '' for anything else."""
    name = (filename or "").lower()
    return name.rsplit(".", 1)[-1] if "." in name else ""


def read_table(data: bytes, filename: str, *, max_bytes: int, max_rows: int,
               types: tuple[str, ...] = TYPES, kind: str | None = None) -> pd.DataFrame:
    """The file's rows as stripped strings (blank rows dropped), or InvalidInput.

    `kind` ('csv' or 'xlsx') when the name does not say (an upload read as bytes).
    """
    name = filename or "file"
    kind = kind or suffix(name)
    if kind not in types:
        wanted = " or ".join({"csv": "CSV", "xlsx": "Excel (.xlsx)"}[t] for t in types)
        raise InvalidInput(f"{name}: not a {wanted} file")
    if len(data) > max_bytes:
        raise InvalidInput(f"{name}: {_mb(len(data))} is over the limit of {_mb(max_bytes)}; "
                           "split the file and import the parts")
    if not data.strip():
        raise InvalidInput(f"{name}: empty")
    frame = _csv(data, name) if kind == "csv" else _xlsx(data, name, max_bytes)
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(set(frame.columns)) != len(frame.columns):
        raise InvalidInput(f"{name}: a column name appears twice")
    if len(frame) > max_rows:
        raise InvalidInput(f"{name}: {len(frame):,} rows is over the limit of {max_rows:,}; "
                           "split the file and import the parts")
    # pandas' string dtype (Arrow-backed where pyarrow is installed): a few bytes a cell rather
    # than a Python object each, and vectorised stripping.
    frame = frame.astype("str").fillna("")
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    # Numbered before blank rows are dropped, so a row keeps the number a spreadsheet shows.
    frame.index = range(2, len(frame) + 2)
    if len(frame.columns):
        frame = frame[(frame != "").any(axis=1)]
    if frame.empty:
        raise InvalidInput(f"{name}: has a header but no rows")
    return frame


def _csv(data: bytes, name: str) -> pd.DataFrame:
    try:
        blank = not data.decode("utf-8-sig").strip()  # the decoded copy is dropped at once
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{name}: not UTF-8 text (byte {exc.start} cannot be read); "
                           "save it as CSV UTF-8") from None
    if b"\x00" in data:
        raise InvalidInput(f"{name}: not a text file (it contains NUL bytes)")
    if blank:
        raise InvalidInput(f"{name}: empty")
    try:
        return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype="str",
                           keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidInput(f"{name}: not readable as CSV ({str(exc).splitlines()[0]})") from None


def _xlsx(data: bytes, name: str, max_bytes: int) -> pd.DataFrame:
    unreadable = f"{name}: not a readable Excel (.xlsx) file"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput(unreadable) from None
    if len(members) > XLSX_MEMBERS:
        raise InvalidInput(f"{unreadable} ({len(members):,} parts)")
    unpacked = sum(m.file_size for m in members)
    if unpacked > max_bytes:
        raise InvalidInput(f"{name}: unpacks to {_mb(unpacked)}, over the limit of "
                           f"{_mb(max_bytes)}; split the file and import the parts")
    try:
        return pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InvalidInput(f"{unreadable} ({reason})") from None


MAX_PROBLEM_LINES = 200


def _ranges(rows: list[int]) -> str:
    """[2, 3, 4, 9] -> 'rows 2–4, 9' (a spreadsheet's row numbers, runs as ranges)."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    shown = [f"{a:,}" if a == b else f"{a:,}–{b:,}" for a, b in runs[:10]]
    more = f" and {len(runs) - 10:,} more ranges" if len(runs) > 10 else ""
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {', '.join(shown)}{more}"


def grouped(problems: list[tuple[int, str, str]]) -> list[str]:
    """(row, column, message) triples as sentences, one per distinct column and message.

    "rows 3–40,001, column criterion: the same score appears already in row 2" instead of forty
    thousand lines; first by the row where each problem first appears. Linear in the count.
    """
    by_problem: dict[tuple[str, str], list[int]] = {}
    for row, column, message in problems:
        by_problem.setdefault((column, message), []).append(row)
    order = sorted(by_problem.items(), key=lambda item: min(item[1]))
    lines = [f"{_ranges(sorted(set(rows)))}, column {column}: {message}"
             for (column, message), rows in order[:MAX_PROBLEM_LINES]]
    if len(order) > MAX_PROBLEM_LINES:
        lines.append(f"... and {len(order) - MAX_PROBLEM_LINES:,} more kinds of problem")
    return lines
