"""Exceptions with messages an analyst can act on: which file, which row, which column, what was expected."""

from __future__ import annotations

import errno
from dataclasses import dataclass

from ejournal_lib.common.identity_numbers import redact

__all__ = ["EjournalError", "InputProblem", "InputError", "PrivacyError", "ConfigError", "os_problem"]


class EjournalError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class ConfigError(EjournalError):
    """A scenario or configuration file is missing, unreadable or has unknown or invalid entries."""


@dataclass(frozen=True)
class InputProblem:
    """One problem in an input file. ``row`` is the 1-based data row (header excluded), or None; the text
    shows it as the row a spreadsheet or an editor shows (the header is row 1, so data row 1 is row 2).

    Its text never shows an identity number, wherever one was (a file name, a column name, a value)."""

    file: str
    row: int | None
    column: str | None
    message: str
    personal_data: bool = False  # the problem is personal data in the input (refused outright)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row + HEADER_ROWS}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return redact(f"{', '.join(where)}: {self.message}")


#: Rows above the first data row (the header): a data row is shown as the row the file shows.
HEADER_ROWS = 1

#: At most this many lines in an error message; ``problems`` always holds them all.
MAX_LINES = 40


def _rows(rows: list[int]) -> str:
    """``[2, 3, 4, 7]`` → ``rows 2–4, 7``."""
    spans, start = [], rows[0]
    for prev, cur in zip(rows, [*rows[1:], -1]):  # -1: no row follows
        if cur != prev + 1:
            spans.append(f"{start}–{prev}" if prev > start else str(start))
            start = cur
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(spans)


def grouped_lines(problems: list[InputProblem]) -> list[str]:
    """One line per distinct (file, column, message), its rows grouped ("rows 2–13"), in order of first
    appearance, at most :data:`MAX_LINES` (then a count of the rest)."""
    groups: dict[tuple, list[int | None]] = {}
    for p in problems:
        groups.setdefault((p.file, p.column, p.message), []).append(p.row)
    lines = []
    for (file, column, message), rows in groups.items():
        numbered = sorted({r + HEADER_ROWS for r in rows if r is not None})
        where = [file] + ([_rows(numbered)] if numbered else []) + ([f"column '{column}'"] if column else [])
        lines.append(redact(f"{', '.join(where)}: {message}"))
    if len(lines) > MAX_LINES:
        rest = len(lines) - MAX_LINES
        lines = lines[:MAX_LINES] + [f"… and {rest} more kind(s) of problem (every one is in the error's list)"]
    return lines


class InputError(EjournalError):
    """Input data failed validation; ``problems`` lists every problem found, not just the first. The message
    groups repeated problems by rows and is capped in length."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in input data:"] + [f"  - {p}" for p in grouped_lines(self.problems)]
        super().__init__("\n".join(lines))


class PrivacyError(InputError):
    """Input holds what looks like personal data (e.g. a national identity number); it is refused outright."""


def os_problem(exc: OSError) -> str:
    """What went wrong with the file system, as the reader can act on it (no traceback)."""
    where = exc.filename or "the output folder"
    if exc.errno == errno.ENOSPC:
        return (
            f"the disk is full (writing {where}); nothing new was published, and what the run had written is "
            "removed: free some space and run again"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{where} cannot be written (read-only, or no permission): choose another output folder with --out"
    if exc.errno == errno.ENOTDIR:
        return f"{where}: a file is where a folder should be"
    return f"{exc.strerror or exc}: {where}"
