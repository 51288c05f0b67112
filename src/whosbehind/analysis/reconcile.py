"""`whosbehind check`: every stored total against the sum of its source rows, to the cent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from whosbehind.store import digest, queries
from whosbehind.store.db import query_text


@dataclass
class CheckReport:
    summary: dict[str, Any]
    total_mismatches: list[dict[str, Any]] = field(default_factory=list)
    file_count_mismatches: list[dict[str, Any]] = field(default_factory=list)
    set_aside: list[dict[str, Any]] = field(default_factory=list)
    # Corporate-family problems (conflicting parents, parent cycles): reported, they do not fail the check.
    family_issues: list[dict[str, Any]] = field(default_factory=list)
    partial_awards: dict[str, Any] = field(default_factory=dict)
    # Ties of a kind, grade or id the vocabulary (model.py) does not name.
    vocabulary_problems: list[dict[str, Any]] = field(default_factory=list)
    # Derived tables (and views) that differ from the digest their build recorded (store/digest.py).
    derived_mismatches: list[dict[str, Any]] = field(default_factory=list)
    # Counted rows whose amount, date or fiscal year check's own readers read otherwise from the raw text.
    value_mismatches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accounted(self) -> bool:
        """Every money row is counted or set aside, and the stored total is the counted rows' sum."""
        s = self.summary
        return (
            s["money_rows"] == s["counted_rows"] + s["set_aside_rows"]
            and s["all_rows_amount"] == s["counted_amount"] + s["set_aside_amount"]
            and s["counted_amount"] == s["stored_total"]
        )

    @property
    def ok(self) -> bool:
        return (self.accounted and not self.total_mismatches and not self.file_count_mismatches
                and not self.vocabulary_problems and not self.derived_mismatches and not self.value_mismatches)


def check(con: duckdb.DuckDBPyConnection) -> CheckReport:
    con.execute(query_text("check_readers"))  # check's own amount and date readers (temporary macros)
    return CheckReport(
        summary=queries.one(con, "reconcile_summary") or {},
        total_mismatches=queries.rows(con, "reconcile_totals"),
        file_count_mismatches=queries.rows(con, "source_file_counts"),
        set_aside=queries.rows(con, "set_aside_reasons"),
        partial_awards=queries.one(con, "partial_transaction_awards") or {},
        family_issues=queries.rows(con, "family_issue_list"),
        vocabulary_problems=queries.rows(con, "check_vocabulary"),
        derived_mismatches=digest.verify(con),
        value_mismatches=queries.rows(con, "reconcile_values"),
    )
