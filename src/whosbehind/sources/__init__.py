"""Public sources: one module per published format, each describing itself with a :class:`SourceFormat`.

A format says what its header is, which columns hold money and dates, which columns name people (never
stored), and where it comes from. The ingest code in ``store/raw.py`` only reads these descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

from whosbehind.model import Grade


def read_header(name: str) -> tuple[str, ...]:
    """A published header, one column per line, shipped in ``sources/headers``."""
    text = resources.files("whosbehind.sources").joinpath("headers", f"{name}.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class SourceFormat:
    key: str  # also the suffix of the raw table: raw_<key>
    title: str  # said to the user when the format is detected
    columns: tuple[str, ...]  # the canonical header, in file order
    publisher: str
    url: str
    licence: str
    grade: Grade
    amount_columns: tuple[str, ...]  # must read as numbers, or the file is refused
    date_columns: tuple[str, ...]  # must read as dates in the file's one date order
    fiscal_year_checks: tuple[tuple[str, str], ...] = ()  # (date column, its fiscal-year column)
    # Older spellings of a column that some exports still carry: {old name: canonical name}.
    aliases: dict[str, str] = field(default_factory=dict)
    # Files of a series after the first may come without a header (the 2018-era exports).
    headerless_continuations: bool = False
    # SQL predicate over the raw columns: the recipient is a private person (see README, principle 4).
    # ``reads_as_person(name)`` (sources/persons.py) reads a name; the macros are in store/sql/000_macros.sql.
    individual_predicate: str = "FALSE"
    # Columns that would name or locate that person: stored as NULL on such rows.
    personal_columns: tuple[str, ...] = ()
    # Other names on a row that may be a private person's (a parent, a prime recipient, a trade name): each a
    # SQL predicate over the raw columns and the columns stored as NULL when it holds.
    person_checks: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def raw_table(self) -> str:
        return f"raw_{self.key}"

    @property
    def dropped_columns(self) -> tuple[str, ...]:
        """Columns that name individuals (executives' names and pay): never stored."""
        return tuple(c for c in self.columns if "highly_compensated_officer" in c)

    @property
    def stored_columns(self) -> tuple[str, ...]:
        dropped = set(self.dropped_columns)
        return tuple(c for c in self.columns if c not in dropped)


def all_formats() -> list[SourceFormat]:
    from whosbehind.sources import usaspending_2018, usaspending_api_list, usaspending_bulk

    return [
        usaspending_bulk.PRIME_AWARD_TRANSACTIONS,
        usaspending_bulk.PRIME_AWARD_SUMMARIES,
        usaspending_bulk.SUBAWARDS,
        usaspending_2018.TRANSACTIONS_2018,
        usaspending_api_list.API_TRANSACTION_LIST,
    ]
