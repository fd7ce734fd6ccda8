"""Reading raw tables strictly: every problem in a file is collected (file, row, column, expectation)
before anything is computed, and values that look like national identity numbers are refused.

A :class:`TableSchema` lists the columns and their kinds. Files are read by
:func:`~ejournal_lib.common.table_files.read_table_file`; the Norwegian parsers here type the cells (numbers
may use a decimal comma; dates may be ISO text, day.month.year or Excel serial numbers), and pandera checks the
typed values (:func:`value_schema`: known codes, patterns, bounds, the unique key); every failure becomes one
problem with the file, row, column and what was expected.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ejournal_lib.common.errors import InputError, InputProblem, PrivacyError
from ejournal_lib.common.table_files import identity_problems, read_table_file

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__ = ["Column", "TableSchema", "read_raw_table", "validate_table", "value_schema"]

log = logging.getLogger(__name__)

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is text, code, int, float, share, date, datetime, time (of day) or bool.

    ``allowed`` restricts values (a set, or a callable returning a mask of valid values); ``pattern`` a regex
    for text codes; ``required=False`` allows empty cells; ``min``/``max`` bound numbers, or dates (ISO text),
    e.g. the study period.
    """

    name: str
    kind: str = "text"
    required: bool = True
    allowed: frozenset | Callable | None = None
    pattern: str | None = None
    min: float | str | None = None
    max: float | str | None = None
    description: str = ""


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()
    description: str = ""
    allow_extra: bool = False
    checks: tuple[Callable, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | (s.astype(str).str.strip() == "")


def _parse_number(s: pd.Series) -> pd.Series:
    text = s.astype(str).str.strip().str.replace(r"[\u2009\u202f\u00a0]", "", regex=True)
    text = text.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)  # decimal comma
    text = text.str.replace("\u2212", "-", regex=False)
    return pd.to_numeric(text, errors="coerce")


_NORWEGIAN_DATE = r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(.*)$"  # 03.02.2020 (Norwegian Excel exports)


def _parse_datetime(s: pd.Series, kind: str) -> pd.Series:
    """ISO text, Norwegian day.month.year, or an Excel serial number."""
    text = s.astype(str).str.strip()
    text = text.str.replace(_NORWEGIAN_DATE, lambda m: f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}{m[4]}", regex=True)
    serial = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    is_serial = serial.notna() & (serial > 20000) & (serial < 80000)
    out = pd.to_datetime(text.where(~is_serial), errors="coerce", format="ISO8601" if kind != "time" else None)
    out = out.where(~is_serial, _EXCEL_EPOCH + pd.to_timedelta(serial.where(is_serial), unit="D"))
    if kind == "date":
        out = out.dt.normalize()
    return out


def _parse_clock(s: pd.Series) -> pd.Series:
    """Time of day as a Timedelta since midnight: 'HH:MM', 'HH:MM:SS', or an Excel day fraction (0–1)."""
    text = s.astype(str).str.strip().str.replace(".", ":", regex=False)
    parts = text.str.extract(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
    h, m, sec = (pd.to_numeric(parts[i], errors="coerce") for i in range(3))
    ok = h.notna() & m.notna() & (h < 24) & (m < 60) & (sec.fillna(0) < 60)
    clock = pd.to_timedelta(h * 3600 + m * 60 + sec.fillna(0), unit="s").where(ok)
    frac = pd.to_numeric(s.astype(str).str.strip().str.replace(",", ".", regex=False), errors="coerce")
    is_frac = ~ok & frac.notna() & (frac >= 0) & (frac < 1)
    clock[is_frac] = pd.to_timedelta((frac[is_frac] * 86400).round(), unit="s")  # only fractions: no overflow
    return clock


def _date_forms(kind: str) -> str:
    """The forms of a date (or date and time) the parser accepts, as the message lists them."""
    clock = " HH:MM" if kind == "datetime" else ""
    return f"YYYY-MM-DD{clock}, DD.MM.YYYY{clock} or an Excel date"


def _pattern_message(col: Column, value: str) -> str:
    """What a code should look like, in words, with the likely code when a spreadsheet dropped a leading zero."""
    digits = re.fullmatch(r"\\d\{(\d+)\}", col.pattern or "")
    if digits:
        n = int(digits[1])
        message = f"expected a code of {n} digits, got {value[:40]!r}"
        if value.strip().isdigit() and len(value.strip()) < n:
            message += f" (a spreadsheet probably dropped the leading zero: {value.strip().zfill(n)}?)"
        return message
    return f"expected a value of the form {col.description or col.pattern}, got {value[:40]!r}"


def _unknown_message(col: Column, value: str) -> str:
    """An unknown code, with the nearest known code suggested."""
    if col.allowed is None or callable(col.allowed):
        return f"unknown value {value[:40]!r}; expected a known code"
    known = sorted(map(str, col.allowed))
    near = difflib.get_close_matches(value.strip(), known, n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    listed = f"{', '.join(known[:12])}{' …' if len(known) > 12 else ''}"
    return f"unknown value {value[:40]!r}{hint} (expected one of: {listed})"


def _coerce(df: pd.DataFrame, schema: TableSchema, file: str, problems: list[InputProblem]) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    for col in schema.columns:
        s = df[col.name]
        blank = _blank(s)
        if col.required:
            for i in df.index[blank]:
                problems.append(InputProblem(file, i + 1, col.name, "value is missing"))
        present = ~blank
        if col.kind in ("int", "float", "share"):
            val = _parse_number(s)
            bad = present & val.isna()
            if col.kind == "int":
                bad |= present & val.notna() & (val != np.round(val))
            for i in df.index[bad]:
                problems.append(
                    InputProblem(
                        file,
                        i + 1,
                        col.name,
                        f"expected a {'whole ' if col.kind == 'int' else ''}number, got {str(s[i])[:40]!r}",
                    )
                )
            out[col.name] = val.astype("Int64") if col.kind == "int" and not bad.any() else val
        elif col.kind == "time":
            val = _parse_clock(s)
            for i in df.index[present & val.isna()]:
                problems.append(
                    InputProblem(file, i + 1, col.name, f"expected a time of day (HH:MM), got {str(s[i])[:40]!r}")
                )
            out[col.name] = val
        elif col.kind in ("date", "datetime"):
            val = _parse_datetime(s, col.kind)
            for i in df.index[present & val.isna()]:
                problems.append(
                    InputProblem(
                        file,
                        i + 1,
                        col.name,
                        f"expected a {col.kind} ({_date_forms(col.kind)}), got {str(s[i])[:40]!r}",
                    )
                )
            out[col.name] = val
        elif col.kind == "bool":
            text = s.astype(str).str.strip().str.lower()
            mapping = {
                "true": True,
                "false": False,
                "1": True,
                "0": False,
                "ja": True,
                "nei": False,
                "yes": True,
                "no": False,
            }
            val = text.map(mapping)
            for i in df.index[present & val.isna()]:
                problems.append(InputProblem(file, i + 1, col.name, f"expected True/False, got {str(s[i])[:40]!r}"))
            out[col.name] = val
        else:  # text / code
            out[col.name] = s.astype(str).str.strip().where(present, None)
    return out


def _bounds(col: Column) -> tuple:
    """A column's lower and upper bound as its values are typed (shares lie in 0–1; dates as timestamps)."""
    if col.kind == "share":
        return 0.0, 1.0
    if col.kind in ("date", "datetime"):
        return tuple(None if b is None else pd.Timestamp(b) for b in (col.min, col.max))
    return col.min, col.max


def value_schema(schema: TableSchema) -> pa.DataFrameSchema:
    """The checks on a table's typed values as a pandera schema: known codes, code patterns, bounds and the
    unique key. Empty cells and values that did not parse are reported by the parsers, not here."""
    import pandera.pandas as pa  # imported when a table is checked (about 1 s), not with the library

    columns = {}
    for col in schema.columns:
        checks = []
        if col.pattern:
            checks.append(pa.Check.str_matches(rf"(?:{col.pattern})\Z"))
        if callable(col.allowed):
            allowed = col.allowed
            checks.append(pa.Check(lambda s, allowed=allowed: s.isna() | allowed(s), name="isin", ignore_na=False))
        elif col.allowed is not None:
            checks.append(pa.Check.isin(col.allowed))
        lo, hi = _bounds(col)
        if lo is not None:
            checks.append(pa.Check.ge(lo))
        if hi is not None:
            checks.append(pa.Check.le(hi))
        columns[col.name] = pa.Column(checks=checks, nullable=True, required=False)
    return pa.DataFrameSchema(
        columns, unique=list(schema.unique) or None, report_duplicates="exclude_first", strict=False
    )


def _value_problems(raw: pd.DataFrame, typed: pd.DataFrame, schema: TableSchema, file: str) -> list[InputProblem]:
    """Every failure of :func:`value_schema`, as the problem a reader acts on (row, column, expectation)."""
    import pandera.pandas as pa

    try:
        value_schema(schema).validate(typed, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    by_name = {c.name: c for c in schema.columns}
    problems, keys = [], set()
    for column, check, i in zip(cases["column"], cases["check"], cases["index"]):
        if i is None or pd.isna(i):
            continue
        i = int(i)
        col = by_name.get(column)
        if "uniqueness" in str(check):
            if i not in keys:
                keys.add(i)
                key = "/".join(schema.unique)
                message = f"duplicate key: the same {key} appears in an earlier row"
                problems.append(InputProblem(file, i + 1, ", ".join(schema.unique), message))
            continue
        if col is None:
            continue
        value: Any = typed.at[i, column]
        raw_text = str(raw.at[i, column])
        lo, hi = _bounds(col)
        if str(check).startswith("str_matches"):
            message = _pattern_message(col, raw_text)
        elif str(check).startswith("isin"):
            message = _unknown_message(col, raw_text)
        elif col.kind in ("date", "datetime"):
            period = " to ".join(f"{b:%Y-%m-%d}" if b is not None else "…" for b in (lo, hi))
            message = f"date {value:%Y-%m-%d} is outside the study period {period}"
        elif str(check).startswith("greater_than_or_equal_to"):
            message = f"expected a value ≥ {lo}, got {value}"
        else:
            message = f"expected a value ≤ {hi}, got {value}"
        problems.append(InputProblem(file, i + 1, column, message))
    order = list(by_name)
    return sorted(problems, key=lambda p: (p.row or 0, order.index(p.column) if p.column in order else -1))


def validate_table(df: pd.DataFrame, schema: TableSchema, file: str) -> tuple[pd.DataFrame, list[InputProblem]]:
    """Check and convert a raw frame (all cells as text). Returns the typed frame and every problem found.

    Identity numbers are checked first and raise :class:`PrivacyError` at once (naming file, row and column,
    never the number).
    """
    df = df.reset_index(drop=True)
    df.columns = [str(c).strip() for c in df.columns]
    privacy = identity_problems(df, file)
    if privacy:
        raise PrivacyError(privacy)
    problems: list[InputProblem] = []
    missing = [c for c in schema.column_names if c not in df.columns]
    extra = [c for c in df.columns if c not in schema.column_names]
    for c in missing:
        problems.append(InputProblem(file, None, c, f"column is missing (expected columns: {schema.column_names})"))
    if extra and not schema.allow_extra:
        for c in extra:
            problems.append(InputProblem(file, None, c, f"unexpected column (expected columns: {schema.column_names})"))
    if missing:
        return df, problems
    dup = df.duplicated(keep="first")
    for i in df.index[dup]:
        problems.append(InputProblem(file, i + 1, None, "duplicated row (identical to an earlier row)"))
    typed = _coerce(df, schema, file, problems)
    duplicated_rows = set(df.index[dup] + 1)
    problems += [
        p
        for p in _value_problems(df, typed, schema, file)
        if not (p.row in duplicated_rows and p.message.startswith("duplicate key"))
    ]
    for check in schema.checks:
        problems.extend(check(typed, file))
    return typed, problems


def read_raw_table(path: str | Path, schema: TableSchema) -> pd.DataFrame:
    """Read and validate one raw file; raises :class:`InputError` listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise InputError([InputProblem(str(path), None, None, "file not found")])
    typed, problems = validate_table(read_table_file(path), schema, str(path))
    if problems:
        raise InputError(problems)
    return typed
