"""The recipient, subrecipient and parent names of the bundled records, each with the file and row it is on.

The labelled set (``labels.csv``) points at names by archive, member, data row and column rather than
copying them: a person's name is read back from the public row it was published in, and is written nowhere
else. Rows are numbered as whosbehind numbers them (``_row``: 1-based data rows, the header not counted; in
a file that continues a series without a header, the first line is row 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from whosbehind.sources import all_formats

SAMPLE = Path(str(resources.files("whosbehind").joinpath("sample")))
LABELS = Path(__file__).resolve().parent / "labels.csv"

# The columns that name a recipient, a subrecipient or a parent, per format (canonical column names).
NAME_COLUMNS = {
    "prime_award_transactions": ("recipient_name", "recipient_parent_name"),
    "prime_award_summaries": ("recipient_name", "recipient_parent_name"),
    "transactions_2018": ("recipient_name", "recipient_parent_name"),
    "api_transactions": ("Recipient Name",),
    "subawards": ("subawardee_name", "subawardee_parent_name", "prime_awardee_name", "prime_awardee_parent_name"),
}


@dataclass(frozen=True)
class NameCell:
    archive: str  # file name in src/whosbehind/sample
    member: str  # path inside the archive
    row: int
    column: str
    name: str
    fmt: str
    record: dict[str, str]  # the whole row, canonical column names


def _format_of(header: list[str]):
    for fmt in all_formats():
        if tuple(header) == fmt.columns:
            return fmt, True
        if fmt.aliases and tuple(fmt.aliases.get(c, c) for c in header) == fmt.columns:
            return fmt, True
    for fmt in all_formats():
        if fmt.headerless_continuations and len(header) == len(fmt.columns):
            return fmt, False
    return None, False


def iter_rows(archive: Path) -> Iterator[tuple[str, object, int, dict[str, str]]]:
    """(member, format, row number, row as {canonical column: value}) for every data row of an archive."""
    with zipfile.ZipFile(archive) as z:
        for member in sorted(m for m in z.namelist() if m.lower().endswith(".csv")):
            text = z.read(member).decode("utf-8-sig")
            reader = csv.reader(io.StringIO(text))
            first = next(reader, None)
            if first is None:
                continue
            fmt, has_header = _format_of(first)
            if fmt is None:
                continue
            rows = reader if has_header else _chain(first, reader)
            for number, values in enumerate(rows, start=1):
                yield member, fmt, number, dict(zip(fmt.columns, values, strict=False))


def _chain(first, rest):
    yield first
    yield from rest


def iter_name_cells() -> Iterator[NameCell]:
    for archive in sorted(SAMPLE.glob("*.zip")):
        for member, fmt, number, record in iter_rows(archive):
            for column in NAME_COLUMNS.get(fmt.key, ()):
                name = (record.get(column) or "").strip()
                if name:
                    yield NameCell(archive.name, member, number, column, name, fmt.key, record)


def read_cell(archive: str, member: str, row: int, column: str) -> str:
    """The name published at one cell of the bundled sample."""
    for m, _fmt, number, record in iter_rows(SAMPLE / archive):
        if m == member and number == row:
            return (record.get(column) or "").strip()
    raise KeyError(f"{archive}!{member} row {row}")


def labelled(path: Path = LABELS) -> list[dict]:
    """Each label of labels.csv with its bundled row (``record``, canonical columns), its format (``fmt``) and
    the name it points at (``text``). An organization's label also carries the name, which must agree."""
    with open(path, encoding="utf-8", newline="") as handle:
        labels = list(csv.DictReader(handle))
    wanted = defaultdict(set)
    for label in labels:
        wanted[(label["archive"], label["member"])].add(int(label["row"]))
    found = {}
    for archive in sorted({a for a, _m in wanted}):
        for member, fmt, number, record in iter_rows(SAMPLE / archive):
            if number in wanted.get((archive, member), ()):
                found[(archive, member, number)] = (fmt, record)
    out = []
    for label in labels:
        fmt, record = found[(label["archive"], label["member"], int(label["row"]))]
        name = (record.get(label["column"]) or "").strip()
        if not name or (label["name"] and label["name"] != name):
            raise ValueError(f"labels.csv: {label['member']} row {label['row']} {label['column']} is {name!r}, "
                             f"not {label['name']!r}")
        out.append({**label, "fmt": fmt, "record": record, "text": name})
    return out
