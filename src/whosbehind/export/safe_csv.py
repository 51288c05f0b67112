"""CSV cells a spreadsheet will not run as formulas.

A text cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some spreadsheets
skip before reading a formula) is written with a leading apostrophe, as OWASP's CSV-injection advice and
spreadsheet-safe exporters do: the spreadsheet shows the text and runs nothing. Numbers (amounts, counts,
scores) are never changed: a negative amount stays ``-54495.00``.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = r"^[=+\-@\t\r]"


def cell(value: Any) -> Any:
    """A text value made safe; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def row(values: dict[str, Any], text_fields: tuple[str, ...] | set[str]) -> dict[str, Any]:
    """A CSV row with its text fields made safe (numeric fields written as they are)."""
    return {k: cell(v) if k in text_fields else v for k, v in values.items()}


def table(data: pa.Table) -> pa.Table:
    """Every string column of an Arrow table made safe; other columns (decimals, dates, integers) untouched."""
    columns = []
    for column in data.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.match_substring_regex(column, _FORMULA_PATTERN)
            column = pc.if_else(pc.fill_null(risky, False), pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.table(columns, names=data.column_names)
