"""Commands and options about corporate families: dates for `--as-of`, and `refresh-families`."""

from __future__ import annotations

from datetime import date

from whosbehind.errors import WhosbehindError


def parse_day(text: str | None) -> date | None:
    """A date a person typed (YYYY-MM-DD), or None; a bad one is one readable line."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise WhosbehindError(f"--as-of {text!r}: give a date as YYYY-MM-DD (e.g. 2017-06-30)") from None
