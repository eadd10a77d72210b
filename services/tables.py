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
import re
import zipfile

import openpyxl
import pandas as pd

from services.errors import InvalidInput
from services.i18n import _, ngettext, number

TYPES = ("csv", "xlsx")
XLSX_MEMBERS = 10_000  # a workbook of one sheet has about a dozen


def _mb(n: int) -> str:
    """A size in MB to three significant digits, in the current language: "0.286 MB", "50 MB"."""
    mb = float(f"{n / (1024 * 1024):.3g}")
    digits = max(0, 3 - len(str(int(mb)))) if mb >= 1 else 3
    text = number(mb, digits)
    if digits:  # no trailing zeros: 1.5 MB, not 1.50 MB
        text = text.rstrip("0").rstrip(".,")
    return _("{size} MB").format(size=text)


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
        kinds = {"csv": "CSV", "xlsx": "Excel (.xlsx)"}
        wanted = (_("{first} or {second}").format(first=kinds[types[0]], second=kinds[types[1]])
                  if len(types) == 2 else kinds[types[0]])
        raise InvalidInput(_("{file}: not a {kind} file").format(file=name, kind=wanted))
    if len(data) > max_bytes:
        raise InvalidInput(_("{file}: {size} is over the limit of {limit}; split the file and "
                             "import the parts").format(file=name, size=_mb(len(data)),
                                                        limit=_mb(max_bytes)))
    if not data.strip():
        raise InvalidInput(_("{file}: empty").format(file=name))
    frame = _csv(data, name) if kind == "csv" else _xlsx(data, name, max_bytes)
    frame.columns = [str(c).strip() for c in frame.columns]
    # Column names are matched without regard to letter case: "score" and "Score" are one.
    # pandas renames an exact repeat "score" to "score.1": that is the same column again.
    names = {c.casefold() for c in frame.columns}
    seen: dict[str, str] = {}
    for column in frame.columns:
        repeat = re.fullmatch(r"(.+)\.\d+", column)
        if repeat and repeat.group(1).casefold() in names:
            raise InvalidInput(_("{file}: the column {column} appears twice").format(
                file=name, column=repeat.group(1)))
        if column.casefold() in seen:
            raise InvalidInput(_("{file}: the column {column} appears twice").format(
                file=name, column=", ".join(dict.fromkeys((seen[column.casefold()], column)))))
        seen[column.casefold()] = column
    if len(frame) > max_rows:
        raise InvalidInput(_("{file}: {rows} rows is over the limit of {limit}; split the file "
                             "and import the parts").format(file=name, rows=number(len(frame)),
                                                            limit=number(max_rows)))
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
        raise InvalidInput(_("{file}: has a header but no rows").format(file=name))
    return frame


def _csv(data: bytes, name: str) -> pd.DataFrame:
    try:
        blank = not data.decode("utf-8-sig").strip()  # the decoded copy is dropped at once
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("{file}: not UTF-8 text (byte {byte} cannot be read); save it as "
                             "CSV UTF-8").format(file=name, byte=exc.start)) from None
    if b"\x00" in data:
        raise InvalidInput(_("{file}: not a text file (it contains NUL bytes)").format(
            file=name))
    if blank:
        raise InvalidInput(_("{file}: empty").format(file=name))
    try:
        return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype="str",
                           keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidInput(_("{file}: not readable as CSV ({reason})").format(
            file=name, reason=str(exc).splitlines()[0])) from None


def _xlsx(data: bytes, name: str, max_bytes: int) -> pd.DataFrame:
    unreadable = _("{file}: not a readable Excel (.xlsx) file").format(file=name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidInput(unreadable) from None
    if len(members) > XLSX_MEMBERS:
        raise InvalidInput(_("{problem} ({n} parts)").format(problem=unreadable,
                                                             n=number(len(members))))
    unpacked = sum(m.file_size for m in members)
    if unpacked > max_bytes:
        raise InvalidInput(_("{file}: unpacks to {size}, over the limit of {limit}; split the "
                             "file and import the parts").format(
                                 file=name, size=_mb(unpacked), limit=_mb(max_bytes)))
    try:
        frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl")
        lost = _formulas_without_values(data, frame, members)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InvalidInput(_("{problem} ({reason})").format(problem=unreadable,
                                                            reason=reason)) from None
    if lost:
        raise InvalidInput(grouped([(row, column, _(
            "a formula with no saved value; open the file in a spreadsheet and save it, or "
            "type the value")) for row, column in lost]))
    return frame


def _formulas_without_values(data: bytes, frame: pd.DataFrame, members) -> list[tuple[int, str]]:
    """(row, column) of each formula cell of the first sheet that holds no saved result. A
    workbook written by a program rather than saved by a spreadsheet has formulas and no
    values: read as they are, they would be empty cells ("not assessed" for a score). Only
    looked for when a sheet has a formula at all (an `<f>` element), so a plain table costs
    one scan of its bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [m for m in members if m.filename.startswith("xl/worksheets/")]
        if not any(b"<f>" in (body := archive.read(m)) or b"<f " in body for m in sheets):
            return []
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        lost = []
        for r, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if r == 1:
                continue
            for c, value in enumerate(row):
                if isinstance(value, str) and value.startswith("=") and c < frame.shape[1] \
                        and r - 2 < len(frame) and pd.isna(frame.iat[r - 2, c]):
                    lost.append((r, str(frame.columns[c]).strip()))
        return lost
    finally:
        workbook.close()


MAX_PROBLEM_LINES = 200


def row_ranges(rows: list[int]) -> str:
    """[2, 3, 4, 9] -> 'rows 2–4, 9' (a spreadsheet's row numbers, runs as ranges)."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    shown = ", ".join(number(a) if a == b else f"{number(a)}–{number(b)}" for a, b in runs[:10])
    if len(runs) > 10:
        shown = ngettext("{ranges} and {n} more range", "{ranges} and {n} more ranges",
                         len(runs) - 10).format(ranges=shown, n=number(len(runs) - 10))
    return ngettext("row {rows}", "rows {rows}", len(rows)).format(rows=shown)


def grouped(problems: list[tuple[int, str, str]]) -> list[str]:
    """(row, column, message) triples as sentences, one per distinct column and message.

    "rows 3–40,001, column criterion: the same score appears already in row 2" instead of forty
    thousand lines; first by the row where each problem first appears. Linear in the count.
    """
    by_problem: dict[tuple[str, str], list[int]] = {}
    for row, column, message in problems:
        by_problem.setdefault((column, message), []).append(row)
    order = sorted(by_problem.items(), key=lambda item: min(item[1]))
    where = _("{rows}, column {column}: {problem}")  # column names stay as in the file
    lines = [where.format(rows=row_ranges(sorted(set(rows))), column=column, problem=message)
             for (column, message), rows in order[:MAX_PROBLEM_LINES]]
    if len(order) > MAX_PROBLEM_LINES:
        more = len(order) - MAX_PROBLEM_LINES
        lines.append(ngettext("... and {n} more kind of problem",
                              "... and {n} more kinds of problem", more).format(n=number(more)))
    return lines


# A number as a cell may hold it: ASCII digits only (Python's int and float also take "1_5",
# Arabic-Indic and full-width digits, "infinity"), an optional point and exponent.
DECIMAL = re.compile(r"[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def decimal_cell(text: str) -> float:
    """A cell's decimal number (ValueError when it is not one as DECIMAL spells it)."""
    if not DECIMAL.fullmatch(text.strip()):
        raise ValueError(text)
    return float(text)

