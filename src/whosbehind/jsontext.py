"""Answers as JSON: one encoding for the API, `--json` on the command line and the answers the build stores.

Dollars are JSON numbers with cents (exact below $10 trillion); dates are ISO text. Read back with ``loads``,
amounts are Decimals again, so a page rendered from a stored answer shows the figures the build computed.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if abs(value) < Decimal("1e13") else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(x) for k, x in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(x) for x in value]
    return value


def _amount(value: Any) -> Any:
    if isinstance(value, Decimal):
        return jsonable(value)
    raise TypeError(type(value).__name__)


def dumps(value: Any) -> bytes:
    # orjson writes what the standard library writes of ``jsonable``'s values (dates as ISO text, compact, UTF-8),
    # seven times faster: the build encodes every organization's answer (tests/web/test_answer_json.py compares
    # them all). It writes a float below 1e-4 without an exponent (0.000023, the same number) and NaN as null.
    # What it refuses (an integer beyond 64 bits, a key that is not text) goes the standard way.
    try:
        return orjson.dumps(value, default=_amount)
    except TypeError:
        return json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(text: str | bytes) -> Any:
    # A number with a fraction was a Decimal amount: its shortest form is its exact value in cents.
    return json.loads(text, parse_float=Decimal)
