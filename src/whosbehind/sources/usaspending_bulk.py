"""USAspending bulk and custom-download CSVs for contracts (the modern schema, with UEI).

Publisher: U.S. Department of the Treasury, Bureau of the Fiscal Service (USAspending.gov).
Licence: U.S. government work, public domain in the U.S. (17 U.S.C. 105).
Headers: ``usaspending_api/download/v2/download_column_historical_lookups.py`` (``query_paths``), copied
verbatim into ``headers/``. Files are split every 1,000,000 rows into ``_1.csv``, ``_2.csv`` …, each with
its header.
"""

from __future__ import annotations

from whosbehind.model import Grade
from whosbehind.sources import SourceFormat, read_header

PUBLISHER = "USAspending.gov (U.S. Treasury, Bureau of the Fiscal Service)"
URL = "https://www.usaspending.gov/download_center/custom_award_data"
LICENCE = "U.S. government work, public domain in the U.S."

# A sole proprietor whose trade name carries no organisation word, a name written "SURNAME, GIVEN", or a
# name that reads as a person's with no business word (sources/persons.py): a private person. The SQL macros
# are defined in store/sql/000_macros.sql.
RECIPIENT_IS_PERSON = (
    "((sole_proprietorship = 't' AND NOT has_organisation_word(recipient_name)) "
    "OR looks_like_person_name(recipient_name) OR reads_as_person(recipient_name))"
)
# A parent or a trade name that is a person's name: never stored, and no family link to a person.
RECIPIENT_PERSON_CHECKS = (
    # The name as reported on the award can be the owner's where the registration's name is the company's
    # (QUALIFICATION TARGETS INC was reported as its owner's name): the company is the recipient, the
    # owner's name is not stored.
    ("reads_as_person(recipient_name_raw)", ("recipient_name_raw",)),
    ("reads_as_person(recipient_parent_name) OR reads_as_person(recipient_parent_name_raw)",
     ("recipient_parent_name", "recipient_parent_name_raw", "recipient_parent_uei", "recipient_parent_duns")),
    ("reads_as_person(recipient_doing_business_as_name)", ("recipient_doing_business_as_name",)),
)
RECIPIENT_PERSONAL_COLUMNS = (
    "recipient_uei",  # an identifier that SAM.gov and USAspending resolve to the person's name
    "recipient_duns",
    "recipient_name",
    "recipient_name_raw",
    "recipient_doing_business_as_name",
    "recipient_parent_uei",
    "recipient_parent_duns",
    "recipient_parent_name",
    "recipient_parent_name_raw",
    "recipient_address_line_1",
    "recipient_address_line_2",
    "recipient_phone_number",
    "recipient_fax_number",
)

PRIME_AWARD_TRANSACTIONS = SourceFormat(
    key="prime_award_transactions",
    title="USAspending Prime Award Transactions (contracts, 297 columns)",
    columns=read_header("prime_award_transactions"),
    publisher=PUBLISHER,
    url=URL,
    licence=LICENCE,
    grade=Grade.A,
    amount_columns=("federal_action_obligation", "potential_total_value_of_award"),
    date_columns=("action_date", "last_modified_date"),
    fiscal_year_checks=(("action_date", "action_date_fiscal_year"),),
    individual_predicate=RECIPIENT_IS_PERSON,
    # The description of a person's award may name them ("ARBITRATION SERVICES - <name>").
    personal_columns=(*RECIPIENT_PERSONAL_COLUMNS, "transaction_description",
                      "prime_award_base_transaction_description"),
    person_checks=RECIPIENT_PERSON_CHECKS,
)

PRIME_AWARD_SUMMARIES = SourceFormat(
    key="prime_award_summaries",
    title="USAspending Prime Award Summaries (contracts, 286 columns)",
    columns=read_header("prime_award_summaries"),
    publisher=PUBLISHER,
    url=URL,
    licence=LICENCE,
    grade=Grade.A,
    amount_columns=("total_obligated_amount", "potential_total_value_of_award"),
    date_columns=("award_base_action_date", "award_latest_action_date", "last_modified_date"),
    fiscal_year_checks=(
        ("award_base_action_date", "award_base_action_date_fiscal_year"),
        ("award_latest_action_date", "award_latest_action_date_fiscal_year"),
    ),
    individual_predicate=RECIPIENT_IS_PERSON,
    personal_columns=(*RECIPIENT_PERSONAL_COLUMNS, "prime_award_base_transaction_description"),
    person_checks=RECIPIENT_PERSON_CHECKS,
)

SUBAWARDS = SourceFormat(
    key="subawards",
    title="USAspending Subawards (contracts, 118 columns)",
    columns=read_header("subawards"),
    publisher=PUBLISHER,
    url=URL,
    licence=LICENCE,
    grade=Grade.B,  # self-reported by the prime recipient
    amount_columns=("subaward_amount",),
    date_columns=("subaward_action_date",),
    fiscal_year_checks=(("subaward_action_date", "subaward_action_date_fiscal_year"),),
    # Exports made before the move from FSRS to SAM.gov name four report columns after FSRS.
    aliases={
        "subaward_fsrs_report_id": "subaward_sam_report_id",
        "subaward_fsrs_report_year": "subaward_sam_report_year",
        "subaward_fsrs_report_month": "subaward_sam_report_month",
        "subaward_fsrs_report_last_modified_date": "subaward_sam_report_last_modified_date",
    },
    individual_predicate=(
        "((upper(subawardee_business_types) LIKE '%SOLE PROPRIETOR%' "
        "AND NOT has_organisation_word(subawardee_name)) OR looks_like_person_name(subawardee_name) "
        "OR reads_as_person(subawardee_name))"
    ),
    personal_columns=(
        "subawardee_uei",
        "subawardee_duns",
        "subawardee_name",
        "subawardee_dba_name",
        "subawardee_parent_uei",
        "subawardee_parent_duns",
        "subawardee_parent_name",
        "subawardee_address_line_1",
        "subaward_description",
    ),
    person_checks=(
        ("reads_as_person(subawardee_parent_name)",
         ("subawardee_parent_name", "subawardee_parent_uei", "subawardee_parent_duns")),
        ("reads_as_person(subawardee_dba_name)", ("subawardee_dba_name",)),
        ("reads_as_person(prime_awardee_name)",
         ("prime_awardee_name", "prime_awardee_dba_name", "prime_awardee_uei", "prime_awardee_duns")),
        ("reads_as_person(prime_awardee_parent_name)",
         ("prime_awardee_parent_name", "prime_awardee_parent_uei", "prime_awardee_parent_duns")),
        ("reads_as_person(prime_awardee_dba_name)", ("prime_awardee_dba_name",)),
    ),
)
