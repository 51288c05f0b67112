"""Organizations come from identifiers; people's names never reach the database or the output."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import duckdb

from samples import API_ZIP, LEGACY_ZIP, MN_SUMMARIES, MN_ZIP, SUBAWARDS, member_bytes, member_rows


def _text_hits(db, *needles: str) -> list[str]:
    """Every table.column of the database whose text contains one of ``needles`` (case-insensitive)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns: dict[str, list[str]] = {}
        for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' AND data_type = 'VARCHAR'").fetchall():
            columns.setdefault(table, []).append(column)
        pattern = "(?i)" + "|".join(re.escape(n) for n in needles)
        hits = []
        for table, cols in columns.items():
            # One scan per table: any column matching any needle.
            test = " OR ".join(f'regexp_matches("{c}", $p)' for c in cols)
            if con.execute(f'SELECT count(*) FROM "{table}" WHERE {test}', {"p": pattern}).fetchone()[0]:
                hits.extend(f"{table}.{c}" for c in cols if con.execute(
                    f'SELECT count(*) FROM "{table}" WHERE regexp_matches("{c}", $p)', {"p": pattern}).fetchone()[0])
        return hits
    finally:
        con.close()


def test_officer_names_from_subawards_are_never_stored(built_db):
    rows = list(csv.DictReader(io.StringIO(member_bytes(MN_ZIP, SUBAWARDS).decode("utf-8"))))
    officers = {r[f"subawardee_highly_compensated_officer_{i}_name"].strip() for r in rows for i in range(1, 6)}
    officers = {o for o in officers if o and o.upper() not in {"NA  NA", "NA NA"} and len(o) > 8}
    assert officers, "the real subaward file names some officers"
    assert _text_hits(built_db, *sorted(officers)) == []
    con = duckdb.connect(str(built_db), read_only=True)
    stored = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns").fetchall()]
    assert not [c for c in stored if "highly_compensated" in c]


def test_private_persons_are_counted_but_never_named(built, built_db):
    # The real API lists pay some persons by name: three of them, by their rows in the FY2021 list (counted from
    # its header), so that their names are not written here.
    fy2021 = member_rows(API_ZIP, "cbp-ice-transactions-fy21-26/CBP_ICE_FY2021_Contract_Obligations.csv")
    people = [fy2021[row][2] for row in (1971, 2217, 2945)]
    assert all(", " in n for n in people), people  # SURNAME, GIVEN: the list's way with a person
    assert _text_hits(built_db, *people) == []
    # A sole proprietor in the Minnesota summaries, whose business-type column says so.
    summaries = list(csv.DictReader(io.StringIO(member_bytes(MN_ZIP, MN_SUMMARIES).decode("utf-8"))))
    sole = {r["recipient_name"] for r in summaries if r["sole_proprietorship"] == "t"}
    assert sole
    assert _text_hits(built_db, *sole) == []
    ranking = built.json("top", "--agency", "DHS", "--limit", "0")
    bucket = [r for r in ranking if r["id"] == "individuals"]
    assert len(bucket) == 1 and bucket[0]["obligated"] != 0
    assert bucket[0]["name"] == "Individual recipients (names withheld)"
    assert not any(r["name"] in people for r in ranking)


def test_legacy_duns_rows_join_the_organization_known_by_uei(built_db):
    summaries = list(csv.DictReader(io.StringIO(member_bytes(MN_ZIP, MN_SUMMARIES).decode("utf-8"))))
    uei_of = {r["recipient_duns"].zfill(9): r["recipient_uei"] for r in summaries
              if r["recipient_duns"] and r["recipient_uei"]}
    legacy = member_rows(LEGACY_ZIP, "torn-apart-ice-fy13-18/fy13.csv")
    duns_col = legacy[0].index("recipient_duns")
    shared = {}
    for name in ("fy13", "fy14", "fy15", "fy16", "fy17", "fy18"):
        rows = member_rows(LEGACY_ZIP, f"torn-apart-ice-fy13-18/{name}.csv")
        for row in rows[1:] if name == "fy13" else rows:
            duns = row[duns_col].zfill(9)
            if duns in uei_of:
                shared[duns] = uei_of[duns]
    assert shared, "some 2018-era DUNS reappear with a UEI in the 2025 export"
    con = duckdb.connect(str(built_db), read_only=True)
    for duns, uei in sorted(shared.items())[:10]:
        ids = {r[0] for r in con.execute(
            "SELECT DISTINCT recipient_id FROM money WHERE source_format = 'transactions_2018' "
            "AND lpad(recipient_duns, 9, '0') = ? AND NOT individual", [duns]).fetchall()}
        assert ids <= {f"uei:{uei}"}, (duns, ids)


def test_lookup_shows_family_totals_awards_and_names(built):
    west = built.json("lookup", "WEST PUBLISHING CORPORATION")
    assert west["id"].startswith("uei:")
    # USAspending reports Thomson Reuters as West Publishing's parent (self-reported in SAM: grade B).
    assert "THOMSON REUTERS" in west["family"]["name"]
    assert west["largest_awards"][0]["permalink"].startswith("https://www.usaspending.gov/award/CONT_")
    # its registrations and its name-only rows (FY21-26 lists, ICE and CBP) are one organization
    assert {t["sub_agency_code"] for t in west["totals"]} == {"7012", "7014"}
    geo = built.json("lookup", "GEO GROUP")
    assert any(n.startswith("THE GEO GROUP") for n in geo["names"])
    assert sum(t["obligated"] for t in geo["totals"]) > 1_000_000_000


def test_lookup_answers_the_organization_with_every_record_merged_into_it(built):
    # "GEO GROUP" is written as a name only in the FY21-26 lists; resolution merged that record into the GEO
    # Group DUNS. The answer is the organization, and its money is every record's.
    geo = built.json("lookup", "GEO GROUP")
    assert geo["id"] == "duns:612706465"
    assert "name:THE GEO GROUP, INC." in {r["id"] for r in geo["records"]}
    con = duckdb.connect(str(built.db), read_only=True)
    own_sum = con.execute("SELECT sum(m.amount) FROM money m JOIN organizations o ON o.id = m.recipient_id "
                          "WHERE o.canonical_id = ?", [geo["id"]]).fetchone()[0]
    family_sum = con.execute("SELECT sum(m.amount) FROM money m JOIN organizations o ON o.id = m.recipient_id "
                             "WHERE o.family_id = ?", [geo["family"]["id"]]).fetchone()[0]
    con.close()
    assert sum(Decimal(str(t["obligated"])) for t in geo["totals"]) == own_sum
    assert Decimal(str(geo["total_obligated"])) == own_sum
    assert sum(Decimal(str(t["obligated"])) for t in geo["family_totals"]) == family_sum > own_sum
    # Each family link says where it comes from and its grade.
    linked = [m for m in geo["family"]["members"] if m["link"]]
    assert linked and all(m["link"]["source"] and m["link"]["grade"] in "ABCE" for m in linked)
    text = " ".join(built.run("lookup", "GEO GROUP").output.split())  # lines wrap at the terminal width
    assert "records merged" in text and "name:THE GEO GROUP, INC." in text
    # Asking for the merged record by its id gives the same organization, and says which record was asked for.
    record = built.json("lookup", "name:THE GEO GROUP, INC.")
    assert record["id"] == geo["id"] and record["asked_for"]["id"] == "name:THE GEO GROUP, INC."


def test_lookup_lists_subcontracts_both_ways(built):
    rows = list(csv.DictReader(io.StringIO(member_bytes(MN_ZIP, SUBAWARDS).decode("utf-8"))))
    lukos_subs = {r["subawardee_name"].upper() for r in rows if r["prime_awardee_uei"] == "HB6GKZYMMW89"}
    assert lukos_subs
    prime = built.json("lookup", "uei:HB6GKZYMMW89", "--limit", "50")
    gave = {s["other_name"] for s in prime["subcontracts"] if s["direction"] == "gave"}
    assert lukos_subs & gave
    sub_name = sorted(lukos_subs & gave)[0]
    sub = built.json("lookup", sub_name, "--limit", "50")
    assert any(s["direction"] == "received" and s["other_id"] == "uei:HB6GKZYMMW89" for s in sub["subcontracts"])


def test_unknown_agency_and_name_get_one_readable_line(built):
    result = built.run("top", "--agency", "Ministry of Silly Walks")
    assert result.exit_code == 1 and "no agency matches" in result.output
    result = built.run("lookup", "ZZZ NO SUCH COMPANY QQQ")
    assert result.exit_code == 1 and "no organization" in result.output
