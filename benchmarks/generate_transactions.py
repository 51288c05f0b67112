"""Write a USAspending Prime Award Transactions CSV (contracts, 297 columns) of any size, for benchmarks.

Every value comes from the real records bundled with whosbehind; only the combination and the row count are
synthetic:

- each generated award takes its *shape* (awarding sub-agency ICE 7012 or CBP 7014, office and PIID prefix,
  parent IDV, the sequence of modifications with their action dates, obligations to the cent and
  transaction descriptions) from one real award in the CBP/ICE transaction lists FY2021-26
  (``cbp-ice-transactions-fy21-26.zip``);
- and every other column (recipient UEI, DUNS, names, parent UEI/name, address, place of performance,
  PSC, NAICS, business types, competition fields …) from one real row of the Minnesota ICE Prime Award
  Summaries (``usaspending-ice-mn-2025.zip``), picked among rows with the same kind of award (with or
  without a parent IDV), with its dates moved to the new award's dates and written ISO.

To spread the awards over the years of a long export, an award's dates are moved back by a whole number of
years (0-12; the fiscal year in a ``70…`` PIID follows), and each award gets a new PIID serial so that award
keys (``CONT_AWD_<piid>_<agency>_<parent piid>_<parent agency>``) and transaction keys
(``<agency>_<parent agency>_<piid>_<modification>_<parent piid>_<transaction number>``) are unique in the
file, as in a real export, while each award repeats over its modifications. ``usaspending_permalink`` is
built as USAspending builds it (``https://www.usaspending.gov/award/<award key>/``). The
``highly_compensated_officer_*`` columns are left empty: a benchmark file has no reason to carry names of
people.

The output is a pure function of (rows, seed). Memory is bounded: the two samples (about 60,000 small rows)
are held, the output is streamed row by row.

    python benchmarks/generate_transactions.py --rows 250000 --out benchmarks/work/tx_250k.csv
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "whosbehind"
HEADER_FILE = PACKAGE / "sources" / "headers" / "prime_award_transactions.txt"
SUMMARIES_ZIP = PACKAGE / "sample" / "usaspending-ice-mn-2025.zip"
API_LISTS_ZIP = PACKAGE / "sample" / "cbp-ice-transactions-fy21-26.zip"
AGENCY_CODES = PACKAGE / "sources" / "reference" / "agency_codes.csv"

# How many years an award is moved back, with weights: recent years dominate, as in a real ICE export.
YEAR_SHIFTS = list(range(13))
YEAR_WEIGHTS = [14, 13, 12, 10, 9, 8, 7, 6, 5, 5, 4, 4, 3]

# Reason for modification (FPDS "reasonForModification"), with the descriptions USAspending writes; the
# three codes and their wording as they appear in the USAspending API and FPDS samples in shared data.
ACTION_TYPES = [("C", "FUNDING ONLY ACTION"), ("B", "SUPPLEMENTAL AGREEMENT FOR WORK WITHIN SCOPE"),
                ("M", "OTHER ADMINISTRATIVE ACTION")]
ACTION_WEIGHTS = [6, 3, 1]

# Columns named differently in the summaries (award level) and the transactions.
RENAMED = {
    "prime_award_transaction_recipient_county_fips_code": "prime_award_summary_recipient_county_fips_code",
    "prime_award_transaction_recipient_state_fips_code": "prime_award_summary_recipient_state_fips_code",
    "prime_award_transaction_recipient_cd_original": "prime_award_summary_recipient_cd_original",
    "prime_award_transaction_recipient_cd_current": "prime_award_summary_recipient_cd_current",
    "prime_award_transaction_place_of_performance_county_fips_code":
        "prime_award_summary_place_of_performance_county_fips_code",
    "prime_award_transaction_place_of_performance_state_fips_code":
        "prime_award_summary_place_of_performance_state_fips_code",
    "prime_award_transaction_place_of_performance_cd_original":
        "prime_award_summary_place_of_performance_cd_original",
    "prime_award_transaction_place_of_performance_cd_current":
        "prime_award_summary_place_of_performance_cd_current",
    "disaster_emergency_fund_codes_for_overall_award": "disaster_emergency_fund_codes",
    "outlayed_amount_from_COVID-19_supplementals_for_overall_award": "outlayed_amount_from_COVID-19_supplementals",
    "obligated_amount_from_COVID-19_supplementals_for_overall_award":
        "obligated_amount_from_COVID-19_supplementals",
    "outlayed_amount_from_IIJA_supplemental_for_overall_award": "outlayed_amount_from_IIJA_supplemental",
    "obligated_amount_from_IIJA_supplemental_for_overall_award": "obligated_amount_from_IIJA_supplemental",
    "total_outlayed_amount_for_overall_award": "total_outlayed_amount",
}
SLASHED_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?: (\d{1,2}):(\d{2}))?$")
PIID_70 = re.compile(r"^(70[A-Z0-9]{4})(\d{2})([A-Z])(\d+)$")
TRAILING_DIGITS = re.compile(r"^(.*?)(\d*)$")


def read_header() -> list[str]:
    return [line.strip() for line in HEADER_FILE.read_text("utf-8").splitlines() if line.strip()]


def fiscal_year(d: date) -> int:
    return d.year + (1 if d.month >= 10 else 0)


def shift_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def parse_slashed(text: str) -> tuple[date, bool] | None:
    """M/D/YY or M/D/YYYY (optionally with a time), as in the spreadsheet-saved Minnesota files."""
    m = SLASHED_DATE.match(text.strip())
    if not m:
        return None
    month, day, year = int(m.group(1)), int(m.group(2)), m.group(3)
    y = int(year) if len(year) == 4 else (2000 + int(year) if int(year) < 70 else 1900 + int(year))
    try:
        return date(y, month, day), m.group(4) is not None
    except ValueError:
        return None


def money(value: float) -> str:
    return f"{value:.2f}"


@dataclass
class Shape:
    """One real award from the API lists: who awarded it and its modifications."""

    sub_agency: str
    piid: str
    parent_piid: str  # '' when none
    parent_agency: str  # '' when none
    mods: list[tuple[str, date, float, str]]  # (modification, action date, obligation, description)


@dataclass
class Template:
    """One real award summary row, laid out in the transaction header's order."""

    values: list[str]
    base: date | None  # its award_base_action_date
    dates: list[tuple[int, date, bool]]  # (column index, date, had a time part)


def load_shapes() -> list[Shape]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    with zipfile.ZipFile(API_LISTS_ZIP) as archive:
        for name in sorted(archive.namelist()):
            if not name.endswith(".csv"):
                continue
            with archive.open(name) as raw:
                for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")):
                    grouped[row["Generated Award ID"]].append(row)
    shapes = []
    for key in sorted(grouped):
        parts = key.split("_")
        if len(parts) != 6 or parts[3] not in {"7012", "7014"}:
            continue
        rows = sorted(grouped[key], key=lambda r: (r["Action Date"], r["Modification"]))
        mods = [
            (r["Modification"], date.fromisoformat(r["Action Date"]), float(r["Federal Action Obligation"]),
             r["Transaction Description"])
            for r in rows
        ]
        shapes.append(Shape(parts[3], parts[2], "" if parts[4] == "-NONE-" else parts[4],
                            "" if parts[5] == "-NONE-" else parts[5], mods))
    return shapes


def load_templates(header: list[str]) -> tuple[list[Template], list[Template], dict[str, str]]:
    """Award rows with a parent IDV, award rows without, and office code -> name, from the MN summaries."""
    with_parent: list[Template] = []
    without_parent: list[Template] = []
    offices: dict[str, str] = {}
    with zipfile.ZipFile(SUMMARIES_ZIP) as archive:
        for name in sorted(archive.namelist()):
            if "PrimeAwardSummaries" not in name:
                continue
            with archive.open(name) as raw:
                for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")):
                    for code_col, name_col in (("awarding_office_code", "awarding_office_name"),
                                               ("funding_office_code", "funding_office_name")):
                        if row[code_col] and row[name_col]:
                            offices.setdefault(row[code_col], row[name_col])
                    if row["award_or_idv_flag"] != "AWARD":
                        continue
                    values = []
                    dates = []
                    for index, column in enumerate(header):
                        source = RENAMED.get(column, column)
                        value = row.get(source, "")
                        if "highly_compensated_officer" in column:
                            value = ""
                        parsed = parse_slashed(value) if value else None
                        if parsed:
                            dates.append((index, parsed[0], parsed[1]))
                        values.append(value)
                    base = parse_slashed(row["award_base_action_date"])
                    template = Template(values, base[0] if base else None, dates)
                    (with_parent if row["parent_award_id_piid"] else without_parent).append(template)
    return with_parent, without_parent, offices


def load_agency_names() -> dict[str, str]:
    with AGENCY_CODES.open(encoding="utf-8", newline="") as handle:
        return {r["subtier_code"]: r["subtier_name"] for r in csv.DictReader(handle)}


def new_piid(piid: str, serial: int, base_fy: int) -> str:
    m = PIID_70.match(piid)
    if m:
        return f"{m.group(1)}{base_fy % 100:02d}{m.group(3)}{serial:0{max(len(m.group(4)), 8)}d}"
    prefix, digits = TRAILING_DIGITS.match(piid).groups()
    return f"{prefix}{serial:0{max(len(digits), 5)}d}"


def generate(rows: int, seed: int, out, progress: bool = False) -> dict[str, int]:
    header = read_header()
    col = {name: i for i, name in enumerate(header)}
    shapes = load_shapes()
    with_parent, without_parent, offices = load_templates(header)
    agency_names = load_agency_names()
    rng = random.Random(seed)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)

    written = awards = 0
    serial = 0
    started = time.monotonic()
    while written < rows:
        shape = shapes[rng.randrange(len(shapes))]
        pool = with_parent if shape.parent_piid else without_parent
        template = pool[rng.randrange(len(pool))]
        years = rng.choices(YEAR_SHIFTS, YEAR_WEIGHTS)[0]
        mods = [(m, shift_years(d, years), amount, text) for m, d, amount, text in shape.mods]
        base_date = mods[0][1]
        serial += 1
        awards += 1
        piid = new_piid(shape.piid, serial, fiscal_year(base_date))
        sub = shape.sub_agency
        award_key = f"CONT_AWD_{piid}_{sub}_{shape.parent_piid or '-NONE-'}_{shape.parent_agency or '-NONE-'}"
        office = piid[:6] if piid.startswith("70") else ""
        total = sum(amount for _, _, amount, _ in mods)

        award = list(template.values)
        # The template's own dates move with the award (same spacing), written as USAspending writes them.
        offset = (base_date - template.base) if template.base else timedelta(0)
        for index, d, had_time in template.dates:
            try:
                moved = d + offset
            except OverflowError:
                moved = d
            award[index] = f"{moved.isoformat()} 00:00:00" if had_time else moved.isoformat()
        award[col["contract_award_unique_key"]] = award_key
        award[col["award_id_piid"]] = piid
        award[col["parent_award_agency_id"]] = shape.parent_agency
        award[col["parent_award_agency_name"]] = agency_names.get(shape.parent_agency, "")
        award[col["parent_award_id_piid"]] = shape.parent_piid
        award[col["parent_award_modification_number"]] = ""
        award[col["total_dollars_obligated"]] = money(total)
        current = max(total, 0.0)
        potential = template.values[col["potential_total_value_of_award"]]
        award[col["current_total_value_of_award"]] = money(current)
        award[col["potential_total_value_of_award"]] = money(max(current, float(potential or 0)))
        award[col["awarding_agency_code"]] = "070"
        award[col["awarding_agency_name"]] = "Department of Homeland Security"
        award[col["awarding_sub_agency_code"]] = sub
        award[col["awarding_sub_agency_name"]] = agency_names[sub]
        award[col["awarding_office_code"]] = office
        award[col["awarding_office_name"]] = offices.get(office, "")
        award[col["funding_agency_code"]] = "070"
        award[col["funding_agency_name"]] = "Department of Homeland Security"
        award[col["funding_sub_agency_code"]] = sub
        award[col["funding_sub_agency_name"]] = agency_names[sub]
        award[col["funding_office_code"]] = office
        award[col["funding_office_name"]] = offices.get(office, "")
        award[col["period_of_performance_start_date"]] = base_date.isoformat()
        award[col["prime_award_base_transaction_description"]] = mods[0][3]
        award[col["number_of_actions"]] = "1"
        award[col["usaspending_permalink"]] = f"https://www.usaspending.gov/award/{award_key}/"

        seen_mods: dict[str, int] = {}
        for modification, action_date, amount, text in mods:
            if written >= rows:
                break
            number = seen_mods.get(modification, -1) + 1  # a repeated modification is a new transaction
            seen_mods[modification] = number
            row = list(award)
            row[col["contract_transaction_unique_key"]] = (
                f"{sub}_{shape.parent_agency or '-NONE-'}_{piid}_{modification}_"
                f"{shape.parent_piid or '-NONE-'}_{number}"
            )
            row[col["modification_number"]] = modification
            row[col["transaction_number"]] = str(number)
            row[col["federal_action_obligation"]] = money(amount)
            row[col["base_and_exercised_options_value"]] = money(amount)
            row[col["base_and_all_options_value"]] = money(amount)
            row[col["action_date"]] = action_date.isoformat()
            row[col["action_date_fiscal_year"]] = str(fiscal_year(action_date))
            row[col["transaction_description"]] = text
            if modification == "0":
                row[col["action_type_code"]] = row[col["action_type"]] = ""
            else:
                code, label = rng.choices(ACTION_TYPES, ACTION_WEIGHTS)[0]
                row[col["action_type_code"]], row[col["action_type"]] = code, label
            row[col["undefinitized_action_code"]] = "X"
            row[col["undefinitized_action"]] = "NO"
            reported = action_date + timedelta(days=rng.randrange(0, 6))
            row[col["initial_report_date"]] = reported.isoformat()
            stamp = datetime(reported.year, reported.month, reported.day) + timedelta(
                days=rng.randrange(0, 30), seconds=rng.randrange(86400)
            )
            row[col["last_modified_date"]] = stamp.isoformat(sep=" ")
            writer.writerow(row)
            written += 1
        if progress and awards % 20000 == 0:
            rate = written / max(time.monotonic() - started, 1e-9)
            print(f"  {written:,} rows ({rate:,.0f} rows/s)", file=sys.stderr, flush=True)
    return {"rows": written, "awards": awards}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True, help="data rows to write (the header is extra)")
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=2, help="random seed (same seed and rows: same bytes)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    tmp = args.out.with_name(args.out.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        counts = generate(args.rows, args.seed, out, progress=not args.quiet)
    tmp.replace(args.out)
    if not args.quiet:
        size = args.out.stat().st_size
        print(f"{args.out}: {counts['rows']:,} rows, {counts['awards']:,} awards, {size / 1e6:,.0f} MB "
              f"in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
