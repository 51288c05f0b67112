"""The vocabulary of whosbehind: organizations, ties between them, and the graded evidence behind each tie.

These classes are what the CLI, the JSON output and the web layer speak; the store keeps the same shapes
in DuckDB tables (see ``store/sql``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Grade(StrEnum):
    """How much a piece of evidence can be trusted (DESIGN.md, principle 1)."""

    A = "A"  # official record with a stable identifier (USAspending/FPDS award, FedRAMP, GLEIF)
    B = "B"  # official but self-reported or secondary (subaward reports, SAM parent self-reports)
    C = "C"  # credible published reporting, with publication, date and URL
    D = "D"  # unverified tip, never published on its own
    E = "E"  # inferred by whosbehind, always with the path that produced it

    @staticmethod
    def weakest(grades: list[Grade]) -> Grade:
        """A path is only as strong as its weakest step."""
        return max(grades, key=lambda g: "ABCDE".index(g.value))


class TieKind(StrEnum):
    PRIME_CONTRACT = "prime_contract"
    SUBCONTRACT = "subcontract"
    PARENT = "parent"
    PART_OF = "part_of"


class OrgKind(StrEnum):
    COMPANY = "company"
    AGENCY = "agency"
    SUB_AGENCY = "sub_agency"
    OFFICE = "office"
    INDIVIDUALS = "individuals"


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    kind: OrgKind
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    source: str  # dataset name, e.g. "usaspending_prime_award_summaries"
    file_name: str
    sha256: str
    locator: str  # rows in the file, e.g. "rows 12, 13"
    grade: Grade
    permalink: str | None = None


@dataclass
class Tie:
    kind: TieKind
    source_id: str
    target_id: str
    grade: Grade
    obligated: Decimal = Decimal("0")
    evidence: list[Evidence] = field(default_factory=list)
