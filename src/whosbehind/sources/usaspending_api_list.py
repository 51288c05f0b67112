"""Transaction lists pulled from the USAspending API v2 ``/search/spending_by_transaction/``.

The CBP/ICE lists FY2021-FY2026 (github.com/wrags81/cbp-ice-dashboard) carry ten columns: recipient names
only (no UEI, no parent), PSC and NAICS as descriptions, and the generated award id. Some yearly files
are top-N-by-amount truncations, so their sums are not complete agency totals.
"""

from __future__ import annotations

from whosbehind.model import Grade
from whosbehind.sources import SourceFormat

API_TRANSACTION_LIST = SourceFormat(
    key="api_transactions",
    title="USAspending API transaction list (names only, 10 columns)",
    columns=(
        "Agency",
        "Award ID",
        "Recipient Name",
        "Federal Action Obligation",
        "Action Date",
        "Modification",
        "Product/Service Description",
        "NAICS Description",
        "Transaction Description",
        "Generated Award ID",
    ),
    publisher="USAspending.gov API v2, pulled by github.com/wrags81/cbp-ice-dashboard",
    url="https://api.usaspending.gov/api/v2/search/spending_by_transaction/",
    licence="U.S. government work, public domain in the U.S.",
    grade=Grade.A,
    amount_columns=("Federal Action Obligation",),
    date_columns=("Action Date",),
    # No business-type column: the name alone decides (sources/persons.py).
    individual_predicate='(looks_like_person_name("Recipient Name") OR reads_as_person("Recipient Name"))',
    # The description of a person's award may name them ("ARBITRATION SERVICES - <name>").
    personal_columns=("Recipient Name", "Transaction Description"),
)
