"""Reading a raw table file into text cells, refusing what is not a table before any value is interpreted.

CSV files may be UTF-8 (with or without BOM), UTF-16 with its byte-order mark, or, as Norwegian Excel exports
often are, Windows-1252 (read with a notice); the separator is a comma or a semicolon. An Excel file must hold
one sheet (every sheet, hidden ones too, is scanned first). Every file is
checked for identity numbers in its name, its header and its cells first (never echoing them); then for the
shape of a table: not empty, a header with distinct names, at least one data row, no row with more fields
than the header (rows with fewer are padded with empty cells).
"""

from __future__ import annotations

import csv
import logging
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

from ejournal_lib.common.errors import InputError, InputProblem, PrivacyError
from ejournal_lib.common.identity_numbers import (
    IDENTITY_MESSAGE,
    contains_national_id,
    is_identity_like_column,
    text_has_national_id,
)

__all__ = ["read_table_file", "identity_problems", "scan_file_for_identity_numbers", "TABLE_SUFFIXES"]

log = logging.getLogger(__name__)

#: File suffixes read as tables.
TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")

_IDENTITY_MESSAGE = IDENTITY_MESSAGE


def identity_problems(df: pd.DataFrame, file: str) -> list[InputProblem]:
    """Every cell (and header) of ``df`` that holds an identity number, as problems that do not echo it."""
    out = []
    for j, c in enumerate(df.columns, start=1):
        if text_has_national_id(str(c)):
            out.append(InputProblem(file, None, f"column {j} (header)", _IDENTITY_MESSAGE, personal_data=True))
    for j, c in enumerate(df.columns, start=1):
        name = f"column {j}" if text_has_national_id(str(c)) else str(c)
        mask = contains_national_id(df.iloc[:, j - 1], identity_like=is_identity_like_column(c))
        rows = np.flatnonzero(mask.to_numpy())
        out += [InputProblem(file, int(i) + 1, name, _IDENTITY_MESSAGE, personal_data=True) for i in rows]
    return out


def scan_file_for_identity_numbers(path: Path) -> list[InputProblem]:
    """Identity numbers anywhere in a file of any kind (its name, every line of text or every Excel cell)."""
    path = Path(path)
    if text_has_national_id(path.name):
        return [InputProblem(str(path), None, None, "the file name " + _IDENTITY_MESSAGE, personal_data=True)]
    if path.suffix.lower() in TABLE_SUFFIXES[1:]:
        try:
            sheets = pd.read_excel(path, dtype=object, header=None, sheet_name=None)
        except Exception:
            return []
        return [
            InputProblem(
                str(path), int(i) + 1, f"sheet {name!r}, column {j + 1}", _IDENTITY_MESSAGE, personal_data=True
            )
            for name, sheet in sheets.items()
            for j in range(sheet.shape[1])
            for i in sheet.index[contains_national_id(sheet.iloc[:, j].fillna(""))]
        ]
    raw = path.read_bytes()
    text = raw.decode("utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else raw.decode("utf-8", errors="replace")
    return [
        InputProblem(str(path), None, f"line {n}", _IDENTITY_MESSAGE, personal_data=True)
        for n, line in enumerate(text.splitlines(), start=1)
        if text_has_national_id(line)
    ]


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Excel's "Unicode text")
        return raw.decode("utf-16")
    if b"\x00" in raw:
        message = "holds NUL bytes: not a text table (UTF-16 without a byte-order mark?); save it as UTF-8 CSV"
        raise InputError([InputProblem(str(path), None, None, message)])
    try:
        return raw.decode("utf-8-sig")  # strips a BOM if present
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        log.warning("%s is not UTF-8; read as Windows-1252 (Norwegian Excel export)", path)
        return text


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _rows(path: Path) -> list[list[str]]:
    if path.suffix.lower() in TABLE_SUFFIXES[1:]:
        try:
            sheets = pd.read_excel(path, dtype=object, header=None, sheet_name=None)  # every sheet, hidden too
        except Exception as exc:
            raise InputError([InputProblem(str(path), None, None, "not a readable Excel workbook")]) from exc
        privacy = [
            InputProblem(str(path), int(i) + 1, f"sheet {n + 1}, column {j + 1}", _IDENTITY_MESSAGE, personal_data=True)
            for n, sheet in enumerate(sheets.values())
            for j in range(sheet.shape[1])
            for i in sheet.index[contains_national_id(sheet.iloc[:, j].map(_cell_text))]
        ]
        if privacy:
            raise PrivacyError(privacy)
        if len(sheets) > 1:
            message = (
                f"holds {len(sheets)} sheets (hidden ones counted); an input workbook holds one table in one sheet, "
                "so that nothing in it goes unread: move the others to files of their own"
            )
            raise InputError([InputProblem(str(path), None, None, message)])
        sheet = next(iter(sheets.values()))
        return [[_cell_text(v) for v in row] for row in sheet.itertuples(index=False)]
    text = _decode(path, path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")  # old Mac line ends too
    first = text.lstrip().split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(StringIO(text), delimiter=sep))


def read_table_file(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Excel table with every cell as text; raises :class:`InputError` (or
    :class:`PrivacyError`) listing every problem of the file's shape and every identity number found."""
    path = Path(path)
    file = str(path)
    if text_has_national_id(path.name):
        raise PrivacyError([InputProblem(file, None, None, "the file name " + _IDENTITY_MESSAGE, personal_data=True)])
    if not path.is_file():
        raise InputError([InputProblem(file, None, None, "file not found (expected a CSV or Excel table)")])
    rows = [r for r in _rows(path) if any(c.strip() for c in r)]  # blank lines are not rows
    if not rows:
        raise InputError([InputProblem(file, None, None, "the file is empty (expected a header row and data rows)")])
    header = [c.strip() for c in rows[0]]
    while header and not header[-1] and all(len(r) < len(header) or not r[len(header) - 1].strip() for r in rows):
        header.pop()  # a trailing separator on every line
    data = rows[1:]
    privacy = [
        InputProblem(file, i, None, _IDENTITY_MESSAGE, personal_data=True)
        for i, r in enumerate(data, start=1)
        if len(r) != len(header) and text_has_national_id(" | ".join(r))
    ]
    shaped = [r[: len(header)] + [""] * (len(header) - len(r)) for r in data]
    frame = pd.DataFrame(shaped, columns=range(len(header)), dtype=object)
    frame.columns = header
    privacy += identity_problems(frame, file)
    if privacy:
        raise PrivacyError(privacy)
    problems = []
    for i, r in enumerate(data, start=1):
        extra_filled = any(c.strip() for c in r[len(header) :])
        if len(r) > len(header) and extra_filled:
            problems.append(
                InputProblem(
                    file,
                    i,
                    None,
                    f"the row has {len(r)} fields but the header has {len(header)}; a decimal comma in a "
                    'comma-separated file must be quoted ("12,5"), or use semicolons as the separator',
                )
            )
    for name in sorted({c for c in header if header.count(c) > 1}):
        problems.append(InputProblem(file, None, name, "the column name appears more than once in the header"))
    if not data:
        problems.append(InputProblem(file, None, None, "the file has a header row but no data rows"))
    if problems:
        raise InputError(problems)
    return frame
