"""A local USAspending / FedRAMP server on 127.0.0.1 (a thread) that replays recorded answers (replay/, see
PROVENANCE.md) and breaks the way the real services break, as each test asks: a 5xx, a connection cut part-way
through a file, a truncated zip, a count that does not match, the 50,000-row window of the search."""

from __future__ import annotations

import copy
import functools
import json
import re
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

REPLAY = Path(__file__).parent / "replay"
ICE = "U.S. Immigration and Customs Enforcement"


@functools.cache
def _recorded_text(name: str) -> str:
    return (REPLAY / name).read_text("utf-8")


def recorded(name: str) -> Any:
    return json.loads(_recorded_text(name))


@dataclass
class Behaviour:
    zip_bytes: bytes = b""
    zip_name: str = "All_PrimeTransactionsAndSubawards_2026-11-30_H10M00S00000001.zip"
    total_rows: int | None = None  # the status's total_rows (None: the true count)
    running_polls: int = 1  # status answers "running" this many times first
    status_5xx: int = 0  # the status endpoint answers 503 this many times (after the first poll)
    cut_downloads: int = 0  # the download is cut after half of its bytes this many times
    truncate_zip: bool = False  # serve only the first half of the zip, as a whole response
    fedramp_bytes: bytes = b""
    fedramp_cuts: int = 0
    search_rows: int = 0
    search_window: int = 50_000
    search_gives_cursor: bool = True
    requests: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    search_bodies: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def true_count(self) -> int:
        import csv
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(self.zip_bytes)) as z:
            return sum(max(len(list(csv.reader(io.StringIO(z.read(n).decode("utf-8"))))) - 1, 0)
                       for n in z.namelist() if n.endswith(".csv"))

    def search_row(self, i: int) -> dict[str, Any]:
        """Row i of the search: a recorded row, as an ICE transaction with its own modification number."""
        row = copy.deepcopy(_templates()[i % 10])
        row["Awarding Sub Agency"] = ICE
        row["Awarding Agency"] = "Department of Homeland Security"
        row["Mod"] = f"R{i:06d}"
        row["internal_id"] = str(1_000_000 + i)
        return row


@functools.cache
def _templates() -> list[dict[str, Any]]:
    return recorded("search__spending_by_transaction.response.2.json")["results"]


def make_handler(b: Behaviour) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def setup(self) -> None:
            super().setup()
            # Headers and body go out as separate writes: without this, each answer waits on a delayed ACK.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _json(self, value: Any, status: int = 200) -> None:
            body = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def _file(self, data: bytes, cut: bool) -> None:
            start = 0
            ranged = self.headers.get("Range")
            if ranged:
                b.ranges.append(ranged)
                start = int(re.match(r"bytes=(\d+)-", ranged).group(1))
            part = data[start:]
            self.send_response(206 if start else 200)
            self.send_header("Content-Length", str(len(part)))
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            if cut:
                self.wfile.write(part[: len(part) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(part)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            with b.lock:
                b.requests.append(f"GET {url.path}")
            if url.path == "/api/v2/download/status/":
                polls = sum(1 for r in b.requests if r.endswith("/download/status/"))
                if polls > 1 and b.status_5xx:
                    b.status_5xx -= 1
                    return self._json({"detail": "Service Unavailable"}, 503)
                answer = recorded("download_status.usaspending-orm.json")
                answer["file_name"] = parse_qs(url.query)["file_name"][0]
                answer["file_url"] = f"/files/{b.zip_name}"
                if polls <= b.running_polls:
                    answer["status"], answer["file_url"], answer["total_rows"] = "running", None, None
                else:
                    answer["total_rows"] = b.true_count() if b.total_rows is None else b.total_rows
                return self._json(answer)
            if url.path == f"/files/{b.zip_name}":
                data = b.zip_bytes[: len(b.zip_bytes) // 2] if b.truncate_zip else b.zip_bytes
                cut = b.cut_downloads > 0
                b.cut_downloads -= 1
                return self._file(data, cut)
            if url.path == "/fedramp/data.json":
                cut = b.fedramp_cuts > 0
                b.fedramp_cuts -= 1
                return self._file(b.fedramp_bytes, cut)
            self._json({"detail": "not found"}, 404)

        def do_POST(self) -> None:
            url = urlparse(self.path)
            body = self._body()
            with b.lock:
                b.requests.append(f"POST {url.path}")
            if url.path == "/api/v2/bulk_download/awards/":
                answer = recorded("bulk_download__awards.response.2.json")
                answer["file_name"] = b.zip_name
                answer["file_url"] = f"/files/{b.zip_name}"
                answer["status_url"] = f"/api/v2/download/status/?file_name={b.zip_name}"
                answer["download_request"]["filters"]["agencies"] = body["filters"]["agencies"]
                return self._json(answer)
            if url.path == "/api/v2/search/spending_by_transaction_count/":
                answer = recorded("search__spending_by_transaction_count.response.2.json")
                answer["results"]["contracts"] = b.search_rows
                return self._json(answer)
            if url.path == "/api/v2/search/spending_by_transaction/":
                b.search_bodies.append(body)
                limit, page = int(body.get("limit", 10)), int(body.get("page", 1))
                if "last_record_unique_id" in body:
                    start = int(body["last_record_unique_id"]) - 1_000_000 + 1
                else:
                    start = (page - 1) * limit
                    if start + limit > b.search_window:
                        return self._json({"detail": f"page * limit may not exceed {b.search_window:,}; use "
                                           "last_record_unique_id and last_record_sort_value"}, 422)
                end = min(start + limit, b.search_rows)
                if not b.search_gives_cursor:
                    end = min(end, b.search_window)
                rows = [b.search_row(i) for i in range(start, end)]
                answer = recorded("search__spending_by_transaction.response.2.json")
                answer["limit"], answer["results"] = limit, rows
                meta = {"page": page, "hasPrevious": page > 1, "hasNext": end < b.search_rows,
                        "previous": page - 1 if page > 1 else None, "next": page + 1}
                if b.search_gives_cursor and rows:
                    meta["last_record_unique_id"] = int(rows[-1]["internal_id"])
                    meta["last_record_sort_value"] = rows[-1]["Action Date"]
                answer["page_metadata"] = meta
                return self._json(answer)
            self._json({"detail": "not found"}, 404)

    return Handler


class ReplayServer:
    def __init__(self, behaviour: Behaviour):
        self.behaviour = behaviour
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(behaviour))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
