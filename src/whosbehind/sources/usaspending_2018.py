"""USAspending contract transactions in the 2018-era download schema (259 columns, DUNS, no UEI).

As published by Torn Apart / Separados (xpmethod, 2018) for ICE, FY2013-FY2018: only the first file of
the series carries the header; the following files continue it without one. Dates are day-first.
Publisher of the records: USAspending.gov; the series: xpmethod/torn-apart (CC BY 4.0).
The header in ``headers/legacy_2018_transactions.txt`` is the first line of that series' ``fy13.csv``.
"""

from __future__ import annotations

from whosbehind.model import Grade
from whosbehind.sources import SourceFormat, read_header

TRANSACTIONS_2018 = SourceFormat(
    key="transactions_2018",
    title="USAspending transactions, 2018-era schema (259 columns, DUNS only)",
    columns=read_header("legacy_2018_transactions"),
    publisher="USAspending.gov, as exported in 2018 by Torn Apart / Separados (xpmethod)",
    url="https://github.com/xpmethod/torn-apart",
    licence="records: U.S. public domain; compilation: CC BY 4.0",
    grade=Grade.A,
    amount_columns=("federal_action_obligation", "potential_total_value_of_award"),
    date_columns=("action_date", "last_modified_date"),
    fiscal_year_checks=(("action_date", "fiscal_year"),),
    headerless_continuations=True,
    individual_predicate=(
        "((sole_proprietorship = 't' AND NOT has_organisation_word(recipient_name)) "
        "OR looks_like_person_name(recipient_name) OR reads_as_person(recipient_name))"
    ),
    personal_columns=(
        "recipient_duns",  # an identifier that SAM.gov and USAspending resolve to the person's name
        "recipient_name",
        "recipient_doing_business_as_name",
        "recipient_parent_name",
        "recipient_parent_duns",
        "recipient_address_line_1",
        "recipient_address_line_2",
        "recipient_phone_number",
        "recipient_fax_number",
        "award_description",  # the description of a person's award may name them
    ),
    person_checks=(
        ("reads_as_person(recipient_parent_name)", ("recipient_parent_name", "recipient_parent_duns")),
        ("reads_as_person(recipient_doing_business_as_name)", ("recipient_doing_business_as_name",)),
    ),
)
