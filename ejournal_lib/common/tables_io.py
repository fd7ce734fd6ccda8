"""Reading and writing processed tables (``data/processed/<name>.csv``): UTF-8, no index, written
atomically; code columns (``*_code``) stay text so that leading zeros survive. Beside each table,
``<name>.meta.json`` holds what a reader of the workbook needs to know about it (its title, and whether it
is built from synthetic example data). A text cell a spreadsheet would read as a formula is written as text
(:func:`inert`)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pandas as pd

__all__ = ["write_table", "read_table", "read_table_meta", "inert", "FORMULA_START", "TABLE_NAME"]

log = logging.getLogger(__name__)

#: A processed table's name: lower snake case (it is also the CSV file's stem).
TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


#: A text cell starting with one of these is a formula to a spreadsheet (OWASP's CSV-injection rule).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell that a spreadsheet would read as a formula written as text: prefixed by
    "'" (a cell that starts with "'" gets one more, so that :func:`read_table` gives back exactly what was
    written); numbers, dates and other text are unchanged."""
    out = df
    for column in df.columns:
        values = df[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        marked = values.map(lambda v: isinstance(v, str) and v.startswith((*FORMULA_START, "'")))
        if marked.any():
            if out is df:
                out = df.copy()
            out[column] = values.where(~marked, "'" + values.astype(str))
    return out


def _restored(df: pd.DataFrame) -> pd.DataFrame:
    """What :func:`inert` wrote, as it was: one leading "'" of a text cell dropped."""
    for column in df.columns:
        values = df[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            marked = values.map(lambda v: isinstance(v, str) and v.startswith("'"))
            if marked.any():
                df[column] = values.where(~marked, values.astype(str).str[1:])
    return df


def write_table(df: pd.DataFrame, name: str, processed_dir: str | Path, meta: dict | None = None) -> Path:
    """Write ``df`` to ``<processed_dir>/<name>.csv`` (and ``meta``, e.g. ``{"caption": …, "synthetic": …}``,
    to ``<name>.meta.json``) atomically; return the CSV's path."""
    if not TABLE_NAME.match(name):
        raise ValueError(f"table name {name!r} must be lower_snake_case")
    folder = Path(processed_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    tmp = path.with_suffix(".csv.tmp")
    inert(df).to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(path)
    meta_path = folder / f"{name}.meta.json"
    if meta is not None:
        tmp = meta_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
        tmp.replace(meta_path)
    else:
        meta_path.unlink(missing_ok=True)
    log.info("wrote %s (%d rows)", path, len(df))
    return path


def read_table_meta(processed_dir: str | Path, name: str) -> dict:
    """The table's metadata (empty if none was written)."""
    path = Path(processed_dir) / f"{name}.meta.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a processed table; columns named ``*_code`` or ``code`` stay text (leading zeros kept)."""
    header = pd.read_csv(path, nrows=0).columns
    text_cols = {c: str for c in header if c == "code" or c.endswith("_code")}
    return _restored(pd.read_csv(path, dtype=text_cols))
