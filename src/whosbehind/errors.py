"""Errors a user sees as one readable line: what is wrong, in which file, and where."""

from __future__ import annotations


def first_line(exc: BaseException) -> str:
    """The first line of an error's message (DuckDB adds context lines and hints below it), else its type's name."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def os_error_text(exc: OSError) -> str:
    """What went wrong with which file: a copy or a rename names both files (shutil's sendfile copy: the source,
    then the copy it was writing)."""
    where = (f"{exc.filename} -> {exc.filename2}: " if exc.filename and exc.filename2
             else f"{exc.filename}: " if exc.filename else "")
    return f"{where}{exc.strerror or exc}"


class WhosbehindError(Exception):
    """An error whose message is meant for the person at the keyboard, not a stack trace."""


class InputError(WhosbehindError):
    """A file that cannot be ingested as it is. Nothing from the run is kept."""

    def __init__(self, file: str, problem: str, *, line: int | None = None, row: int | None = None):
        self.file = file
        self.problem = problem
        self.line = line
        self.row = row
        where = ""
        if row is not None:
            where = f" row {row}:"
        elif line is not None:
            where = f" line {line}:"
        super().__init__(f"{file}:{where} {problem}")
