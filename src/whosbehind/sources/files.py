"""Finding the CSV files behind the paths a user names: loose files, zip archives, folders.

Each CSV becomes a :class:`CsvInput` with a local path DuckDB can read, the sha256 of its bytes (the same
whether it came loose or inside a zip, so the same file is recognised however it arrives) and its first
line. Bytes are read in fixed-size chunks, so memory stays bounded whatever the file size.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from whosbehind import settings
from whosbehind.errors import InputError

CHUNK = 4 * 1024 * 1024
# A zip member may expand to at most settings.zip_max_ratio() times its compressed size (default 100): real
# USAspending CSVs expand 4 to 15 times (the bundled sample), a zip bomb a thousand times.
# Disk space kept free when a member is extracted, for the database copy and DuckDB's own files.
FREE_MARGIN = 256 * 1024 * 1024
SUPPORTED_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class CsvInput:
    """One CSV file ready to be read: where it is on disk and what it is."""

    display_name: str  # what the user recognises: path, or archive.zip!member.csv
    file_name: str  # base name, used to recognise export dates and series
    local_path: Path
    sha256: str
    size: int
    first_line: str
    has_bom: bool


def expand_paths(paths: list[Path]) -> list[Path]:
    """Folders become the CSV and zip files inside them, in a stable order."""
    found: list[Path] = []
    for path in paths:
        _readable(path)
        if path.is_dir():
            try:
                members = sorted(p for p in path.rglob("*") if p.suffix.lower() in {".csv", ".zip"})
            except OSError as exc:
                raise InputError(str(path), f"cannot list this folder: {exc.strerror or exc}") from exc
            if not members:
                raise InputError(str(path), "folder holds no .csv or .zip files")
            for member in members:
                _regular_file(member)
            found.extend(members)
        elif path.suffix.lower() in {".csv", ".zip"}:
            _regular_file(path)
            found.append(path)
        else:
            raise InputError(str(path), "not a .csv or .zip file")
    return found


def _regular_file(path: Path) -> None:
    """Only files are read: a pipe or a device (/dev/zero) named .csv would hang the run or never end."""
    if not stat.S_ISREG(_readable(path).st_mode):
        raise InputError(str(path), "not a regular file (a pipe, a device or a socket); give a file")


def _readable(path: Path) -> os.stat_result:
    """The file's status, or one line saying why it cannot be read (missing, a symlink loop, no permission)."""
    try:
        return path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise InputError(str(path), "a symbolic link to nothing") from None
        raise InputError(str(path), "no such file or folder") from None
    except OSError as exc:  # ELOOP: a link that leads back to itself
        raise InputError(str(path), f"cannot be read: {exc.strerror or exc}") from None


def total_bytes(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


def iter_csv_inputs(
    paths: list[Path], workdir: Path, on_bytes: Callable[[int], None] = lambda n: None
) -> Iterator[CsvInput]:
    """Yield every CSV behind ``paths``; zip members are extracted one at a time into ``workdir``."""
    for path in paths:
        if path.suffix.lower() == ".zip":
            yield from _iter_zip(path, workdir, on_bytes)
        else:
            yield _scan(path, str(path), path.name, on_bytes)


def _iter_zip(path: Path, workdir: Path, on_bytes: Callable[[int], None]) -> Iterator[CsvInput]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(str(path), f"not a readable zip archive (truncated or damaged?): {exc}") from exc
    with archive:
        members = sorted(
            (m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".csv")),
            key=lambda m: m.filename,
        )
        if not members:
            raise InputError(str(path), "zip archive holds no .csv files")
        for index, member in enumerate(members):
            display = f"{path}!{member.filename}"
            target = workdir / f"{index}_{Path(member.filename).name}"
            if member.flag_bits & 0x1:
                raise InputError(display, "encrypted (password-protected) zip member: extract it yourself and "
                                          "ingest the CSV")
            if member.compress_type not in SUPPORTED_COMPRESSION:
                raise InputError(display, f"compressed with a method this reader does not support (zip method "
                                          f"{member.compress_type}); re-zip it with deflate, or ingest the CSV")
            limit = _expansion_limit(display, member, workdir)
            try:
                with archive.open(member) as src, open(target, "wb") as dst:
                    _copy_at_most(src, dst, limit, display)
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise  # the disk is full: said as such by the command
                raise InputError(display, f"cannot extract from zip: {exc.strerror or exc}") from exc
            except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, zlib.error, RuntimeError,
                    NotImplementedError, ValueError) as exc:
                raise InputError(display, f"cannot extract from zip (truncated or damaged?): {exc}") from exc
            yield _scan(target, display, Path(member.filename).name, on_bytes)
            # The next member reuses the disk space: only one extracted file exists at a time.
            target.unlink(missing_ok=True)


def _expansion_limit(display: str, member: zipfile.ZipInfo, workdir: Path) -> int:
    """How many bytes this member may expand to; refused before anything is written when it says more."""
    max_ratio = settings.zip_max_ratio()
    allowed = int(max(member.compress_size, 1) * max_ratio)
    if member.file_size > allowed:
        ratio = member.file_size / max(member.compress_size, 1)
        raise InputError(display, f"expands to {member.file_size:,} bytes, {ratio:,.0f} "
                                  f"times its compressed size (at most {max_ratio:g} times is read: a zip bomb?); "
                                  "nothing was extracted")
    free = shutil.disk_usage(workdir).free - FREE_MARGIN
    if member.file_size > free:
        raise InputError(display, f"expands to {member.file_size:,} bytes, more than the free disk space "
                                  f"({max(free, 0):,} bytes beside the database); nothing was extracted")
    return min(allowed, max(member.file_size, 0))


def _copy_at_most(src: IO[bytes], dst: IO[bytes], limit: int, display: str) -> None:
    """Copy, stopping as soon as more bytes come out than the member declared (a forged size)."""
    written = 0
    while chunk := src.read(CHUNK):
        written += len(chunk)
        if written > limit:
            raise InputError(display, f"expands beyond the {limit:,} bytes its zip entry declares (a forged size?); "
                                      "extraction stopped")
        dst.write(chunk)


def _scan(path: Path, display: str, file_name: str, on_bytes: Callable[[int], None]) -> CsvInput:
    """Hash the file and check it is UTF-8 in one streaming pass."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    size = 0
    newlines = 0
    quotes = 0
    first_chunk = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            if not first_chunk:
                first_chunk = chunk
            digest.update(chunk)
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line = newlines + chunk.count(b"\n", 0, exc.start) + 1
                bad = chunk[exc.start : exc.start + 1].hex()
                raise InputError(
                    display,
                    f"not UTF-8 text (byte 0x{bad}); USAspending files are UTF-8, this one may be "
                    "latin-1 or re-saved by a spreadsheet: save it as UTF-8 and try again",
                    line=line,
                ) from exc
            newlines += chunk.count(b"\n")
            quotes += chunk.count(b'"')
            size += len(chunk)
            on_bytes(len(chunk))
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise InputError(display, "file ends in the middle of a UTF-8 character (truncated?)") from exc
    if size == 0:
        raise InputError(display, "empty file: no header and no rows")
    if quotes % 2:
        # A quote inside a quoted field is written twice, so a whole CSV file has an even number of them. Checked
        # here because the CSV reader, reading in one thread, drops a last row whose quotes are never closed.
        raise InputError(display, "the file ends inside a quoted field that is never closed (cut short?)",
                         line=newlines + 1)
    if newlines == 0 and b"\r" in first_chunk:
        raise InputError(display, "lines end with a carriage return only (old Mac line endings); save the file "
                                  "with Windows (CRLF) or Unix (LF) line endings and try again", line=1)
    has_bom = first_chunk.startswith(UTF8_BOM)
    text = first_chunk[len(UTF8_BOM) :] if has_bom else first_chunk
    first_line = text.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", errors="replace")
    return CsvInput(display, file_name, path, digest.hexdigest(), size, first_line, has_bom)


def duckdb_literal_path(path: Path) -> str:
    """The path as DuckDB's file readers take it literally: absolute (no ``~`` or ``s3://`` reading) and with
    its glob characters bracketed (``tx*.csv`` is the file of that name, not every file it would match)."""
    return re.sub(r"([*?\[])", r"[\1]", os.path.abspath(path))


def make_workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="whosbehind-"))
