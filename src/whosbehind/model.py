"""The vocabulary of whosbehind: organizations, ties between them, and the graded evidence behind each tie.

These classes are what the CLI, the JSON output and the web layer speak; the store keeps the same shapes
in DuckDB tables (see ``store/sql``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Grade(StrEnum):
    """How much a piece of evidence can be trusted (README, principle 1)."""

    A = "A"  # official record with a stable identifier (USAspending/FPDS award, FedRAMP, GLEIF)
    B = "B"  # official but self-reported or secondary (subaward reports, SAM parent self-reports)
    C = "C"  # credible published reporting, with publication, date and URL
    D = "D"  # unverified tip, never published on its own
    E = "E"  # inferred by whosbehind, always with the path that produced it

    @staticmethod
    def weakest(grades: list[Grade]) -> Grade:
        """A path is only as strong as its weakest step."""
        return max(grades, key=lambda g: GRADE_RANK[g])


# A grade's strength, 0 (A, the strongest) to 4 (E): sorting and "the weakest step" read it here.
GRADE_RANK: dict[str, int] = {g.value: rank for rank, g in enumerate(Grade)}
OFFICIAL_OR_REPORTED = (Grade.A, Grade.B, Grade.C)  # what a curated link may cite: never a tip, never an inference
# Grades whose facts are worded as reported, with where, never stated (README, principle 2): published reporting
# and what is unverified.
SAID_AS_REPORTED = frozenset({Grade.C, Grade.D})
# Grades of no official record: reported (C, D) or inferred by whosbehind (E). Money that reaches a family only
# through an ownership link of one of these is shown apart in rankings (`top`, agency pages).
NOT_OFFICIAL = frozenset({Grade.C, Grade.D, Grade.E})


class TieKind(StrEnum):
    """Every kind of tie, read source -> target. The one list: Python reads it here, SQL reads the table
    ``vocabulary_tie_kinds`` that the build writes from it, and `whosbehind check` refuses a tie of another kind."""

    PRIME_CONTRACT = "prime_contract"  # agency -> recipient (USAspending prime awards)
    NAMED_IN_AWARD = "named_in_award"  # product maker -> prime recipient whose award names the product
    SUBCONTRACT = "subcontract"  # prime -> subrecipient (subaward reports)
    OFFERS = "offers"  # cloud provider -> cloud product (FedRAMP Marketplace)
    CLOUD_AUTHORIZATION = "cloud_authorization"  # cloud product -> agency that authorized or reuses it
    RUNS_ON = "runs_on"  # cloud product -> the product it is built on or leverages (FedRAMP Marketplace)
    HOSTING = "hosting"  # company -> system it hosts
    SUPPLY = "supply"  # company -> agency or system it supplies
    FINANCING = "financing"  # bank -> company it finances
    FACILITY_OPERATION = "facility_operation"  # operator -> detention facility
    DETENTION_FACILITY = "detention_facility"  # facility -> ICE, whose list it is on
    SALES_PITCH = "sales_pitch"  # company -> agency it pitched
    PARTNERSHIP = "partnership"  # company <-> company
    SYSTEM_USE = "system_use"  # agency -> system it uses
    BRAND = "brand"  # brand -> owner
    PARENT = "parent"  # child -> parent (reported, GLEIF, curated ownership)
    PART_OF = "part_of"  # sub-agency -> agency

    @property
    def title(self) -> str:
        return TIE_KIND_TITLES[self]


# How every face titles each kind, in the order pages list them.
TIE_KIND_TITLES = {
    TieKind.PRIME_CONTRACT: "Prime contracts",
    TieKind.NAMED_IN_AWARD: "Products named in awards to others",
    TieKind.SUBCONTRACT: "Subcontracts",
    TieKind.OFFERS: "FedRAMP cloud products offered",
    TieKind.CLOUD_AUTHORIZATION: "FedRAMP authorizations",
    TieKind.RUNS_ON: "Cloud products built on or leveraging others",
    TieKind.HOSTING: "Hosting",
    TieKind.SUPPLY: "Supply",
    TieKind.FINANCING: "Financing",
    TieKind.FACILITY_OPERATION: "Detention facility operation",
    TieKind.DETENTION_FACILITY: "On ICE's detention facility list",
    TieKind.SALES_PITCH: "Sales pitches",
    TieKind.PARTNERSHIP: "Partnerships",
    TieKind.SYSTEM_USE: "Systems used",
    TieKind.BRAND: "Brands and businesses",
    TieKind.PARENT: "Parent companies and subsidiaries",
    TieKind.PART_OF: "Part of",
}


class Relation(StrEnum):
    """Whose tie a path to an agency shows (analysis/why.py): the organization's own, a family member's (the last
    family step before the tie names which), or a partner's, which is not of the family."""

    OWN = "own"
    PARENT = "parent's"
    SUBSIDIARY = "subsidiary's"
    BRAND_OWNER = "brand owner's"
    BRAND = "brand's"
    PARTNER = "partner's"


class IdKind(StrEnum):
    """The kinds of node id, by prefix: organization ids are built from identifiers, so the same inputs give
    the same ids on every build."""

    UEI = "uei:"
    DUNS = "duns:"
    LEI = "lei:"
    NAME = "name:"  # a recipient known by its name only
    AGENCY = "agency:"
    OFFICE = "office:"
    CURATED = "curated:"  # an entity of the curated claims (brand, system, bank ...)
    FEDRAMP_PRODUCT = "fedramp:"
    FEDRAMP_PROVIDER = "fedramp-csp:"
    FEDRAMP_AGENCY = "fedramp-agency:"
    FACILITY_OPERATOR = "operator:"
    FACILITY = "facility:"
    INDIVIDUALS = "individuals"  # the one bucket of private persons


class LookupBasis(StrEnum):
    """How the lookup read what a person typed (analysis/lookup.py): every face gives it with the answer, and the
    web pages put it in the visitor's language (web/formatting.py BASIS_WORDS)."""

    ORGANIZATION_ID = "organization id"
    UEI = "UEI"
    DUNS = "DUNS"
    DUNS_BESIDE_UEI = "DUNS (seen beside its UEI)"
    EXACT_NAME = "exact name"
    BRAND = "brand"  # a curated brand's name: its owner answers
    PRODUCT = "product"  # a named product of the curated product lexicon: its maker answers
    NAME_MATCH = "name match"  # resolution's matcher
    SHORT_NAME = "short name"  # the beginning of names
    COMMON_WORD = "common word"  # a lone common word: never decides, lists the names it begins
    NAMES_CONTAINING = "names containing the text"  # no match: names that contain the text, to choose from
    INDIVIDUAL = "individual"  # the matcher read a private person's name (inside the lookup: PRIVATE_PERSON answers)
    PRIVATE_PERSON = "private person"  # a text read as a person's name: withheld, never looked up


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
