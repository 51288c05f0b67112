"""USAspending API v2 clients: the bulk award download (request, poll its status, fetch the zip) and the
transaction search, paged with its cursor past the 50,000-row window. Both check the rows they got against the
count the API reports, and refuse a partial slice.

The base URL is ``WHOSBEHIND_USASPENDING_API`` (default https://api.usaspending.gov), so tests point it at a
local server that replays recorded answers.
"""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from whosbehind import settings
from whosbehind.refresh.agencies import RefreshAgency
from whosbehind.refresh.http import Client, Fetched, FetchError
from whosbehind.refresh.state import RunState
from whosbehind.sources.usaspending_api_list import API_TRANSACTION_LIST

CONTRACT_TYPES = ["A", "B", "C", "D"]
IDV_TYPES = ["IDV_A", "IDV_B", "IDV_B_A", "IDV_B_B", "IDV_B_C", "IDV_C", "IDV_D", "IDV_E"]
SEARCH_FIELDS = ["Award ID", "Mod", "Recipient Name", "Action Date", "Transaction Amount", "Awarding Agency",
                 "Awarding Sub Agency", "Transaction Description", "generated_internal_id", "internal_id"]
PAGE_LIMIT = 100  # the most the search returns per page
WINDOW = 50_000  # rows the search pages by number; past it only the cursor reaches


def base_url() -> str:
    return settings.usaspending_api()


@dataclass
class Slice:
    """What one source gave for one agency and date range."""

    source: str  # usaspending-bulk | usaspending-search
    agency: str
    start: date
    end: date
    files: list[Fetched] = field(default_factory=list)
    rows: int = 0  # data rows read in what was fetched
    api_count: int | None = None  # what the API itself said it holds
    note: str = ""


def _date_range(start: date, end: date) -> dict[str, str]:
    return {"start_date": start.isoformat(), "end_date": end.isoformat()}


def count_csv_rows(archive: Path) -> int:
    """Data rows of every CSV in the zip (headers not counted); a damaged zip is refused."""
    try:
        with zipfile.ZipFile(archive) as z:
            bad = z.testzip()
            if bad is not None:
                raise FetchError(f"{archive.name}: member {bad} is damaged (CRC mismatch); nothing was stored")
            rows = 0
            for member in z.namelist():
                if not member.lower().endswith(".csv"):
                    continue
                with z.open(member) as raw:
                    reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
                    rows += max(sum(1 for _ in reader) - 1, 0)
            return rows
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise FetchError(f"{archive.name}: not a whole zip archive ({exc}); nothing was stored") from None


def bulk_download(client: Client, agency: RefreshAgency, start: date, end: date, state: RunState,
                  *, poll_seconds: float | None = None, poll_limit: float | None = None,
                  on_stage: Callable[[str], None] = lambda s: None) -> Slice:
    """Request the agency's contract transactions and subawards for the dates, wait for the file, fetch it."""
    poll_seconds = poll_seconds if poll_seconds is not None else settings.poll_seconds()
    poll_limit = poll_limit if poll_limit is not None else settings.poll_limit()
    api = base_url()
    body = {"filters": {"prime_award_types": CONTRACT_TYPES + IDV_TYPES, "sub_award_types": ["procurement"],
                        "date_type": "action_date", "date_range": _date_range(start, end),
                        "agencies": [agency.filter("awarding")]},
            "file_format": "csv"}
    key = "bulk:" + json.dumps(body, sort_keys=True)
    job = state.get(key)
    if job is None:  # a killed run asked already: wait for the same file instead of asking again
        on_stage(f"requesting the {agency.key} download")
        answer = client.post_json(f"{api}/api/v2/bulk_download/awards/", body, "USAspending bulk download request")
        if not answer.get("file_name"):
            raise FetchError("USAspending bulk download request: the answer names no file; nothing was stored")
        job = {"file_name": answer["file_name"], "file_url": answer.get("file_url")}
        state.put(key, job)
    waited = 0.0
    while True:
        status = client.get_json(f"{api}/api/v2/download/status/", "USAspending download status",
                                 file_name=job["file_name"])
        if status.get("status") == "finished":
            break
        if status.get("status") == "failed":
            state.put(key, None)
            raise FetchError(f"USAspending download {job['file_name']} failed: {status.get('message')}; "
                             "nothing was stored")
        if waited >= poll_limit:
            raise FetchError(f"USAspending download {job['file_name']} not ready after {int(waited)} s "
                             f"(status {status.get('status')!r}); run refresh again later to go on")
        on_stage(f"waiting for {job['file_name']} ({status.get('status')})")
        time.sleep(poll_seconds)
        waited += poll_seconds
    url = urljoin(api + "/", status.get("file_url") or job.get("file_url") or "")
    on_stage(f"fetching {job['file_name']}")
    fetched = state.fetch(client, url, job["file_name"], f"USAspending download {job['file_name']}")
    found = Slice("usaspending-bulk", agency.key, start, end, [fetched])
    found.rows = count_csv_rows(fetched.path)
    total = status.get("total_rows")
    found.api_count = int(total) if total is not None else None
    return found


def _search_filters(agency: RefreshAgency, start: date, end: date) -> dict[str, Any]:
    return {"award_type_codes": CONTRACT_TYPES, "time_period": [_date_range(start, end)],
            "agencies": [agency.filter("awarding")]}


def _abbreviations() -> dict[str, str]:
    from whosbehind.refresh.agencies import _codes

    return {r["subtier_name"].upper(): r["subtier_abbreviation"] for r in _codes() if r["subtier_abbreviation"]}


def _as_list_row(r: dict[str, Any], abbreviations: dict[str, str]) -> list[str]:
    """One search result as a row of the API transaction list format the ingest reads."""
    def text(name: str) -> str:
        value = r.get(name)
        return "" if value is None else str(value)

    sub = text("Awarding Sub Agency")
    return [abbreviations.get(sub.upper(), sub), text("Award ID"), text("Recipient Name"), text("Transaction Amount"),
            text("Action Date"), text("Mod"), "", "", text("Transaction Description"), text("generated_internal_id")]


def search_transactions(client: Client, agency: RefreshAgency, start: date, end: date, state: RunState,
                        *, on_stage: Callable[[str], None] = lambda s: None) -> Slice:
    """Every contract transaction of the agency in the dates, page after page; past the first 50,000 rows the
    search is continued from the cursor (``last_record_unique_id``, ``last_record_sort_value``) of the page
    before. Pages are kept as they come, so a killed run goes on from the last page it had."""
    api = base_url()
    filters = _search_filters(agency, start, end)
    key = "search:" + json.dumps(filters, sort_keys=True)
    count = client.post_json(f"{api}/api/v2/search/spending_by_transaction_count/", {"filters": filters},
                             "USAspending transaction count")
    api_count = int((count.get("results") or {}).get("contracts", 0))
    progress = state.get(key) or {"page": 0, "cursor": None, "done": False}
    pages = state.path(f"search-{agency.key}-{start}-{end}.jsonl")
    if progress["page"] == 0:
        pages.unlink(missing_ok=True)
    while not progress["done"]:
        page = progress["page"] + 1
        body: dict[str, Any] = {"filters": filters, "fields": SEARCH_FIELDS, "limit": PAGE_LIMIT,
                                "sort": "Action Date", "order": "asc", "page": page}
        if progress["cursor"]:
            body["last_record_unique_id"], body["last_record_sort_value"] = progress["cursor"]
        answer = client.post_json(f"{api}/api/v2/search/spending_by_transaction/", body,
                                  f"USAspending transaction search page {page}")
        results = answer.get("results") or []
        meta = answer.get("page_metadata") or {}
        with open(pages, "a", encoding="utf-8") as handle:
            for r in results:
                handle.write(json.dumps(r, ensure_ascii=False) + "\n")
        cursor = ([meta["last_record_unique_id"], meta.get("last_record_sort_value")]
                  if meta.get("last_record_unique_id") is not None else None)
        if page * PAGE_LIMIT >= WINDOW and cursor is None and meta.get("hasNext"):
            raise FetchError(f"USAspending transaction search: page {page} reaches the {WINDOW:,}-row window and the "
                             "answer gives no cursor to go on; nothing was stored")
        progress = {"page": page, "cursor": cursor, "done": not (meta.get("hasNext") and results)}
        state.put(key, progress)
        if page % 50 == 0:
            on_stage(f"{agency.key}: {page * PAGE_LIMIT:,} of {api_count:,} transactions")
    abbreviations = _abbreviations()
    target = state.path(f"USAspending_API_{agency.key}_transactions_{start}_{end}.csv")
    rows = 0
    with open(pages, encoding="utf-8") as source, open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(API_TRANSACTION_LIST.columns)
        for line in source:
            writer.writerow(_as_list_row(json.loads(line), abbreviations))
            rows += 1
    from whosbehind.refresh.http import sha256_of

    fetched = Fetched(f"{api}/api/v2/search/spending_by_transaction/", target, sha256_of(target),
                      target.stat().st_size)
    return Slice("usaspending-search", agency.key, start, end, [fetched], rows, api_count)
