"""Exceptions with messages an analyst can act on: which file, which row, which column, what was expected."""

from __future__ import annotations

from dataclasses import dataclass

from ejournal_lib.common.identity_numbers import redact

__all__ = ["EjournalError", "InputProblem", "InputError", "PrivacyError", "ConfigError"]


class EjournalError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class ConfigError(EjournalError):
    """A scenario or configuration file is missing, unreadable or has unknown or invalid entries."""


@dataclass(frozen=True)
class InputProblem:
    """One problem in an input file. ``row`` is the 1-based data row (header excluded), or None.

    Its text never shows an identity number, wherever one was (a file name, a column name, a value)."""

    file: str
    row: int | None
    column: str | None
    message: str
    personal_data: bool = False  # the problem is personal data in the input (refused outright)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return redact(f"{', '.join(where)}: {self.message}")


class InputError(EjournalError):
    """Input data failed validation; ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in input data:"] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class PrivacyError(InputError):
    """Input holds what looks like personal data (e.g. a national identity number); it is refused outright."""
